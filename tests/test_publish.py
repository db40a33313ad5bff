"""`autograder publish`: the student repository holds no secret and works on its own."""

from __future__ import annotations

import json
import subprocess
import sys

from autograder import notebooks
from tests.conftest import COURSE, ROOT, assignments


def test_published_repository_holds_no_secret(tmp_path):
    target = tmp_path / "student-repo"
    result = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "publish", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    files = {str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()}
    assert {
        "README.md",
        "pyproject.toml",
        "binder/postBuild",
        "binder/requirements.txt",
        "autograder/checks.py",
        "autograder/reference.py",
    } <= files
    assert not any(f.startswith("solutions") or f.endswith("reference.json") for f in files)
    assert not any(
        f.startswith("autograder/") and f.split("/")[1] in ("grade.py", "release.py", "cli.py")
        for f in files
    )
    texts = {f: (target / f).read_text(encoding="utf-8", errors="replace") for f in files}
    secrets = ["### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", 'expect("']
    for a in assignments():
        assert f"notebooks/{a}/{a}.ipynb" in files
        secrets += list(json.loads(COURSE.reference_file(a).read_text())["values"])
        source = notebooks.read(COURSE.source_notebook(a))
        # Lines a statement gives away on purpose (e.g. the exact RNG call) are no secret.
        statements = "\n".join(c.source for c in source.cells if c.cell_type == "markdown")
        for ex in notebooks.exercises(source):
            body = source.cells[ex.cells["solution"]].source.split("### BEGIN SOLUTION")[1]
            secrets += [
                line.strip()
                for line in body.split("### END SOLUTION")[0].splitlines()
                if len(line.strip()) > 25 and line.strip() not in statements
            ]
    for name, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{name} contains {secret!r}"
    # The checks package works from the student repository alone.
    probe = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, '.'); from autograder.checks import assert_close; "
            "assert_close(0.5, 0.5); print('ok')",
        ],
        cwd=target,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == "ok", probe.stderr


def test_publish_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").write_text("keep me")
    result = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "publish", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "not empty" in result.stderr
    assert (tmp_path / "x").read_text() == "keep me"
