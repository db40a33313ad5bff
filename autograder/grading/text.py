"""Text that came from a student's kernel, made safe to show and to store.

Everything a kernel supplies is hostile: error names and messages, stream text, dictionary keys it
reported. Before any of it reaches a reason, feedback, a report or a CSV file it is normalised
(no lone surrogates, no control or format characters), capped in length, and, in CSV, kept from
being read as a spreadsheet formula.
"""

from __future__ import annotations

import builtins
import unicodedata

MAX_LINE = 300
MAX_TEXT = 4000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(value: object, limit: int = MAX_TEXT) -> str:
    """Printable text: lone surrogates and control/format characters become '?' (newlines and
    tabs stay), at most ``limit`` characters."""
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    text = "".join(
        ch if ch in "\n\t" or not unicodedata.category(ch).startswith("C") else "?" for ch in text
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_line(value: object, limit: int = MAX_LINE) -> str:
    lines = [ln for ln in clean(value, MAX_TEXT).splitlines() if ln.strip()]
    return clean(lines[0] if lines else "", limit)


def csv_cell(value: object) -> str:
    """A CSV field no spreadsheet evaluates: one starting like a formula gets a leading quote."""
    text = clean(value, MAX_TEXT).replace("\n", " ")
    return "'" + text if text.startswith(_FORMULA_START) else text


def exception_name(name: object) -> str:
    """The type of a student's error, named only when it is one of Python's own exceptions."""
    text = str(name)
    obj = getattr(builtins, text, None) if text.isidentifier() else None
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return text
    return "исключение"
