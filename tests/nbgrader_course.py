"""A scratch nbgrader course for end-to-end tests: real nbgrader commands, real SQLite gradebook."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.build.course import CONFIG_FILENAME, Course
from autograder.build.nbgrader_cmd import run_nbgrader
from autograder.checks import REFERENCE_ENV


@dataclass
class Result:
    score: float
    max_score: float
    cells: dict[str, float]  # grade_id -> score


def autograde(course: Course, assignment: str, submissions: dict[str, Path], tmp: Path):
    """Autograde one notebook per student with nbgrader; return {student: Result}."""
    root = tmp / "course"
    source = root / "source" / assignment
    shutil.copytree(course.source_dir / assignment, source)
    shutil.copy(course.root / CONFIG_FILENAME, root / CONFIG_FILENAME)
    db = f"sqlite:///{root / 'gradebook.db'}"
    common = [
        f"--CourseDirectory.root={root}",
        f"--CourseDirectory.db_url={db}",
        "--CourseDirectory.source_directory=source",
        "--CourseDirectory.release_directory=release",
    ]
    run_nbgrader(["generate_assignment", assignment, "--create", "--force", *common], cwd=root)
    for student, notebook in submissions.items():
        target = root / "submitted" / student / assignment
        target.mkdir(parents=True)
        shutil.copy(notebook, target / f"{assignment}.ipynb")
    # The kernel reads the hidden-test reference from where the instructor keeps it.
    env = {REFERENCE_ENV: str(course.reference_file(assignment))}
    run_nbgrader(["autograde", assignment, "--create", "--force", *common], cwd=root, env=env)
    results = {}
    with Gradebook(db) as gb:
        for student in submissions:
            sub = gb.find_submission(assignment, student)
            nb = sub.notebooks[0]
            cells = {g.name: g.score for g in nb.grades}
            results[student] = Result(sub.score, sub.max_score, cells)
    return results
