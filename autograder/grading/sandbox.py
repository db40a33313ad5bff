"""Sandboxed grading kernels: bubblewrap, an unprivileged user, no network, resource limits.

Each submission's kernel runs in its own bubblewrap sandbox: new mount, PID, network, IPC and UTS
namespaces; read-only system paths, Python install, virtual environment and ``autograder``
package; a private size-limited ``/tmp`` and home; nothing else of the host — not the course
(solutions, references, gradebook), not the submissions, not the grading output. With no network
namespace of its own there is no TCP: the grader talks to the kernel over ZeroMQ's ``ipc``
transport, through sockets in a per-submission folder that is the only host path shared with it.
Inside, :mod:`autograder.grading.confine` sets hard resource limits and, when the grader runs as
root, switches to a per-submission unprivileged user before the kernel starts.

Where bubblewrap is missing or cannot create namespaces the grader says so loudly and still runs
the kernel through :mod:`autograder.grading.confine` (limits, and a separate user when root).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import zmq
from jupyter_client.manager import AsyncKernelManager

import autograder

from .cgroup import Cgroups, KernelCgroup

BWRAP = "bwrap"
IOPUB_QUEUE = 20_000  # messages (zmq's default, 1000, drops a live-progress loop's output)
MAX_MESSAGE_BYTES = 64 << 20
RUN_PREFIX = "ag-"
HOME = "/home/student"
UID_BASE = 61000  # per-submission users: UID_BASE + slot (no passwd entry is needed)
UID_SLOTS = 4000
UID_LOCKS = Path("/tmp/autograder-uids")  # one lock file per user in use, shared by all runs
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
# What a Python program needs from /etc: the loader cache, names, locale, time zone, certificates.
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/localtime",
    "/etc/alternatives",
    "/etc/ssl",
    "/etc/mime.types",
    "/etc/fonts",
)


@dataclass(frozen=True)
class KernelLimits:
    """Hard limits of one grading kernel (the resident-memory cap is the watchdog's)."""

    cpu_seconds: int
    processes: int = 256  # threads count too: TensorFlow starts a few dozen
    file_bytes: int = 64 << 20
    open_files: int = 1024
    tmp_bytes: int = 256 << 20  # each of /tmp and the home folder (tmpfs: in memory)
    address_space: int = 16 << 30  # virtual, a backstop: TensorFlow maps more than it uses

    def rlimits(self) -> list[str]:
        return [
            f"cpu={self.cpu_seconds}",
            f"nproc={self.processes}",
            f"fsize={self.file_bytes}",
            f"nofile={self.open_files}",
            f"as={self.address_space}",
            "core=0",
        ]


@dataclass(frozen=True)
class Sandbox:
    """How grading kernels are confined on this machine."""

    bwrap: str | None  # path of bwrap, or None: limits and a separate user only
    warning: str = ""  # why there is no bubblewrap sandbox, for the instructor
    separate_user: bool = True  # as root: each kernel runs as a user of its own
    cgroups: Cgroups = field(default_factory=Cgroups)  # where kernel cgroups go (maybe none)

    @property
    def isolated(self) -> bool:
        return self.bwrap is not None

    @property
    def drops_privileges(self) -> bool:
        """As root, each kernel runs as an unprivileged user of its own."""
        return os.getuid() == 0 and self.separate_user

    @contextmanager
    def claim_user(self, slot: int) -> Iterator[int | None]:
        """The user a kernel runs as, held for this kernel alone (None: the grader's own).

        Several grading runs may share the machine: a user is claimed with a lock, so no two
        kernels share one (process limits count per user; leftovers are killed by user).
        """
        if not self.drops_privileges:
            yield None
            return
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        for i in range(UID_SLOTS):
            uid = UID_BASE + (slot + i) % UID_SLOTS
            with open(UID_LOCKS / str(uid), "w") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                yield uid
                return
        raise RuntimeError("no free sandbox user")

    def make_run_dir(self, uid: int | None, size: int = 0, inodes: int = 0) -> Path:
        """A private folder for the connection file and the kernel's sockets.

        As root it is a tmpfs of its own with a hard ``size`` and number of ``inodes`` (the only
        host folder the kernel can write: fallocate and empty files cannot pass it either);
        otherwise a plain folder that the watchdog polls.
        """
        # Socket paths are limited to 107 bytes: a long TMPDIR gives way to /tmp.
        base = tempfile.gettempdir()
        # The worker's pid in the name: the parent removes what a worker that died left behind.
        prefix = f"{RUN_PREFIX}{os.getpid()}-"
        run_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=base if len(base) <= 64 else "/tmp"))
        if size and os.getuid() == 0:
            options = f"size={size},nr_inodes={inodes or 4096},mode=0700,nosuid,nodev,noexec"
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "ag-run", str(run_dir)],
                capture_output=True,
                timeout=30,
                check=False,
            )
        if uid is not None:
            os.chown(run_dir, uid, uid)
        return run_dir

    @staticmethod
    def release_run_dir(run_dir: Path) -> None:
        """Unmount the run folder's tmpfs if it has one (its files vanish with it)."""
        if os.path.ismount(run_dir):
            subprocess.run(["umount", "-l", str(run_dir)], capture_output=True, timeout=30)

    def command(
        self,
        kernel: list[str],
        run_dir: Path,
        uid: int | None,
        lim: KernelLimits,
        env: dict[str, str],
        data: Path | None = None,
        cgroup: KernelCgroup | None = None,
    ) -> list[str]:
        """The command that starts ``kernel`` confined (its environment is exactly ``env``).

        The files of ``data`` (the assignment's data files) appear read-only in its home. With a
        ``cgroup`` the launcher joins it first, so nothing of the kernel ever runs outside it.
        """
        join = []
        if cgroup is not None:
            join = [sys.executable, "-m", "autograder.grading.cgjoin", *cgroup.procs_files(), "--"]
        confine = [sys.executable, "-m", "autograder.grading.confine"]
        if uid is not None:
            confine += ["--uid", str(uid), "--gid", str(uid)]
        for rlimit in lim.rlimits():
            confine += ["--limit", rlimit]
        confine += ["--", *kernel]
        if not self.bwrap:
            return [*join, *confine]
        setenv = [a for k, v in sorted(env.items()) for a in ("--setenv", k, v)]
        return [*join, self.bwrap, *bwrap_args(run_dir, uid, lim, data), *setenv, "--", *confine]

    def env(self, extra: dict[str, str], run_dir: Path | None = None) -> dict[str, str]:
        """The kernel's whole environment: nothing of the grader's (no paths, no secrets).

        Without bubblewrap the kernel's home is its private ``run_dir``.
        """
        home = HOME if self.bwrap else str(run_dir or tempfile.gettempdir())
        return kernel_environment(home, extra)


def bwrap_args(
    run_dir: Path, uid: int | None, lim: KernelLimits, data: Path | None = None
) -> list[str]:
    # As root, bubblewrap sets up the namespaces itself and confine drops to `uid`; otherwise
    # bubblewrap needs a user namespace, in which the kernel is nobody.
    if uid is None:
        ns = ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    else:
        ns = ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    args = [
        *ns,
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "sandbox",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(lim.tmp_bytes),
        "--tmpfs",
        "/tmp",
        "--size",
        str(lim.tmp_bytes),
        "--tmpfs",
        HOME,
    ]
    for path in SYSTEM_PATHS + ETC_FILES:
        args += ["--ro-bind-try", path, path]
    bound = python_paths()
    for path in bound:
        args += ["--ro-bind", path, path]
    args += ["--bind", str(run_dir), str(run_dir)]
    for entry in sorted(data.iterdir()) if data else []:
        args += ["--ro-bind", str(entry), f"{HOME}/{entry.name}"]
    # bubblewrap creates the folders above a bind 0700: let the kernel's user walk through them.
    shared = [*bound, str(run_dir)]
    for parent in sorted({str(a) for p in shared for a in Path(p).parents} - {"/", "/tmp"}):
        args += ["--chmod", "0755", parent]
    if uid is not None:
        args += ["--chmod", "0777", HOME, "--chmod", "1777", "/tmp"]
    args += ["--chdir", HOME]
    return args


def python_paths() -> list[str]:
    """The Python install, the virtual environment and this package, nothing around them."""
    package = str(Path(autograder.__file__).resolve().parent)
    paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), package}
    # Drop paths inside others (e.g. a package installed into the environment).
    return sorted(p for p in paths if not any(p != q and p.startswith(q + os.sep) for q in paths))


def kernel_environment(home: str, extra: dict[str, str]) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {
        "PATH": os.pathsep.join([bin_dir, "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": home,
        "TMPDIR": "/tmp" if home == HOME else home,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": f"{home}/.config/matplotlib",
        "IPYTHONDIR": f"{home}/.ipython",
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    env.update(extra)
    return env


def detect() -> Sandbox:
    """Probe bubblewrap once: can it build the sandbox the kernels will run in?

    ``AUTOGRADER_BWRAP`` names another bwrap (or ``off``: none, for comparisons and tests).
    """
    choice = os.environ.get("AUTOGRADER_BWRAP", BWRAP)
    if choice == "off":
        return unconfined("песочница отключена (AUTOGRADER_BWRAP=off)")
    path = shutil.which(choice)
    if path is None:
        why = "bubblewrap (bwrap) не найден: установите пакет bubblewrap"
    else:
        why = _probe(Sandbox(path))
        if not why:
            return Sandbox(path, cgroups=detect_cgroups())
    return unconfined(why)


def detect_cgroups() -> Cgroups:
    """Kernel cgroups, unless ``AUTOGRADER_CGROUPS=off`` (for comparisons and tests)."""
    if os.environ.get("AUTOGRADER_CGROUPS") == "off":
        return Cgroups(why_not="cgroups отключены (AUTOGRADER_CGROUPS=off)")
    from . import cgroup

    return cgroup.detect()


def unconfined(why: str) -> Sandbox:
    """No bubblewrap: limits, and a separate user when root and that user can run Python."""
    fallback = Sandbox(None, why, cgroups=detect_cgroups())
    if os.getuid() == 0:
        problem = _probe(fallback)
        if problem:
            return Sandbox(
                None,
                f"{why}; отдельный пользователь не может запустить Python ({problem})",
                separate_user=False,
                cgroups=fallback.cgroups,
            )
    return fallback


def _probe(sandbox: Sandbox) -> str:
    with sandbox.claim_user(0) as uid:
        return _probe_as(sandbox, uid)


def _probe_as(sandbox: Sandbox, uid: int | None) -> str:
    run_dir = sandbox.make_run_dir(uid)
    try:
        lim = KernelLimits(cpu_seconds=10)
        probe = [sys.executable, "-c", "import autograder.checks"]
        env = sandbox.env({}, run_dir)
        cmd = sandbox.command(probe, run_dir, uid, lim, env)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, cwd=run_dir)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bubblewrap не запускается: {e}"
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        if sandbox.bwrap:
            return f"bubblewrap не создаёт песочницу (нужны user namespaces или root): {last}"
        return last
    return ""


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs confined and is reached over ZeroMQ ``ipc`` sockets."""

    def __init__(
        self,
        sandbox: Sandbox,
        run_dir: Path,
        uid: int | None,
        limits: KernelLimits,
        env: dict[str, str],
        data: Path | None = None,
        cgroup: KernelCgroup | None = None,
        **kwargs,
    ):
        super().__init__(transport="ipc", ip=str(run_dir / "k"), **kwargs)
        self._cgroup = cgroup
        self.connection_file = str(run_dir / "kernel.json")
        self._sandbox, self._run_dir, self._uid, self._limits = sandbox, run_dir, uid, limits
        self._env = sandbox.env(env, run_dir)
        self._data = data

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        # The kernelspec is the student's to edit: the kernel is always this environment's.
        # Interrupts travel as messages: a signal would reach bubblewrap, not the kernel (which
        # runs in a session and PID namespace of its own).
        self.kernel_spec.interrupt_mode = "message"
        if self._uid is not None and os.path.exists(self.connection_file):
            os.chown(self.connection_file, self._uid, self._uid)
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file]
        return self._sandbox.command(
            kernel, self._run_dir, self._uid, self._limits, self._env, self._data, self._cgroup
        )

    async def _async_start_kernel(self, **kw):
        kw["env"] = dict(self._env)  # the grader's environment never reaches the kernel
        return await super()._async_start_kernel(**kw)

    start_kernel = _async_start_kernel  # the base class binds the name to its own function

    def client(self, **kwargs):
        """The grader's client: a deeper iopub queue, so a burst of honest output (a progress
        print at every step) is queued, not dropped, while the grader catches up; messages of
        more than 64 MB end the connection (a report that never arrives fails closed)."""
        kc = super().client(**kwargs)
        kc.context.setsockopt(zmq.RCVHWM, IOPUB_QUEUE)
        kc.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        return kc
