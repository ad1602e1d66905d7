"""argparse in Swedish: the usage line, the section titles, ``-h`` and every error message.

argparse builds its texts with ``gettext`` but ships no Swedish catalogue, and installing one
would depend on the user's locale. :class:`SwedishParser` instead names its own usage prefix
and section titles and translates argparse's error messages by their (stable, documented)
English patterns in :data:`ERRORS`; a message no pattern matches is shown as argparse wrote
it, prefixed by ``fel:``. Every subcommand parser is a :class:`SwedishParser` too (argparse
makes sub-parsers of the parent's class).
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, Final, NoReturn

USAGE_PREFIX: Final = "användning: "
_ARGUMENT_DETAILS: Final = (
    (r"invalid choice: (.*) \(choose from (.*)\)", r"ogiltigt val: \2 (välj bland \3)"),
    (r"expected one argument", r"ett värde behövs"),
    (r"expected at least one argument", r"minst ett värde behövs"),
    (r"expected at most one argument", r"högst ett värde tillåts"),
    (r"expected (\d+) arguments?", r"\2 värden behövs"),
    (r"invalid int value: (.*)", r"inget heltal: \2"),
    (r"invalid float value: (.*)", r"inget tal: \2"),
    (r"invalid (.*?) value: (.*)", r"ogiltigt värde: \3"),
    (r"not allowed with argument (.*)", r"kan inte anges tillsammans med \2"),
    (r"ignored explicit argument (.*)", r"tar inget värde (fick \2)"),
)
"""argparse's ``argument X: <detail>`` messages by their detail, first match first; group 1 is
the argument, so a detail's own groups count from 2."""
ERRORS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(p), r) for p, r in (
        (r"^the following arguments are required: (.*)$", r"följande argument krävs: \1"),
        (r"^unrecognized arguments: (.*)$", r"okända argument: \1"),
        *((rf"^argument (.*?): {p}$", rf"argument \1: {r}") for p, r in _ARGUMENT_DETAILS),
        (r"^one of the arguments (.*) is required$", r"ett av argumenten \1 krävs"),
        (r"^ambiguous option: (.*?) could match (.*)$",
         r"flaggan \1 är tvetydig: den kan betyda \2"),
    ))

def translate(message: str) -> str:
    """Argparse's English error message in Swedish (unchanged if no pattern matches).

    >>> translate("unrecognized arguments: --foo")
    'okända argument: --foo'
    """
    for pattern, repl in ERRORS:
        if pattern.match(message):
            return pattern.sub(repl, message)
    return message


class SwedishFormatter(argparse.HelpFormatter):
    """Help text with ``användning:`` instead of ``usage:``."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        """The usage line, prefixed ``användning:``."""
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)


class SwedishParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose usage, titles, ``-h`` and errors are Swedish."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", SwedishFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argument"
        self._optionals.title = "flaggor"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "visa den här hjälpen och avsluta"

    def error(self, message: str) -> NoReturn:
        """Print the usage and the Swedish message on stderr; exit with code 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fel: {translate(message)}\n")
