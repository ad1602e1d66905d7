"""The region forecast and its totals.

``region`` (per-series forecasting: resolve → run → assemble, with a ``SeriesForecaster``
passed in), ``result`` (paths per series), ``hierarchy`` (division, category and region totals
path by path), ``fan`` (fan-chart data of a group), ``tables`` (the årsprognos tables and their
one export builder ``prognos_export``).
"""
