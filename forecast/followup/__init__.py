"""Follow-up (uppföljning): the outcome-against-budget tables of the committee report.

Pure functions over a dataset and an as-of month: ``tables`` (the tables and their one export
builder ``followup_export``), ``transition`` (the transition plan's full-year projection).
"""
