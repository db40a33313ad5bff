"""The likely mistake behind a failed check, learnt from the catalogue of typical wrong answers.

``autograder diagnose`` runs every mutant of ``tests/mutants/`` on the solution's checks and
records, where a mutant fails a check, the value it produced there and its diagnosis (a Russian
sentence beginning «Похоже, »), in ``solutions/A/diagnoses.json``:

- ``visible``: per visible test cell (``grade_id``), the digest of the cell's source and, per check
  of the cell in the order it runs, the mutants that fail that check first;
- ``hidden``: per ``expect`` key, the mutants whose value there fails.

The release gets the visible part only (its inputs are public); the grader gets both. A failing
value is diagnosed when it matches, within the check's tolerance, the values of mutants that all
say the same thing there: mutants that cannot be told apart there give no diagnosis.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .reference import compare, decode

DIAGNOSES_FILENAME = "diagnoses.json"
START = "Похоже, "


def slot(index: int, check: str) -> str:
    """Where a check's mutants are recorded: its place in the cell, and which check it is (a
    wrong answer can take another branch of the cell, e.g. ``assert_true(False)`` in an except)."""
    return f"{index}:{check}"


def cell_digest(source: str) -> str:
    """Which visible test cell ran: its source, as the student's kernel and the grader see it."""
    text = "\n".join(line.rstrip() for line in source.strip().splitlines())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load(path: Path) -> dict:
    """A diagnoses file, or an empty one when it is missing or unreadable (diagnoses are help,
    never a reason for a check or grading to fail)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


EXACT = (1e-9, 1e-12)


def _tolerance(options: dict) -> tuple[float, float]:
    return float(options.get("rtol", 0.0)), float(options.get("atol", 0.0))


def candidates(entries: list[dict], value: Any, rtol: float, atol: float) -> set[str]:
    """The diagnoses of the mutants whose recorded value matches ``value``."""
    found = set()
    for entry in entries or []:
        try:
            same = compare(decode(entry["value"]), value, rtol, atol) is None
        except Exception:  # a value of another kind (a list against an array): not this mutant
            same = False
        if same:
            found.add(entry["diagnosis"])
    return found


def match(entries: list[dict], value: Any, rtol: float, atol: float) -> str | None:
    """The one diagnosis of the mutants whose recorded value matches ``value``, or None."""
    found = candidates(entries, value, rtol, atol)
    return found.pop() if len(found) == 1 else None


def for_visible(
    doc: dict, digest: str, index: int, check: str, actual: Any, options: dict
) -> str | None:
    """Diagnosis of the ``index``-th check of the visible cell with source ``digest``."""
    for cell in (doc.get("visible") or {}).values():
        if cell.get("cell") != digest:
            continue
        entry = (cell.get("checks") or {}).get(slot(index, check)) or {}
        # Exact checks compare floats too (a range, an unchanged input): the last bit of another
        # CPU must not lose the diagnosis.
        rtol, atol = _tolerance(options) if check == "assert_close" else EXACT
        return match(entry.get("mutants", []), actual, rtol, atol)
    return None


def for_hidden(doc: dict, key: str, value: Any, rtol: float, atol: float) -> str | None:
    return match((doc.get("hidden") or {}).get(key, []), value, rtol, atol)


def for_hidden_keys(doc: dict, failed: dict[str, tuple[Any, float, float]]) -> str | None:
    """The diagnosis of a hidden cell from every key that failed ({key: (value, rtol, atol)}):
    the one mistake that every key some mutant explains agrees on (mutants alike on one key can
    differ on another)."""
    common: set[str] | None = None
    for key, (value, rtol, atol) in failed.items():
        found = candidates((doc.get("hidden") or {}).get(key, []), value, rtol, atol)
        if found:
            common = found if common is None else common & found
    return common.pop() if common and len(common) == 1 else None


def with_diagnosis(message: str, diagnosis: str | None) -> str:
    """The message with the diagnosis as its second line, right under what failed."""
    if not diagnosis:
        return message
    first, _, rest = message.partition("\n")
    return f"{first}\n{diagnosis}" + (f"\n{rest}" if rest else "")


def diagnosis_in(message: str) -> str:
    """The diagnosis line of a message, or ''."""
    return next((ln for ln in message.splitlines() if ln.startswith(START)), "")


def visible_part(doc: dict) -> dict:
    """What the release may hold: the visible checks only."""
    return {k: doc[k] for k in ("assignment", "inputs", "visible") if k in doc}
