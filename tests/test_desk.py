"""The learner's desk: copies of the labs that stay theirs, and the terminal's shell."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecslab import desk, i18n, sections, settings
from ecslab.desk import Action
from ecslab.i18n import LANGUAGES

BIN = Path(sys.prefix) / "bin"


def _notebook(text: str) -> str:
    """A minimal notebook whose one Markdown cell says `text`."""
    cell = {"cell_type": "markdown", "metadata": {}, "source": text}
    body = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(body, indent=1) + "\n"


def _cell_text(path: Path) -> str:
    return str(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])


@pytest.fixture
def labs(tmp_path: Path) -> Path:
    """A released labs/ folder of two notebooks."""
    folder = tmp_path / "labs"
    folder.mkdir()
    (folder / "01_first.ipynb").write_text(_notebook("first, release 1"))
    (folder / "02_second.ipynb").write_text(_notebook("second, release 1"))
    return folder


@pytest.fixture
def my_desk(tmp_path: Path) -> Path:
    return tmp_path / "desk"


def _learner_edits(path: Path, text: str) -> None:
    """What JupyterLab saves: the learner's cell, the notebook's metadata kept."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"][0]["source"] = text
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def _released_labs() -> dict[str, bytes]:
    """Every notebook of labs/, each edition's, by its path in labs/ (`ja/01_x.ipynb`)."""
    paths = [p for lang in LANGUAGES for p in desk.LABS.glob(f"{desk.edition(lang)}*.ipynb")]
    return {p.relative_to(desk.LABS).as_posix(): p.read_bytes() for p in paths}


def test_first_fetch_copies_every_released_lab_and_leaves_labs_alone(my_desk: Path) -> None:
    """Does a first start copy each of labs/ to the desk, recording what it was made from?"""
    before = _released_labs()
    fetched = desk.fetch(my_desk)
    assert [f.name for f in fetched] == sorted(before)
    assert {f.action for f in fetched} == {Action.COPIED}
    for name, data in before.items():
        assert desk.made_from(my_desk / name) == hashlib.sha256(data).hexdigest()
        assert (desk.LABS / name).read_bytes() == data
    assert str(fetched[0]) == (
        f"desk: {fetched[0].name} copied from labs/ (your own copy from now on)"
    )


@pytest.fixture
def japanese_labs(labs: Path) -> Path:
    """labs/ with a Japanese edition of its first notebook in labs/ja/."""
    (labs / "ja").mkdir()
    (labs / "ja" / "01_first.ipynb").write_text(_notebook("最初, release 1"))
    return labs


def test_each_edition_is_copied_to_its_own_folder(japanese_labs: Path, my_desk: Path) -> None:
    """Does labs/ja/ go to desk/ja/ (beside the English copies), saying where it came from?"""
    fetched = desk.fetch(my_desk, japanese_labs)
    assert [f.name for f in fetched] == ["01_first.ipynb", "02_second.ipynb", "ja/01_first.ipynb"]
    assert _cell_text(my_desk / "ja" / "01_first.ipynb") == "最初, release 1"
    assert _cell_text(my_desk / "01_first.ipynb") == "first, release 1"
    copy = json.loads((my_desk / "ja" / "01_first.ipynb").read_text(encoding="utf-8"))
    assert copy["metadata"]["ecslab"]["copied_from"] == "labs/ja/01_first.ipynb"
    assert str(fetched[2]) == (
        "desk: ja/01_first.ipynb copied from labs/ja/ (your own copy from now on)"
    )


def test_a_changed_edition_is_offered_in_its_folder(japanese_labs: Path, my_desk: Path) -> None:
    """When labs/ja/ changes, is its new version offered in desk/ja/, the English left as is?"""
    desk.fetch(my_desk, japanese_labs)
    _learner_edits(my_desk / "ja" / "01_first.ipynb", "私の答え")
    (japanese_labs / "ja" / "01_first.ipynb").write_text(_notebook("最初, release 2"))
    fetched = desk.fetch(my_desk, japanese_labs)
    assert [f.action for f in fetched] == [Action.CURRENT, Action.CURRENT, Action.OFFERED]
    assert fetched[2].offer == my_desk / "ja" / "01_first.new.ipynb"
    assert _cell_text(my_desk / "ja" / "01_first.ipynb") == "私の答え"
    assert "Your ja/01_first.ipynb is kept as it is; the new version is 01_first.new.ipynb" in (
        str(fetched[2])
    )


def test_labs_without_a_translation_give_the_english_edition_only(
    labs: Path, my_desk: Path
) -> None:
    """Without labs/ja/, does the desk get the English labs and no empty ja/ folder?"""
    assert [f.name for f in desk.fetch(my_desk, labs)] == ["01_first.ipynb", "02_second.ipynb"]
    assert not (my_desk / "ja").exists()


def test_the_learners_copy_is_kept_on_the_next_start(labs: Path, my_desk: Path) -> None:
    """Does a second start keep the learner's edits and call the copy current?"""
    desk.fetch(my_desk, labs)
    _learner_edits(my_desk / "01_first.ipynb", "my answer")
    fetched = desk.fetch(my_desk, labs)
    assert [f.action for f in fetched] == [Action.CURRENT, Action.CURRENT]
    assert _cell_text(my_desk / "01_first.ipynb") == "my answer"
    assert not list(my_desk.glob("*" + desk.NEW_SUFFIX))


def test_a_changed_lab_is_offered_beside_the_learners_copy(labs: Path, my_desk: Path) -> None:
    """When labs/ changes, is the new version written beside the copy, the copy untouched?"""
    desk.fetch(my_desk, labs)
    _learner_edits(my_desk / "02_second.ipynb", "my answer")
    mine = (my_desk / "02_second.ipynb").read_bytes()
    (labs / "02_second.ipynb").write_text(_notebook("second, release 2"))
    first, second = desk.fetch(my_desk, labs)
    assert first.action is Action.CURRENT
    assert second.action is Action.OFFERED
    assert second.offer == my_desk / "02_second.new.ipynb"
    assert (my_desk / "02_second.ipynb").read_bytes() == mine
    assert _cell_text(second.offer) == "second, release 2"
    assert "Your 02_second.ipynb is kept as it is; the new version is 02_second.new.ipynb" in (
        str(second)
    )


def test_an_offer_the_learner_opened_is_not_rewritten(labs: Path, my_desk: Path) -> None:
    """Is an offer of the current release kept on the next start, even after edits?"""
    desk.fetch(my_desk, labs)
    (labs / "01_first.ipynb").write_text(_notebook("first, release 2"))
    offer = desk.fetch(my_desk, labs)[0].offer
    assert offer is not None
    _learner_edits(offer, "started on the new one")
    assert desk.fetch(my_desk, labs)[0].action is Action.OFFERED
    assert _cell_text(offer) == "started on the new one"


def test_an_offer_of_an_older_release_is_replaced(labs: Path, my_desk: Path) -> None:
    """When labs/ changes twice, does the offer show the latest release?"""
    desk.fetch(my_desk, labs)
    for release in ("first, release 2", "first, release 3"):
        (labs / "01_first.ipynb").write_text(_notebook(release))
        offer = desk.fetch(my_desk, labs)[0].offer
    assert offer is not None and _cell_text(offer) == "first, release 3"


def test_an_adopted_offer_is_current(labs: Path, my_desk: Path) -> None:
    """After the learner renames the offer over their copy, is nothing more offered?"""
    desk.fetch(my_desk, labs)
    (labs / "01_first.ipynb").write_text(_notebook("first, release 2"))
    offer = desk.fetch(my_desk, labs)[0].offer
    assert offer is not None
    offer.replace(my_desk / "01_first.ipynb")
    assert desk.fetch(my_desk, labs)[0].action is Action.CURRENT


def test_an_unreadable_copy_is_kept_and_the_release_offered(labs: Path, my_desk: Path) -> None:
    """Is a copy that is not JSON (or has no origin) left alone, the release beside it?"""
    my_desk.mkdir()
    (my_desk / "01_first.ipynb").write_text("{ half a notebook")
    fetched = desk.fetch(my_desk, labs)[0]
    assert fetched.action is Action.OFFERED
    assert (my_desk / "01_first.ipynb").read_text() == "{ half a notebook"
    assert desk.made_from(my_desk / "01_first.ipynb") is None


def test_the_default_workspace_is_on_the_desk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ECSLAB_WORKSPACE, does the workspace sit inside the desk (one file tree)?"""
    monkeypatch.delenv("ECSLAB_WORKSPACE", raising=False)
    monkeypatch.setenv("ECSLAB_DESK", "/srv/desk")
    assert settings.workspace() == Path("/srv/desk/workspace")


def test_jupyter_opens_the_desk_on_the_first_lab(my_desk: Path) -> None:
    """Does the command give JupyterLab the desk as root, the first lab, the terminal's shell?"""
    command = desk.jupyter_command(my_desk, extra=["--no-browser"], lang="en")
    assert command[:2] == [str(BIN / "jupyter"), "lab"]
    assert f"--ServerApp.root_dir={my_desk}" in command
    first = sections.SECTIONS[0].stem
    assert f"--ServerApp.default_url=/lab/tree/{first}.ipynb" in command
    assert '--ServerApp.terminado_settings={"shell_command": ["ecslab", "shell"]}' in command
    assert command[-1] == "--no-browser"


@pytest.mark.parametrize(
    ("environment", "folder"),
    [({"ECSLAB_LANG": "ja"}, "ja/"), ({"LANG": "ja_JP.UTF-8"}, "ja/"), ({"LANG": "C.UTF-8"}, "")],
)
def test_jupyter_lands_on_the_edition_of_the_learners_language(
    my_desk: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], folder: str
) -> None:
    """Does `make lab` open desk/ja/'s first lab for ECSLAB_LANG=ja or a Japanese locale,
    and the English one otherwise?"""
    for name in ("ECSLAB_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    first = sections.SECTIONS[0].stem
    assert f"--LabApp.default_url=/lab/tree/{folder}{first}.ipynb" in desk.jupyter_command(my_desk)


def test_an_explicit_language_wins_over_the_environment(
    my_desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within `i18n.speaking("en")`, does a Japanese ECSLAB_LANG still land on English?"""
    monkeypatch.setenv("ECSLAB_LANG", "ja")
    with i18n.speaking("en"):
        command = desk.jupyter_command(my_desk)
    assert f"--ServerApp.default_url={desk.landing_url()}" in command


def test_binder_serves_the_same_desk() -> None:
    """Does Binder's server config open the desk's first lab and give the same terminals?"""
    binder = settings.PROJECT_ROOT / "binder" / "jupyter_server_config.json"
    assert json.loads(binder.read_text()) == desk.server_config("desk/")


def test_jupyter_env_puts_the_venv_first_and_nothing_else() -> None:
    """Is the server's environment the user's, with only PATH led by the venv's bin?"""
    env = desk.jupyter_env({"PATH": "/usr/bin:/bin", "AWS_PROFILE": "work"})
    assert env == {"PATH": f"{BIN}:/usr/bin:/bin", "AWS_PROFILE": "work"}


def _shell(tmp_path: Path, commands: str, bashrc: str = "") -> list[str]:
    """Run `ecslab shell` as a terminal would, on a stock PATH; its output lines."""
    home = tmp_path / "home"
    home.mkdir()
    if bashrc:
        (home / ".bashrc").write_text(bashrc)
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "ECSLAB_HOME": str(tmp_path / "ecslab"),
        "ECSLAB_PORT": "45998",
        "ECSLAB_WORKSPACE": str(tmp_path / "workspace"),
        "AWS_PROFILE": "work",
    }
    done = subprocess.run(
        [str(BIN / "ecslab"), "shell"],
        input=commands + "\nexit\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.splitlines()


def test_shell_opens_in_the_workspace_set_for_the_local_cloud(tmp_path: Path) -> None:
    """Does `ecslab shell` start in the workspace, aws from the venv, at the local cloud?"""
    commands = 'pwd; echo "$AWS_ENDPOINT_URL"; command -v aws; echo "${AWS_PROFILE-}."'
    lines = _shell(tmp_path, commands)
    assert lines == [
        "ecslab: terraform and aws in this shell work on the local cloud at http://127.0.0.1:45998.",
        str(tmp_path / "workspace"),
        "http://127.0.0.1:45998",
        str(BIN / "aws"),
        ".",
    ]


def test_shell_keeps_the_learners_bashrc_but_not_its_path(tmp_path: Path) -> None:
    """Is ~/.bashrc read (an alias works) while the venv's bin still leads PATH?"""
    bashrc = "alias hello='echo hello from bashrc'\nexport PATH=/bin\n"
    lines = _shell(tmp_path, "hello\ncommand -v ecslab", bashrc)
    assert lines[1:] == ["hello from bashrc", str(BIN / "ecslab")]


def test_ecslab_desk_says_what_it_copied_then_that_all_is_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Does `ecslab desk` name each copy on the first start and one line after that?"""
    from ecslab import cli

    monkeypatch.setenv("ECSLAB_DESK", str(tmp_path / "desk"))
    assert cli.main(["desk"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first == [str(desk.Fetched(name, Action.COPIED)) for name in sorted(_released_labs())]
    assert cli.main(["desk"]) == 0
    assert (
        capsys.readouterr().out == f"desk: your notebooks in {tmp_path / 'desk'} are up to date\n"
    )


def test_no_labs_folder_is_said_with_a_hint(tmp_path: Path, my_desk: Path) -> None:
    """Outside a checkout (no labs/), does fetch say where it looked and what to do?"""
    with pytest.raises(desk.NoLabs, match=f"^no lab notebooks in {tmp_path / 'nowhere'}$") as e:
        desk.fetch(my_desk, tmp_path / "nowhere")
    assert e.value.hint == "run ecslab from its source checkout (git clone, then make lab)"
    assert not my_desk.exists()


@pytest.fixture
def old_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace at the old default place (./workspace), the desk in tmp_path/desk."""
    monkeypatch.delenv("ECSLAB_WORKSPACE", raising=False)
    monkeypatch.setenv("ECSLAB_DESK", str(tmp_path / "desk"))
    old = tmp_path / "workspace"
    old.mkdir()
    (old / "cluster.tf").write_text('resource "aws_ecs_cluster" "example" {}\n')
    return old


def test_the_old_default_workspace_moves_onto_the_desk(old_workspace: Path, tmp_path: Path) -> None:
    """Does a workspace at the old default place move to the desk, with its files?"""
    assert desk.move_old_workspace(old_workspace) == tmp_path / "desk" / "workspace"
    assert (tmp_path / "desk" / "workspace" / "cluster.tf").is_file()
    assert not old_workspace.exists()


def test_an_old_workspace_never_replaces_one_on_the_desk(
    old_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a workspace already on the desk, or ECSLAB_WORKSPACE set, is nothing moved?"""
    (tmp_path / "desk" / "workspace").mkdir(parents=True)
    assert desk.move_old_workspace(old_workspace) is None
    (tmp_path / "desk" / "workspace").rmdir()
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(tmp_path / "elsewhere"))
    assert desk.move_old_workspace(old_workspace) is None
    assert (old_workspace / "cluster.tf").is_file()


def test_lab_overrides_silence_news_where_jupyterlab_reads_them(tmp_path: Path) -> None:
    """Are the news and update checks turned off in the prefix's overrides.d, as JSON?"""
    path = desk.write_lab_overrides(tmp_path)
    assert path == tmp_path / "share/jupyter/lab/settings/overrides.d/ecslab.json"
    settings = json.loads(path.read_text())["@jupyterlab/apputils-extension:notification"]
    assert settings == {"fetchNews": "false", "checkForUpdates": False}


def test_lab_overrides_skip_a_prefix_that_is_not_ours(tmp_path: Path) -> None:
    """Does an unwritable prefix (an administrator's venv) leave JupyterLab's defaults?"""
    (tmp_path / "share").write_text("a file where a folder would go")
    assert desk.write_lab_overrides(tmp_path) is None


def test_desk_copy_states_the_kernels_language_info(tmp_path: Path) -> None:
    """Does a fresh desk copy already say what the kernel will report (so it opens clean)?"""
    from ipykernel.ipkernel import IPythonKernel

    desk.fetch(tmp_path)
    copy = json.loads((tmp_path / f"{sections.SECTIONS[0].stem}.ipynb").read_text())
    assert copy["metadata"]["language_info"] == IPythonKernel.language_info
