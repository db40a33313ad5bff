"""Every assignment graded by the real `autograder grade` in the sandbox, judged by the grader.

For each assignment one class: the solution (full marks), the untouched release (0), and mutants
from tests/mutants/ — per exercise one the visible tests catch and one only the hidden tests catch
(for the Keras notebook, one of each in all, to keep the run short). A mutant caught by the hidden
tests must keep exactly its exercise's visible points; one caught by the visible tests must lose
them. This is the in-kernel verdict of tests/test_mutants.py, taken again by the grader's process
from what the sandboxed kernel reported (autograder.grading.verify), for every check the course
uses.
"""

from __future__ import annotations

import csv
import json

import pytest
from markupsafe import escape

from autograder.build import notebooks
from tests.conftest import COURSE, assignments
from tests.diagnosis_lookup import diagnoses_of, graded_hidden, reference_of, visible_point
from tests.grade_cli import grade_cli
from tests.mutants import Mutant, catalogue

pytestmark = pytest.mark.slow


def chosen_mutants(assignment: str) -> list[Mutant]:
    picked: dict[tuple[str, str], Mutant] = {}
    for m in catalogue(assignment):
        key = ("", m.caught_by) if assignment == "07-keras" else (m.exercise, m.caught_by)
        picked.setdefault(key, m)
    return list(picked.values())


def with_answer(solution: dict, exercise: str, source: str) -> dict:
    nb = json.loads(json.dumps(solution))
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"{exercise}-solution":
            cell["source"] = source
    return nb


@pytest.mark.parametrize("assignment", assignments())
def test_grader_verdicts_match_the_tests_intent(assignment, tmp_path):
    solution_path = COURSE.source_notebook(assignment)
    solution = json.loads(solution_path.read_text(encoding="utf-8"))
    release = COURSE.release_folder(assignment) / f"{assignment}.ipynb"
    exercises = {ex.name: ex for ex in notebooks.exercises(notebooks.read(solution_path))}
    total = sum(ex.max_points for ex in exercises.values())
    subs = tmp_path / "subs"
    students: dict[str, Mutant | None] = {"solution": None, "blank": None}
    for i, m in enumerate(chosen_mutants(assignment)):
        students[f"m{i:02d}-{m.exercise}-{m.caught_by}"] = m
    for student, m in students.items():
        (subs / student).mkdir(parents=True)
        target = subs / student / f"{assignment}.ipynb"
        if student == "blank":
            target.write_bytes(release.read_bytes())
        else:
            nb = solution if m is None else with_answer(solution, m.exercise, m.source)
            target.write_text(json.dumps(nb), encoding="utf-8")

    out = tmp_path / "out"
    result = grade_cli(
        assignment, subs, out, tmp_path / "gb.db", "--jobs", "2", "--sandbox", "require"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        grades = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    with open(out / "exercises.csv", newline="", encoding="utf-8") as f:
        rows = {(r["student_id"], r["exercise"]): r for r in csv.DictReader(f)}
    assert grades["solution"] == total, _why(rows, "solution")
    assert grades["blank"] == 0
    doc, ref = diagnoses_of(assignment), reference_of(assignment)
    diagnosed = 0
    for student, m in students.items():
        if m is None:
            continue
        ex = exercises[m.exercise]
        got = float(rows[(student, m.exercise)]["score"])
        reason = rows[(student, m.exercise)]["reason"]
        if m.caught_by == "hidden":
            assert got == ex.points["visible"], f"{student} ({m.name}): {got}; {reason}"
        else:
            assert got <= ex.points["hidden"], f"{student} ({m.name}): {got}; {reason}"
        # Feedback that teaches: the grader names the mistake wherever the catalogue can tell it
        # apart, and never names another one.
        told = rows[(student, m.exercise)]["diagnosis"]
        assert told in ("", m.diagnosis), f"{student} ({m.name}) told another mistake: {told}"
        if m.caught_by == "visible":
            wanted = visible_point(doc, ref, m.exercise, m)[1]
        else:
            wanted = graded_hidden(doc, ref, m)
        if wanted:
            assert told == m.diagnosis, f"{student} ({m.name}): no diagnosis; {reason}"
            feedback = (out / "feedback" / student / f"{assignment}.html").read_text("utf-8")
            assert str(escape(m.diagnosis)) in feedback
            diagnosed += 1
    report = (out / "report.html").read_text(encoding="utf-8")
    assert diagnosed == 0 or "Частые ошибки" in report


def _why(rows: dict, student: str) -> str:
    return "; ".join(
        f"{ex}: {r['reason']}" for (s, ex), r in rows.items() if s == student and r["reason"]
    )


def test_mutant_choice_covers_both_kinds():
    for assignment in assignments():
        kinds = {m.caught_by for m in chosen_mutants(assignment)}
        assert kinds == {"visible", "hidden"}, assignment
