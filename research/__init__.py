"""Research on the forecasting defaults: experiments, panel converters, rules and results.

Not part of the installed product (``pyproject.toml`` installs only ``forecast``,
``scenarios``, ``ui`` and ``cli``). Run a script from the repository root as a module, e.g.
``.venv/bin/python -m research.m3.m3_members --help``; see ``research/README.md``.
"""
