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

import atexit
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type

import autograder

from .cgroup import Cgroups, KernelCgroup
from .zygote import AFTER_FORK

BWRAP = "bwrap"
# Join the kernel's cgroups, then start its sandbox: `sh -c CGJOIN cgjoin PROCS_FILE ... -- CMD`.
# On the host, before bubblewrap, so everything the kernel ever starts is inside its groups; a
# failed write is fatal (never a kernel outside its limits).
CGJOIN = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; exec "$@"'
SETPRIV = shutil.which("setpriv")  # util-linux
IOPUB_QUEUE = 20_000  # messages (zmq's default, 1000, drops a live-progress loop's output)
MAX_MESSAGE_BYTES = 64 << 20
RUN_PREFIX = "ag-"
HOME = "/home/student"
MPL_DIR = f"{HOME}/.config/matplotlib"  # the kernels' MPLCONFIGDIR
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
        fonts: Path | None = None,
        placeholder: bool = False,
    ) -> list[str]:
        """The command that starts ``kernel`` confined (its environment is exactly ``env``).

        The files of ``data`` (the assignment's data files) appear read-only in its home, and so
        does ``fonts``, matplotlib's font list (see :func:`font_cache`). With a ``cgroup`` the
        launcher joins it first, so nothing of the kernel ever runs outside it. A
        ``placeholder`` (the process a forked kernel's sandbox is built around) only drops to the
        kernel's user: the forked kernel sets its limits itself.
        """
        join = []
        if cgroup is not None:
            join = ["/bin/sh", "-c", CGJOIN, "cgjoin", *cgroup.procs_files(), "--"]
        if placeholder and uid is not None and SETPRIV:
            # Only waits for its FIFO, as the kernel's user (no Python to start for it).
            confine = [SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"]
            confine += kernel
        else:
            confine = [sys.executable, "-m", "autograder.grading.confine"]
            if uid is not None:
                confine += ["--uid", str(uid), "--gid", str(uid)]
            for rlimit in lim.rlimits():
                confine += ["--limit", rlimit]
            confine += ["--", *kernel]
        if not self.bwrap:
            return [*join, *confine]
        setenv = [a for k, v in sorted(env.items()) for a in ("--setenv", k, v)]
        args = bwrap_args(run_dir, uid, lim, data, fonts)
        return [*join, self.bwrap, *args, *setenv, "--", *confine]

    def env(self, extra: dict[str, str], run_dir: Path | None = None) -> dict[str, str]:
        """The kernel's whole environment: nothing of the grader's (no paths, no secrets).

        Without bubblewrap the kernel's home is its private ``run_dir``.
        """
        home = HOME if self.bwrap else str(run_dir or tempfile.gettempdir())
        return kernel_environment(home, extra)


def bwrap_args(
    run_dir: Path,
    uid: int | None,
    lim: KernelLimits,
    data: Path | None = None,
    fonts: Path | None = None,
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
    if fonts is not None:
        args += ["--ro-bind", str(fonts), f"{MPL_DIR}/{fonts.name}"]
    # bubblewrap creates the folders above a bind 0700: let the kernel's user walk through them.
    shared = [*bound, str(run_dir)]
    for parent in sorted({str(a) for p in shared for a in Path(p).parents} - {"/", "/tmp"}):
        args += ["--chmod", "0755", parent]
    if uid is not None:
        args += ["--chmod", "0777", HOME, "--chmod", "1777", "/tmp"]
        if fonts is not None:  # the folders bubblewrap made for the font list stay the kernel's
            args += ["--chmod", "0777", str(Path(MPL_DIR).parent), "--chmod", "0777", MPL_DIR]
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
        "MPLCONFIGDIR": MPL_DIR if home == HOME else f"{home}/.config/matplotlib",
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


# matplotlib builds its font list on first import when MPLCONFIGDIR has none: each kernel's
# fresh home had none, and building it (a font scan and `fc-list`) cost about half a second of
# CPU per notebook. It is built once per process, in the same sandbox, and shown read-only.
_FONT_CACHES: dict[int, Path | None] = {}
FONTS_PREFIX = f"{RUN_PREFIX}{{pid}}-fonts-"  # swept with the run folders when the process dies


def font_cache(sandbox: Sandbox, env: dict[str, str]) -> Path | None:
    """matplotlib's font list as a kernel in ``sandbox`` builds it (None: let each kernel build
    its own — no bubblewrap, or the build failed)."""
    pid = os.getpid()
    if not sandbox.isolated:
        return None
    if pid not in _FONT_CACHES and _FONT_CACHES.get(os.getppid()) is not None:
        return _FONT_CACHES[os.getppid()]  # a worker: the grader's, built before it forked
    if pid not in _FONT_CACHES:
        _FONT_CACHES[pid] = _build_font_cache(sandbox, env)
        if _FONT_CACHES[pid] is not None:
            at_exit(shutil.rmtree, _FONT_CACHES[pid].parent, True)
    return _FONT_CACHES[pid]


def at_exit(fn, *args) -> None:
    """Run ``fn(*args)`` when this process exits, a multiprocessing worker too (which leaves
    through ``os._exit``, skipping atexit)."""
    atexit.register(fn, *args)
    try:
        from multiprocessing import util

        util.Finalize(None, fn, args, exitpriority=20)
    except Exception:
        pass


def _build_font_cache(sandbox: Sandbox, env: dict[str, str]) -> Path | None:
    with sandbox.claim_user(os.getpid() % UID_SLOTS) as uid:
        run_dir = sandbox.make_run_dir(uid)
        try:
            mpl = run_dir / "mpl"
            mpl.mkdir()
            if uid is not None:
                os.chown(mpl, uid, uid)
            code = [sys.executable, "-c", "import matplotlib.font_manager"]
            kernel_env = {**sandbox.env(env, run_dir), "MPLCONFIGDIR": str(mpl)}
            cmd = sandbox.command(code, run_dir, uid, KernelLimits(cpu_seconds=60), kernel_env)
            subprocess.run(cmd, env=kernel_env, cwd=run_dir, capture_output=True, timeout=120)
            built = sorted(mpl.glob("fontlist-v*.json"))
            if len(built) != 1 or built[0].stat().st_size > 16 << 20:
                return None
            text = built[0].read_text(encoding="utf-8")
            if not isinstance(json.loads(text).get("_version"), str):
                return None
            folder = Path(tempfile.mkdtemp(prefix=FONTS_PREFIX.format(pid=os.getpid())))
            os.chmod(folder, 0o755)
            target = folder / built[0].name
            target.write_text(text, encoding="utf-8")
            os.chmod(target, 0o644)
            return target
        except (OSError, ValueError, AttributeError, subprocess.SubprocessError):
            return None
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)


class SandboxKernelClient(AsyncKernelClient):
    """jupyter_client's client with a shorter wait after the kernel answered: its own waits for
    0.2 s of silence on iopub, idle time in every notebook. Late start-up messages are harmless:
    nbclient keeps only the messages that answer each cell's request."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # iopub is connected once it carries the reply's status message
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.01)
            except Empty:
                break


def _split(rlimit: str) -> tuple[str, str, str]:
    return rlimit.partition("=")


def preload_lines(modules: tuple[str, ...]) -> list[str]:
    """IPython start-up lines that import ``modules`` and leave no name behind."""
    return [f"import {m} as _autograder_preload; del _autograder_preload" for m in modules]


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
        fonts: Path | None = None,
        preload: tuple[str, ...] = (),
        zygote=None,
        **kwargs,
    ):
        super().__init__(transport="ipc", ip=str(run_dir / "k"), **kwargs)
        self._cgroup, self._fonts, self._preload = cgroup, fonts, preload
        self._zygote = zygote  # autograder.grading.zygote.Zygote: the kernel is forked from it
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
        arguments = ["-f", self.connection_file]
        if self._zygote is None:
            # The course's standard imports are loaded as the kernel starts, after IPython and
            # its matplotlib backend are set up, as the notebook's first cell would load them.
            lines = preload_lines(self._preload)
            arguments += [f"--IPKernelApp.exec_lines={line}" for line in lines]
            kernel = [sys.executable, "-m", "ipykernel_launcher", *arguments]
        else:
            # bubblewrap builds the sandbox around a placeholder that lives as long as the
            # kernel holds the FIFO open; the kernel is then forked into it (_fork_kernel).
            alive = self._run_dir / "alive"
            if not alive.exists():
                os.mkfifo(alive, 0o600)
                if self._uid is not None:
                    os.chown(alive, self._uid, self._uid)
            lines = [
                f"import {m} as _autograder_preload; _autograder_preload.{AFTER_FORK[m]}; "
                "del _autograder_preload"
                for m in self._preload
                if m in AFTER_FORK
            ]
            arguments += [f"--IPKernelApp.exec_lines={line}" for line in lines]
            self._zygote_argv = arguments
            kernel = [shutil.which("cat") or "/bin/cat", str(alive)]
        return self._sandbox.command(
            kernel,
            self._run_dir,
            self._uid,
            self._limits,
            self._env,
            self._data,
            self._cgroup,
            self._fonts,
            placeholder=self._zygote is not None,
        )

    async def _async_start_kernel(self, **kw):
        kw["env"] = dict(self._env)  # the grader's environment never reaches the kernel
        started = await super()._async_start_kernel(**kw)
        if self._zygote is not None:
            try:
                self._fork_kernel()
            except RuntimeError:
                # The zygote could not fork it (it died, or this kernel lacks setns on a pidfd):
                # the kernel is started afresh instead, never lost.
                self._zygote = None
                process = self.provisioner.process
                process.wait(timeout=30)
                started = await super()._async_start_kernel(**kw)
        return started

    def _fork_kernel(self) -> None:
        """Have the zygote fork the kernel into the sandbox just started (see its module)."""
        bwrap = self.provisioner.process.pid
        request = {
            "bwrap": bwrap,
            "alive": str(self._run_dir / "alive"),
            "cgroups": self._cgroup.procs_files() if self._cgroup is not None else [],
            "uid": self._uid,
            "limits": [[n, int(v)] for n, _, v in map(_split, self._limits.rlimits())],
            "env": self._env,
            "cwd": HOME,
            "argv": self._zygote_argv,
        }
        try:
            self._zygote.spawn(request)
        except OSError as e:
            try:
                os.killpg(bwrap, 9)
            except OSError:
                pass
            raise RuntimeError(f"the kernel could not be forked: {e}") from e

    start_kernel = _async_start_kernel  # the base class binds the name to its own function

    client_factory = Type(SandboxKernelClient, klass=AsyncKernelClient)

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        # A killed kernel is gone in milliseconds: poll for it more often than every 0.1 s.
        await super()._async_wait(pollinterval)

    def client(self, **kwargs):
        """The grader's client: a deeper iopub queue, so a burst of honest output (a progress
        print at every step) is queued, not dropped, while the grader catches up; messages of
        more than 64 MB end the connection (a report that never arrives fails closed)."""
        kc = super().client(**kwargs)
        kc.context.setsockopt(zmq.RCVHWM, IOPUB_QUEUE)
        kc.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        return kc
