"""The student's JupyterLab: nbgrader's instructor tools off and locked, no news pop-up.

    python binder/student_jupyter.py          # Binder (postBuild) or a student's own venv
    python binder/student_jupyter.py --user   # `make student`: the dirs in $JUPYTER_CONFIG_DIR
                                              # and $JUPYTERLAB_SETTINGS_DIR (instructor's venv)

Students keep nbgrader's Validate button; the formgrader, assignment creation, the course and
assignment lists and the menu that holds them are for instructors. Standard library only: it runs
in the student's environment before anything of the course is imported.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

LAB_PLUGINS = [
    f"@jupyter/nbgrader:{name}"
    for name in ("formgrader", "create-assignment", "course-list", "assignment-list", "menu")
]
SERVER_EXTENSIONS = [
    f"nbgrader.server_extensions.{name}"
    for name in ("formgrader", "course_list", "assignment_list")
]
# JupyterLab asks on first start whether to fetch news from the internet: a student has no use
# for the question.
NOTIFICATIONS = "@jupyterlab/apputils-extension:notification"
NO_NEWS = {"fetchNews": "false", "checkForUpdates": False}


def update_json(path: Path, changes: dict) -> None:
    """Merge ``changes`` into the JSON file at ``path`` (created if missing), as Jupyter's own
    ``labextension disable`` and ``server extension disable`` commands do — without starting
    them (13 of those took a minute on a busy Binder)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for section, values in changes.items():
        data.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    if "--user" in argv:  # `make student`: its own config and settings dirs
        config = Path(os.environ["JUPYTER_CONFIG_DIR"])
        settings = Path(os.environ["JUPYTERLAB_SETTINGS_DIR"])
        news = settings / (NOTIFICATIONS.replace(":", "/") + ".jupyterlab-settings")
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text(json.dumps(NO_NEWS, indent=2) + "\n", encoding="utf-8")
    else:  # Binder, or a student's own venv: this environment's config
        config = Path(sys.prefix) / "etc" / "jupyter"
        # Defaults of this environment's JupyterLab (overrides.json in its settings folder).
        overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
        update_json(overrides, {NOTIFICATIONS: NO_NEWS})
    off = dict.fromkeys(LAB_PLUGINS, True)
    # Locked: the Plugin Manager cannot switch them back on.
    update_json(
        config / "labconfig" / "page_config.json",
        {"disabledExtensions": off, "lockedExtensions": off},
    )
    # jupyter_server reads jupyter_server_config.json after the .d/ files (nbgrader's own
    # enables these), so it wins.
    update_json(
        config / "jupyter_server_config.json",
        {"ServerApp": {"jpserver_extensions": dict.fromkeys(SERVER_EXTENSIONS, False)}},
    )


if __name__ == "__main__":
    main(sys.argv[1:])
