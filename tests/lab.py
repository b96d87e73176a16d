"""JupyterLab on a free local port, on a copy of the notebooks, driven by headless Chromium.

Shared by the live-notebook browser test (`test_live_notebooks.py`) and the explorers'
benchmark (`benchmarks/live_explorers.py`). One server at a time: start it with `LabServer`
as a context manager, which stops it (and its kernels) on exit.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

START_TIMEOUT_S = 90
# Lab settings for a test run: every cell stays in the page (no windowing, so charts out of view
# are still drawn and checkable) and no news or update check (no request leaves the machine).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, server: subprocess.Popen, log: Path, timeout_s: float = START_TIMEOUT_S) -> None:
    """Wait until `url` answers (any HTTP status); raise with the server's log if it dies or stalls."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:  # any HTTP answer means the server is up
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"server did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.5)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


class LabServer:
    """`with LabServer(notebooks, workdir) as lab:` JupyterLab serving a copy of `notebooks`.

    `lab.url(path)` is a page's address with the token; `lab.allows(url)` says whether a request
    stays on this server (everything else is to be aborted)."""

    def __init__(self, notebooks: list[Path], workdir: Path, environment: dict[str, str] | None = None):
        self.root = workdir / "notebooks"
        self.root.mkdir(parents=True, exist_ok=True)
        for notebook in notebooks:
            shutil.copy(notebook, self.root / notebook.name)
        settings = workdir / "lab-settings"
        for name, values in LAB_SETTINGS.items():
            target = settings / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        self.environment = {**os.environ, **(environment or {}), "JUPYTERLAB_SETTINGS_DIR": str(settings),
                            "JUPYTERLAB_WORKSPACES_DIR": str(workdir / "lab-workspaces")}
        self.log = workdir / "lab.log"
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.server: subprocess.Popen | None = None

    def __enter__(self) -> LabServer:
        argv = [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
                f"--port={self.port}", f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
        with self.log.open("w") as sink:
            self.server = subprocess.Popen(argv, cwd=self.root, env=self.environment, stdout=sink,
                                           stderr=subprocess.STDOUT)
        wait_for_http(f"http://127.0.0.1:{self.port}/api", self.server, self.log)
        return self

    def __exit__(self, *_exc) -> None:
        if self.server is not None:
            stop(self.server)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?token={self.token}"

    def allows(self, url: str) -> bool:
        return urlparse(url).netloc == f"127.0.0.1:{self.port}" or url.startswith(("data:", "blob:"))


# True once the open notebook is `name` and its kernel is idle.
_NOTEBOOK_READY_JS = """(name) => {
    const app = window.jupyterapp;
    const panel = app && app.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return panel && panel.context && panel.context.path.endsWith(name) && kernel && kernel.status === 'idle';
}"""


def open_notebook(page, lab: LabServer, name: str, timeout_ms: int = 120_000) -> None:
    """Open notebook `name` in Lab and wait until its kernel is idle. A page that already shows
    this Lab opens it in the running app, as a user does from the file browser (Lab boots once)."""
    if page.url.startswith(lab.url("lab").split("?")[0]) and page.evaluate("() => !!window.jupyterapp"):
        page.evaluate("(name) => { window.jupyterapp.commands.execute('docmanager:open', {path: name}); }", name)
    else:
        page.goto(lab.url(f"lab/tree/{name}"), wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function(_NOTEBOOK_READY_JS, arg=name, timeout=timeout_ms, polling=250)


def run_all(page, timeout_ms: int = 600_000) -> bool:
    """Run every cell of the open notebook; True when all succeeded."""
    page.set_default_timeout(timeout_ms)
    return page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def close_notebook(page) -> None:
    """Shut down the open notebook's kernel and close it unsaved (one kernel at a time); the page
    stays on Lab, ready for the next notebook."""
    page.evaluate("""async () => {
        const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        if (panel && panel.sessionContext) { await panel.sessionContext.shutdown(); }
        if (panel && panel.context) { panel.context.model.dirty = false; panel.dispose(); }
    }""")
