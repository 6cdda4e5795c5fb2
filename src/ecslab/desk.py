"""The learner's desk: their own copies of the lab notebooks and their workspace, in one
folder (settings.desk()) that JupyterLab opens as its root.

nbgrader's "fetch": labs/ is the release, tracked by git; the learner works on copies made
on first start, so a lab session never changes a tracked file, and `git pull` or
`make labs` never touches the learner's work. Every edition is fetched: labs/*.ipynb
(English, the source) to the desk's root, labs/ja/*.ipynb to desk/ja/ (a kernel in a
folder named after a language speaks it, see ecslab.i18n). Each copy records in its metadata the
SHA-256 of the labs/ file it was made from. When labs/ later holds another version,
`fetch` writes it beside the learner's copy (`NN_slug.new.ipynb`) and says so; the
learner's own copy stays as it is.

`jupyter_command` is how JupyterLab starts, for `ecslab lab` (what `make lab` runs) and
the browser test alike: the desk as root, the first lab of the learner's edition
(i18n.language(): ECSLAB_LANG, else the locale) as the landing page, and
terminals that run `ecslab shell`, a bash in the workspace with the target's environment
set (see `shell_argv`). `jupyter_env` puts the venv's bin first on PATH, so kernels and
terminals find `ecslab`, `aws` and a Terraform installed into the venv.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any

from ecslab import i18n, sections, settings
from ecslab.errors import EcslabError
from ecslab.i18n import _
from ecslab.tf.environment import with_venv_bin
from ecslab.tf.providers import venv_bin

#: The released notebooks the desk's copies are made from.
LABS = settings.PROJECT_ROOT / "labs"
#: The key of a copy's notebook metadata that records where it came from.
METADATA_KEY = "ecslab"
#: The name of an offered new version, beside the learner's copy: NN_slug.new.ipynb.
NEW_SUFFIX = ".new.ipynb"
#: What a JupyterLab terminal runs (found on the server's PATH, the venv's bin first).
SHELL_COMMAND = ("ecslab", "shell")


class Action(Enum):
    """What `fetch` did with one lab notebook."""

    COPIED = "copied"  # the learner had no copy: one was made
    CURRENT = "current"  # the learner's copy was made from the labs/ version of today
    OFFERED = "offered"  # labs/ changed since: the new version sits beside the copy


@dataclass(frozen=True)
class Fetched:
    """One lab notebook on the desk after `fetch`."""

    #: Its path on the desk and in labs/ alike: `01_x.ipynb`, `ja/01_x.ipynb`.
    name: str
    action: Action
    #: The new version written beside the learner's copy (OFFERED only).
    offer: Path | None = None

    def __str__(self) -> str:
        if self.action is Action.COPIED:
            labs = "labs/" + self.name.removesuffix(PurePosixPath(self.name).name)
            return _("desk: {name} copied from {labs} (your own copy from now on)").format(
                name=self.name, labs=labs
            )
        if self.action is Action.OFFERED and self.offer is not None:
            return _(
                "desk: labs/{name} has changed since your copy was made. Your {name} is kept "
                "as it is; the new version is {offer}, beside it (rename it over yours to "
                "switch)."
            ).format(name=self.name, offer=self.offer.name)
        return _("desk: {name} is yours and up to date").format(name=self.name)


def edition(lang: str) -> str:
    """The folder of `lang`'s edition, in labs/ and on the desk alike: the source
    language's notebooks sit at the top (`""`), another's in its folder (`"ja/"`)."""
    return "" if lang == i18n.SOURCE else f"{lang}/"


class NoLabs(EcslabError):
    """There is no labs/ folder to copy the notebooks from."""


def fetch(desk: Path | None = None, labs: Path = LABS) -> list[Fetched]:
    """Give the learner a copy of every lab they lack, in every edition labs/ holds (the
    source's required, a translation's where released); offer the new version of changed
    ones."""
    if not _released(labs):
        raise NoLabs(
            _("no lab notebooks in {labs}").format(labs=labs),
            hint=_("run ecslab from its source checkout (git clone, then make lab)"),
        )
    desk = settings.desk() if desk is None else desk
    fetched = []
    for lang in i18n.LANGUAGES:
        folder = edition(lang)
        for source in _released(labs / folder):
            (desk / folder).mkdir(parents=True, exist_ok=True)
            fetched.append(_fetch_one(source, desk / folder, folder))
    return fetched


def _released(labs: Path) -> list[Path]:
    """The lab notebooks of one edition's folder, in reading order."""
    return sorted(labs.glob("[0-9][0-9]_*.ipynb"))


def move_old_workspace(old: Path | None = None) -> Path | None:
    """Before the desk, the default workspace was ./workspace: move it to its new default
    place (once, when that is still free, ECSLAB_WORKSPACE unset), so a learner who
    updates keeps their Terraform and its state. Returns where it went, or None."""
    if os.environ.get("ECSLAB_WORKSPACE"):
        return None
    old = settings.PROJECT_ROOT / "workspace" if old is None else old
    new = settings.workspace()
    if not old.is_dir() or new.exists():
        return None
    new.parent.mkdir(parents=True, exist_ok=True)
    old.rename(new)
    return new


def _fetch_one(source: Path, desk: Path, folder: str) -> Fetched:
    """`source` (labs/`folder`NN_x.ipynb) onto `desk` (the desk's `folder`)."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    name = folder + source.name
    mine = desk / source.name
    if not mine.exists():
        _copy(source, mine, digest, name)
        return Fetched(name, Action.COPIED)
    if made_from(mine) == digest:
        return Fetched(name, Action.CURRENT)
    offer = desk / (source.stem + NEW_SUFFIX)
    if made_from(offer) != digest:  # none yet, or an offer of an older version
        _copy(source, offer, digest, name)
    return Fetched(name, Action.OFFERED, offer)


def made_from(copy: Path) -> str | None:
    """The SHA-256 of the labs/ file `copy` was made from; None if unknown or unreadable."""
    try:
        notebook = json.loads(copy.read_text(encoding="utf-8"))
        value = notebook["metadata"][METADATA_KEY]["source_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _copy(source: Path, dest: Path, digest: str, name: str) -> None:
    """Write `source` (labs/`name`) to `dest` (atomically) with its origin in the
    notebook's metadata."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    origin = {"copied_from": f"labs/{name}", "source_sha256": digest}
    metadata = notebook.setdefault("metadata", {})
    metadata[METADATA_KEY] = origin
    metadata["language_info"] = kernel_language_info()
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    _write_atomically(dest, text)


def kernel_language_info() -> dict[str, Any]:
    """What this venv's kernel reports about its language, written into a desk copy up
    front: JupyterLab marks a notebook modified when the kernel's report differs from the
    file's, and a lab that looks edited before the learner typed anything confuses."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


def _write_atomically(path: Path, text: str) -> None:
    """Readers (JupyterLab, a second process) see the old file or the new, never half."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as part:
        part.write(text)
    Path(part.name).replace(path)


# --- JupyterLab ----------------------------------------------------------------------------


def landing_url(tree: str = "", lang: str = i18n.SOURCE) -> str:
    """The URL JupyterLab opens on: the first lab of `lang`'s edition (in folder `tree` of
    the server's root)."""
    return f"/lab/tree/{tree}{edition(lang)}{sections.SECTIONS[0].stem}.ipynb"


def server_config(tree: str = "", lang: str = i18n.SOURCE) -> dict[str, Any]:
    """The Jupyter server settings of the desk (also binder/jupyter_server_config.json's).

    The landing page is set twice: `jupyter lab` takes LabApp's (which overrides the
    server's), a server started otherwise (a hub's single-user server) takes ServerApp's.
    """
    return {
        "LabApp": {"default_url": landing_url(tree, lang)},
        "ServerApp": {
            "default_url": landing_url(tree, lang),
            "terminado_settings": {"shell_command": list(SHELL_COMMAND)},
        },
    }


def jupyter_command(
    desk: Path | None = None, extra: Sequence[str] = (), lang: str | None = None
) -> list[str]:
    """`jupyter lab` over the desk with the desk's server settings, landing on the first lab
    of `lang`'s edition (default: the learner's language), then `extra` arguments."""
    desk = settings.desk() if desk is None else desk
    lang = i18n.language() if lang is None else lang
    options = [f"--ServerApp.root_dir={desk}"]
    for app, values in server_config(lang=lang).items():
        for name, value in values.items():
            text = value if isinstance(value, str) else json.dumps(value)
            options.append(f"--{app}.{name}={text}")
    return [str(venv_bin() / "jupyter"), "lab", *options, *extra]


#: JupyterLab settings the lab overrides for every learner (JupyterLab's own mechanism: a
#: package's file in `<prefix>/share/jupyter/lab/settings/overrides.d/`). No news toast
#: and no update check: both ask the internet, and the first lab should be what opens.
LAB_OVERRIDES: dict[str, Any] = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}
}


def write_lab_overrides(prefix: Path | None = None) -> Path | None:
    """Write LAB_OVERRIDES where the JupyterLab of `prefix` (default: this venv) reads them;
    None when that folder is not ours to write (a venv an administrator installed)."""
    prefix = Path(sys.prefix) if prefix is None else prefix
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "ecslab.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, json.dumps(LAB_OVERRIDES, indent=1) + "\n")
    except OSError:
        return None
    return path


def jupyter_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: `base` (os.environ) with the venv's bin first on PATH.

    Nothing else: the kernel's target environment is set by `lab.setup`, a terminal's
    by `ecslab shell`, each when it starts.
    """
    env = dict(os.environ if base is None else base)
    env["PATH"] = with_venv_bin(env.get("PATH", os.defpath), venv_bin())
    return env


# --- the terminal --------------------------------------------------------------------------


def shell_argv() -> list[str]:
    """An interactive bash that reads the rc file of `write_shell_rc` instead of ~/.bashrc."""
    return ["bash", "--rcfile", str(write_shell_rc()), "-i"]


def write_shell_rc(folder: Path | None = None) -> Path:
    """The bash startup file of `ecslab shell`, in ECSLAB_HOME (it names this machine's
    venv, so it is never tracked). It reads the learner's ~/.bashrc first, then evals
    `ecslab env` (after ~/.bashrc, which may set PATH) and greets with the target."""
    folder = settings.home() if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    ecslab = shlex.quote(str(venv_bin() / "ecslab"))
    lines = [
        "# Written by `ecslab shell` (src/ecslab/desk.py): the startup file of its bash.",
        '[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"',
        f'eval "$({ecslab} env)"',
        f"echo {shlex.quote(_greeting())}",
    ]
    path = folder / "shell.bashrc"
    _write_atomically(path, "\n".join(lines) + "\n")
    return path


def _greeting() -> str:
    """One line: where `terraform` and `aws` point in this shell."""
    if settings.target() == "aws":
        return _("ecslab: terraform and aws in this shell work on your AWS account (billed).")
    return _(
        "ecslab: terraform and aws in this shell work on the local cloud at {endpoint}."
    ).format(endpoint=settings.local_endpoint())
