"""``autograder diagnose``: the mutant catalogue run on every check -> ``A/diagnoses.json``.

For each assignment the solution notebook runs once in a kernel whose checks report what they got
(as in grading); then, for every mutant of ``tests/mutants/A.py``, its code replaces the exercise's
answer, the exercise's visible and hidden test cells run again, and wherever the mutant fails a
check its value there is recorded beside its diagnosis (:mod:`autograder.diagnoses`). The solution
is restored after each mutant.

The file records a digest of what it was made from (the notebook's code and the catalogue), so
``check-release`` can tell it is stale without running anything; ``autograder build`` puts its
visible part in the release.
"""

from __future__ import annotations

import hashlib
import json
import runpy
import sys
import tempfile
from pathlib import Path

from .. import diagnoses
from ..checks import EMIT_ENV, RECORD_MIME
from ..errors import CourseError
from ..grading.verify import Reference, recheck
from ..reference import Malformed, compare, decode_untrusted
from . import notebooks
from .course import Course
from .execute import CellFailed, kernel_session

CATALOGUE = Path("tests") / "mutants"


def catalogue_file(course: Course, assignment: str) -> Path:
    return course.root / CATALOGUE / f"{assignment}.py"


def inputs_digest(course: Course, assignment: str) -> str:
    """What the diagnoses depend on: every code cell of the solution, and the catalogue."""
    nb = notebooks.read(course.source_notebook(assignment))
    h = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type == "code":
            h.update(cell.source.encode("utf-8") + b"\0")
    path = catalogue_file(course, assignment)
    h.update(path.read_bytes() if path.is_file() else b"")
    return h.hexdigest()[:16]


def load_mutants(course: Course, assignment: str) -> list:
    path = catalogue_file(course, assignment)
    if not path.is_file():
        return []
    # The catalogue imports its Mutant class from the course's tests package.
    sys.path.insert(0, str(course.root))
    try:
        return list(runpy.run_path(str(path)).get("MUTANTS", []))
    except Exception as e:
        raise CourseError(
            path, f"cannot load the mutant catalogue: {type(e).__name__}: {e}"
        ) from None
    finally:
        sys.path.remove(str(course.root))


def diagnose(course: Course, assignments: list[str] | None = None) -> list[tuple[str, str]]:
    """Write each assignment's diagnoses file; return (assignment, one-line summary) pairs."""
    names = assignments or course.assignments()
    for name in names:
        course.check_assignment(name)
    done = []
    for name in names:
        doc = diagnose_one(course, name)
        path = course.source_dir / name / diagnoses.DIAGNOSES_FILENAME
        text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        done.append((name, summary(doc)))
    return done


def summary(doc: dict) -> str:
    visible = sum(len(c["mutants"]) for v in doc["visible"].values() for c in v["checks"].values())
    hidden = sum(len(v) for v in doc["hidden"].values())
    return f"{visible} mutant values on visible checks, {hidden} on hidden keys"


def diagnose_one(course: Course, assignment: str) -> dict:
    label = str(course.source_notebook(assignment).relative_to(course.root))
    ref_path = course.reference_file(assignment)
    if not ref_path.is_file():
        raise CourseError(ref_path, "missing: run `autograder build` first")
    ref = Reference.load(ref_path)
    mutants = load_mutants(course, assignment)
    nb = notebooks.read(course.source_notebook(assignment), label)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    found = {ex.name: ex for ex in notebooks.exercises(nb)}
    visible: dict[str, dict] = {}
    hidden: dict[str, list] = {}
    for ex in found.values():
        gid = f"{ex.name}-visible"
        if "visible" in ex.cells and gid in ref.checks:
            digest = diagnoses.cell_digest(nb.cells[ex.cells["visible"]].source)
            visible[gid] = {"cell": digest, "checks": {}}
    with tempfile.TemporaryDirectory(prefix="autograder-diagnose-") as tmp:
        run_dir = Path(tmp) / "run"
        course.copy_assignment(assignment, run_dir)
        with kernel_session(nb, run_dir, course.cell_timeout, {EMIT_ENV: "1"}) as session:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    try:
                        session.run_cell(index)
                    except CellFailed as e:
                        raise CourseError(label, f"cell {index + 1} raised {e.summary}") from None
            for m in mutants:
                ex = found.get(m.exercise)
                if ex is None:
                    raise CourseError(catalogue_file(course, assignment), f"no {m.exercise!r}")
                if not m.diagnosis:
                    continue
                try:
                    session.run_code(m.source)
                    if ex.name + "-visible" in visible:
                        _visible(session, ex, ref, visible[ex.name + "-visible"], m)
                    if "hidden" in ex.cells:
                        _hidden(session, ex, ref, hidden, m)
                except CellFailed:
                    pass  # the mutant's own error: the student sees their traceback, no diagnosis
                finally:
                    session.run_cell(ex.cells["solution"])
    return {
        "assignment": assignment,
        "inputs": inputs_digest(course, assignment),
        "visible": {g: v for g, v in visible.items() if v["checks"]},
        "hidden": dict(sorted(hidden.items())),
    }


def _reports(session, index: int) -> list:
    try:
        session.run_cell(index)
    except CellFailed:
        pass  # a check failed: what it reported is in the outputs
    return [
        o["data"][RECORD_MIME]
        for o in session.nb.cells[index].outputs
        if o.get("output_type") == "display_data" and RECORD_MIME in o.get("data", {})
    ]


def _again(session, index: int, first: list) -> list:
    """The reports of a second run where they equal the first's: a mutant that ignores a seed
    fails differently each time, and a value no student can reproduce diagnoses nothing."""
    second = _reports(session, index)
    same = 0
    while same < min(len(first), len(second)) and _same(first[same], second[same]):
        same += 1
    return first[:same]


def _same(a, b) -> bool:
    if not isinstance(a, dict) or not isinstance(b, dict) or a.keys() != b.keys():
        return False
    try:
        x, y = decode_untrusted(a), decode_untrusted(b)
        return compare(x, y, *diagnoses.EXACT) is None
    except Exception:
        return False


def _visible(session, ex, ref: Reference, cell: dict, m) -> None:
    """Record the mutant at the first visible check it fails (where a student stops too)."""
    recorded = ref.checks[ex.name + "-visible"]
    index = ex.cells["visible"]
    reports = _again(session, index, _reports(session, index))
    for index, (want, report) in enumerate(zip(recorded, reports, strict=False)):
        try:
            actual = decode_untrusted(report["actual"])
            expected = decode_untrusted(report["expected"])
        except (Malformed, KeyError, TypeError):
            return
        check = report["check"]
        if check != want["check"]:
            # Another branch of the cell: its own check, judged with its defaults; the checks
            # after it no longer line up with the solution's, so it is the last one looked at.
            want = {"check": check, "options": {}}
            if recheck(want, actual, expected) is None:
                return
        elif recheck(want, actual, expected) is None:
            continue
        key = diagnoses.slot(index, check)
        cell["checks"].setdefault(key, {"check": check, "mutants": []})
        cell["checks"][key]["mutants"].append(_entry(m, report["actual"]))
        return


def _hidden(session, ex, ref: Reference, hidden: dict, m) -> None:
    index = ex.cells["hidden"]
    for report in _again(session, index, _reports(session, index)):
        key = report.get("key")
        if key not in ref.values:
            continue
        try:
            value = decode_untrusted(report["value"])
        except Malformed:
            continue
        rtol, atol = ref.tolerances.get(key, (1e-6, 1e-9))
        if compare(ref.values[key], value, rtol, atol) is not None:
            hidden.setdefault(key, []).append(_entry(m, report["value"]))


def _entry(m, value) -> dict:
    return {"mutant": m.name, "diagnosis": m.diagnosis, "value": value}
