"""Writing autograded notebooks into nbgrader's gradebook, one open gradebook per grading run.

nbgrader's ``SaveAutoGrades`` opens a ``Gradebook`` per notebook (each open inspects the schema:
about 60 ms of CPU, four times per notebook with the submission's records) and commits after
every grade and comment cell — on SQLite a disk sync each, twenty per notebook of this course.
Measured on 01-neuron (20 students, 2 jobs): 0.66 s per notebook in the only process that writes,
a third of the class's grading time. Here one gradebook stays open for the run and each notebook
is one transaction: the same rows, the same scores, written by nbgrader's own preprocessor.
"""

from __future__ import annotations

import logging

from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades

from .dblock import gradebook_lock

log = logging.getLogger("autograder.grading.grade")


def alembic_head() -> str:
    """The schema revision nbgrader stamps into a new gradebook, read in this process.

    nbgrader's ``get_alembic_version`` runs ``alembic heads`` in a new Python, which imports
    alembic and nbgrader again: 1.5 s of every run that creates a gradebook, alone on one core
    before any kernel starts. This reads the same head from nbgrader's own migration scripts.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        return ScriptDirectory.from_config(Config(ini)).get_current_head()


def stamp_new_gradebooks_in_process() -> None:
    """nbgrader creates gradebooks (here and in generate_assignment) with :func:`alembic_head`."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = alembic_head


class _CommitLater:
    """A session whose ``commit`` only flushes: the notebook's transaction is committed once."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        self._session.flush()

    def __getattr__(self, name):
        return getattr(self._session, name)


class _OneTransaction:
    """The open gradebook as ``SaveAutoGrades`` sees it: its ``db.commit`` defers."""

    def __init__(self, gb: Gradebook):
        self._gb = gb
        self.db = _CommitLater(gb.db)

    def __getattr__(self, name):
        return getattr(self._gb, name)


class _SaveInto(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades``, into a gradebook that is already open."""

    def __init__(self, gb: Gradebook, **kw):
        super().__init__(**kw)
        self._open = gb

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        self.gradebook = _OneTransaction(self._open)
        # The cells as SaveAutoGrades processes them, without its own Gradebook around them.
        return super(SaveAutoGrades, self).preprocess(nb, resources)


class Writer:
    """The grading run's gradebook: ``save`` one student's autograded notebook (or zeros).

    Only the main process writes: SQLite takes one writer at a time; on PostgreSQL another run
    may write too, so each notebook's write holds the gradebook lock (:mod:`.dblock`).
    """

    def __init__(self, db_url: str, assignment: str, notebook_id: str):
        self.db_url, self.assignment, self.notebook_id = db_url, assignment, notebook_id
        self._gb: Gradebook | None = None

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._gb is not None:
            gb, self._gb = self._gb, None
            gb.close()
            gb.engine.dispose()

    def save(self, student: str, nb) -> bool:
        """Write ``nb``'s grades for ``student`` (``nb=None``: zeros). Returns False (after
        recording zeros) when nbgrader refuses the notebook: one student never stops the class."""
        with gradebook_lock(self.db_url):
            try:
                return self._save(student, nb)
            except Exception:
                self.close()  # a broken connection is not reused for the next student
                raise

    def _gradebook(self) -> Gradebook:
        if self._gb is None:
            self._gb = Gradebook(self.db_url)
        return self._gb

    def _save(self, student: str, nb) -> bool:
        gb = self._gradebook()
        gb.update_or_create_student(student)
        gb.update_or_create_submission(self.assignment, student)
        if nb is None:
            self._zeros(gb, student)
            return True
        res = {
            "nbgrader": {
                "db_url": self.db_url,
                "assignment": self.assignment,
                "notebook": self.notebook_id,
                "student": student,
            }
        }
        try:
            _SaveInto(gb).preprocess(nb, res)
            gb.db.commit()
        except Exception as e:
            gb.db.rollback()
            log.error(
                "%s: nbgrader could not save the grades (%s: %s)", student, type(e).__name__, e
            )
            self._zeros(gb, student)
            return False
        return True

    def _zeros(self, gb: Gradebook, student: str) -> None:
        sub = gb.find_submission_notebook(self.notebook_id, self.assignment, student)
        for g in sub.grades:
            g.auto_score = 0
            g.needs_manual_grade = False
        gb.db.commit()
