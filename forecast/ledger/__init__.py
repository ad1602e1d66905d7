"""The ledger: the one data shape, its dimensions and the dataset that holds them.

``schema`` (column constants, validation, the Nixtla boundary), ``dimensions`` (units, accounts,
measures, the constants shared by follow-up, forecast and scenarios), ``dataset`` (one loaded
set of ledger, organisation and plan data), ``month`` (the ``Month`` type, ``parse_as_of`` and
the text edge), ``as_of`` (the one check of an as-of month against a data set).
"""
