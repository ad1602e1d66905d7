"""The ``budgetprognos`` command line: one module per subcommand, thin, no arithmetic.

Every subcommand shares one prelude (``common``: data loading, Swedish errors, checks).
"""
