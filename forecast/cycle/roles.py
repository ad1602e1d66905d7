"""Who has which role: a small TOML file kept by the department's administrator.

The file is ``$BUDGETPROGNOS_ROLES`` or ``~/.budgetprognos/roller.toml``::

    [roller]
    controller = ["anna.andersson@region.se"]   # read, adjust, lay, fastställ, scenarios, data
    granskare = ["bo.berg@region.se"]           # read only

    [grupper]                                   # who shares stored datasets
    hsn-ekonomi = ["anna.andersson@region.se", "bo.berg@region.se"]

    [visningsnamn]                              # names a user may sign with (--forfattare)
    "anna.andersson@region.se" = ["Anna Andersson"]

Identities (the sign-in's e-mail, or the operating-system user on the command line) are
compared case-insensitively. Without a file the program runs in single-user mode (one person's
own machine, the app bound to localhost): that user may do everything. With a file, a user in
no role is an outsider and may do nothing. What each role may do is decided in one place,
:mod:`forecast.access`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forecast.ledger.names import has_control

ENV_ROLES = "BUDGETPROGNOS_ROLES"
DEFAULT_ROLES = Path("~/.budgetprognos/roller.toml")
CONTROLLER = "controller"
VIEWER = "granskare"
ROLE_NAMES = (CONTROLLER, VIEWER)
MAX_ROLES_BYTES = 100_000
MAX_NAME = 200


class RolesError(ValueError):
    """The roles file cannot be read (Swedish message naming the file)."""


def norm(name: str) -> str:
    """An identity as compared: stripped and case-folded."""
    return name.strip().casefold()


@dataclass(frozen=True)
class Roles:
    """The roles file's content; ``roles`` None = no file (single-user mode)."""

    roles: dict[str, frozenset[str]] | None
    source: str = ""
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    display_names: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def configured(self) -> bool:
        """True when a roles file exists (else single-user mode)."""
        return self.roles is not None

    @property
    def controllers(self) -> frozenset[str] | None:
        """The controllers (None without a roles file)."""
        return None if self.roles is None else self.roles.get(CONTROLLER, frozenset())

    def role_of(self, who: str) -> str | None:
        """``controller``, ``granskare`` or None (an outsider; everyone without a file)."""
        if self.roles is None:
            return CONTROLLER
        for role in ROLE_NAMES:
            if norm(who) in self.roles.get(role, frozenset()):
                return role
        return None

    def is_controller(self, who: str) -> bool:
        """True if ``who`` may lay, lock and edit adjustments."""
        return self.role_of(who) == CONTROLLER

    def groups_of(self, who: str) -> frozenset[str]:
        """The groups ``who`` belongs to."""
        return frozenset(g for g, members in self.groups.items() if norm(who) in members)

    def may_sign_as(self, who: str, display: str) -> bool:
        """True if ``who`` may sign with the display name ``display`` (itself always)."""
        d = norm(display)
        return d == norm(who) or d in self.display_names.get(norm(who), frozenset())

    def digest(self) -> str:
        """A digest of the content (roles, groups, names): changes when any of them does."""
        return hashlib.sha256(json.dumps(self.as_dict(), sort_keys=True).encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        """The content as sorted lists (for the audit trail)."""
        def lists(d: dict[str, frozenset[str]] | None) -> dict[str, list[str]]:
            return {k: sorted(v) for k, v in sorted((d or {}).items())}
        return {"roller": lists(self.roles), "grupper": lists(self.groups),
                "visningsnamn": lists(self.display_names)}

    def require_controller(self, who: str, action: str) -> None:
        """Raise :class:`PermissionError` (Swedish) unless ``who`` is a controller."""
        if not self.is_controller(who):
            raise PermissionError(f"'{who}' får inte {action}: rollen controller krävs "
                                  f"(rollerna står i {self.source})")


def roles_path() -> Path:
    """The roles file's path (it need not exist)."""
    return Path(os.environ.get(ENV_ROLES) or DEFAULT_ROLES).expanduser()


def _names(value: Any, where: str, source: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise RolesError(f"rollfilen {source}: {where} ska vara en lista med namn")
    for n in value:
        if not n.strip() or len(n) > MAX_NAME or has_control(n):
            raise RolesError(f"rollfilen {source}: {where} har ett ogiltigt namn {n[:40]!r} "
                             f"(tillåtet: 1–{MAX_NAME} tecken utan styrtecken)")
    return frozenset(norm(n) for n in value)


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, frozenset[str]]:
    section = data.get(key, {})
    if not isinstance(section, dict):
        raise RolesError(f"rollfilen {source}: [{key}] ska vara en tabell")
    return {norm(k): _names(v, f"[{key}] {k}", source) for k, v in section.items()}


def parse_roles(text: str, source: str) -> Roles:
    """Roles from the TOML text (see the module docstring).

    Raises:
        RolesError: not TOML, an unknown role, or a value that is not a list of names.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolesError(f"rollfilen {source} är inte giltig TOML: {exc}") from None
    roles = _table(data, "roller", source)
    unknown = sorted(set(roles) - set(ROLE_NAMES))
    if unknown:
        raise RolesError(f"rollfilen {source}: okänd roll {unknown[0]!r}; tillåtna: "
                         + ", ".join(ROLE_NAMES))
    return Roles(roles, source, _table(data, "grupper", source),
                 _table(data, "visningsnamn", source))


def load_roles(path: Path | None = None) -> Roles:
    """The roles of ``path`` (default :func:`roles_path`); single-user mode if it is missing."""
    path = path or roles_path()
    if not path.is_file():
        return Roles(None, str(path))
    info = path.stat()
    if info.st_size > MAX_ROLES_BYTES:
        raise RolesError(f"rollfilen {path} är större än {MAX_ROLES_BYTES} byte")
    return _parsed(str(path), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=8)
def _parsed(path: str, mtime_ns: int, size: int) -> Roles:
    """The roles file parsed once per version on disk (every page and action asks for it)."""
    return parse_roles(Path(path).read_text(encoding="utf-8"), path)
