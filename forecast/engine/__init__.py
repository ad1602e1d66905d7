"""The region forecast and its totals.

``region`` (per-series forecasting with fallback), ``result`` (paths per series), ``hierarchy``
(division, category and region totals path by path), ``tables`` (the årsprognos tables).
"""
