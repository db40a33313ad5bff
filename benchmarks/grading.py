"""Grading speed: plain sequential `nbgrader autograde` vs `autograder grade`, and the lower bound.

    .venv/bin/python benchmarks/grading.py [--students 20] [--jobs N] [ASSIGNMENT ...]

For each assignment (default: every one without TensorFlow) it generates a class of well-formed
submissions — correct, blank, and partly wrong (the mutants of tests/mutants/) — grades it with
plain `nbgrader autograde` and with `autograder grade`, checks that the scores are identical, and
prints both wall times, their ratio, and the lower bound: the summed time of executing each
submission alone with `jupyter nbconvert --execute` (kernel start included) divided by the cores.
It also grades the class with every kernel started afresh (`AUTOGRADER_ZYGOTE=off`, no fork
server) and with `--sandbox off`, and prints what the zygote saves and what the sandbox costs,
and the machine's busy CPU per notebook of each run (meaningful on a quiet machine).

    .venv/bin/python benchmarks/grading.py --scheduler local:1 --scheduler local:2 [--students 200]

measures the Dask path instead: for each N, `autograder grade --jobs N` and `autograder grade
--scheduler local:N` (a LocalCluster of N worker processes) on the same class, back to back, in
the sandbox; it prints both throughputs (notebooks per second, whole command and execution phase
alone), the distributed path's overhead per notebook and per core, and whether the scores agree.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}


def make_class(assignment: str, n: int, folder: Path) -> dict[str, Path]:
    """n students: a third correct, a sixth blank, the rest each with one mutant."""
    solution = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    release = ROOT / "notebooks" / assignment / f"{assignment}.ipynb"
    sys.path.insert(0, str(ROOT))
    mutants = runpy.run_path(str(ROOT / "tests" / "mutants" / f"{assignment}.py"))["MUTANTS"]
    subs = {}
    for i in range(n):
        student = f"s{i:03d}"
        path = folder / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True)
        if i % 6 == 1:
            shutil.copy(release, path)
        elif i % 3 == 0:
            shutil.copy(solution, path)
        else:
            m = mutants[i % len(mutants)]
            nb = json.loads(solution.read_text())
            for cell in nb["cells"]:
                if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"{m.exercise}-solution":
                    cell["source"] = m.source
            path.write_text(json.dumps(nb))
        subs[student] = path
    return subs


def plain_nbgrader(assignment: str, subs: dict[str, Path], work: Path) -> tuple[float, dict]:
    course = work / "plain"
    shutil.copytree(
        ROOT / "solutions" / assignment,
        course / "source" / assignment,
        ignore=shutil.ignore_patterns("reference.json"),
    )
    shutil.copy(ROOT / "nbgrader_config.py", course)
    common = [
        f"--CourseDirectory.root={course}",
        "--CourseDirectory.source_directory=source",
        "--CourseDirectory.release_directory=release",
        f"--CourseDirectory.db_url=sqlite:///{course}/gradebook.db",
    ]
    run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--create", *common],
        course,
    )
    for student, path in subs.items():
        dest = course / "submitted" / student / assignment
        dest.mkdir(parents=True)
        shutil.copy(path, dest)
    env = {**ENV, "AUTOGRADER_REFERENCE": str(ROOT / "solutions" / assignment / "reference.json")}
    start, cpu = time.perf_counter(), busy_cpu()
    run(
        [sys.executable, "-m", "nbgrader", "autograde", assignment, "--create", *common],
        course,
        env,
    )
    seconds = time.perf_counter() - start
    CPU["plain"] = busy_cpu() - cpu
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        scores = {s: gb.find_submission(assignment, s).score for s in subs}
    return seconds, scores


def ours(
    assignment: str,
    subs: dict[str, Path],
    work: Path,
    jobs: int,
    sandbox: str = "auto",
    *extra: str,
    tag: str = "",
    env: dict | None = None,
) -> tuple[float, dict]:
    tag = tag or sandbox
    folder = work / f"ours-in-{tag}"
    for student, path in subs.items():
        (folder / student).mkdir(parents=True)
        shutil.copy(path, folder / student)
    out = work / f"ours-out-{tag}"
    start, cpu = time.perf_counter(), busy_cpu()
    run(
        [
            str(BIN / "autograder"),
            "grade",
            assignment,
            str(folder),
            "--out",
            str(out),
            "--db",
            f"sqlite:///{work}/ours-{tag}.db",
            "--state",
            str(work / f"ours-state-{tag}"),
            "--jobs",
            str(jobs),
            "--sandbox",
            sandbox,
            "--quiet",
            *extra,
        ],
        ROOT,
        env,
    )
    seconds = time.perf_counter() - start
    CPU[tag] = busy_cpu() - cpu
    with open(out / "grades.csv", newline="") as f:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    return seconds, scores


CPU: dict[str, float] = {}  # busy CPU seconds of the machine during each run


def busy_cpu() -> float:
    """The machine's busy CPU time so far (all cores, /proc/stat): what a run costs, kernels
    included — the sandboxed kernels are not the grader's children (bubblewrap's PID namespace,
    the zygote), so the grader's rusage misses them. Meaningful on a quiet machine only."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def execution_seconds(out: Path) -> float:
    """The execution phase from grade.log: from "N to execute" to "graded" (no start-up, no
    gradebook registration, no reports)."""
    stamps = {}
    for line in (out / "grade.log").read_text(encoding="utf-8").splitlines():
        m = re.match(r"(\S+ \S+),(\d+) INFO (.*)", line)
        if m and ("to execute" in m.group(3) or m.group(3).startswith("graded ")):
            t = time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
            stamps["start" if "to execute" in m.group(3) else "end"] = t + int(m.group(2)) / 1000
    return stamps["end"] - stamps["start"]


def scaling(name: str, subs: dict[str, Path], work: Path, workers: list[int]) -> None:
    """Local pool vs Dask LocalCluster, N workers each, back to back on the same class."""
    n = len(subs)
    for jobs in workers:
        t_local, s_local = ours(name, subs, work, jobs, "require", tag=f"local{jobs}")
        t_dask, s_dask = ours(
            name, subs, work, jobs, "require", "--scheduler", f"local:{jobs}", tag=f"dask{jobs}"
        )
        e_local = execution_seconds(work / f"ours-out-local{jobs}")
        e_dask = execution_seconds(work / f"ours-out-dask{jobs}")
        k_local, k_dask = kernel_seconds(work, f"local{jobs}"), kernel_seconds(work, f"dask{jobs}")
        print(
            f"{name}, N={jobs}: local --jobs {jobs} {t_local:.1f} s ({n / t_local:.2f} nb/s, "
            f"execution {e_local:.1f} s = {n / e_local:.2f} nb/s, {n / e_local / jobs:.2f} nb/s "
            f"per core); --scheduler local:{jobs} {t_dask:.1f} s ({n / t_dask:.2f} nb/s, "
            f"execution {e_dask:.1f} s = {n / e_dask:.2f} nb/s, {n / e_dask / jobs:.2f} nb/s "
            f"per core)"
        )
        per_core = 100 * (e_local / e_dask - 1), 100 * (t_local / t_dask - 1)
        print(
            f"  distributed overhead: {(t_dask - t_local) / n:+.3f} s per notebook overall, "
            f"{(e_dask - e_local) / n:+.3f} s per notebook in execution; throughput per core "
            f"{per_core[0]:+.1f} % (execution), {per_core[1]:+.1f} % (whole command); "
            f"scores identical: {s_local == s_dask}"
        )
        print(
            f"  one notebook in its worker (kernel start to verdict), mean: {k_local:.2f} s "
            f"local, {k_dask:.2f} s on Dask"
        )
        c_local, c_dask = CPU[f"local{jobs}"] / n, CPU[f"dask{jobs}"] / n
        print(
            f"  busy CPU per notebook (the whole machine): {c_local:.2f} s local, "
            f"{c_dask:.2f} s on Dask ({100 * (c_dask / c_local - 1):+.1f} %): on dedicated cores "
            f"{1 / c_local:.2f} and {1 / c_dask:.2f} nb/s per core"
        )


def kernel_seconds(work: Path, tag: str) -> float:
    """Mean time of one submission's execute() in its worker, from the run's cache."""
    runs = [
        json.loads(p.read_text(encoding="utf-8"))["result"]["seconds"]
        for p in (work / f"ours-state-{tag}").glob("*/cache/*.json")
    ]
    return sum(runs) / max(1, len(runs))


def lower_bound(subs: dict[str, Path], work: Path, cores: int) -> float:
    total = 0.0
    for path in subs.values():
        start = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--execute",
                "--to",
                "notebook",
                "--allow-errors",
                "--output-dir",
                str(work / "nbconvert"),
                str(path),
            ],
            env=ENV,
            capture_output=True,
            check=False,
        )
        total += time.perf_counter() - start
    return total / cores


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd[:4])} …\n{result.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--scheduler",
        action="append",
        metavar="local:N",
        help="measure the Dask path with N workers against --jobs N (repeatable)",
    )
    args = parser.parse_args()
    workers = []
    for spec in args.scheduler or []:
        m = re.fullmatch(r"local:(\d+)", spec)
        if not m or int(m.group(1)) < 1:
            parser.error(f"--scheduler {spec!r}: expected local:N with N >= 1")
        workers.append(int(m.group(1)))
    names = args.assignments or [
        d.name
        for d in sorted((ROOT / "solutions").iterdir())
        if d.is_dir()
        and "tensorflow" not in (d / f"{d.name}.ipynb").read_text()
        and (ROOT / "tests" / "mutants" / f"{d.name}.py").is_file()
    ]
    print(f"{args.students} students per assignment, {args.jobs} jobs, {os.cpu_count()} cores")
    for name in names:
        with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
            work = Path(tmp)
            subs = make_class(name, args.students, work / "class")
            if workers:
                scaling(name, subs, work, workers)
                continue
            t_plain, s_plain = plain_nbgrader(name, subs, work)
            t_ours, s_ours = ours(name, subs, work, args.jobs, "require")
            fresh = {**ENV, "AUTOGRADER_ZYGOTE": "off"}
            t_fresh, s_fresh = ours(name, subs, work, args.jobs, "require", tag="fresh", env=fresh)
            t_open, s_open = ours(name, subs, work, args.jobs, "off")
            bound = lower_bound(subs, work, os.cpu_count() or 1)
            same = all(abs(s_plain[s] - s_ours[s]) < 1e-9 for s in subs)
            print(
                f"{name}: plain nbgrader {t_plain:.1f} s, autograder grade {t_ours:.1f} s "
                f"(x{t_plain / t_ours:.2f} faster), lower bound {bound:.1f} s "
                f"(ours is x{t_ours / bound:.2f} of it); scores identical: {same}"
            )
            n = len(subs)
            print(
                f"  busy CPU per notebook (the whole machine): plain nbgrader "
                f"{CPU['plain'] / n:.2f} s, ours {CPU['require'] / n:.2f} s"
            )
            print(
                f"  kernels forked from the zygote: {t_ours:.1f} s; started afresh "
                f"(AUTOGRADER_ZYGOTE=off): {t_fresh:.1f} s, {CPU['fresh'] / n:.2f} s CPU per "
                f"notebook (x{t_plain / t_fresh:.2f} plain); scores identical: {s_fresh == s_ours}"
            )
            print(
                f"  sandbox: {t_ours:.1f} s with, {t_open:.1f} s without (--sandbox off): "
                f"{100 * (t_ours - t_open) / t_open:+.0f} %; scores identical: {s_open == s_ours}"
            )
            if not same:
                diff = {s: (s_plain[s], s_ours[s]) for s in subs if s_plain[s] != s_ours[s]}
                print(f"  differing scores (plain, ours): {diff}")


if __name__ == "__main__":
    main()
