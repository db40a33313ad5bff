"""nbgrader ``generate_assignment`` in a scratch course, in this process.

Both the release build and grading need it: the build for the student release, grading to record
the assignment in the gradebook and to get the template that submissions are rebuilt on.
"""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory

from ..errors import CourseError
from .course import Course
from .nbgrader_cmd import nbgrader_env


def generate_release(course: Course, assignment: str, scratch: Path, db_url: str) -> Path:
    """Copy the assignment's source into ``scratch`` (no reference), generate; return the release.

    Runs with the course's own nbgrader configuration; ``db_url`` is the gradebook that records
    the assignment.
    """
    # nbgrader creates the scratch gradebook by running `alembic`, which lives beside our Python.
    os.environ["PATH"] = nbgrader_env()["PATH"]
    shutil.rmtree(scratch, ignore_errors=True)
    course.copy_assignment(assignment, scratch / "source" / assignment)
    config = copy.deepcopy(course.config)
    config.CourseDirectory.root = str(scratch)
    config.CourseDirectory.db_url = db_url
    config.CourseDirectory.source_directory = "source"
    config.CourseDirectory.release_directory = "release"
    config.CourseDirectory.assignment_id = assignment
    config.GenerateAssignment.create_assignment = True
    config.BaseConverter.force = True
    try:
        GenerateAssignment(coursedir=CourseDirectory(config=config), config=config).start()
    except Exception as e:
        raise CourseError(
            course.source_dir / assignment, f"nbgrader generate_assignment: {e}"
        ) from None
    return scratch / "release" / assignment
