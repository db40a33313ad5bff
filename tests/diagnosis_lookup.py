"""Which diagnosis a failing mutant should be shown, from the assignment's diagnoses file: the
answer the real messages (kernel and grader) are held to in the tests."""

from __future__ import annotations

import re

from autograder import diagnoses
from autograder.grading.verify import Reference
from autograder.reference import decode
from tests.conftest import COURSE

HIDDEN_KEY = re.compile(r"Скрытая проверка '([^']+)' не пройдена")


def diagnoses_of(assignment: str) -> dict:
    return diagnoses.load(COURSE.source_dir / assignment / diagnoses.DIAGNOSES_FILENAME)


def reference_of(assignment: str) -> Reference:
    return Reference.load(COURSE.reference_file(assignment))


def visible_point(doc: dict, ref: Reference, exercise: str, mutant) -> tuple[int, str | None]:
    """(index of the visible check the mutant fails first, the diagnosis a student gets there);
    (-1, None) when it fails no visible check by a check's verdict (its own error, or none)."""
    gid = f"{exercise}-visible"
    cell = (doc.get("visible") or {}).get(gid) or {}
    for key, slot in (cell.get("checks") or {}).items():
        index = int(key.split(":")[0])
        for entry in slot["mutants"]:
            if entry["mutant"] == mutant.name:
                want = ref.checks[gid][index]
                options = want["options"] if want["check"] == slot["check"] else {}
                value = decode(entry["value"])
                found = diagnoses.for_visible(
                    doc, cell["cell"], index, slot["check"], value, options
                )
                return index, found
    return -1, None


def hidden_points(doc: dict, ref: Reference, mutant) -> dict[str, str | None]:
    """{hidden key the mutant fails: the diagnosis a student gets there}."""
    out = {}
    for key, entries in (doc.get("hidden") or {}).items():
        for entry in entries:
            if entry["mutant"] == mutant.name and key.startswith(mutant.exercise + "/"):
                rtol, atol = ref.tolerances.get(key, (1e-6, 1e-9))
                out[key] = diagnoses.for_hidden(doc, key, decode(entry["value"]), rtol, atol)
    return out


def graded_hidden(doc: dict, ref: Reference, mutant) -> str | None:
    """The diagnosis the grader gives the mutant's hidden cell (from all the keys it fails)."""
    failed = {}
    for key, entries in (doc.get("hidden") or {}).items():
        for entry in entries:
            if entry["mutant"] == mutant.name and key.startswith(mutant.exercise + "/"):
                rtol, atol = ref.tolerances.get(key, (1e-6, 1e-9))
                failed[key] = (decode(entry["value"]), rtol, atol)
    return diagnoses.for_hidden_keys(doc, failed)


def coverage(assignment: str, mutants: list) -> tuple[int, int, list]:
    """(mutants failing by a check's verdict where they are caught, of them diagnosed there, the
    names of the others): visible-caught ones at the visible check they fail first, hidden-caught
    ones as the grader diagnoses their hidden cell."""
    doc, ref = diagnoses_of(assignment), reference_of(assignment)
    failing, missed = 0, []
    for m in mutants:
        if m.caught_by == "visible":
            index, found = visible_point(doc, ref, m.exercise, m)
            fails = index >= 0
        else:
            fails = bool(hidden_points(doc, ref, m))
            found = graded_hidden(doc, ref, m)
        failing += fails
        if fails and found != m.diagnosis:
            missed.append(f"{m.exercise}: {m.name}")
    return failing, failing - len(missed), missed


def shown(message: str) -> str:
    """The diagnosis a message carries, or ''."""
    return diagnoses.diagnosis_in(message)
