"""Does the lab work for a person in a real browser?

JupyterLab (token on, 127.0.0.1, a free port, config dirs in tmp) serves a copy of a lab
notebook; headless Debian Chromium, driven by Playwright (never a downloaded browser),
runs it through the UI as a learner would: types the answers into the exercise cells,
runs them, uses the task-size picker, presses the Plan and Apply buttons, watches the
progress and the checks turn green, and opens the load balancer's page through the link
the notebook shows. A second test opens that link through jupyter-server-proxy the way
JupyterHub and Binder serve it. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import http.server
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests

from ecslab import settings

pytestmark = pytest.mark.browser

ROOT = settings.PROJECT_ROOT
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOK = "03_web_server.ipynb"
#: Seconds a cell may run: the first plan waits for the background apply of chapter 8's
#: network and load balancer (about 85 s of the AWS provider's own waits).
CELL_TIMEOUT = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- JupyterLab --------------------------------------------------------------------------


@dataclass
class JupyterLab:
    """A JupyterLab server of the test: where it is and how to stop it."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    def open_url(self, path: str) -> str:
        return f"{self.url}{path}?token={self.token}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def start_jupyterlab(
    root: Path, home: Path, env: dict[str, str], base_url: str = "/"
) -> JupyterLab:
    """JupyterLab on 127.0.0.1 with a token, its config, data and settings under `home`."""
    port, token = _free_port(), secrets.token_hex(16)
    dirs = {k: home / k.lower() for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")}
    dirs |= {"JUPYTER_RUNTIME_DIR": home / "runtime", "IPYTHONDIR": home / "ipython"}
    settings_dir = _lab_settings(home / "lab-settings")
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.base_url={base_url}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={settings_dir}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=",
    ]
    log = home / "jupyterlab.log"
    full_env = {**env, **{k: str(v) for k, v in dirs.items()}}
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = JupyterLab(f"http://127.0.0.1:{port}{base_url}", token, process, log)
    _wait_for_server(server)
    return server


def _lab_settings(folder: Path) -> Path:
    """User settings: no news pop-up (it would cover the notebook in screenshots)."""
    notification = (
        folder / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    )
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text('{"fetchNews": "false"}')
    return folder


def _wait_for_server(server: JupyterLab, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"JupyterLab exited:\n{server.log.read_text()[-3000:]}")
        try:
            if requests.get(server.open_url("api/status"), timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    pytest.fail(f"JupyterLab did not answer in {timeout} s:\n{server.log.read_text()[-3000:]}")


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium under Playwright; never a browser Playwright downloads."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make system-deps` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def shot(page: Any, name: str) -> Path:
    """Save a screenshot under test-artifacts/browser/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


class Notebook:
    """A notebook open in JupyterLab, driven through its UI like a learner would."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.cells = page.locator(".jp-Notebook .jp-Cell")

    def wait_ready(self) -> None:
        """Cells rendered and the kernel idle."""
        try:
            self.cells.first.wait_for(timeout=60_000)
            status = self.page.locator(".jp-StatusBar-TextItem", has_text="Idle")
            status.first.wait_for(timeout=60_000)
        except Exception:
            shot(self.page, "failed-to-open")
            raise

    def cell(self, index: int) -> Any:
        return self.cells.nth(index)

    def type_into(self, index: int, source: str) -> None:
        """Replace the cell's text, as typed (pasted) by the learner."""
        editor = self.cell(index).locator(".cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(source)

    def run(self, index: int, timeout: float = CELL_TIMEOUT) -> Any:
        """Select the cell, Shift+Enter, wait until its prompt shows an execution count."""
        cell = self.cell(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Shift+Enter")
        prompt = cell.locator(".jp-InputPrompt")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.fullmatch(r"\[\d+\]:", prompt.inner_text().strip()):
                return cell
            time.sleep(0.25)
        raise AssertionError(f"cell {index} still running after {timeout} s")

    def output_text(self, index: int) -> str:
        return str(self.cell(index).locator(".jp-OutputArea").inner_text())

    def assert_no_error(self, index: int) -> None:
        errors = self.cell(index).locator(".jp-OutputArea-output[data-mime-type*='error']")
        assert errors.count() == 0, self.output_text(index)


def answers(stem: str) -> dict[int, str]:
    """What a learner types into each exercise cell: the solution without its markers."""
    lab = nbformat.read(ROOT / "labs" / stem, as_version=4)  # type: ignore[no-untyped-call]
    solution = nbformat.read(ROOT / "solutions" / stem, as_version=4)  # type: ignore[no-untyped-call]
    typed: dict[int, str] = {}
    for index, (mine, theirs) in enumerate(zip(lab.cells, solution.cells, strict=True)):
        if "### TODO" in mine.source:
            lines = [ln for ln in theirs.source.splitlines() if not ln.startswith("### ")]
            typed[index] = "\n".join(lines)
    return typed


def index_of(stem: str, source: str) -> list[int]:
    """Indices of the lab's cells whose source is exactly `source`."""
    lab = nbformat.read(ROOT / "labs" / stem, as_version=4)  # type: ignore[no-untyped-call]
    return [i for i, cell in enumerate(lab.cells) if cell.source.strip() == source]


# --- the local cloud of this test ---------------------------------------------------------


@pytest.fixture(scope="module")
def lab_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A local cloud of this module's own (its port, home and workspace), stopped after."""
    from ecslab.cloud import daemon
    from ecslab.tf.environment import local_env

    home = tmp_path_factory.mktemp("browser-cloud")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECSLAB_HOME", str(home / "ecslab"))
        mp.setenv("ECSLAB_PORT", str(_free_port()))
        mp.setenv("ECSLAB_WORKSPACE", str(home / "workspace"))
        mp.setenv("ECSLAB_TARGET", "local")
        mp.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
        env = {**os.environ, **local_env()}
        daemon.up()
        try:
            yield env
        finally:
            daemon.down()


@pytest.fixture(scope="module")
def jupyterlab(
    lab_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterLab]:
    """JupyterLab over a copy of labs/ (the tracked notebooks are never saved over)."""
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copytree(ROOT / "labs", root / "labs")
    server = start_jupyterlab(root, tmp_path_factory.mktemp("jupyter"), lab_env)
    try:
        yield server
    finally:
        server.stop()


# --- the tests -----------------------------------------------------------------------------


def test_harness_opens_a_lab_and_runs_a_cell(browser: Any, jupyterlab: JupyterLab) -> None:
    """Does JupyterLab open a lab notebook in Chromium and run a cell through the UI?"""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(jupyterlab.open_url(f"lab/tree/labs/{NOTEBOOK}"))
    notebook = Notebook(page)
    notebook.wait_ready()
    heading = page.locator(".jp-Notebook h1").first
    assert heading.inner_text().startswith("9.3")
    shot(page, "01-opened")
    page.close()


def test_learner_runs_section_9_3_to_nginx(browser: Any, jupyterlab: JupyterLab) -> None:
    """Through the UI: answers typed, picker used, Plan/Apply pressed, checks green, page open."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(jupyterlab.open_url(f"lab/tree/labs/{NOTEBOOK}"))
    notebook = Notebook(page)
    notebook.wait_ready()
    typed = answers(NOTEBOOK)
    picker = index_of(
        NOTEBOOK, 'widgets.TaskSizePicker(desired_count=2, write_to="task_definition.tf")'
    )
    service_plan = _service_plan_cell(typed)
    nginx = index_of(NOTEBOOK, "checks.nginx_answers()")[0]
    for index in range(nginx + 1):
        _step(notebook, index, typed, picker, service_plan)
    _check_passed(notebook, nginx)
    shot(page, "07-nginx-check-green")
    _open_load_balancer_page(page, notebook, nginx)
    page.close()


def _service_plan_cell(typed: dict[int, str]) -> int:
    """The `lab.plan()` right after the service exercise: the buttons replace it there."""
    service = max(typed)
    plans = [i for i in index_of(NOTEBOOK, "lab.plan()") if i > service]
    return plans[0]


def _step(
    notebook: Notebook, index: int, typed: dict[int, str], picker: list[int], service_plan: int
) -> None:
    """One cell of the notebook, the way the learner meets it."""
    cell = notebook.cell(index)
    if "jp-CodeCell" not in (cell.get_attribute("class") or ""):
        return
    source = cell.locator(".cm-content").inner_text().strip()
    if index in typed:
        notebook.type_into(index, typed[index])
    if index == service_plan:
        _plan_and_apply_with_buttons(notebook, index)
        return
    if index > service_plan and source == "lab.apply()":
        return  # applied with the button
    notebook.run(index)
    notebook.assert_no_error(index)
    if index in picker:
        _use_task_size_picker(notebook, index)
    if source.startswith("checks."):
        _check_passed(notebook, index)


def _use_task_size_picker(notebook: Notebook, index: int) -> None:
    """cpu 512 offers 1-4 GB only; write 512/1024 into the learner's task definition."""
    widget = notebook.cell(index).locator(".ecslab-task-size")
    cpu, memory = widget.locator("select").nth(0), widget.locator("select").nth(1)
    assert _options(memory) == ["512 MiB (0.5 GB)", "1024 MiB (1 GB)", "2048 MiB (2 GB)"]
    cpu.select_option(index=1)  # 512 (0.5 vCPU)
    expect = ["1024 MiB (1 GB)", "2048 MiB (2 GB)", "3072 MiB (3 GB)", "4096 MiB (4 GB)"]
    _until(lambda: _options(memory) == expect, "the memory choices of cpu 512")
    memory.select_option(index=0)  # 1024 MiB
    widget.get_by_role("button", name="Write to task_definition.tf").click()
    _until(lambda: "✓" in widget.inner_text(), "the picker to write the file")
    shot(notebook.page, "02-task-size-picker")


def _options(select: Any) -> list[str]:
    """A dropdown's option texts (ipywidgets renders spaces as no-break spaces)."""
    return [text.replace("\xa0", " ") for text in select.locator("option").all_inner_texts()]


def _plan_and_apply_with_buttons(notebook: Notebook, index: int) -> None:
    """Replace `lab.plan()` by the buttons widget, press Plan, then Apply."""
    notebook.type_into(index, "widgets.TerraformButtons()")
    cell = notebook.run(index)
    buttons = cell.locator(".ecslab-terraform-buttons")
    buttons.locator("button.ecslab-plan").click()
    _until(lambda: "Plan:" in buttons.inner_text() or "to add" in buttons.inner_text(), "plan")
    shot(notebook.page, "03-plan")
    buttons.locator("button.ecslab-apply").click()
    progress = buttons.locator(".ecslab-progress")
    _until(lambda: progress.count() > 0, "the apply's progress bar")
    shot(notebook.page, "04-apply-progress")
    _until(lambda: "Apply complete!" in buttons.inner_text(), "apply", CELL_TIMEOUT)
    assert "Apply complete! Resources:" in progress.first.inner_text()
    shot(notebook.page, "05-applied")


def _check_passed(notebook: Notebook, index: int) -> None:
    check = notebook.cell(index).locator(".ecslab-check").first
    check.wait_for(timeout=CELL_TIMEOUT * 1000)
    assert check.get_attribute("data-passed") == "True", check.inner_text()


def _open_load_balancer_page(page: Any, notebook: Notebook, index: int) -> None:
    """Figure 9.2: the link the check shows opens nginx's page in a new tab."""
    link = notebook.cell(index).locator("a", has_text="load balancer")
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert "Welcome to nginx!" in tab.content()
    shot(tab, "08-load-balancer-page")
    tab.close()


def _until(condition: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


# --- JupyterHub/Binder: the link through jupyter-server-proxy ------------------------------


class _Welcome(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><title>Welcome to nginx!</title><h1>Welcome to nginx!</h1></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        """Quiet."""


@pytest.fixture
def loopback_page() -> Iterator[int]:
    """A page on a loopback port, standing in for the local load balancer's listener."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Welcome)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_hub_link_opens_through_the_server_proxy(
    browser: Any, loopback_page: int, tmp_path: Path
) -> None:
    """Under a hub prefix, does the notebook's link open the loopback page via the proxy?"""
    prefix = "/user/ana/"
    root = tmp_path / "root"
    root.mkdir()
    notebook_path = root / "link.ipynb"
    code = (
        "from IPython.display import HTML\nfrom ecslab import links\n"
        f"HTML(links.lb_anchor('http://127.0.0.1:{loopback_page}/'))"
    )
    nb = nbformat.v4.new_notebook()  # type: ignore[no-untyped-call]
    nb.cells = [nbformat.v4.new_code_cell(code)]  # type: ignore[no-untyped-call]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, notebook_path)  # type: ignore[no-untyped-call]
    env = {**os.environ, "JUPYTERHUB_SERVICE_PREFIX": prefix}
    server = start_jupyterlab(root, tmp_path / "jupyter", env, base_url=prefix)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 700})
        page.goto(server.open_url("lab/tree/link.ipynb"))
        notebook = Notebook(page)
        notebook.wait_ready()
        link = notebook.run(0).locator("a", has_text="load balancer")
        assert link.get_attribute("href") == f"{prefix}proxy/{loopback_page}/"
        with page.context.expect_page() as opened:
            link.click()
        tab = opened.value
        tab.wait_for_load_state()
        assert "Welcome to nginx!" in tab.content()
        shot(tab, "09-hub-proxy-page")
    finally:
        server.stop()
