"""Grading on a Dask cluster (``autograder grade --scheduler``): each submission is a task.

The client (the ``autograder grade`` process) alone reads the course, writes the gradebook, the
cache and the outputs, exactly as with the local process pool. A task carries everything its
execution needs — the submission's notebook, the assignment's data files (a tar in memory), the
instructor's reference, the limits and the kernel's environment — so a worker needs only the
course's Python environment and bubblewrap, never the course folder or the gradebook. On the
worker the task unpacks into a temporary folder, confines the kernel as that machine can, runs
:func:`autograder.grading.run_submission.execute` and returns its result.

``--scheduler local:N`` starts a ``LocalCluster`` of N worker processes on 127.0.0.1 (TCP) for the
run; ``--scheduler tcp://HOST:PORT`` connects to a running scheduler.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dask
from distributed import Client, LocalCluster, as_completed, get_worker
from tqdm import tqdm

from ..errors import CourseError
from ..reference import REFERENCE_FILENAME
from .run_submission import Limits, execute, remove_tree, sweep_dead_workers
from .sandbox import RUN_PREFIX, Sandbox, detect, unconfined

log = logging.getLogger("autograder.grading.grade")

CONNECT_TIMEOUT = 10  # seconds: an unreachable scheduler is an instructor error, said quickly
# A task whose worker dies is run again elsewhere by the scheduler, up to this many deaths; then
# it fails (KilledWorker) and grade.py's EXECUTION_ATTEMPTS take over, as for a broken pool.
ALLOWED_FAILURES = 3
OFF = "песочница отключена (--sandbox off)"  # the same words as the local path's
# Nannies hand this config to a LocalCluster's workers (README: the same for workers started by
# hand). A task lasts seconds, so Dask's background loops need not wake every few milliseconds:
# the sampling profiler (every 10 ms), the event-loop tick (20 ms), the memory monitor (100 ms)
# and the system monitor (500 ms) cost an idle 2-worker cluster 8 % of a core; so, 1 %.
CONFIG = {
    "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
}


def parse(spec: str) -> tuple[str, int | str]:
    """``local:N`` -> ("local", N); ``tcp://HOST:PORT``, ``tls://…`` or ``HOST:PORT`` -> ("address",
    the address); anything else is a CourseError naming the option."""
    m = re.fullmatch(r"local:(\d+)", spec.strip())
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 512:
            raise CourseError("--scheduler", f"{spec!r}: local:N needs 1 <= N <= 512 workers")
        return "local", n
    m = re.fullmatch(r"(?:(tcp|tls)://)?([\w.\-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})", spec.strip())
    if not m:
        raise CourseError(
            "--scheduler",
            f"{spec!r}: expected local:N or a Dask scheduler address such as tcp://HOST:8786",
        )
    return "address", f"{m.group(1) or 'tcp'}://{m.group(2)}:{m.group(3)}"


class Cluster:
    """A connected Dask client and what the grader asks of it."""

    def __init__(self, client: Client, address: str):
        self.client, self.address = client, address

    def check_workers(self, sandbox: Sandbox, mode: str) -> None:
        """Refuse to start when a worker cannot confine kernels as this machine does: the run's
        results (and cache) would depend on which worker took which submission."""
        # A worker lost meanwhile is skipped: each task checks its own worker again.
        workers = self.client.run(worker_sandbox_state, mode, sandbox.isolated, on_error="return")
        log.info("Dask scheduler %s: %d workers", self.address, len(workers))
        for addr, why in sorted(workers.items()):
            if isinstance(why, BaseException):
                log.warning("Dask worker %s did not answer: %s", addr, type(why).__name__)
        missing = {addr: why for addr, why in workers.items() if isinstance(why, str) and why}
        if missing:
            addr, why = sorted(missing.items())[0]
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise CourseError(
                addr,
                f"Dask worker{more} cannot sandbox kernels: {why}; install bubblewrap there "
                "or grade with --sandbox off",
            )

    def execute(
        self,
        pending: list,
        data: Path,
        env: dict[str, str],
        limits: Limits,
        sandbox: Sandbox,
        mode: str,
        reference: Path,
        bar: tqdm,
    ) -> Iterator[tuple]:
        """Run ``pending`` [(prepared, key)] as tasks; yield (prepared, key, result or failure
        text) as they finish, as the local pool does."""
        files = pack(data)
        ref = reference.read_bytes()
        futures = {}
        for slot, (p, key) in enumerate(pending):
            task = {
                "nb": _nb_json(p.nb),
                "files": files,
                "reference": ref,
                "env": env,
                "limits": limits,
                "isolated": sandbox.isolated,
                "mode": mode,
                "slot": slot,
            }
            # Exceptions are not retried here: grade.py retries them as for the local pool.
            name = f"grade-{_safe(p.student)}-{uuid.uuid4().hex[:8]}"
            fut = self.client.submit(run_task, task, key=name, pure=False, retries=0)
            futures[fut] = (p, key)
        try:
            for fut in as_completed(futures):
                p, key = futures[fut]
                try:
                    result = fut.result()
                except BaseException as e:  # KilledWorker, a lost scheduler, no kernel started
                    if isinstance(e, KeyboardInterrupt):
                        raise
                    result = type(e).__name__
                bar.set_postfix_str(p.student)
                bar.update()
                yield p, key, result
        finally:
            self.client.cancel(list(futures))
            try:
                swept = self.client.run(sweep_worker, mode, sandbox.isolated, on_error="ignore")
            except Exception as e:  # a lost scheduler: nothing to sweep with
                log.warning("could not sweep the Dask workers: %s", type(e).__name__)
                swept = {}
            for addr, paths in sorted(swept.items()):
                for path in paths:
                    log.warning("removed what a dead worker left on %s: %s", addr, path)


@contextmanager
def connect(spec: str) -> Iterator[Cluster]:
    """A Dask client for the run: a LocalCluster started and closed here, or a running
    scheduler (left running)."""
    kind, where = parse(spec)
    with dask.config.set(CONFIG):
        if kind == "local":
            cluster = LocalCluster(
                n_workers=where,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                protocol="tcp",
                dashboard_address="127.0.0.1:0",  # any free port: runs at once never clash
                silence_logs=logging.ERROR,
            )
            try:
                with Client(cluster) as client:
                    client.wait_for_workers(where, timeout=120)
                    yield Cluster(client, cluster.scheduler_address)
            finally:
                cluster.close()
            return
        try:
            client = Client(where, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as e:
            why = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise CourseError(where, f"Dask scheduler unreachable: {why}") from None
        with client:
            yield Cluster(client, where)


def pack(folder: Path) -> bytes:
    """The assignment's data files as a tar in memory (what ``grade._workdir`` copies for the
    local path: everything but notebooks and the reference)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if (
                path.suffix == ".ipynb"
                or rel.name == REFERENCE_FILENAME
                or ".ipynb_checkpoints" in rel.parts
                or path.is_symlink()
            ):
                continue
            tar.add(path, arcname=str(rel), recursive=False)
    return buf.getvalue()


# --- on the worker ------------------------------------------------------------------------------

_SANDBOXES: dict[tuple[str, bool], Sandbox] = {}


class WorkerSandboxMissing(RuntimeError):
    """This worker cannot sandbox kernels while the run requires it: the machine's fault."""


def worker_sandbox(mode: str, isolated: bool) -> Sandbox:
    """How this worker confines kernels: as the client's machine does (probed once per worker
    process; a Sandbox is never shipped, its paths and cgroups are this machine's)."""
    key = (mode, isolated)
    if key not in _SANDBOXES:
        if mode == "off":
            _SANDBOXES[key] = unconfined(OFF)
        else:
            found = detect()
            if isolated and not found.isolated:
                raise WorkerSandboxMissing(found.warning)
            # The client has no bubblewrap: run as it would, so results do not depend on where.
            _SANDBOXES[key] = found if isolated else unconfined("нет песочницы на машине клиента")
    return _SANDBOXES[key]


def worker_sandbox_state(mode: str, isolated: bool) -> str:
    """'' when this worker can confine kernels as required, else why not."""
    try:
        worker_sandbox(mode, isolated)
    except WorkerSandboxMissing as e:
        return str(e)
    return ""


def sweep_worker(mode: str, isolated: bool) -> list[str]:
    """Remove what dead worker processes of this machine left (run folders, cgroups)."""
    try:
        return sweep_dead_workers(worker_sandbox(mode, isolated))
    except WorkerSandboxMissing:
        return []


def run_task(task: dict) -> dict:
    """One submission, on a worker: unpack, execute in a sandboxed kernel, clean up."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        sandbox = worker_sandbox(task["mode"], task["isolated"])
    except WorkerSandboxMissing as e:
        raise WorkerSandboxMissing(f"{_worker_name()}: {e}") from None
    # The pid in the name: sweep_dead_workers removes it if this process dies mid-task.
    folder = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-task-"))
    try:
        # The kernel's own user (as root, without bubblewrap) walks through to its work folder;
        # the reference beside it stays the grader's.
        folder.chmod(0o711)
        workdir = folder / "work"
        workdir.mkdir()
        with tarfile.open(fileobj=io.BytesIO(task["files"])) as tar:
            tar.extractall(workdir, filter="data")
        reference = folder / REFERENCE_FILENAME
        reference.write_bytes(task["reference"])
        reference.chmod(0o600)
        return execute(
            task["nb"],
            str(workdir),
            task["env"],
            task["limits"],
            sandbox,
            task["slot"],
            str(reference),
        )
    finally:
        remove_tree(folder)


def _worker_name() -> str:
    try:
        return get_worker().address
    except ValueError:
        return "worker"


def _nb_json(nb) -> str:
    import nbformat

    return nbformat.writes(nb)


def _safe(student: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in student)[:40] or "_"
