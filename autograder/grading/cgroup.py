"""A control group per grading kernel: limits the kernel cannot escape or hide from.

Polling (the watchdog) sees resident memory and files; the kernel sees everything. A memory
cgroup counts what polling misses — memfd files, tmpfs pages (the sandbox's /tmp and home), page
cache — and the kernel's own OOM killer enforces it; a pids cgroup caps processes and threads
across every user and session; a cpu cgroup gives each kernel one equal share of the CPU, so 110
``setsid`` spinners get no more than one honest kernel (a new session cannot leave a cgroup).

The groups are created below the grader's own cgroup (as ``/proc/self/cgroup`` names it), never
at the root of a hierarchy, joined by the kernel's launcher before bubblewrap starts
(``sandbox.CGJOIN``, a shell line), and removed after the submission. cgroup v2 (one unified
hierarchy) and v1 (separate memory, pids and cpu hierarchies) are both handled. Where none is
writable, :func:`detect` says why and grading falls back to polling.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

CONTROLLERS = ("memory", "pids", "cpu")


@dataclass(frozen=True)
class Cgroups:
    """Where this process may create kernel cgroups: controller -> parent folder (v1), or the
    unified parent folder for all of them (v2)."""

    parents: dict[str, Path] = field(default_factory=dict)
    version: int = 0
    why_not: str = ""

    @property
    def available(self) -> bool:
        return bool(self.parents)

    def create(self, memory_bytes: int, pids: int) -> KernelCgroup | None:
        """A fresh group for one kernel (None when this machine has none to offer)."""
        if not self.available:
            return None
        name = f"autograder-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        group = KernelCgroup(self.version, {})
        try:
            if self.version == 2:
                folder = self.parents["unified"] / name
                folder.mkdir()
                group.folders.update({c: folder for c in CONTROLLERS})
                _write(folder / "memory.max", memory_bytes)
                _write(folder / "memory.swap.max", 0, optional=True)
                _write(folder / "pids.max", pids)
                _write(folder / "cpu.weight", 100, optional=True)
            else:
                for controller, parent in self.parents.items():
                    folder = parent / name
                    folder.mkdir()
                    group.folders[controller] = folder
                memory = group.folders["memory"]
                _write(memory / "memory.limit_in_bytes", memory_bytes)
                _write(memory / "memory.memsw.limit_in_bytes", memory_bytes, optional=True)
                _write(group.folders["pids"] / "pids.max", pids)
                if "cpu" in group.folders:
                    _write(group.folders["cpu"] / "cpu.shares", 1024)
        except OSError:
            group.remove()
            raise
        return group

    def leftovers(self, alive) -> list[KernelCgroup]:
        """Groups whose creating worker is dead (``alive(pid)`` is False): to be removed."""
        found: dict[str, dict[str, Path]] = {}
        for controller, parent in self.parents.items():
            try:
                folders = list(parent.glob("autograder-*-*"))
            except OSError:
                continue
            for folder in folders:
                pid = folder.name.split("-")[1]
                if pid.isdigit() and not alive(int(pid)):
                    found.setdefault(folder.name, {})[controller] = folder
        return [KernelCgroup(self.version, folders) for folders in found.values()]


@dataclass
class KernelCgroup:
    version: int
    folders: dict[str, Path]

    def procs_files(self) -> list[str]:
        """The ``cgroup.procs`` files a launcher writes its pid into (one per hierarchy)."""
        return sorted({str(folder / "cgroup.procs") for folder in self.folders.values()})

    def oom_killed(self) -> bool:
        """Whether the memory limit was hit and the kernel's OOM killer acted."""
        folder = self.folders.get("memory")
        if folder is None:
            return False
        counters = _read(folder / ("memory.events" if self.version == 2 else "memory.oom_control"))
        for line in counters.splitlines():
            words = line.split()
            if len(words) == 2 and words[0] == "oom_kill" and words[1] != "0":
                return True
        return False

    def peak_bytes(self) -> int:
        folder = self.folders.get("memory")
        if folder is None:
            return 0
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        text = _read(folder / name).strip()
        return int(text) if text.isdigit() else 0

    def kill_all(self) -> None:
        """Kill whatever still runs in the group (a daemon that left the kernel's tree)."""
        for folder in {*self.folders.values()}:
            kill = folder / "cgroup.kill"
            if self.version == 2 and kill.exists():
                _write(kill, 1, optional=True)
            for pid in _pids(folder):
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass

    def remove(self) -> bool:
        """Remove the group's folders (after killing what is left); True when all are gone."""
        self.kill_all()
        gone = True
        for folder in {*self.folders.values()}:
            for _ in range(50):  # a killed process leaves its cgroup a moment later
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    self.kill_all()
                    time.sleep(0.05)
            gone &= not folder.exists()
        return gone


def detect() -> Cgroups:
    """The cgroups this process can create kernel groups in, or why there are none."""
    try:
        own = Path("/proc/self/cgroup").read_text().splitlines()
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError as e:
        return Cgroups(why_not=f"нет /proc/self/cgroup ({e.strerror})")
    paths: dict[str, str] = {}
    for line in own:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        for c in controllers.split(",") if controllers else [""]:
            paths[c] = path
    v1, v2 = {}, None
    for line in mounts:
        if " - " not in line:
            continue
        pre, post = line.split(" - ", 1)
        fstype, _, options = (post.split() + ["", "", ""])[:3]
        mount_root, mount_point = pre.split()[3], pre.split()[4]
        if fstype == "cgroup2":
            v2 = (mount_root, mount_point)
        elif fstype == "cgroup":
            for c in options.split(","):
                if c in CONTROLLERS:
                    v1[c] = (mount_root, mount_point)
    # v1, where memory and pids are mounted (the unified hierarchy may exist beside, unused)
    if "memory" in v1 and "pids" in v1:
        parents = {}
        for c, (root, point) in v1.items():
            own_path = paths.get(c) or paths.get("cpu,cpuacct") or "/"
            parents[c] = _below(point, root, own_path)
        problem = _writable(parents.values())
        if not problem:
            return Cgroups(parents, 1)
        return Cgroups(why_not=f"cgroup v1 недоступны для записи: {problem}")
    if v2 is not None and "" in paths:
        root, point = v2
        parent = _below(point, root, paths[""])
        enabled = _read(parent / "cgroup.subtree_control").split()
        missing = [c for c in ("memory", "pids") if c not in enabled]
        if missing:
            return Cgroups(why_not=f"в cgroup v2 не включены контроллеры {missing}")
        problem = _writable([parent])
        if not problem:
            return Cgroups({"unified": parent}, 2)
        return Cgroups(why_not=f"cgroup v2 недоступна для записи: {problem}")
    return Cgroups(why_not="контроллеры memory и pids не смонтированы")


def _below(mount_point: str, mount_root: str, own: str) -> Path:
    rel = os.path.relpath(own, mount_root) if own.startswith(mount_root) else own.lstrip("/")
    return Path(mount_point) / ("" if rel == "." else rel.lstrip("/"))


def _writable(folders) -> str:
    for folder in folders:
        if not os.access(folder, os.W_OK):
            return str(folder)
    return ""


def _write(path: Path, value: object, optional: bool = False) -> None:
    try:
        path.write_text(str(value))
    except OSError:
        if not optional:
            raise


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _pids(folder: Path) -> list[int]:
    return [int(x) for x in _read(folder / "cgroup.procs").split() if x.isdigit()]
