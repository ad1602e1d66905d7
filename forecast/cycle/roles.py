"""Who may do what: roles from a small TOML file.

Controllers lay and lock forecasts and edit adjustments; everyone else reads and runs
scenarios. The file is ``$BUDGETPROGNOS_ROLES`` or ``~/.budgetprognos/roller.toml``::

    [roller]
    controller = ["anna.andersson", "bo@region.se"]

Names are compared case-insensitively. Without a file every user is a controller (one
person's own machine); with one, only the names listed are.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ENV_ROLES = "BUDGETPROGNOS_ROLES"
DEFAULT_ROLES = Path("~/.budgetprognos/roller.toml")
CONTROLLER = "controller"
MAX_BYTES = 100_000


class RolesError(ValueError):
    """The roles file cannot be read (Swedish message naming the file)."""


@dataclass(frozen=True)
class Roles:
    """The controllers; ``None`` = no roles file (everyone may)."""

    controllers: frozenset[str] | None
    source: str = ""

    def is_controller(self, who: str) -> bool:
        """True if ``who`` may lay, lock and edit adjustments."""
        return self.controllers is None or who.strip().casefold() in self.controllers

    def require_controller(self, who: str, action: str) -> None:
        """Raise :class:`PermissionError` (Swedish) unless ``who`` is a controller."""
        if not self.is_controller(who):
            raise PermissionError(f"'{who}' får inte {action}: rollen controller krävs "
                                  f"(rollerna står i {self.source})")


def roles_path() -> Path:
    """The roles file's path (it need not exist)."""
    return Path(os.environ.get(ENV_ROLES) or DEFAULT_ROLES).expanduser()


def parse_roles(text: str, source: str) -> Roles:
    """Roles from the TOML text (see the module docstring).

    Raises:
        RolesError: not TOML, or ``[roller] controller`` is not a list of names.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesError(f"rollfilen {source} är inte giltig TOML: {exc}") from None
    names = data.get("roller", {}).get(CONTROLLER, [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RolesError(f"rollfilen {source}: [roller] controller ska vara en lista med namn")
    return Roles(frozenset(n.strip().casefold() for n in names), source)


def load_roles(path: Path | None = None) -> Roles:
    """The roles of ``path`` (default :func:`roles_path`); everyone may if it is missing."""
    path = path or roles_path()
    if not path.is_file():
        return Roles(None, str(path))
    if path.stat().st_size > MAX_BYTES:
        raise RolesError(f"rollfilen {path} är större än {MAX_BYTES} byte")
    return parse_roles(path.read_text(encoding="utf-8"), str(path))
