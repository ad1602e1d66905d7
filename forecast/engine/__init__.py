"""The region forecast and its totals.

``region`` (per-series forecasting: resolve → run → assemble, with a ``SeriesForecaster``
passed in), ``result`` (paths per series), ``hierarchy`` (division, category and region totals
path by path), ``joint`` (paths paired across series), ``level`` and ``totals_width`` (the
level correction and the net totals' range floor from earlier errors), ``fan`` (fan-chart data
of a group), ``tables`` (the årsprognos tables and their
one export builder ``prognos_export``).
"""
