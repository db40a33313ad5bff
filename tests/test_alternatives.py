"""Correct work always earns full marks: the catalogue of correct alternatives.

``tests/alternatives/<assignment>.py`` holds them.

Two levels, the second the one that counts:

- in a kernel, per alternative: it replaces the solution, the exercise's visible and hidden test
  cells run and must raise nothing (quick, and names the failing check);
- in the real grader: per assignment one class graded by `autograder grade` in the sandbox,
  a submission per round (round k holds the k-th alternative of every exercise, so they also work
  with each other) and one with the student's own extra cells after every exercise; every exercise
  of every submission must earn its full points.
"""

from __future__ import annotations

import csv
import json

import pytest

from tests.alternatives import Alternative, catalogue, rounds, with_answers, with_extra_cells
from tests.conftest import COURSE, assignments
from tests.grade_cli import grade_cli
from tests.kernel_sessions import exercises, run_exercise_tests, sessions  # noqa: F401

pytestmark = pytest.mark.slow

ALTERNATIVE_CASES = [
    pytest.param(a, alt, id=f"{a}::{alt.exercise}::{alt.name}")
    for a in assignments()
    for alt in catalogue(a)
]
EXERCISE_CASES = [
    pytest.param(a, name, id=f"{a}::{name}") for a in assignments() for name in exercises(a)
]


@pytest.mark.parametrize("assignment, exercise", EXERCISE_CASES)
def test_catalogue_has_two_alternatives_per_exercise(assignment, exercise):
    alts = [a for a in catalogue(assignment) if a.exercise == exercise]
    assert len(alts) >= 2, f"{exercise}: at least two correct alternatives in tests/alternatives/"
    assert len({a.name for a in alts}) == len(alts), f"{exercise}: alternatives' names repeat"


@pytest.mark.parametrize("assignment, alternative", ALTERNATIVE_CASES)
def test_alternative_passes_visible_and_hidden_tests(sessions, assignment, alternative):  # noqa: F811
    all_exercises = exercises(assignment)
    assert alternative.exercise in all_exercises, f"no exercise {alternative.exercise!r}"
    ex = all_exercises[alternative.exercise]
    session = sessions(assignment)
    try:
        session.run_code(alternative.source)
        outcome = run_exercise_tests(session, ex)
    finally:
        session.run_cell(ex.cells["solution"])
    failed = {part: why for part, (ok, why, _) in outcome.items() if not ok}
    assert not failed, f"a correct alternative fails: {failed}"


@pytest.mark.parametrize("assignment", assignments())
def test_alternatives_earn_full_marks_in_the_real_grader(assignment, tmp_path):
    solution = json.loads(COURSE.source_notebook(assignment).read_text(encoding="utf-8"))
    subs = tmp_path / "subs"
    students: dict[str, dict[str, Alternative]] = {}
    for k, answers in enumerate(rounds(assignment)):
        students[f"alt{k + 1}"] = answers
        nb = with_answers(solution, {ex: alt.source for ex, alt in answers.items()})
        _write(subs / f"alt{k + 1}" / f"{assignment}.ipynb", nb)
    first = {ex: alt.source for ex, alt in (rounds(assignment) or [{}])[0].items()}
    students["extra-cells"] = {}
    _write(
        subs / "extra-cells" / f"{assignment}.ipynb",
        with_extra_cells(with_answers(solution, first), assignment),
    )
    out = tmp_path / "out"
    result = grade_cli(
        assignment, subs, out, tmp_path / "gb.db", "--jobs", "2", "--sandbox", "require"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(out / "exercises.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    lost = []
    for r in rows:
        if float(r["score"]) < float(r["max_score"]):
            alt = students.get(r["student_id"], {}).get(r["exercise"])
            what = f"{alt.name!r}" if alt else "(solution)"
            lost.append(
                f"{r['student_id']} {r['exercise']} {what}: {r['score']}/{r['max_score']} "
                f"{r['reason']}"
            )
    graded = {r["student_id"] for r in rows}
    assert graded == set(students), f"not graded: {set(students) - graded}"
    assert not lost, "correct work lost points:\n" + "\n".join(lost)
    # Correct work is never told it probably made a mistake.
    told = [f"{r['student_id']} {r['exercise']}: {r['diagnosis']}" for r in rows if r["diagnosis"]]
    assert not told, "a correct answer got a diagnosis:\n" + "\n".join(told)


def _write(path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
