"""The learner's workspace: the Terraform folder they write, and how setup fills it safely.

The workspace (settings.workspace(), gitignored) is one Terraform root module, like the
book's: the learner's files side by side, the modules the chapter calls copied in as
`./loadbalancer`, `./security_group` and `./iam_role` (so `source = "./loadbalancer"`
works as printed), and two files of scaffolding (`versions.tf`, `network.tf`).

Rule: a file the learner wrote is never lost. Before a file is replaced by a different
one, it is moved to `.backups/<timestamp>/` and the caller is told.
"""

from __future__ import annotations

import fcntl
import filecmp
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ecslab import settings
from ecslab.errors import EcslabError
from ecslab.sections import TODO
from ecslab.settings import PROJECT_ROOT

#: The modules listing 9.4 and 9.8 call, copied from the repository's terraform/modules.
MODULES = ("loadbalancer", "security_group", "iam_role")

#: Where the chapter's reference configuration lives (its versions.tf is our scaffolding).
CHAPTER_DIR = PROJECT_ROOT / "terraform" / "chapter9"
MODULES_DIR = PROJECT_ROOT / "terraform" / "modules"

NETWORK_TF = """\
# Written by ecslab.notebook.lab.setup: the first block of listing 9.4. The network and the load
# balancer of chapter 8 (VPC, subnets, NAT gateways, ALB, target group, listener), as a
# module. The lab applies it in the background, so your first ECS apply does not wait.
module "loadbalancer" {
  source = "./loadbalancer"
}
"""

#: Our own files inside the workspace: lock, background-apply status and log, backups.
STATE_DIR = ".ecslab"
BACKUP_DIR = ".backups"

#: How long a Terraform operation waits for another one in the same workspace.
LOCK_TIMEOUT = 900.0


class WorkspaceBusy(EcslabError):
    """Another Terraform operation holds the workspace for too long."""


@dataclass
class Placed:
    """What placing files did: files written, files already right, backups made."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    backups: dict[str, Path] = field(default_factory=dict)

    def merge(self, other: Placed) -> None:
        """Add another placement's results to this one."""
        self.written += other.written
        self.unchanged += other.unchanged
        self.backups.update(other.backups)


def root() -> Path:
    """The workspace folder, created if missing."""
    path = settings.workspace()
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_dir(ws: Path) -> Path:
    """The folder of our own bookkeeping inside the workspace."""
    path = ws / STATE_DIR
    path.mkdir(exist_ok=True)
    return path


def scaffolding() -> dict[str, str]:
    """The files every section starts with: Terraform/provider versions and the network."""
    return {"versions.tf": (CHAPTER_DIR / "versions.tf").read_text(), "network.tf": NETWORK_TF}


def new_stamp() -> str:
    """The name of a new backup folder (UTC time): one per setup, shared by all it moves."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def backup(ws: Path, name: str, stamp: str) -> Path:
    """Move ws/name (file or folder) under .backups/<stamp>/ and return where it went."""
    target = ws / BACKUP_DIR / stamp / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(ws / name), target)
    return target


def place_files(ws: Path, files: dict[str, str], stamp: str | None = None) -> Placed:
    """Write `files` into ws; a different existing file is backed up first."""
    stamp = stamp or new_stamp()
    placed = Placed()
    for name, text in files.items():
        path = ws / name
        if path.exists() and path.read_text() == text:
            placed.unchanged.append(name)
            continue
        if path.exists():
            placed.backups[name] = backup(ws, name, stamp)
        path.write_text(text)
        placed.written.append(name)
    return placed


def place_modules(ws: Path, stamp: str | None = None) -> Placed:
    """Copy the chapter's modules into ws; a changed copy is backed up first."""
    stamp = stamp or new_stamp()
    placed = Placed()
    for name in MODULES:
        source, target = MODULES_DIR / name, ws / name
        if target.exists() and _same_tree(source, target):
            placed.unchanged.append(name)
            continue
        if target.exists():
            placed.backups[name] = backup(ws, name, stamp)
        shutil.copytree(source, target)
        placed.written.append(name)
    return placed


def _same_tree(a: Path, b: Path) -> bool:
    """Whether two folders hold the same files with the same contents (top level)."""
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    if names != sorted(p.name for p in b.iterdir() if p.is_file()):
        return False
    _match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def remove_files(ws: Path, names: set[str], stamp: str | None = None) -> dict[str, Path]:
    """Back up and remove these files (a reset back to an earlier section)."""
    stamp = stamp or new_stamp()
    return {name: backup(ws, name, stamp) for name in sorted(names) if (ws / name).exists()}


def declared_modules(ws: Path) -> set[str]:
    """Names of the module blocks in the workspace's .tf files."""
    text = "\n".join(p.read_text() for p in ws.glob("*.tf"))
    return set(re.findall(r'^module\s+"([^"]+)"', text, flags=re.MULTILINE))


def installed_modules(ws: Path) -> set[str]:
    """Names of the modules `terraform init` installed (from .terraform/modules)."""
    manifest = ws / ".terraform" / "modules" / "modules.json"
    if not manifest.exists():
        return set()
    import json

    keys = {m.get("Key", "") for m in json.loads(manifest.read_text()).get("Modules", [])}
    return {k for k in keys if k and "." not in k}


def needs_init(ws: Path) -> bool:
    """Whether `terraform init` must run before a plan (new workspace or a new module)."""
    if not (ws / ".terraform").is_dir():
        return True
    return not declared_modules(ws) <= installed_modules(ws)


def state_addresses(ws: Path) -> set[str]:
    """Resource and module addresses in the workspace's Terraform state (no Terraform run)."""
    path = ws / "terraform.tfstate"
    if not path.exists():
        return set()
    import json

    try:
        state = json.loads(path.read_text())
    except ValueError:  # Terraform is writing it right now
        return set()
    found: set[str] = set()
    for res in state.get("resources", []):
        module = res.get("module", "")
        found.add(module.split(".")[0] + "." + module.split(".")[1] if module else "")
        if res.get("mode") == "managed":
            found.add(f"{module + '.' if module else ''}{res['type']}.{res['name']}")
    found.discard("")
    return found


def todo_hint(ws: Path) -> tuple[str, str] | None:
    """(file, hint) of the first workspace file still holding a `### TODO:` line."""
    for path in sorted([*ws.glob("*.tf"), *ws.glob("*.json")]):
        hint = first_todo(path.read_text())
        if hint is not None:
            return path.name, hint
    return None


def first_todo(text: str) -> str | None:
    """The hint of the first `### TODO:` in text (a file or a cell), or None when it has none."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip().startswith(TODO):
            return _todo_text(lines[index:])
    return None


def _todo_text(lines: list[str]) -> str:
    """The hint of a TODO, joined from its first line and its `###` continuation lines."""
    parts = [lines[0].strip()[len(TODO) :].strip()]
    for line in lines[1:]:
        if not line.strip().startswith("###") or line.strip().startswith(TODO):
            break
        parts.append(line.strip().lstrip("#").strip())
    return " ".join(parts)


@contextmanager
def locked(ws: Path, on_wait: Callable[[float], None] | None = None) -> Iterator[None]:
    """Hold the workspace's lock: two Terraform operations never run at once in it.

    `on_wait(seconds)` is called about every second while another holder (e.g. the
    background apply of the prerequisites) keeps it.
    """
    with open(state_dir(ws) / "lock", "a+") as handle:
        acquire(handle.fileno(), on_wait)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def acquire(fd: int, on_wait: Callable[[float], None] | None = None) -> None:
    """Take an exclusive flock on fd, reporting the wait; WorkspaceBusy after LOCK_TIMEOUT."""
    start = time.monotonic()
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            waited = time.monotonic() - start
            if waited > LOCK_TIMEOUT:
                raise WorkspaceBusy(
                    f"Another Terraform operation has held the workspace for {int(waited)} s.",
                    hint="Check `ecslab prepare` (its log is in the workspace's .ecslab/ folder).",
                ) from None
            if on_wait:
                on_wait(waited)
            time.sleep(0.5)


def open_lock(ws: Path) -> int:
    """An fd on the workspace lock file (for handing a held lock to a child process)."""
    return os.open(state_dir(ws) / "lock", os.O_RDWR | os.O_CREAT, 0o644)
