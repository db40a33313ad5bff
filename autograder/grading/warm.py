"""A warm kernel pool: one spare sandboxed kernel per grading process, started while the current
notebook runs, so kernel start-up and the course's standard imports leave the critical path.

A spare is fresh: started for nobody, it has run no student's code, and it is handed to one
notebook only, which kills it afterwards like any graded kernel. Each spare has its own user,
cgroups, run folder and limits, exactly as a kernel started on demand; it waits for a notebook
whose kernel would be started the same way (same sandbox, limits, environment, data files and
standard imports: :class:`Spec`) and is thrown away otherwise, or when it has died.

The pool is per process (a local worker or a Dask worker process alike), started lazily and
emptied at exit; what a killed process leaves behind is swept by its parent like any run folder
(``ag-<pid>-…``) or cgroup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import tempfile
import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_core.utils import run_sync

from .sandbox import RUN_PREFIX, KernelLimits, Sandbox, SandboxKernelManager, at_exit
from .zygote import FORKABLE, Zygote


@dataclass(frozen=True)
class Spec:
    """Everything that decides how a grading kernel is started: equal specs, equal kernels."""

    sandbox: str  # repr of the Sandbox (bubblewrap, cgroups)
    limits: KernelLimits
    memory_bytes: int
    env: tuple[tuple[str, str], ...]
    data: str  # digest of the data files' names and contents
    preload: tuple[str, ...]
    fonts: str


def data_digest(folder: Path) -> str:
    """Names and contents of every file under ``folder`` (the assignment's data files)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode() + b"\0")
        if path.is_symlink():
            h.update(b"link:" + os.readlink(path).encode())
        elif path.is_file():
            h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class Kernel:
    """A started sandboxed kernel and what it holds: its user, run folder, data and cgroup."""

    spec: Spec | None
    uid: int | None
    run_dir: Path
    data: Path | None  # the data files it sees (a private copy for a spare)
    group: object  # KernelCgroup | None
    km: SandboxKernelManager | None = None
    hold: ExitStack = field(default_factory=ExitStack)  # the user's lock

    def alive(self) -> bool:
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return proc is not None and proc.poll() is None


class Pool:
    """This process's spare kernel (at most one), started in a thread of its own. A process
    that runs several notebooks at once (a Dask worker with more threads) shares the one."""

    def __init__(self):
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._spare: Kernel | None = None
        self._starting: threading.Thread | None = None
        # Kernels started from one long-lived thread: bubblewrap's --die-with-parent follows
        # the thread that started it, and a task thread may end before the spare is used.
        self._jobs: list = []
        self._wake = threading.Condition(self._lock)
        self._closed = False
        self._thread = threading.Thread(target=self._serve, name="autograder-warm", daemon=True)
        self._thread.start()

    def take(self, spec: Spec, wait: float = 30) -> Kernel | None:
        """The spare if it was started for ``spec`` and is alive (it is then the caller's to
        clean up); otherwise None, and a spare that does not fit is thrown away."""
        with self._wake:
            self._wake.wait_for(lambda: not self._jobs and self._starting is None, timeout=wait)
            spare, self._spare = self._spare, None
        if spare is None:
            return None
        if spare.spec == spec and spare.alive():
            return spare
        discard(spare)
        return None

    def prepare(self, spec: Spec, sandbox: Sandbox, workdir: Path, hint: int, fonts) -> None:
        """Start a spare for ``spec`` in the background (replacing any other spare)."""
        with self._wake:
            if self._closed:
                return
            self._jobs.append((spec, sandbox, Path(workdir), hint, fonts))
            self._wake.notify_all()

    def _serve(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._jobs or self._closed)
                if self._closed:
                    return
                job, self._jobs = self._jobs[-1], []
                if self._spare is not None and self._spare.spec == job[0] and self._spare.alive():
                    self._wake.notify_all()  # one fits already (another thread started it)
                    continue
                old, self._spare = self._spare, None
                self._starting = threading.current_thread()
            if old is not None:
                discard(old)
            try:
                spare = _start_spare(*job)
            except Exception:  # no spare: the next notebook starts its kernel itself
                spare = None
            with self._wake:
                self._starting = None
                if self._closed:
                    if spare is not None:
                        discard(spare)
                    self._wake.notify_all()
                    return
                self._spare = spare
                self._wake.notify_all()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            spare, self._spare = self._spare, None
            self._jobs = []
            self._wake.notify_all()
        if spare is not None:
            discard(spare)


_POOL: Pool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> Pool:
    """This process's pool (a forked child gets a pool of its own, never its parent's)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL.pid != os.getpid():
            _POOL = Pool()
            at_exit(_POOL.close)
        return _POOL


_ZYGOTES: dict[tuple, Zygote] = {}
_ZYGOTES_LOCK = threading.Lock()
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel sets


def zygote(sandbox: Sandbox, env: dict[str, str], fonts, preload: tuple[str, ...]):
    """This process's kernel zygote for these imports (:mod:`autograder.grading.zygote`), or
    None where kernels are started afresh: no bubblewrap, no separate users, no shared font
    list, an import that is not safe to fork (TensorFlow), or ``AUTOGRADER_ZYGOTE=off``."""
    if (
        os.environ.get("AUTOGRADER_ZYGOTE") == "off"
        or not forking_supported()
        or not (sandbox.isolated and sandbox.drops_privileges)
        or fonts is None
        or not set(preload) <= set(FORKABLE)
    ):
        return None
    kernel_env = sandbox.env(env)
    # The zygote imports matplotlib as a kernel would after ipykernel set its backend, with
    # the font list that every kernel sees (from its host folder).
    folder = str(Path(fonts).parent)
    zygote_env = {**kernel_env, "MPLCONFIGDIR": folder, "MPLBACKEND": INLINE_BACKEND}
    key = (preload, tuple(sorted(zygote_env.items())))
    with _ZYGOTES_LOCK:
        # A worker forked from the grader inherits its zygotes and shares them.
        if key not in _ZYGOTES:
            lock = tempfile.mkstemp(prefix=f"{RUN_PREFIX}{os.getpid()}-zygote-")
            os.close(lock[0])
            _ZYGOTES[key] = Zygote(preload, zygote_env, lock[1])
            at_exit(_ZYGOTES[key].close)
            at_exit(_remove, lock[1])
        return _ZYGOTES[key]


def forking_supported() -> bool:
    """setns into a process's namespaces through a pidfd: Linux 5.8 and later."""
    release = os.uname().release.split(".")
    try:
        version = (int(release[0]), int(release[1].split("-")[0]))
    except (IndexError, ValueError):
        return False
    return hasattr(os, "pidfd_open") and version >= (5, 8)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def prestart(sandbox: Sandbox, env: dict[str, str], preload: tuple[str, ...]) -> None:
    """Build the font list and start the zygote in this process, before it forks its workers
    (which then share both): each worker would otherwise spend its first ~0.6 s on them.
    Failures are left for the workers to meet (and fall back) as they would without this."""
    from .sandbox import font_cache

    try:
        z = zygote(sandbox, env, font_cache(sandbox, env), preload)
        if z is not None:
            z.start()
    except Exception:  # noqa: BLE001 - an optimisation only
        pass


def new_kernel(
    sandbox: Sandbox,
    hint: int,
    memory_bytes: int,
    limits: KernelLimits,
    data: Path | None,
    spec: Spec | None = None,
) -> Kernel:
    """A user, run folder and cgroups for one kernel (not started yet). Raises OSError when
    the cgroups could not be made (after releasing the rest)."""
    from .run_submission import DISK_CAP_BYTES, MAX_SHARED_ENTRIES, remove_tree

    hold = ExitStack()
    uid = hold.enter_context(sandbox.claim_user(hint))
    try:
        run_dir = sandbox.make_run_dir(uid, DISK_CAP_BYTES, MAX_SHARED_ENTRIES)
    except BaseException:
        hold.close()
        raise
    try:
        group = sandbox.cgroups.create(memory_bytes, limits.processes)
    except BaseException:
        sandbox.release_run_dir(run_dir)
        remove_tree(run_dir)
        hold.close()
        raise
    return Kernel(spec, uid, run_dir, data, group, hold=hold)


def _start_spare(spec: Spec, sandbox: Sandbox, workdir: Path, hint: int, fonts) -> Kernel:
    from .run_submission import remove_tree

    # A private copy of the data files: the next notebook's own are identical (the spec says so).
    data = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-data-"))
    os.chmod(data, 0o755)
    try:
        shutil.copytree(workdir, data, dirs_exist_ok=True, symlinks=True)
        kernel = new_kernel(sandbox, hint, spec.memory_bytes, spec.limits, data, spec)
    except BaseException:
        remove_tree(data)
        raise
    kernel.km = SandboxKernelManager(
        sandbox,
        kernel.run_dir,
        kernel.uid,
        spec.limits,
        dict(spec.env),
        data,
        kernel.group,
        fonts,
        spec.preload,
        zygote(sandbox, dict(spec.env), fonts, spec.preload),
    )
    try:
        run_sync(_launch)(kernel.km, str(data))
    except BaseException:
        discard(kernel)
        raise
    return kernel


async def _launch(km: SandboxKernelManager, cwd: str) -> None:
    # As nbclient starts a kernel (its output goes nowhere), without waiting for it: the
    # notebook's own client connects when it comes. The control socket belongs to this thread's
    # event loop: closed here, the notebook's client opens its own when it needs one.
    import subprocess

    await km.start_kernel(cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    km._close_control_socket()


def discard(kernel: Kernel) -> bool:
    """Kill a kernel and remove everything it held; True when nothing was left behind."""
    from .run_submission import _kill_user, remove_tree

    cleaned = True
    try:
        proc = getattr(getattr(kernel.km, "provisioner", None), "process", None)
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.wait(timeout=10)
        if kernel.km is not None:
            for remove in (kernel.km.cleanup_connection_file, kernel.km.cleanup_ipc_files):
                remove()
            kernel.km.context.destroy(linger=0)
    except Exception:
        cleaned = False
    finally:
        if kernel.group is not None:
            cleaned &= kernel.group.remove()
        if kernel.uid is not None:
            _kill_user(kernel.uid)
        Sandbox.release_run_dir(kernel.run_dir)
        cleaned &= remove_tree(kernel.run_dir)
        if kernel.data is not None and kernel.spec is not None:  # a spare's own copy
            cleaned &= remove_tree(kernel.data)
        kernel.hold.close()
    return cleaned
