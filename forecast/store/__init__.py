"""The store shared by laid forecasts and scenarios (SQLite by default, or PostgreSQL)."""
