"""The ledger: the one data shape, its dimensions and the dataset that holds them.

``schema`` (column constants, validation, the Nixtla boundary), ``dimensions`` (units, accounts,
measures), ``dataset`` (one loaded set of ledger, organisation and plan data).
"""
