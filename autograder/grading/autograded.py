"""``--autograded DIR``: the graded notebooks where nbgrader's formgrader looks for them.

The formgrader's gradebook views read the database, but its notebook lists, a student's
notebook scores and the manual grading page show only notebooks that have a file in the course's
``autograded/<student>/<assignment>/`` folder, and a student found in ``submitted/`` counts as
graded only when the gradebook's submission time equals that of ``submitted/…/timestamp.txt``
(what ``nbgrader autograde`` leaves). This writes both, so a course graded by ``autograder grade``
opens in formgrader like one graded by nbgrader. The notebooks hold the restored hidden tests, as
nbgrader's own do: the folder is the instructor's, never the students'.
"""

from __future__ import annotations

import os
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc

from ..errors import CourseError
from .dblock import gradebook_lock

TIMESTAMP = "timestamp.txt"


def submission_time(files: list[Path], notebook: str) -> str | None:
    """The text of the ``timestamp.txt`` nbgrader's submit/collect put beside the notebook
    (``submitted/<student>/`` may hold other assignments' folders, with their own)."""
    folders = {f.parent for f in files if f.name == notebook}
    for path in files:
        if path.name == TIMESTAMP and path.parent in folders:
            try:
                text = path.read_text(encoding="utf-8").strip()
                parse_utc(text)
            except (OSError, ValueError, UnicodeDecodeError):
                return None  # unreadable: the student is shown as not autograded, nothing worse
            return text
    return None


def check(folder: Path, out: Path) -> None:
    """Refuse, before grading, a folder that cannot take the notebooks."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise CourseError(folder, "--autograded must be a folder")
    if folder.resolve().is_relative_to(Path(out).resolve()):
        # --out is what teaching assistants may hand out; these notebooks hold the hidden tests
        raise CourseError(folder, "--autograded must not be inside --out")


def write(
    folder: Path,
    db_url: str,
    assignment: str,
    notebook_id: str,
    notebooks: dict[str, str],
    files: dict[str, list[Path]],
) -> int:
    """Write ``notebooks`` (student -> executed notebook JSON) as
    ``folder/<student>/<assignment>/<notebook_id>.ipynb`` and record each submission's time;
    return how many were written."""
    folder = Path(folder)
    written = 0
    with gradebook_lock(db_url), Gradebook(db_url) as gb:
        for student, nb in sorted(notebooks.items()):
            target = folder / student / assignment
            target.mkdir(parents=True, exist_ok=True)
            tmp = target / f".{notebook_id}.ipynb.tmp"
            tmp.write_text(nb, encoding="utf-8")
            os.replace(tmp, target / f"{notebook_id}.ipynb")
            stamp = submission_time(files.get(student, []), f"{notebook_id}.ipynb")
            if stamp is not None:
                (target / TIMESTAMP).write_text(stamp + "\n", encoding="utf-8")
                try:
                    gb.find_submission(assignment, student).timestamp = parse_utc(stamp)
                except MissingEntry:
                    pass
            written += 1
        gb.db.commit()
    return written
