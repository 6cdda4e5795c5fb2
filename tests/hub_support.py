"""A real JupyterHub on loopback, and learners who work in it in headless Chromium.

Shared by tests/test_hub.py (three learners, asserted) and bench/classroom.py (N learners,
timed and measured). The hub is JupyterHub as pinned in requirements-test.txt, behind
configurable-http-proxy from npm (tests/classroom/package-lock.json, installed by
`make test-deps`). Its spawner is SimpleLocalProcessSpawner: one OS user for every learner,
each with a HOME of their own, which is where ecslab keeps a learner's cloud state and desk
on a hub (settings.home, settings.desk). Every server starts through `binder/start`, the
Binder image's start-up path: the learner's cloud up, the labs copied to their desk, then
`exec jupyterhub-singleuser`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import signal
import socket
import subprocess
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import requests
from test_browser import CHROMIUM, CHROMIUM_ARGS, LAB_SETTINGS, Notebook

from ecslab import sections, settings
from ecslab.tf import providers

ROOT = settings.PROJECT_ROOT
ARTIFACTS = ROOT / "test-artifacts" / "hub"
PROXY = ROOT / ".venv" / "classroom" / "node_modules" / ".bin" / "configurable-http-proxy"
FIRST = f"{sections.SECTIONS[0].stem}.ipynb"
WEB_SERVER = "03_web_server.ipynb"
LOGGING = "04_logging.ipynb"
#: 9.3's first nginx check: where each learner stops 9.3 (what follows is 9.3's drills).
NGINX_CHECK = "checks.nginx_answers()"
#: Seconds one learner's notebook may take to run all its cells: 9.3 waits for 9.1's
#: background apply (about 85 s of the AWS provider's waits), with other learners on the
#: machine's cores at once.
RUN_ALL_TIMEOUT = 600
#: Seconds the hub gives a learner's server to answer (their cloud starts first).
SPAWN_TIMEOUT = 180

HUB_CONFIG = """\
# Written by tests/hub_support.py: a hub on loopback, its learners, one OS user.
import json
config = json.loads({config!r})
c.JupyterHub.bind_url = config["bind_url"]
c.JupyterHub.hub_bind_url = config["hub_bind_url"]
c.ConfigurableHTTPProxy.api_url = config["proxy_api_url"]
c.ConfigurableHTTPProxy.command = [config["proxy"]]
c.ConfigurableHTTPProxy.pid_file = config["proxy_pid_file"]
c.JupyterHub.pid_file = config["pid_file"]
c.JupyterHub.db_url = config["db_url"]
c.JupyterHub.cookie_secret_file = config["cookie_secret_file"]
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = config["password"]
c.Authenticator.allowed_users = set(config["learners"])
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = config["homes"] + "/{{username}}"
c.Spawner.cmd = ["bash", config["start"], "jupyterhub-singleuser"]
c.Spawner.args = config["server_args"]
c.Spawner.default_url = config["default_url"]
c.Spawner.start_timeout = config["spawn_timeout"]
c.Spawner.http_timeout = config["spawn_timeout"]
c.Spawner.environment = config["environment"]
c.JupyterHub.services = [{{"name": "classroom-test", "api_token": config["token"]}}]
c.JupyterHub.load_roles = [
    {{"name": "classroom-test", "scopes": ["admin:users", "admin:servers"],
      "services": ["classroom-test"]}}
]
"""


@dataclass
class Hub:
    """A running JupyterHub: its public URL, its API token, its learners' homes."""

    url: str
    token: str
    password: str
    homes: Path
    process: subprocess.Popen[bytes]
    log: Path

    def api(self, method: str, path: str) -> requests.Response:
        """The hub's REST API, as the test's service."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, f"{self.url}hub/api/{path}", headers=headers, timeout=30)

    def home(self, name: str) -> Path:
        return self.homes / name

    def stop(self) -> None:
        """SIGTERM to the hub (which stops the learners' servers and its proxy)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


class HubError(RuntimeError):
    """The hub did not start: its log's tail says why."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hub_env() -> dict[str, str]:
    """This environment without anything that points a client at a cloud, with the venv's
    bin first (`ecslab`, `jupyterhub-singleuser`) and the machine's provider mirror."""
    removed = ("AWS_", "TF_CLI_CONFIG_FILE", "ECSLAB_", "JUPYTERHUB_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(removed)}
    env["PATH"] = os.pathsep.join([str(providers.venv_bin()), env.get("PATH", "")])
    mirror = providers.find_mirror()
    if mirror is not None:
        env["ECSLAB_PROVIDER_MIRROR"] = str(mirror)
    return env


def prepare_home(home: Path) -> None:
    """What an instructor may have given each learner before the class: JupyterLab without
    its news pop-up, and their answers already typed (their own copies of 9.3 and 9.4, the
    solutions without outputs), which `ecslab desk` keeps as theirs."""
    settings_dir = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    (home / "desk").mkdir(parents=True)
    for stem in (WEB_SERVER, LOGGING):
        typed = nbformat.read(ROOT / "solutions" / stem, as_version=4)  # type: ignore[no-untyped-call]
        for cell in typed.cells:
            if cell.cell_type == "code":  # typed, never run: no stored output to mistake
                cell.outputs, cell.execution_count = [], None
        nbformat.write(typed, home / "desk" / stem)  # type: ignore[no-untyped-call]


def _hub_config(folder: Path, learners: list[str], port: int, token: str, password: str) -> str:
    config = {
        "bind_url": f"http://127.0.0.1:{port}/",
        "hub_bind_url": f"http://127.0.0.1:{free_port()}/",
        "proxy_api_url": f"http://127.0.0.1:{free_port()}",
        "proxy": str(PROXY),
        "proxy_pid_file": str(folder / "proxy.pid"),
        "pid_file": str(folder / "hub.pid"),
        "db_url": f"sqlite:///{folder / 'hub.sqlite'}",
        "cookie_secret_file": str(folder / "cookie_secret"),
        "password": password,
        "learners": learners,
        "homes": str(folder / "homes"),
        "start": str(ROOT / "binder" / "start"),
        "default_url": f"/lab/tree/desk/{FIRST}",
        "spawn_timeout": SPAWN_TIMEOUT,
        # A developer may run this as root (CI runs it as an unprivileged user).
        "server_args": ["--allow-root"] if os.geteuid() == 0 else [],
        # The spawner passes on only the variables it keeps (PATH, LANG, ...) and these.
        "environment": {k: v for k, v in hub_env().items() if k.startswith("ECSLAB_")},
        "token": token,
    }
    return HUB_CONFIG.format(config=json.dumps(config))


def _wait_for_hub(hub: Hub, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise HubError(f"JupyterHub exited:\n{hub.log.read_text()[-3000:]}")
        try:
            if hub.api("GET", "").ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    hub.stop()
    raise HubError(f"JupyterHub did not answer in {timeout} s:\n{hub.log.read_text()[-3000:]}")


@contextmanager
def running_hub(folder: Path, learners: list[str]) -> Iterator[Hub]:
    """JupyterHub with its proxy in `folder`, these learners allowed, their homes prepared;
    stopped afterwards, with any learner's cloud it could not stop."""
    if not PROXY.exists():
        raise HubError(f"{PROXY} is missing: `make test-deps` installs it from npm")
    for name in learners:
        prepare_home(folder / "homes" / name)
    port, token, password = free_port(), secrets.token_hex(16), secrets.token_hex(8)
    config_file = folder / "jupyterhub_config.py"
    config_file.write_text(_hub_config(folder, learners, port, token, password))
    log = folder / "hub.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(providers.venv_bin() / "jupyterhub"), "-f", str(config_file)],
            cwd=folder,
            env=hub_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(f"http://127.0.0.1:{port}/", token, password, folder / "homes", process, log)
    try:
        _wait_for_hub(hub)
        yield hub
    finally:
        hub.stop()
        for name in learners:
            ecslab_down(hub.home(name))


def ecslab_down(home: Path) -> None:
    """`ecslab down` for the learner whose HOME this is (their cloud lives in it on a hub)."""
    env = {**hub_env(), "HOME": str(home), "JUPYTERHUB_USER": home.name}
    subprocess.run(
        [str(providers.venv_bin() / "ecslab"), "down"], env=env, capture_output=True, timeout=60
    )


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


# --- one learner's session, in a browser of their own -----------------------------------


@dataclass
class Session:
    """What a learner's session saw, and when (seconds since they pressed "Sign in")."""

    landed_on: str = ""
    nginx_check: str | None = None
    lb_href: str | None = None
    lb_page: str = ""
    logs_check: str | None = None
    times: dict[str, float] = field(default_factory=dict)


def log_in(page: Any, url: str, password: str, name: str) -> None:
    """The hub's login form, then the spawn page until JupyterLab shows the first lab."""
    page.goto(f"{url}hub/login")
    page.fill("input#username_input", name)
    page.fill("input#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{name}/lab/**", timeout=SPAWN_TIMEOUT * 1000)


def run_all(page: Any, stem: str) -> Notebook:
    """Open a notebook of the desk from the file browser and run all its cells (Run menu)."""
    page.locator(".jp-DirListing-item", has_text=stem).first.dblclick()
    notebook = Notebook(page)
    notebook.wait_ready()
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item").get_by_text("Run All Cells", exact=True).click()
    return notebook


def run_to(page: Any, stem: str, source: str) -> Notebook:
    """Open a notebook of the desk and run it down to the first cell whose source is
    `source`, as a learner who stops at that check: Run menu "Run All Above Selected
    Cell", then that cell (Ctrl+Enter, queued after them)."""
    page.locator(".jp-DirListing-item", has_text=stem).first.dblclick()
    notebook = Notebook(page)
    notebook.wait_ready()
    prompt = notebook.cells.filter(has_text=source).first.locator(".jp-InputPrompt").first
    prompt.click()
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item").get_by_text("Run All Above Selected Cell", exact=True).click()
    prompt.click()
    page.keyboard.press("Control+Enter")
    return notebook


def check_result(notebook: Notebook, source: str, first: bool = False) -> Any:
    """The rendered result of the last (or first) cell whose source is `source`, once it
    shows."""
    cells = notebook.cells.filter(has_text=source)
    cell = cells.first if first else cells.last
    check = cell.locator(".ecslab-check").first
    try:
        check.wait_for(timeout=RUN_ALL_TIMEOUT * 1000)
    except Exception as e:  # say what stopped the run: the first error a cell shows
        errors = notebook.page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        said = errors.first.inner_text() if errors.count() else "(no cell shows an error)"
        raise AssertionError(f"{source} showed no result; {said[-2000:]}") from e
    return check


def learner_session(browser: Any, url: str, password: str, name: str) -> Session:
    """One learner: log in, 9.3 to nginx (and its page through the proxy), 9.4 to the logs."""
    seen = Session()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.monotonic()
    try:
        log_in(page, url, password, name)
        seen.landed_on = page.url
        Notebook(page).wait_ready()
        seen.times["first_lab"] = time.monotonic() - started
        page.locator(".jp-BreadCrumbs-home").click()
        page.locator(".jp-DirListing-item", has_text="desk").first.dblclick()
        _nginx(seen, context, run_to(page, WEB_SERVER, NGINX_CHECK), name)
        seen.times["nginx_page"] = time.monotonic() - started
        notebook = run_all(page, LOGGING)
        logs = check_result(notebook, "checks.logs_arrive()")
        seen.logs_check = logs.get_attribute("data-passed")
        seen.times["logs"] = time.monotonic() - started
        shot(page, f"{name}-logs-check")
    except Exception:
        shot(page, f"{name}-failed")
        raise
    finally:
        context.close()
    return seen


def _nginx(seen: Session, context: Any, notebook: Notebook, name: str) -> None:
    """9.3's nginx check, and the load balancer's page its link opens in a new tab."""
    check = check_result(notebook, NGINX_CHECK, first=True)
    seen.nginx_check = check.get_attribute("data-passed")
    link = check.locator("a", has_text="load balancer").first
    seen.lb_href = link.get_attribute("href")
    with context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    seen.lb_page = tab.content()
    # The service may still be settling when the link opens (a 503 from the ALB for a
    # moment); a learner would reload, so reload, for up to 60 s.
    deadline = time.monotonic() + 60
    while "Welcome to nginx!" not in seen.lb_page and time.monotonic() < deadline:
        tab.wait_for_timeout(2000)
        tab.reload()
        seen.lb_page = tab.content()
    shot(tab, f"{name}-load-balancer-page")
    tab.close()


def with_own_browser(url: str, password: str, name: str) -> Session | str:
    """A learner's session in a Chromium of their own, run in a process of its own (as a
    learner's browser is; Playwright's sync API in threads crashes greenlet when they end);
    the session, or the traceback that ended it (not every exception pickles)."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return learner_session(browser, url, password, name)
            finally:
                browser.close()
    except Exception:
        return traceback.format_exc()


def at_once(hub: Hub, learners: list[str]) -> dict[str, Session]:
    """Every learner's session in a process of its own, at the same time; fail with the
    first that failed, naming whose session it was."""
    forked = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(learners), mp_context=forked) as pool:
        futures = {n: pool.submit(with_own_browser, hub.url, hub.password, n) for n in learners}
        results = {name: future.result() for name, future in futures.items()}
    for name, result in results.items():
        if isinstance(result, str):
            raise AssertionError(f"{name}'s session failed:\n{result}")
    return {name: result for name, result in results.items() if isinstance(result, Session)}
