"""A real JupyterLab server and Debian's chromium driven by Playwright, for tests/test_browser.py.

The browser is the system's (`apt-get install chromium`): Playwright's own download is neither
needed nor attempted. JupyterLab runs with ``expose_app_in_browser`` so the test can read the
notebook model (modified or not, outputs) and run JupyterLab's own commands, as its menus do.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TOKEN = "browser-test"
# JupyterLab's main widget, its notebook and kernel, as the page sees them.
APP = "window.jupyterapp"
PANEL = f"{APP}.shell.currentWidget"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_home(home: Path) -> dict[str, str]:
    """Environment of a first start: Jupyter's config, data and runtime dirs empty, in ``home``."""
    # Nothing of the test run's own environment that changes what the student sees (the tests'
    # kernels draw demos without widgets: AUTOGRADER_HEADLESS).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JUPYTER", "IPYTHON", "AUTOGRADER"))
    }
    for key, sub in (
        ("JUPYTER_CONFIG_DIR", ".jupyter"),
        ("JUPYTER_DATA_DIR", ".local/share/jupyter"),
        ("JUPYTER_RUNTIME_DIR", ".local/share/jupyter/runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", ".jupyter/lab/user-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", ".jupyter/lab/workspaces"),
        ("IPYTHONDIR", ".ipython"),
    ):
        env[key] = str(home / sub)
    env["HOME"] = str(home)
    home.mkdir(parents=True, exist_ok=True)
    return env


@contextlib.contextmanager
def lab_server(
    command: list[str], port: int, cwd: Path, env: dict[str, str], log: Path
) -> Iterator[str]:
    """Start ``command`` (a JupyterLab) and yield its base URL once it answers; stop it after."""
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text()[-2000:]
                    raise RuntimeError(f"JupyterLab did not start: {tail}") from None
                time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def lab_options(port: int) -> list[str]:
    return [
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={TOKEN}",
        "--LabApp.expose_app_in_browser=True",
    ]


class Notebook:
    """One notebook open in a JupyterLab tab of a Playwright page."""

    def __init__(self, page, base: str, path: str, timeout_s: float = 180):
        self.page = page
        self.timeout_ms = int(timeout_s * 1000)
        if page.url.startswith(f"{base}/lab") and page.evaluate(f"() => !!{APP}"):
            # JupyterLab is loaded in this page already: close its tabs and open the notebook
            # as the file browser does (loading JupyterLab again costs chromium ~4 s of CPU).
            self.js(
                """await app.commands.execute('application:close-all');
                   const open = {path: arg, factory: 'Notebook'};
                   await app.commands.execute('docmanager:open', open);""",
                path,
            )
            page.wait_for_function(
                f"() => {PANEL} && {PANEL}.context && {PANEL}.context.path === {json.dumps(path)}",
                timeout=self.timeout_ms,
            )
        else:
            # reset: a fresh workspace, not the tabs (and kernels) of another test's page
            page.goto(f"{base}/lab/tree/{path}?reset&token={TOKEN}")
        self.wait_idle()

    def js(self, body: str, arg=None):
        """Run ``body`` (an async function body with ``panel``, ``app`` and ``arg``) in the page."""
        return self.page.evaluate(
            f"async (arg) => {{ const app = {APP}; const panel = {PANEL}; {body} }}", arg
        )

    def wait_idle(self) -> None:
        """Until the notebook's kernel is started and idle (nothing running or queued)."""
        self.page.wait_for_function(
            f"""() => {{
                const p = {APP} && {PANEL};
                const k = p && p.sessionContext && p.sessionContext.session
                    && p.sessionContext.session.kernel;
                return k && k.status === 'idle' && !p.content.widgets.some(
                    c => c.model.type === 'code' && c.node.classList.contains('jp-mod-pending'));
            }}""",
            timeout=self.timeout_ms,
        )

    @property
    def dirty(self) -> bool:
        return self.js("return panel.context.model.dirty;")

    def tab_marked_modified(self) -> bool:
        return self.page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count() > 0

    def cells(self) -> list[dict]:
        """Every cell as the model holds it: type, source, execution count, outputs (nbformat)."""
        return self.js(
            """return panel.content.model.toJSON().cells.map(c => ({
                type: c.cell_type, source: Array.isArray(c.source) ? c.source.join('') : c.source,
                count: c.execution_count === undefined ? null : c.execution_count,
                outputs: c.outputs || [], grade_id: ((c.metadata || {}).nbgrader || {}).grade_id
            }));"""
        )

    def set_source(self, index: int, source: str) -> None:
        self.js(
            "panel.content.model.cells.get(arg.i).sharedModel.setSource(arg.s);",
            {"i": index, "s": source},
        )

    def run_cell(self, index: int) -> None:
        """Select cell ``index`` and run it (JupyterLab's «Run Selected Cell»)."""
        self.js(
            """panel.content.activeCellIndex = arg; panel.content.deselectAll();
               await app.commands.execute('notebook:run-cell');""",
            index,
        )
        self.wait_idle()

    def run_all(self) -> None:
        """Run → Run All Cells, then wait until the kernel is done."""
        self.js("await app.commands.execute('notebook:run-all-cells');")
        self.wait_ran_all()

    def wait_ran_all(self) -> None:
        """Until every code cell ran, or one failed and stopped the run, and the kernel is idle."""
        self.page.wait_for_function(
            """() => {
                const cells = panel().content.model.toJSON().cells
                    .filter(c => c.cell_type === 'code');
                const k = panel().sessionContext.session.kernel;
                return k && k.status === 'idle' && (cells.every(c => c.execution_count)
                    || cells.some(c => (c.outputs || []).some(o => o.output_type === 'error')));
            }""".replace("panel()", PANEL),
            timeout=self.timeout_ms,
        )
        self.wait_idle()

    def clear_and_run_all(self) -> None:
        """Edit → Clear Outputs of All Cells, then Run → Run All Cells (in the same kernel)."""
        # Cleared first: then «all ran» (or an error) can only mean this run.
        self.js("await app.commands.execute('notebook:clear-all-cell-outputs');")
        self.run_all()

    def restart_and_run_all(self) -> None:
        """The toolbar's «Restart the kernel and run all cells», confirmed in its dialog."""
        # Edit → Clear Outputs of All Cells first: then «all ran» can only mean this run.
        self.js("await app.commands.execute('notebook:clear-all-cell-outputs');")
        self.page.locator("jp-button[data-command='notebook:restart-run-all']:visible").click()
        self.page.locator(".jp-Dialog-button.jp-mod-accept").click()
        # The restart clears every execution count; then the cells run in order.
        self.wait_ran_all()

    def output_text(self, index: int) -> str:
        """What the cell's outputs show, as text (scrolled into view, as a student would see it;
        textContent: the text is there before the browser has painted it)."""
        self.js("await panel.content.scrollToItem(arg);", index)
        return self.js(
            "return panel.content.widgets[arg].node.querySelector('.jp-OutputArea').textContent;",
            index,
        )

    def error_text(self, index: int) -> str:
        self.js("await panel.content.scrollToItem(arg);", index)
        return self.js(
            """const o = panel.content.widgets[arg].node.querySelector(
                   ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']");
               return o ? o.textContent : '';""",
            index,
        )

    def rendered(self) -> dict:
        """What the notebook shows: images loaded, formulas typeset, raw TeX left, widgets."""
        return self.js(
            """const root = panel.content.node;
            // TeX that MathJax left as text: $…\\command…$ or a bare \\frac, \\sigma, …
            const RAW_TEX = /\\$[^$\\n]*\\\\[a-zA-Z]+[^$\\n]*\\$|\\\\(frac|sigma|partial|sum)\\b/g;
            const imgs = [...root.querySelectorAll(
                ".jp-OutputArea-output[data-mime-type='image/png'] img")];
            const md = [...root.querySelectorAll('.jp-MarkdownOutput')].map(n => {
                const c = n.cloneNode(true);
                c.querySelectorAll('code, pre, mjx-container, mjx-assistive-mml').forEach(
                    e => e.remove());
                return c.textContent;
            }).join('\\n');
            return {
                images: imgs.length,
                images_loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
                formulas: root.querySelectorAll('mjx-container').length,
                raw_tex: (md.match(RAW_TEX) || []).slice(0, 5),
                widgets: [...panel.content.widgets.entries()].filter(([i, c]) =>
                    c.node.querySelector('.jupyter-widgets')).map(([i, c]) => i),
            };"""
        )

    def validate(self) -> str:
        """Click nbgrader's Validate button; return the text of its result dialog (closed after)."""
        self.page.locator(".jp-Toolbar jp-button:has-text('Validate'):visible").click()
        dialog = self.page.locator(".jp-Dialog-content")
        dialog.wait_for(timeout=self.timeout_ms)
        dialog.locator(".jp-Dialog-body").wait_for(timeout=self.timeout_ms)
        self.page.wait_for_function(
            "() => !document.querySelector('.jp-Dialog-body').innerText.includes('Validating')",
            timeout=self.timeout_ms,
        )
        text = dialog.inner_text()
        self.page.locator(".jp-Dialog-button").last.click()
        return text

    def shut_down(self) -> None:
        """Shut the notebook's kernel down (File → Close and Shut Down, without the dialog)."""
        self.js("await panel.sessionContext.shutdown();")

    def save(self) -> None:
        """Ctrl+S, until the notebook stays saved (late widget or kernel messages can modify it
        again just after a save; a download during a save would catch a half-written file)."""
        for _ in range(5):
            self.page.keyboard.press("Control+s")
            self.page.wait_for_function(f"() => !{PANEL}.context.model.dirty", timeout=30000)
            self.page.wait_for_timeout(1500)
            if not self.dirty:
                return
        raise AssertionError("the notebook does not stay saved")

    def download(self, target: Path) -> Path:
        """File → Download, the browser's download saved to ``target``."""
        with self.page.expect_download(timeout=60000) as info:
            self.page.locator(".lm-MenuBar-itemLabel:text-is('File')").click()
            self.page.locator(".lm-Menu-itemLabel:text-is('Download')").click()
        info.value.save_as(target)
        return target


class Clock:
    """Prints how long each step of a browser session took (shown with -s and in CI's log)."""

    def __init__(self, name: str):
        self.name, self.last = name, time.monotonic()

    def __call__(self, step: str) -> None:
        now = time.monotonic()
        print(f"[browser {self.name}] {step}: {now - self.last:.1f} s", flush=True)
        self.last = now


def same_notebook(a: Path, b: Path) -> bool:
    return json.loads(a.read_text(encoding="utf-8")) == json.loads(b.read_text(encoding="utf-8"))
