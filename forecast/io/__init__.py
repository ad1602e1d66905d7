"""Reading and writing files.

``parsing`` (Swedish numbers and months), ``importer`` (user ledger files), ``export`` (xlsx/csv
writer with metadata), ``formatting`` (Swedish display of amounts and percentages).
"""
