"""The ``budgetprognos`` command line: one module per subcommand, thin, no arithmetic."""
