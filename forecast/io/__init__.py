"""Reading and writing files.

``parsing`` (Swedish numbers and months), ``collect`` (cell parsers and the problem list every
reader shares), ``readers`` and ``dataset_files`` (a user's files), ``export`` (xlsx/csv writer
with metadata), ``formatting`` (Swedish display of amounts and percentages).
"""
