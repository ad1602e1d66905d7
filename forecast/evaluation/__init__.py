"""Evaluation: the one year-end case enumeration (``cases``) and the backtest (``backtest``)."""
