"""Join the kernel's cgroups, then start its sandbox: ``python -m autograder.grading.cgjoin
PROCS_FILE ... -- COMMAND ...``. Runs on the host, as the grader's user, before bubblewrap, so
everything the kernel ever starts is inside its groups from its first instruction."""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    if "--" not in argv:
        sys.exit("autograder.grading.cgjoin: usage: PROCS_FILE ... -- COMMAND ...")
    split = argv.index("--")
    procs, command = argv[:split], argv[split + 1 :]
    if not command:
        sys.exit("autograder.grading.cgjoin: no command")
    for path in procs:
        with open(path, "w") as f:  # a failure is fatal: never run a kernel outside its limits
            f.write(str(os.getpid()))
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
