"""One gradebook writer at a time across grading processes, on a server gradebook.

nbgrader's ``Gradebook`` creates its tables when it finds none, and adds courses, students and
submissions by look-up-then-insert: two ``autograder grade`` runs at once into one PostgreSQL
database (two assignments of one class) race on these and one of them dies of a duplicate key.
Each run holds a PostgreSQL advisory lock (scoped to that database) around its writes, so the
other waits its turn: a write is milliseconds, the kernels run in parallel as before. SQLite needs
none: one process per run writes, and SQLite locks its file itself.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Any fixed 64-bit key, the same in every run: "nbgrader" in ASCII.
LOCK_KEY = int.from_bytes(b"nbgrader", "big")


@functools.cache
def _engine(db_url: str):
    return create_engine(db_url, poolclass=NullPool)


@contextlib.contextmanager
def gradebook_lock(db_url: str) -> Iterator[None]:
    """Hold the gradebook's writer lock (PostgreSQL; a no-op for other databases)."""
    if make_url(db_url).get_backend_name() != "postgresql":
        yield
        return
    # A connection of its own: the lock is the session's, released when it closes, even if
    # this process dies mid-write.
    with _engine(db_url).connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        conn.commit()  # no transaction left open beside the gradebook's own
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            conn.commit()
