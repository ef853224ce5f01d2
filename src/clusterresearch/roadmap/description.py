"""A network folder's description of itself: the optional ``network.toml``.

The report speaks of a network in the words of this file, never in words written into the
code: a user's folder gets its own name, description and source, and only a folder that
says ``illustrative = true`` is called illustrative. Keys (all optional)::

    name = "Engineering cluster of the region"      # default: the folder's name
    description = "What the network shows"          # one or more sentences
    source = "Where the actors, channels and flows come from"
    illustrative = false                            # true: invented to show the model

    [readiness]                                     # stage IV, used only with a survey
    areas = ["communication", "budgeting"]          # default: every area of the survey
    threshold = 0.5                                 # on 0-1; default: the scale's neutral point
    [readiness.why]                                 # optional: why an area matters here
    communication = "the CDC coordinates the information flows"

Read with :mod:`tomllib`; a fault raises :class:`InputError` naming the file, the line (for
TOML syntax) or the key, so the command ends with one line and exit status 2.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

DESCRIPTION_FILE = "network.toml"
TOP_KEYS = {"name": str, "description": str, "source": str, "illustrative": bool, "readiness": dict}
READINESS_KEYS = {"areas": list, "threshold": (int, float), "why": dict}
_TYPE_WORDS = {str: "text in quotes", bool: "true or false", dict: "a table", list: "a list of texts",
               (int, float): "a number"}


@dataclass(frozen=True)
class Description:
    """What ``network.toml`` says (defaults when the file or a key is absent).

    ``readiness_areas`` None means every area of the survey; ``readiness_threshold`` None
    means the scale's neutral point (see :mod:`.readiness`).
    """

    name: str
    description: str = ""
    source: str = ""
    illustrative: bool = False
    readiness_areas: tuple[str, ...] | None = None
    readiness_threshold: float | None = None
    readiness_why: dict = field(default_factory=dict)
    file: Path | None = None


def _check_keys(path: Path, table: dict, allowed: dict, prefix: str) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if key not in allowed:
            raise InputError(path, f"key {name!r}", "unknown key; expected one of "
                             + ", ".join(f"{prefix}{k}" for k in allowed))
        expected = allowed[key]
        if isinstance(value, bool) and expected is not bool:  # TOML true is not the number 1
            ok = False
        else:
            ok = isinstance(value, expected)
        if not ok:
            raise InputError(path, f"key {name!r}", f"{value!r} is {_what(value)}; expected {_TYPE_WORDS[expected]}")


def _what(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "text", list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _syntax_line(message: str) -> str:
    found = re.search(r"line (\d+)", message)
    return f"line {found.group(1)}" if found else "file"


def read_description(folder: Path) -> Description:
    """``network.toml`` of ``folder`` as a :class:`Description`; defaults when it is absent."""
    folder = Path(folder)
    path = folder / DESCRIPTION_FILE
    if not path.exists():
        return Description(name=folder.name)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(path, "file", f"cannot be decoded as UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        raise InputError(path, _syntax_line(text), f"not valid TOML: {re.sub(r' [(]at .*[)]$', '', text)}") from None
    _check_keys(path, data, TOP_KEYS, "")
    readiness = data.get("readiness", {})
    _check_keys(path, readiness, READINESS_KEYS, "readiness.")
    areas = readiness.get("areas")
    if areas is not None:
        if not areas or not all(isinstance(a, str) and a.strip() for a in areas):
            raise InputError(path, "key 'readiness.areas'", "expected a non-empty list of area ids in quotes")
        if len(set(areas)) < len(areas):
            raise InputError(path, "key 'readiness.areas'", "an area is listed twice")
        areas = tuple(a.strip() for a in areas)
    threshold = readiness.get("threshold")
    if threshold is not None and not 0 <= threshold <= 1:
        raise InputError(path, "key 'readiness.threshold'",
                         f"{threshold!r} is outside [0, 1]; readiness runs from 0 (lowest answer) to 1 (highest)")
    why = readiness.get("why", {})
    for area, text in why.items():
        if not isinstance(text, str):
            raise InputError(path, f"key 'readiness.why.{area}'", f"{text!r}; expected text in quotes")
    name = data.get("name", "").strip() or folder.name
    return Description(
        name=name, description=data.get("description", "").strip(), source=data.get("source", "").strip(),
        illustrative=bool(data.get("illustrative", False)), readiness_areas=areas,
        readiness_threshold=None if threshold is None else float(threshold), readiness_why=dict(why), file=path,
    )
