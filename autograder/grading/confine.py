"""The first step inside a grading sandbox: set resource limits, drop privileges, start the kernel.

Run as
``python -m autograder.grading.confine [--uid U --gid G] [--limit NAME=VALUE ...] -- KERNEL ARGV``.
Limits are set as hard limits (a student cannot raise them again). When started as root the
process switches to the given unprivileged user before anything of the student's runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

LIMITS = {
    "as": resource.RLIMIT_AS,
    "cpu": resource.RLIMIT_CPU,
    "fsize": resource.RLIMIT_FSIZE,
    "nofile": resource.RLIMIT_NOFILE,
    "nproc": resource.RLIMIT_NPROC,
    "core": resource.RLIMIT_CORE,
}


def _limit(text: str) -> tuple[str, int]:
    name, _, value = text.partition("=")
    if name not in LIMITS or not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected NAME=INTEGER with NAME in {sorted(LIMITS)}")
    return name, int(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="autograder.grading.confine")
    parser.add_argument("--uid", type=int)
    parser.add_argument("--gid", type=int)
    parser.add_argument("--limit", type=_limit, action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    for name, value in args.limit:
        resource.setrlimit(LIMITS[name], (value, value))
    if args.uid is not None and os.getuid() == 0:
        gid = args.gid if args.gid is not None else args.uid
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(args.uid, args.uid, args.uid)
        if os.getuid() == 0 or os.geteuid() == 0:  # pragma: no cover - a kernel bug
            sys.exit("autograder.grading.confine: could not drop root")
    os.umask(0o077)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
