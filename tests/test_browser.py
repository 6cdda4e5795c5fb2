"""Does the lab work for a person in a real browser, on their desk?

JupyterLab starts by the command `make lab` runs, `ecslab lab` (local cloud up, desk
fetched, 9.1's prerequisites applying in the background): the learner's desk as root
(their copies of labs/ and their workspace), the venv's bin first on PATH and nothing of
the local cloud in the environment, so the kernel's environment is the one `lab.setup`
prepares. Headless Debian
Chromium, driven by Playwright (never a downloaded browser), then does what a learner
does: lands on the first lab, runs its cells, reads its Japanese terms, works through
9.3 (answers typed, the task-size picker, the Plan and Apply buttons, nginx through the
load balancer) and 9.4 (logs, the execution role, `!aws ecs update-service`, the book's
`!aws logs filter-log-events`), opens a workspace file from the file browser, and types
the book's commands in a JupyterLab terminal. Afterwards no tracked file has changed.
A last test opens the load balancer's link through jupyter-server-proxy, as JupyterHub
and Binder serve it. Screenshots go to test-artifacts/browser/.

The tests of the desk run in file order and build on each other (one local cloud, one
applied stack, one JupyterLab for the module), like one learner's session.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests

from ecslab import sections, settings
from ecslab.tf.providers import venv_bin

pytestmark = [pytest.mark.browser, pytest.mark.restores_starts]

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
FIRST = f"{sections.SECTIONS[0].stem}.ipynb"
WEB_SERVER = "03_web_server.ipynb"
LOGGING = "04_logging.ipynb"
#: Seconds a cell may run: the first plan waits for the background apply of chapter 8's
#: network and load balancer (about 85 s of the AWS provider's own waits).
CELL_TIMEOUT = 300
#: The book's command of section 9.4, as printed.
FILTER_LOG_EVENTS = "aws logs filter-log-events --log-group-name /ecs/example"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- JupyterLab ----------------------------------------------------------------------------


@dataclass
class JupyterLab:
    """A JupyterLab server of the test: where it is and how to stop it."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    def open_url(self, path: str = "") -> str:
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
    command: Sequence[str], home: Path, env: dict[str, str], base_url: str = "/"
) -> JupyterLab:
    """`command` (a `jupyter lab` or what execs one) on 127.0.0.1 with a token, a free
    port, and its config, data and settings under `home`: the test's only additions."""
    port, token = _free_port(), secrets.token_hex(16)
    dirs = {k: home / k.lower() for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")}
    dirs |= {"JUPYTER_RUNTIME_DIR": home / "runtime", "IPYTHONDIR": home / "ipython"}
    options = [
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--ServerApp.base_url={base_url}",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={_lab_settings(home / 'lab-settings')}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=",
    ]
    log = home / "jupyterlab.log"
    full_env = {**env, **{k: str(v) for k, v in dirs.items()}}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, *options],
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = JupyterLab(f"http://127.0.0.1:{port}{base_url}", token, process, log)
    _wait_for_server(server)
    return server


#: User settings of the test's JupyterLab: no news pop-up (it would cover the notebook in
#: screenshots); terminals keep an accessibility tree of their rows, so the test can read
#: what xterm.js otherwise only paints on a canvas.
LAB_SETTINGS = {
    "apputils-extension/notification": {"fetchNews": "false"},
    "terminal-extension/plugin": {"screenReaderMode": True},
}


def _lab_settings(folder: Path) -> Path:
    for name, values in LAB_SETTINGS.items():
        path = folder / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
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
        self.cells = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell")

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
        _until(
            lambda: re.fullmatch(r"\[\d+\]:", prompt.inner_text().strip()) is not None,
            f"cell {index} to finish",
            timeout,
        )
        return cell

    def output_text(self, index: int) -> str:
        return str(self.cell(index).locator(".jp-OutputArea").inner_text())

    def stream_text(self, index: int) -> str:
        """What the cell printed, without the prompt of the output area."""
        outputs = self.cell(index).locator(".jp-OutputArea-output").all_inner_texts()
        return "".join(outputs)

    def assert_no_error(self, index: int) -> None:
        """No traceback and nothing on stderr: JupyterLab renders both as the stderr type."""
        errors = self.cell(index).locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        assert errors.count() == 0, self.output_text(index)


def answers(stem: str) -> dict[int, str]:
    """What a learner types into each exercise cell: the solution without its markers."""
    lab = nbformat.read(ROOT / "labs" / stem, as_version=4)  # type: ignore[no-untyped-call]
    solution = nbformat.read(ROOT / "solutions" / stem, as_version=4)  # type: ignore[no-untyped-call]
    typed: dict[int, str] = {}
    for index, (mine, theirs) in enumerate(zip(lab.cells, solution.cells, strict=True)):
        if re.search(r"^\s*#+ TODO:", mine.source, re.MULTILINE):
            lines = [ln for ln in theirs.source.splitlines() if not ln.lstrip().startswith("### ")]
            typed[index] = "\n".join(lines)
    return typed


def expected_checks(stem: str) -> dict[int, str]:
    """The result each check cell shows in the solution's real run ('True' or 'False'):
    9.4 shows two checks failing on purpose (the service still runs the old revision)."""
    solution = nbformat.read(ROOT / "solutions" / stem, as_version=4)  # type: ignore[no-untyped-call]
    found: dict[int, str] = {}
    for index, cell in enumerate(solution.cells):
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            if match := re.search(r"class='ecslab-check'[^>]*data-passed='(\w+)'", html):
                found[index] = match.group(1)
    return found


def failing_cells(stem: str) -> frozenset[int]:
    """The cells the solution tags `raises-exception`: they show an error on purpose."""
    solution = nbformat.read(ROOT / "solutions" / stem, as_version=4)  # type: ignore[no-untyped-call]
    tagged = enumerate(solution.cells)
    return frozenset(i for i, c in tagged if "raises-exception" in c.metadata.get("tags", []))


def _setup_cell(stem: str) -> int:
    """The index of the notebook's one `lab.setup(...)` cell."""
    lab = nbformat.read(ROOT / "labs" / stem, as_version=4)  # type: ignore[no-untyped-call]
    return next(i for i, c in enumerate(lab.cells) if "lab.setup(" in c.source)


def index_of(stem: str, source: str) -> list[int]:
    """Indices of the lab's cells whose source is exactly `source`."""
    lab = nbformat.read(ROOT / "labs" / stem, as_version=4)  # type: ignore[no-untyped-call]
    return [i for i, cell in enumerate(lab.cells) if cell.source.strip() == source]


def _until(condition: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


# --- the learner's machine: a local cloud, a desk, JupyterLab as `make lab` starts it --------


@dataclass
class Learner:
    """The learner of this module: their environment (nothing of the cloud) and desk."""

    env: dict[str, str]

    @property
    def workspace(self) -> Path:
        return Path(self.env["ECSLAB_DESK"]) / "workspace"

    def ecslab(self, *args: str) -> str:
        """Run `ecslab ARGS` in the learner's environment; its output."""
        done = subprocess.run(
            [str(venv_bin() / "ecslab"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout


def _learner_env(home: Path, lang: str = "en") -> dict[str, str]:
    """The test's environment without anything that points a client at a cloud, plus
    the learner's own home, port, desk (the workspace is the desk's default one) and
    language (so the developer's locale does not pick the edition)."""
    removed = ("AWS_", "TF_CLI_CONFIG_FILE", "ECSLAB_", "JUPYTERHUB_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(removed)}
    env |= {
        "ECSLAB_HOME": str(home / "ecslab"),
        "ECSLAB_PORT": str(_free_port()),
        "ECSLAB_DESK": str(home / "desk"),
        "ECSLAB_LANG": lang,
    }
    return env


def _tracked_state() -> str:
    """`git status --porcelain` of the checkout: what differs from its last commit."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def tracked_before() -> str:
    """The checkout's state before the learner's session (edits of a developer included)."""
    return _tracked_state()


@pytest.fixture(scope="module")
def learner(tracked_before: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Learner]:
    """The learner of the module; their local cloud (which `ecslab lab` starts) stopped after."""
    person = Learner(_learner_env(tmp_path_factory.mktemp("learner")))
    try:
        yield person
    finally:
        person.ecslab("down")


@contextmanager
def make_lab(learner: Learner, home: Path) -> Iterator[JupyterLab]:
    """`ecslab lab -- ...`, all that `make lab` runs (local cloud up, desk fetched, 9.1's
    prerequisites applying in the background, JupyterLab), in the learner's environment
    with the test's port and config; stopped after."""
    server = start_jupyterlab([str(venv_bin() / "ecslab"), "lab", "--"], home, learner.env)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def jupyterlab(learner: Learner, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    """The learner's `make lab`."""
    with make_lab(learner, tmp_path_factory.mktemp("jupyter")) as server:
        yield server


@pytest.fixture(scope="module")
def page(browser: Any, jupyterlab: JupyterLab) -> Iterator[Any]:
    """One browser tab for the learner's whole session (JupyterLab keeps its layout)."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        yield tab
    finally:
        tab.close()


# --- the learner's session ------------------------------------------------------------------


def test_make_lab_lands_on_the_first_lab_and_runs_its_cells(
    page: Any, jupyterlab: JupyterLab, learner: Learner
) -> None:
    """Does the bare server URL open the desk's first lab, and do its cells run there?"""
    said = jupyterlab.log.read_text()  # what `make lab` prints before JupyterLab's log
    assert f"local cloud running at http://127.0.0.1:{learner.env['ECSLAB_PORT']}" in said
    assert f"desk: {FIRST} copied from labs/ (your own copy from now on)" in said
    page.goto(jupyterlab.open_url())
    notebook = Notebook(page)
    notebook.wait_ready()
    assert page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count() == 0  # untouched
    assert page.url.split("?")[0].endswith(f"/lab/tree/{FIRST}")
    assert page.locator(".jp-Notebook h1").first.inner_text().startswith("9.1")
    listed = page.locator(".jp-DirListing-item .jp-DirListing-itemText").all_inner_texts()
    assert {p.name for p in (ROOT / "labs").glob("*.ipynb")} <= set(listed)
    setup = _setup_cell(FIRST)
    notebook.run(setup)
    notebook.assert_no_error(setup)
    assert f"Workspace: {learner.workspace}" in notebook.output_text(setup)
    # JupyterLab's news question would have popped up by now (ecslab's settings override)
    assert page.locator(".Toastify__toast", has_text="Jupyter news").count() == 0
    drawing = index_of(FIRST, "diagram.building_blocks()")[0]
    notebook.run(drawing)
    assert notebook.cell(drawing).locator(".jp-OutputArea svg").count() > 0
    shot(page, "01-first-lab")


#: Draws text in an element's font on a canvas; returns each text's pixels as a data URL.
DRAW_GLYPHS = """(element, texts) => {
  const style = getComputedStyle(element);
  return texts.map((text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 120;
    canvas.height = 60;
    const pen = canvas.getContext("2d");
    pen.font = `${style.fontSize} ${style.fontFamily}`;
    pen.fillText(text, 10, 40);
    return canvas.toDataURL();
  });
}"""


def test_japanese_terms_render_as_glyphs(page: Any) -> None:
    """Are the book's Japanese terms drawn with glyphs, not the empty box of a missing one?

    Two unassigned code points draw the same box (a missing glyph has one look); two
    different kanji must differ from each other and from that box.
    """
    term = page.locator(".jp-RenderedMarkdown p", has_text="実践Terraform").first
    term.scroll_into_view_if_needed()
    jitsu, sen, missing, other_missing = term.evaluate(
        DRAW_GLYPHS, ["実", "践", "\u0378", "\u0379"]
    )
    assert missing == other_missing, "the canvas does not show missing glyphs as one box"
    assert jitsu != missing and sen != missing, "実 and 践 are drawn as missing glyphs"
    assert jitsu != sen
    shot(page, "02-japanese-terms")


def test_learner_runs_section_9_3_to_nginx(page: Any) -> None:
    """Through the UI: answers typed, picker used, Plan/Apply pressed, checks green, page open."""
    notebook = _open_from_file_browser(page, [WEB_SERVER])
    script = Script.of(WEB_SERVER)
    script.picker = tuple(
        index_of(
            WEB_SERVER, 'widgets.TaskSizePicker(desired_count=2, write_to="task_definition.tf")'
        )
    )
    nginx = index_of(WEB_SERVER, "checks.nginx_answers()")[0]
    # the first step's plan (listing 9.1's cluster) through the Plan/Apply buttons
    script.buttons = min(i for i in index_of(WEB_SERVER, "lab.plan()") if i > min(script.typed))
    for index in range(nginx + 1):
        _step(notebook, index, script)
    shot(page, "07-nginx-check-green")
    _open_load_balancer_page(page, notebook, nginx)


def test_workspace_file_opens_in_the_editor(page: Any) -> None:
    """Does the file browser reach the workspace and open the learner's cluster.tf?"""
    _open_from_file_browser(page, ["workspace", "cluster.tf"], notebook=False)
    editor = page.locator(".jp-FileEditor:visible .cm-content")
    _until(lambda: 'resource "aws_ecs_cluster" "example"' in editor.inner_text(), "cluster.tf")
    shot(page, "08-workspace-file")
    page.locator(".jp-BreadCrumbs-home").click()


def test_learner_runs_section_9_4_to_the_logs(page: Any) -> None:
    """Through 9.4: answers typed, `!aws` cells run, checks as in the solution, events printed."""
    notebook = _open_from_file_browser(page, [LOGGING])
    script = Script.of(LOGGING)
    filter_cell = index_of(LOGGING, f"!{FILTER_LOG_EVENTS}")[0]
    assert script.checks and max(script.checks) < filter_cell
    for index in range(filter_cell + 1):
        _step(notebook, index, script)
    printed = json.loads(notebook.stream_text(filter_cell))
    assert printed["events"], printed
    assert all(e["logStreamName"].startswith("nginx/example/") for e in printed["events"])
    shot(page, "09-filter-log-events")


def test_terminal_runs_the_books_commands_in_the_workspace(page: Any, learner: Learner) -> None:
    """In a JupyterLab terminal: does it open in the workspace, and do `terraform plan` and
    the book's filter-log-events work as printed, against the local cloud?"""
    terminal = _new_terminal(page)
    prompt = re.compile(re.escape(str(learner.workspace)) + r"[#$] ")
    _until(lambda: prompt.search(terminal.inner_text()), "a prompt in the workspace")
    _type(page, "terraform plan -no-color")
    _until(lambda: "No changes." in terminal.inner_text(), "terraform plan", CELL_TIMEOUT)
    _type(page, "clear; " + FILTER_LOG_EVENTS)
    _until(lambda: '"searchedCompletely": true' in terminal.inner_text(), FILTER_LOG_EVENTS)
    assert '"logStreamName": "nginx/example/' in terminal.inner_text()
    shot(page, "10-terminal")
    _type(page, f"clear; {FILTER_LOG_EVENTS} --query 'length(events)'")
    _until(lambda: re.search(r"^[1-9]\d*$", terminal.inner_text(), re.MULTILINE), "a count")


# --- the Japanese edition: a learner whose language is Japanese runs `make lab` ----------

#: The Japanese edition's folder, on the desk as in labs/.
JA = "ja/"


@pytest.fixture(scope="module")
def japanese_learner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Learner]:
    """A second learner, ECSLAB_LANG=ja, with a local cloud of their own; their background
    apply (which `ecslab lab` starts) and cloud stopped after."""
    person = Learner(_learner_env(tmp_path_factory.mktemp("japanese"), lang="ja"))
    try:
        yield person
    finally:
        from ecslab.tf import prepare

        prepare.stop(person.workspace)
        person.ecslab("down")


@pytest.fixture(scope="module")
def japanese_lab(
    japanese_learner: Learner, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterLab]:
    """The Japanese learner's `make lab`."""
    with make_lab(japanese_learner, tmp_path_factory.mktemp("jupyter-ja")) as server:
        yield server


@pytest.fixture(scope="module")
def japanese_page(browser: Any, japanese_lab: JupyterLab) -> Iterator[Any]:
    """The Japanese learner's tab, opened on the URL `make lab` printed (JupyterLab prints
    `?token=...` for a token it was given: the test adds its own)."""
    printed = re.compile(r"(http://127\.0\.0\.1:\d+/\S*)\?token=")
    _until(lambda: printed.search(japanese_lab.log.read_text()), "JupyterLab's URL", 30)
    match = printed.search(japanese_lab.log.read_text())
    assert match is not None
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        tab.goto(f"{match.group(1)}?token={japanese_lab.token}")
        yield tab
    finally:
        tab.close()


def _first_heading(path: Path) -> str:
    """The title of a notebook: the text of its first Markdown heading."""
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    first = next(c for c in notebook.cells if c.cell_type == "markdown")
    return str(first.source).splitlines()[0].lstrip("# ").strip()


def _ask_kernel(notebook: Notebook, code: str) -> str:
    """Select the first cell, insert a cell below it (the toolbar's +), run `code` there;
    its output."""
    notebook.cell(0).scroll_into_view_if_needed()
    notebook.cell(0).locator(".jp-InputPrompt").click()
    insert = "[data-command='notebook:insert-cell-below']"
    notebook.page.locator(f".jp-NotebookPanel:visible .jp-NotebookPanel-toolbar {insert}").click()
    notebook.type_into(1, code)
    notebook.run(1)
    notebook.assert_no_error(1)
    return notebook.output_text(1)


def test_make_lab_opens_the_japanese_edition_for_a_japanese_learner(
    japanese_page: Any, japanese_learner: Learner
) -> None:
    """With ECSLAB_LANG=ja, does `make lab`'s URL land on desk/ja/'s first lab, titled as
    the Japanese edition is (9.1 ECSの構成要素), with the English desk beside it?"""
    desk_folder = Path(japanese_learner.env["ECSLAB_DESK"])
    assert (desk_folder / JA / FIRST).is_file() and (desk_folder / FIRST).is_file()
    notebook = Notebook(japanese_page)
    notebook.wait_ready()
    assert japanese_page.url.split("?")[0].endswith(f"/lab/tree/{JA}{FIRST}")
    title = japanese_page.locator(".jp-Notebook h1").first.inner_text()
    expected = _first_heading(ROOT / "labs" / JA / FIRST)
    assert expected.startswith("9.1 ")
    assert title.removesuffix("¶").strip() == expected
    shot(japanese_page, "12-japanese-edition")


def test_japanese_text_renders_as_glyphs(japanese_page: Any) -> None:
    """Is タスク定義 drawn with glyphs, not as the boxes of code points no font has, and do
    two different kanji differ (the same pixels would be two boxes)?"""
    heading = japanese_page.locator(".jp-Notebook h1").first
    term, boxes, other_boxes, jitsu, sen = heading.evaluate(
        DRAW_GLYPHS, ["タスク定義", "\u0378" * 5, "\u0379" * 5, "実", "践"]
    )
    assert boxes == other_boxes, "the canvas does not show missing glyphs as one box"
    assert term != boxes, "タスク定義 is drawn as missing glyphs"
    assert jitsu != sen, "実 and 践 are drawn alike: both are missing glyphs"


def test_the_kernel_speaks_the_language_of_its_notebooks_folder(japanese_page: Any) -> None:
    """Does a notebook in desk/ja/ get a Japanese kernel, and one at the desk's root an
    English kernel, even though the learner's ECSLAB_LANG is ja?"""
    ask = "from ecslab.i18n import language\nlanguage()"
    _wait_showing(japanese_page, _first_heading(ROOT / "labs" / JA / FIRST))
    assert "'ja'" in _ask_kernel(Notebook(japanese_page), ask)
    japanese_page.locator(".jp-BreadCrumbs-home").click()  # the file browser: up to the desk
    japanese_page.locator(".jp-DirListing-item", has_text="workspace").wait_for()
    english = _open_from_file_browser(japanese_page, [FIRST])
    _wait_showing(japanese_page, _first_heading(ROOT / "labs" / FIRST))
    assert "'en'" in _ask_kernel(english, ask)


def _wait_showing(page: Any, title: str) -> None:
    """Until the notebook in front is the one titled `title` (the two editions' files
    share a name)."""
    headings = page.locator(".jp-NotebookPanel:visible .jp-Notebook h1")
    _until(
        lambda: [t.removesuffix("¶").strip() for t in headings.all_inner_texts()][:1] == [title],
        f"the notebook {title!r} in front",
    )


def test_tracked_files_are_unchanged_after_the_session(tracked_before: str) -> None:
    """After the whole session, does `git status` of the checkout read as before it?"""
    assert _tracked_state() == tracked_before


def _open_from_file_browser(page: Any, names: list[str], notebook: bool = True) -> Notebook:
    """Double-click each name in turn in the file browser (folders, then the file), from
    the desk's root (an earlier step may have left the browser in a folder)."""
    page.locator(".jp-BreadCrumbs-home").first.click()
    for name in names:
        item = page.locator(".jp-DirListing-item", has_text=name).first
        item.wait_for(timeout=60_000)
        item.dblclick()
    opened = Notebook(page)
    if notebook:
        opened.wait_ready()
    return opened


def _new_terminal(page: Any) -> Any:
    """File → New → Terminal; its accessibility tree (the rows it shows, as text)."""
    page.locator(".lm-MenuBar-itemLabel", has_text="File").click()
    page.locator(".lm-Menu-itemLabel", has_text="New").first.hover()
    page.locator(".lm-Menu-itemLabel", has_text="Terminal").first.click()
    terminal = page.locator(".jp-Terminal:visible .xterm-accessibility-tree")
    terminal.wait_for(timeout=30_000)
    return terminal


def _type(page: Any, line: str) -> None:
    """Type a line into the focused terminal and press Enter."""
    page.keyboard.type(line)
    page.keyboard.press("Enter")


@dataclass
class Script:
    """How the learner meets one notebook's cells."""

    #: What they type into the exercise cells.
    typed: dict[int, str]
    #: What each check cell shows: 'True' or 'False', as in the solution's real run.
    checks: dict[int, str]
    #: Cells whose task-size picker they use.
    picker: tuple[int, ...] = ()
    #: The `lab.plan()` cell they replace by the Plan/Apply buttons (-1: none); the next
    #: `lab.apply()` cell is then skipped (applied with the button).
    buttons: int = -1
    #: Cells that fail on purpose (tagged `raises-exception` in the solution: 9.4's apply
    #: of awslogs without the execution role).
    failing: frozenset[int] = frozenset()
    #: The `lab.apply()` cells.
    applies: tuple[int, ...] = ()

    @classmethod
    def of(cls, stem: str) -> Script:
        applies = tuple(index_of(stem, "lab.apply()"))
        return cls(
            answers(stem), expected_checks(stem), failing=failing_cells(stem), applies=applies
        )


def _step(notebook: Notebook, index: int, script: Script) -> None:
    """One cell of the notebook, the way the learner meets it."""
    cell = notebook.cell(index)
    if "jp-CodeCell" not in (cell.get_attribute("class") or ""):
        return
    source = cell.locator(".cm-content").inner_text().strip()
    if index in script.typed:
        notebook.type_into(index, script.typed[index])
    if index == script.buttons:
        _plan_and_apply_with_buttons(notebook, index)
        return
    if source == "lab.apply()" and script.buttons >= 0 and _first_apply_after(script, index):
        return
    notebook.run(index)
    if index not in script.failing:
        notebook.assert_no_error(index)
    if index in script.picker:
        _use_task_size_picker(notebook, index)
    if index in script.checks:
        _check_shows(notebook, index, script.checks[index])


def _first_apply_after(script: Script, index: int) -> bool:
    """Is cell `index` the first `lab.apply()` after the buttons' cell (done by the button)?"""
    applies = [i for i in script.applies if i > script.buttons]
    return bool(applies) and applies[0] == index


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
    shot(notebook.page, "03-task-size-picker")


def _options(select: Any) -> list[str]:
    """A dropdown's option texts (ipywidgets renders spaces as no-break spaces)."""
    return [text.replace("\xa0", " ") for text in select.locator("option").all_inner_texts()]


def _plan_and_apply_with_buttons(notebook: Notebook, index: int) -> None:
    """Replace `lab.plan()` by the buttons widget, press Plan, then Apply."""
    notebook.type_into(index, "widgets.TerraformButtons()")
    cell = notebook.run(index)
    buttons = cell.locator(".ecslab-terraform-buttons")
    buttons.locator("button.ecslab-plan").click()
    # The first plan waits for the background apply of 9.1's network and load balancer.
    _until(lambda: re.search("Plan:|to add", buttons.inner_text()), "plan", CELL_TIMEOUT)
    shot(notebook.page, "04-plan")
    buttons.locator("button.ecslab-apply").click()
    progress = buttons.locator(".ecslab-progress")
    _until(lambda: progress.count() > 0, "the apply's progress bar")
    shot(notebook.page, "05-apply-progress")
    _until(lambda: "Apply complete!" in buttons.inner_text(), "apply", CELL_TIMEOUT)
    assert "Apply complete! Resources:" in progress.first.inner_text()
    shot(notebook.page, "06-applied")


def _check_shows(notebook: Notebook, index: int, passed: str) -> None:
    """The check's result in the cell is `passed` ('True' or 'False')."""
    check = notebook.cell(index).locator(".ecslab-check").first
    check.wait_for(timeout=CELL_TIMEOUT * 1000)
    assert check.get_attribute("data-passed") == passed, check.inner_text()


def _open_load_balancer_page(page: Any, notebook: Notebook, index: int) -> None:
    """Figure 9.2: the link the check shows opens nginx's page in a new tab."""
    link = notebook.cell(index).locator("a", has_text="load balancer")
    with page.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert "Welcome to nginx!" in tab.content()
    shot(tab, "07-load-balancer-page")
    tab.close()


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
        "from IPython.display import HTML\nfrom ecslab.notebook import links\n"
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
    command = [str(venv_bin() / "jupyter"), "lab", f"--ServerApp.root_dir={root}"]
    server = start_jupyterlab(command, tmp_path / "jupyter", env, base_url=prefix)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 700})
        page.goto(server.open_url("lab/tree/link.ipynb"))
        notebook = Notebook(page)
        notebook.wait_ready()
        link = notebook.run(0).locator("a", has_text="load balancer")
        notebook.assert_no_error(0)
        assert link.get_attribute("href") == f"{prefix}proxy/{loopback_page}/"
        with page.context.expect_page() as opened:
            link.click()
        tab = opened.value
        tab.wait_for_load_state()
        assert "Welcome to nginx!" in tab.content()
        shot(tab, "11-hub-proxy-page")
    finally:
        server.stop()
