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


def error_label(name: object) -> str:
    """What a student's error means, in Russian: the release stub is «не решено», a check of the
    course is a failed check, anything else is an error in their code (named if built-in)."""
    text = str(name)
    if text == "NotImplementedError":
        return "упражнение не решено (осталась заглушка NotImplementedError)"
    if text == "CheckFailed":
        return "проверка не пройдена"
    return f"ошибка в вашем коде ({exception_name(text)})"


def type_label(text: object) -> str:
    """A type name a kernel reported, shown only when it looks like one (an identifier)."""
    first = str(text).split(" ")[0]
    return first if first.isidentifier() and len(first) <= 40 else "объект неизвестного типа"


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class Redactor:
    """Keeps the hidden tests' source out of anything written for a student: a text that holds
    any of their lines (compared on letters and digits only, so escaping cannot hide it) is
    replaced whole."""

    NOTICE = "[текст скрыт: в нём строки скрытых проверок]"

    def __init__(self, hidden_sources: list[str], min_length: int = 12):
        lines = {_letters(ln) for src in hidden_sources for ln in src.splitlines()}
        self.lines = sorted(ln for ln in lines if len(ln) >= min_length)

    def __call__(self, text: str) -> str:
        if not self.lines or not text:
            return text
        flat = _letters(text)
        return self.NOTICE if any(ln in flat for ln in self.lines) else text
