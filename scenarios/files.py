"""Scenario files (YAML or JSON) → :class:`~scenarios.assumptions.Scenario`, with Swedish errors.

An invalid file raises :class:`ScenarioFileError` whose messages name the field as a dotted
path (``assumptions[0].extra_need.high``), the value given and what is allowed, e.g.::

    assumptions[0].extra_need.high: värdet 150 måste vara ≤ 100
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pydantic
import yaml

from forecast.io.limits import MAX_YAML_DEPTH, fmt_int
from scenarios.assumptions import TYPE_NAMES, Scenario

SUFFIXES = (".yaml", ".yml", ".json")
MAX_SCENARIO_BYTES = 1_000_000


class ScenarioFileError(ValueError):
    """A scenario file could not be read; ``messages`` holds one Swedish line per problem."""

    def __init__(self, source: str, messages: Sequence[str]) -> None:
        self.source = source
        self.messages = list(messages)
        super().__init__(f"{source}: " + "; ".join(self.messages))

    def report(self) -> str:
        """Multi-line Swedish report for a terminal."""
        lines = [f"Scenariofilen {self.source} är ogiltig:"]
        lines += [f"  - {m}" for m in self.messages]
        return "\n".join(lines)


def dotted(loc: Sequence[int | str]) -> str:
    """Pydantic's error location as a dotted path, without the union's type tag.

    ``('assumptions', 0, 'dygnsvila', 'extra_need', 'high')`` →
    ``assumptions[0].extra_need.high``.
    """
    out = ""
    prev: int | str | None = None
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(prev, int) and part in TYPE_NAMES:
            pass  # the discriminated union's tag
        else:
            out += ("." if out else "") + str(part)
        prev = part
    return out or "(filen)"


def _fmt(v: Any, limit: int = 80) -> str:
    """A value for a message, at most ``limit`` characters, built without expanding it all.

    A nested value (which a YAML alias could make astronomically large) is written piece by
    piece and cut as soon as the budget is spent.
    """
    parts: list[str] = []
    size = 0
    stack: list[Any] = [v]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, _Text):
            piece = item.text
        elif isinstance(item, dict):
            piece = "{"
            stack.append(_Text("}"))
            for k, x in reversed(list(item.items())[:limit]):
                stack += [x, _Text(f"{json.dumps(str(k), ensure_ascii=False)}: "), _Text(", ")]
            if item:
                stack.pop()  # no separator before the first entry
        elif isinstance(item, list | tuple):
            piece = "["
            stack.append(_Text("]"))
            for x in reversed(list(item[:limit])):
                stack += [x, _Text(", ")]
            if item:
                stack.pop()
        else:
            piece = repr(item) if isinstance(item, str) else str(item)
        parts.append(piece[: limit + 1])
        size += len(parts[-1])
    text = "".join(parts)
    return text if size <= limit and not stack else text[: limit - 1] + "…"


class _Text:
    """A literal piece of :func:`_fmt` output (not a value to format)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, int | float) else str(v)


_BOUNDS = {"greater_than_equal": ("≥", "ge"), "greater_than": (">", "gt"),
           "less_than_equal": ("≤", "le"), "less_than": ("<", "lt")}
"""pydantic's bound errors: the sign shown and the key of the bound in the error's ctx."""

_FIELD_MESSAGES = {"missing": "saknas (obligatoriskt fält)",
                   "extra_forbidden": "okänt fält (stavfel?)"}
"""pydantic's errors about a field itself: what follows ``<path>: ``."""

_VALUE_MESSAGES = {
    "string_pattern_mismatch": "har fel format; ange månad som ÅÅÅÅ-MM (t.ex. 2023-10)",
    **dict.fromkeys(("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"),
                    "är inget tal"),
    "finite_number": "är inget ändligt tal (NaN och oändligt tas inte emot)",
    "string_type": "ska vara text",
    **dict.fromkeys(("bool_type", "bool_parsing"), "ska vara true eller false"),
    "list_type": "ska vara en lista",
    **dict.fromkeys(("model_type", "model_attributes_type", "dict_type"),
                    "ska vara ett objekt med fält (osäkra värden: ett tal eller {low, likely, "
                    "high})"),
    **dict.fromkeys(("string_too_short", "too_short"), "är för kort"),
}
"""pydantic's errors about a value: what follows ``<path>: värdet <value> ``."""


def translate(err: Mapping[str, Any]) -> str:
    """One pydantic error → a Swedish line naming path, value and the allowed range."""
    path = dotted(err.get("loc", ()))
    typ = err.get("type", "")
    ctx = err.get("ctx") or {}
    val = err.get("input")
    given = f"värdet {_fmt(val)} "
    if typ in _FIELD_MESSAGES:
        return f"{path}: {_FIELD_MESSAGES[typ]}"
    if typ in _VALUE_MESSAGES:
        return f"{path}: {given}{_VALUE_MESSAGES[typ]}"
    if typ in _BOUNDS:
        sign, key = _BOUNDS[typ]
        return f"{path}: {given}måste vara {sign} {_num(ctx.get(key))}"
    if typ == "literal_error":
        return f"{path}: {given}är inte tillåtet; tillåtna: {ctx.get('expected')}"
    if typ == "union_tag_invalid":
        return (f"{path}.type: okänd typ {_fmt(ctx.get('tag'))}; tillåtna: "
                f"{', '.join(TYPE_NAMES)}")
    if typ == "union_tag_not_found":
        return f"{path}.type: saknas; ange en av {', '.join(TYPE_NAMES)}"
    if typ == "too_long":
        return (f"{path}: för många poster, {ctx.get('actual_length', '?')} (gränsen är "
                f"{ctx.get('max_length', '?')})")
    if typ == "string_too_long":
        return f"{path}: {given}är för långt (högst {ctx.get('max_length', '?')} tecken)"
    if typ == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
        return f"{path}: {msg}"
    return f"{path}: {given}är ogiltigt ({err.get('msg', typ)})"


def parse_scenario(data: Any, source: str = "scenariot") -> Scenario:
    """Validate an already parsed mapping as a Scenario (Swedish errors)."""
    if not isinstance(data, dict):
        raise ScenarioFileError(source, ["filen ska innehålla ett objekt med fälten name, "
                                         "assumptions …"])
    try:
        return Scenario.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ScenarioFileError(source, [translate(e) for e in exc.errors()]) from None


class _AliasRefused(yaml.YAMLError):
    """A YAML alias (``*name``) in a scenario file."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, the libyaml (C) one when installed."""


class _Refused(yaml.YAMLError):
    """A construct scenario files do not take (deep nesting, a tag, a duplicate key)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in
                       ("str", "int", "float", "bool", "null", "seq", "map"))
"""The only explicit tags allowed (``!!str`` …); ``!!binary``, ``!!python/…`` and the like
are refused."""


def _check_event(event: Any, stack: list[list[Any]]) -> None:
    """Depth, tag and duplicate-key rules for one parse event; ``stack`` holds open nodes.

    A frame is ``[is_mapping, keys seen, next scalar is a key]``.

    Raises:
        _Refused: naming the line and the rule.
    """
    line = event.start_mark.line + 1
    tag = getattr(event, "tag", None)
    if tag is not None and tag not in PLAIN_TAGS and not (
            isinstance(event, yaml.ScalarEvent) and tag == "!" and event.implicit[1]):
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        raise _Refused(line, f"YAML-taggen {shown!r} tas inte emot i scenariofiler; skriv "
                       "värdet utan tagg")
    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.ScalarEvent)):
        if stack and stack[-1][0]:
            frame = stack[-1]
            if frame[2]:
                key = event.value if isinstance(event, yaml.ScalarEvent) else None
                if key is not None and key in frame[1]:
                    raise _Refused(line, f"nyckeln {key!r} förekommer två gånger i samma "
                                   "objekt; ta bort den ena")
                if key is not None:
                    frame[1].add(key)
            frame[2] = not frame[2]
    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        if len(stack) >= MAX_YAML_DEPTH:
            raise _Refused(line, f"för djupt nästlad: mer än {MAX_YAML_DEPTH} nivåer (ett "
                           "scenario behöver 4)")
        stack.append([isinstance(event, yaml.MappingStartEvent), set(), True])
    elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
        stack.pop()


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict; a key twice is refused (the last would win)."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Refused(0, f"nyckeln {k!r} förekommer två gånger i samma objekt; ta bort "
                           "den ena")
        out[k] = v
    return out


def load_yaml(text: str) -> Any:
    """YAML text → data with the safe loader; aliases, tags, dup keys and deep nesting refused.

    The events are scanned first (fast, nothing is built; the scan stops at the first
    refusal, so 50 000 nested lists cost microseconds), then the text is loaded.

    Raises:
        _AliasRefused: the text uses an alias (``*name``).
        _Refused: a tag other than the plain ones, a key twice in one mapping, or nesting
            deeper than ``MAX_YAML_DEPTH``.
        yaml.YAMLError: the text is not YAML.
    """
    stack: list[list[Any]] = []
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise _AliasRefused(event.start_mark.line + 1)
        _check_event(event, stack)
    return yaml.load(text, Loader=_LOADER)  # a safe loader


def parse_text(text: str, fmt: str, source: str = "scenariot") -> Scenario:
    """Parse YAML (``fmt='yaml'``, aliases refused) or JSON text into a Scenario."""
    try:
        data = json.loads(text, object_pairs_hook=_unique) if fmt == "json" else load_yaml(text)
    except _AliasRefused as exc:
        raise ScenarioFileError(source, [
            f"rad {exc.line}: YAML-alias (*namn) tas inte emot i scenariofiler; skriv ut "
            "värdet på varje ställe"]) from None
    except _Refused as exc:
        where = f"rad {exc.line}: " if exc.line else ""
        raise ScenarioFileError(source, [f"{where}{exc.message}"]) from None
    except RecursionError:
        raise ScenarioFileError(source, [
            f"kan inte tolkas som {fmt.upper()}: för djupt nästlad"]) from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ScenarioFileError(source, [f"kan inte tolkas som {fmt.upper()}: {exc}"]) from None
    return parse_scenario(data, source)


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario file (``.yaml``, ``.yml`` or ``.json``).

    Raises:
        ScenarioFileError: unreadable, wrong type, or invalid content.
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ScenarioFileError(path.name, [f"okänd filändelse {path.suffix or '(ingen)'!r}; "
                                            f"tillåtna: {', '.join(SUFFIXES)}"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioFileError(path.name, [f"kan inte läsas: {exc.strerror or exc}"]) from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioFileError(path.name, [f"filen är för stor: {fmt_int(len(raw))} byte "
                                            f"(gränsen är {fmt_int(MAX_SCENARIO_BYTES)})"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioFileError(path.name, ["filen är inte UTF-8"]) from None
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_text(text, fmt, path.name)


def dump_scenario(scenario: Scenario, path: Path | str) -> None:
    """Write ``scenario`` as YAML or JSON (by suffix); loading it back gives an equal object."""
    path = Path(path)
    data = scenario.model_dump(mode="json")
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
