"""A real PostgreSQL server for the tests: Debian's binaries, a data folder in tmp, a free port.

``initdb`` a fresh cluster, ``postgres`` on 127.0.0.1 (and a unix socket in the data folder's
parent), one database per test; stopped and removed at the end. PostgreSQL refuses to run as root,
so as root the server runs as ``nobody`` and owns its folder.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

SUPERUSER = "postgres"
# Where Debian's `postgresql` package puts the server (not on PATH): the newest version wins.
DEBIAN_BINS = "/usr/lib/postgresql/*/bin"
MISSING = (
    "PostgreSQL server binaries (initdb, postgres) not found in {where}: "
    "apt-get install postgresql (.ci/run installs it), or set PG_BIN to their folder"
)


def find_bin() -> Path:
    """The folder with ``initdb`` and ``postgres``; AssertionError with what to install if none."""
    candidates = [os.environ["PG_BIN"]] if os.environ.get("PG_BIN") else []
    candidates += sorted(glob.glob(DEBIAN_BINS), key=_version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for folder in candidates:
        if all(os.access(Path(folder) / b, os.X_OK) for b in ("initdb", "postgres")):
            return Path(folder)
    raise AssertionError(MISSING.format(where=", ".join(candidates) or f"{DEBIAN_BINS}, PATH"))


def _version(folder: str) -> tuple[int, ...]:
    name = Path(folder).parent.name
    return tuple(int(p) for p in name.split(".") if p.isdigit())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    socket_dir: Path
    log: Path
    _names = itertools.count()

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def create_database(self, prefix: str = "gradebook") -> str:
        """A new empty database; its SQLAlchemy URL."""
        name = f"{prefix}_{next(self._names)}"
        # autocommit: CREATE DATABASE cannot run in a transaction
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_owner() -> tuple[dict, int | None, int | None]:
    """Popen arguments that run the server unprivileged (``nobody`` when we are root)."""
    if os.geteuid() != 0:
        return {}, None, None
    user = pwd.getpwnam("nobody")
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}, user.pw_uid, user.pw_gid


@contextlib.contextmanager
def server(bins: Path | None = None) -> Iterator[Server]:
    """A fresh PostgreSQL cluster, yielded once it takes connections; stopped and removed after."""
    bins = bins or find_bin()
    # Not under pytest's tmp: that is root's, mode 0700, and the server runs as nobody.
    top = Path(tempfile.mkdtemp(prefix="autograder-pg-"))
    data, sockets, log = top / "data", top / "sockets", top / "server.log"
    popen_user, uid, gid = _as_owner()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
    proc = None
    try:
        sockets.mkdir()
        log.touch()
        if uid is not None:
            for path in (top, sockets, log):
                os.chown(path, uid, gid)
        init = subprocess.run(
            [bins / "initdb", "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8"]
            + ["--locale=C", "--no-sync", "--no-instructions"],
            cwd=top,
            env=env,
            capture_output=True,
            text=True,
            **popen_user,
        )
        assert init.returncode == 0, f"initdb failed: {init.stdout[-1500:]}{init.stderr[-1500:]}"
        port = free_port()
        # fsync off: a test database need not survive a power cut, and it is much faster.
        cmd = [bins / "postgres", "-D", data, "-p", str(port), "-h", "127.0.0.1", "-k", sockets]
        cmd += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        cmd += ["-c", "max_connections=100"]
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                cmd,
                cwd=top,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **popen_user,
            )
        srv = Server(port, sockets, log)
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(srv.dsn("postgres"), connect_timeout=5).close()
                break
            except psycopg.OperationalError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        f"PostgreSQL did not start: {log.read_text(errors='replace')[-2000:]}"
                    ) from None
                time.sleep(0.2)
        yield srv
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGQUIT)  # "immediate" shutdown: the cluster is thrown away
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """One PostgreSQL server for the test session (per xdist worker); fails, never skips, when
    the binaries are missing: CI installs them."""
    try:
        bins = find_bin()
    except AssertionError as e:
        pytest.fail(str(e))
    with server(bins) as srv:
        yield srv
