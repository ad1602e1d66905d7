"""Variants of the embedded region's division and region totals, backtested."""
