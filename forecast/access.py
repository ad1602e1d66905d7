"""Who may see and change what: the one place every action of the app and the CLI is checked.

- **Identity** comes from the sign-in (the app's OIDC ``st.login``) or the operating-system
  user (the CLI); never from a typed name or a flag. ``--forfattare`` is only a display name,
  checked against the identity (:meth:`Policy.signature`).
- **Roles** come from the roles file (:mod:`forecast.cycle.roles`). Without one the program is
  in single-user mode: its one user may do everything (the app refuses to serve anything but
  localhost then, see ``ui.cycle_access``).
- **Datasets** belong to an owner and are shared with groups
  (:class:`DatasetOwner`); the embedded example is visible to every user with a role. A dataset
  one may not see is reported exactly as a missing one (:class:`NotFound`).

=============  =========  ==========  ===========
action          outsider   granskare   controller
=============  =========  ==========  ===========
view               –          yes         yes
adjust             –           –          yes
lay, fastställ     –           –          yes
scenario save      –           –          yes
scenario delete    –           –          yes
report narrative   –           –          yes
manage data        –           –          yes
share a dataset    –           –          owner or controller
=============  =========  ==========  ===========

and every action on a stored dataset needs the dataset to be visible to the user (owner or a
member of a group it is shared with).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from forecast.cycle.roles import CONTROLLER, VIEWER, Roles, load_roles, norm
from forecast.ledger.names import EXAMPLE_DATASET

NOT_FOUND: Final = "Datamängden finns inte"
"""The one answer for a dataset that is missing *or* that the user may not see."""
SINGLE_USER: Final = "enanvändarläge"


class Action(StrEnum):
    """What a user may be allowed to do (the value is the Swedish verb phrase)."""

    VIEW = "se prognoser och data"
    ADJUST = "ändra justeringar"
    LAY = "lägga prognoser"
    LOCK = "fastställa prognoser"
    SAVE_SCENARIO = "spara scenarier"
    DELETE_SCENARIO = "radera scenarier"
    WRITE_NARRATIVE = "spara rapportens berättelse"
    MANAGE_DATASETS = "läsa in och hantera datamängder"


ALLOWED: Final[dict[str, frozenset[Action]]] = {
    CONTROLLER: frozenset(Action),
    VIEWER: frozenset({Action.VIEW}),
}
"""Role → the actions it allows (the table in the module docstring)."""


class AccessDenied(PermissionError):
    """The user may not do this (Swedish message naming the action and the role needed)."""


class NotFound(LookupError):
    """The dataset is missing or not visible to the user (always :data:`NOT_FOUND`)."""

    def __init__(self) -> None:
        super().__init__(NOT_FOUND)


@dataclass(frozen=True)
class Identity:
    """Who is acting: ``user`` is the login id (e-mail or OS user), ``source`` how it is known."""

    user: str
    source: str

    @property
    def key(self) -> str:
        """The identity as compared and stored (case-folded)."""
        return norm(self.user)


def os_identity() -> Identity:
    """The operating-system user running the command (the CLI's identity)."""
    try:
        return Identity(getpass.getuser(), "operativsystemets användare")
    except (KeyError, OSError):
        raise AccessDenied("Operativsystemets användare kan inte avgöras; kommandot körs "
                           "inte (sätt USER eller LOGNAME)") from None


@dataclass(frozen=True)
class DatasetOwner:
    """Who a stored dataset belongs to and which groups it is shared with."""

    owner: str
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Policy:
    """The roles file applied to one identity."""

    roles: Roles
    identity: Identity

    @property
    def single_user(self) -> bool:
        """True without a roles file (the one user may do everything)."""
        return not self.roles.configured

    @property
    def role(self) -> str | None:
        """The identity's role (None: an outsider)."""
        return self.roles.role_of(self.identity.user)

    def may(self, action: Action) -> bool:
        """True if the identity's role allows ``action`` (datasets aside)."""
        return action in ALLOWED.get(self.role or "", frozenset())

    def require(self, action: Action) -> None:
        """Raise :class:`AccessDenied` unless the role allows ``action``."""
        if not self.may(action):
            need = "controller" if action is not Action.VIEW else "granskare eller controller"
            has = f"rollen {self.role}" if self.role else "ingen roll"
            raise AccessDenied(f"{self.identity.user} får inte {action.value}: {has}; "
                               f"rollen {need} krävs (rollerna står i {self.roles.source})")

    def sees(self, owner: DatasetOwner | None) -> bool:
        """True if the identity may see a dataset owned as ``owner`` (None: the example)."""
        if self.role is None:
            return False
        if owner is None or self.single_user:
            return True
        return norm(owner.owner) == self.identity.key or bool(
            owner.groups & self.roles.groups_of(self.identity.user))

    def require_dataset(self, owner: DatasetOwner | None, action: Action = Action.VIEW) -> None:
        """Raise :class:`NotFound` unless the dataset is visible, then :meth:`require`.

        A user in no role is refused as such first (whatever the dataset, so nothing leaks).
        """
        if self.role is None:
            self.require(action)
        if not self.sees(owner):
            raise NotFound()
        self.require(action)

    def may_share(self, owner: DatasetOwner) -> bool:
        """True if the identity may change whom a dataset it sees is shared with.

        Its owner or a controller, who may see it; in single-user mode the one user.
        """
        if not self.sees(owner):
            return False
        return norm(owner.owner) == self.identity.key or self.role == CONTROLLER

    def require_share(self, owner: DatasetOwner) -> None:
        """:class:`NotFound` unless visible, :class:`AccessDenied` unless :meth:`may_share`."""
        self.require_dataset(owner)
        if not self.may_share(owner):
            raise AccessDenied(f"{self.identity.user} får inte dela datamängden: bara dess "
                               f"ägare ({owner.owner}) eller en controller får det")

    def new_owner(self) -> DatasetOwner:
        """The owner of a dataset this identity stores: itself, shared with its groups."""
        return DatasetOwner(self.identity.key, self.roles.groups_of(self.identity.user))

    def signature(self, display: str | None) -> str:
        """The author name to record: ``display`` if the identity may sign so, else its id.

        Raises:
            AccessDenied: roles are configured and ``display`` is neither the identity nor one
                of its display names in the roles file.
        """
        if not display or not display.strip():
            return self.identity.user
        if self.single_user or self.roles.may_sign_as(self.identity.user, display):
            return display.strip()
        raise AccessDenied(f"{self.identity.user} får inte signera som '{display.strip()}': "
                           f"namnet står inte under [visningsnamn] i {self.roles.source}")


def policy(identity: Identity, roles: Roles | None = None) -> Policy:
    """The policy of ``identity`` under ``roles`` (default: the roles file)."""
    return Policy(roles if roles is not None else load_roles(), identity)


def is_example(dataset: str) -> bool:
    """True for the embedded example's identity (visible to every user with a role)."""
    return dataset == EXAMPLE_DATASET


ROLE_AUDIT: Final = "roller"


def audit_role_change(db: Any, roles: Roles, observer: Identity) -> bool:
    """Append an audit row when the roles differ from the last ones audited; True if so.

    The row names who observed the change (the first user to act under the new roles), the
    roles file and the full new content; the digest of the content is its first word.

    Args:
        db: a :class:`forecast.store.core.Database`.
        roles: the roles now in force.
        observer: the identity acting when the change is noticed.
    """
    import json

    import sqlalchemy as sa

    from forecast.store import core as C
    from forecast.store import schema as T

    digest = roles.digest()
    q = (sa.select(T.audit.c.what).where(T.audit.c.action == ROLE_AUDIT)
         .order_by(T.audit.c.id.desc()).limit(1))

    def _note(conn: sa.Connection) -> bool:
        last = conn.execute(q).scalar()
        if last is not None and str(last).split(" ", 1)[0] == digest:
            return False
        content = json.dumps(roles.as_dict(), ensure_ascii=False, sort_keys=True)
        C.audit(conn, observer.user, ROLE_AUDIT,
                f"{digest} rollfil {roles.source or '(ingen: enanvändarläge)'}: {content}")
        return True

    with db.read() as conn:
        last = conn.execute(q).scalar()
    if last is not None and str(last).split(" ", 1)[0] == digest:
        return False
    return bool(db.write(_note))
