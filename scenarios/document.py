"""A scenario as a document: its address in a URL, and the rules of saving it.

The scenario being edited is one object (the app keeps it in its session); a reload or a
server restart gets it back from the page's address:

- a saved version is named by ``scenario`` and ``version`` (the store holds it);
- an unsaved draft travels as :func:`encode` (compressed JSON, base64url) in ``utkast``,
  at most :data:`MAX_TOKEN_CHARS` characters; :func:`decode` validates it like a file.

Saving (:func:`save_check`) follows the rules of a shared document: a name is required (a
draft is never saved under a preset's or another scenario's name by default), a name longer
than the limit is refused with the limit named, and a save based on an older version than the
latest says so and must be confirmed.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from dataclasses import dataclass
from typing import Literal

import pydantic

from scenarios.assumptions import Scenario

MAX_NAME_CHARS = 200
"""The longest scenario name (the model's ``max_length``)."""
MAX_TOKEN_CHARS = 8000
"""The longest draft token kept in the address (browsers take far longer URLs)."""
MAX_JSON_BYTES = 200_000
"""The largest decompressed draft read back (a token is never inflated beyond it)."""
UNNAMED = "Namnlöst scenario"
"""The name a draft is computed and exported under until the user names it."""


def encode(scenario: Scenario) -> str | None:
    """The draft as a URL-safe token, or None when it is longer than the limit."""
    raw = scenario.model_dump_json().encode("utf-8")
    token = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")
    return token if len(token) <= MAX_TOKEN_CHARS else None


def decode(token: str) -> Scenario:
    """The draft of a token made by :func:`encode`.

    Raises:
        ValueError: a Swedish message when the token is too long, damaged or not a scenario.
    """
    if len(token) > MAX_TOKEN_CHARS:
        raise ValueError(f"utkastet i adressen är längre än {MAX_TOKEN_CHARS} tecken")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        d = zlib.decompressobj()
        raw = d.decompress(packed, MAX_JSON_BYTES)
        if d.unconsumed_tail:
            raise ValueError(f"utkastet i adressen är större än {MAX_JSON_BYTES} byte")
        return Scenario.model_validate_json(raw)
    except (binascii.Error, zlib.error, UnicodeDecodeError):
        raise ValueError("utkastet i adressen är skadat och kunde inte läsas") from None
    except pydantic.ValidationError as exc:
        raise ValueError(f"utkastet i adressen följer inte scenarioformatet "
                         f"({exc.error_count()} fel)") from None


Verdict = Literal["ok", "refused", "confirm"]


@dataclass(frozen=True)
class SaveCheck:
    """Whether a save may go ahead: ``ok``, ``refused`` (message) or ``confirm`` (question)."""

    verdict: Verdict
    message: str = ""
    next_version: int = 1


def save_check(name: str, based_on: tuple[str, int] | None, latest: int | None) -> SaveCheck:
    """The rules of saving ``name`` (see the module docstring).

    Args:
        name: the name typed by the user (not stripped by the caller).
        based_on: the saved (name, version) the draft was opened from, or None (a preset or
            a new scenario).
        latest: the latest stored version of ``name``, or None if no scenario has that name.
    """
    name = name.strip()
    if not name:
        return SaveCheck("refused", "Ange ett namn på scenariot innan du sparar.")
    if len(name) > MAX_NAME_CHARS:
        return SaveCheck("refused", f"Namnet är {len(name)} tecken; det får vara högst "
                                    f"{MAX_NAME_CHARS} tecken. Korta det och spara igen.")
    if latest is None:
        return SaveCheck("ok", next_version=1)
    nxt = latest + 1
    if based_on is None or based_on[0] != name:
        return SaveCheck("confirm", f"Det finns redan ett scenario som heter '{name}' (senaste "
                                    f"version {latest}). Att spara lägger till version {nxt} "
                                    "av det scenariot. Spara ändå?", nxt)
    if based_on[1] < latest:
        return SaveCheck("confirm", f"Du utgår från version {based_on[1]} av '{name}', men "
                                    f"version {latest} har sparats sedan dess (av någon annan "
                                    f"eller i en annan flik). Att spara gör version {nxt} av "
                                    "dina antaganden. Spara ändå?", nxt)
    return SaveCheck("ok", next_version=nxt)
