"""Evaluation: year-end cases and the backtest that measures a method's year-end error."""
