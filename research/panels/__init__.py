"""Other public panels: converters to the long format, and cross-panel reports."""
