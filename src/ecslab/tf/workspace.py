"""The learner's workspace: the Terraform folder they write, and how setup fills it safely.

The workspace (settings.workspace(), gitignored) is one Terraform root module, like the
book's: the learner's files side by side, the modules the chapter calls copied in as
`./loadbalancer`, `./security_group` and `./iam_role` (so `source = "./loadbalancer"`
works as printed), and two files of scaffolding (`versions.tf`, `network.tf`).

Rules: a file the learner wrote is never lost, and never replaced for a difference
Terraform does not see. Setup compares by meaning (ecslab.tf.hcl): another attribute
order, other spacing, comments, or a valid choice of the learner's own (LEARNER_CHOICES)
keep the learner's file. A file that truly differs is moved to `.backups/<timestamp>/`,
the caller is told, and what replaces it is `terraform fmt`-clean. A file that cannot be
parsed (half written) is left alone and reported: the learner may be in the middle of it.
"""

from __future__ import annotations

import fcntl
import filecmp
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ecslab import fargate, settings
from ecslab.errors import EcslabError, FargateSizeError, TerraformError
from ecslab.i18n import _
from ecslab.sections import TODO
from ecslab.settings import PROJECT_ROOT
from ecslab.tf import hcl, providers

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

#: What a learner may choose their own way, by resource type. Setup keeps a file that
#: differs from the section's only in these attributes, when the choice is valid.
LEARNER_CHOICES = {"aws_ecs_task_definition": ("cpu", "memory")}

#: Our own files inside the workspace: lock, background-apply status and log, backups.
STATE_DIR = ".ecslab"
BACKUP_DIR = ".backups"

#: How long a Terraform operation waits for another one in the same workspace.
LOCK_TIMEOUT = 900.0


class WorkspaceBusy(EcslabError):
    """Another Terraform operation holds the workspace for too long."""


@dataclass
class Placed:
    """What placing files did: written, already right, kept as the learner wrote them
    (same meaning, other text), left alone because unreadable (why), backups made."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)
    backups: dict[str, Path] = field(default_factory=dict)

    def merge(self, other: Placed) -> None:
        """Add another placement's results to this one."""
        self.written += other.written
        self.unchanged += other.unchanged
        self.kept += other.kept
        self.unreadable.update(other.unreadable)
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


def place_files(
    ws: Path,
    files: dict[str, str],
    stamp: str | None = None,
    also: dict[str, list[str]] | None = None,
) -> Placed:
    """Write `files` into ws, unless the learner's file already means the same.

    `also` names other versions a learner may rightly hold (a later section's, when the
    learner is ahead). A truly different file is backed up first; an unreadable one is
    left alone and reported.
    """
    stamp, also = stamp or new_stamp(), also or {}
    placed = Placed()
    for name, text in files.items():
        path = ws / name
        mine = path.read_text(encoding="utf-8") if path.exists() else None
        if mine == text:
            placed.unchanged.append(name)
            continue
        if mine is not None:
            try:
                if same_meaning(name, mine, [text, *also.get(name, [])]):
                    placed.kept.append(name)
                    continue
            except hcl.Unreadable as e:
                placed.unreadable[name] = f"{e} {e.hint}".strip()
                continue
            placed.backups[name] = backup(ws, name, stamp)
        path.write_text(formatted(text) if name.endswith(".tf") else text, encoding="utf-8")
        placed.written.append(name)
    return placed


def same_meaning(name: str, mine: str, versions: list[str]) -> bool:
    """Whether the learner's file means what one of `versions` does (hcl.Unreadable if
    it cannot be read): Terraform files by their parsed blocks, JSON by its data."""
    if name.endswith(".json"):
        data = _json(name, mine)
        return any(data == json.loads(v) for v in versions)
    if not name.endswith(".tf"):
        return False
    blocks = hcl.parse(mine, name)
    free = _valid_choices(blocks)
    return any(_without(blocks, free) == _without(hcl.parse(v), free) for v in versions)


def _json(name: str, text: str) -> object:
    try:
        return json.loads(text)
    except ValueError as e:
        raise hcl.Unreadable(
            _("{name} is not valid JSON: {error}.").format(name=name, error=e)
        ) from e


def _valid_choices(blocks: hcl.Blocks) -> dict[str, tuple[str, ...]]:
    """The LEARNER_CHOICES this configuration makes validly (a Fargate size AWS offers)."""
    free: dict[str, tuple[str, ...]] = {}
    for type_, attributes in LEARNER_CHOICES.items():
        bodies = hcl.resources(blocks, type_).values()
        try:
            for body in bodies:
                fargate.validate(*(str(body.get(a, "")) for a in attributes))
        except FargateSizeError:
            continue
        if bodies:
            free[type_] = attributes
    return free


def _without(blocks: hcl.Blocks, free: dict[str, tuple[str, ...]]) -> hcl.Blocks:
    """The blocks with the learner's free choices taken out (to compare the rest)."""
    result = dict(blocks)
    for type_, attributes in free.items():
        for name, body in hcl.resources(blocks, type_).items():
            header = f'resource "{type_}" "{name}"'
            result[header] = {k: v for k, v in body.items() if k not in attributes}
    return result


def formatted(text: str) -> str:
    """`text` as `terraform fmt` writes it (what we write is always fmt-clean)."""
    done = subprocess.run(
        [str(providers.terraform_binary()), "fmt", "-no-color", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        refused = _("terraform fmt refused the text: {error}")
        raise TerraformError(refused.format(error=done.stderr.strip()))
    return done.stdout


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
    """Names of the module blocks in the workspace's .tf files (an unreadable file
    declares none: Terraform's own init then says what is wrong with it)."""
    names: set[str] = set()
    for path in ws.glob("*.tf"):
        try:
            blocks = hcl.parse(path.read_text(encoding="utf-8"), path.name)
        except hcl.Unreadable:
            continue
        names |= {h.split('"')[1] for h in blocks if h.startswith("module ")}
    return names


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
                    _("Another Terraform operation has held the workspace for {seconds} s.").format(
                        seconds=int(waited)
                    ),
                    hint=_(
                        "Check `ecslab prepare` (its log is in the workspace's .ecslab/ folder)."
                    ),
                ) from None
            if on_wait:
                on_wait(waited)
            time.sleep(0.5)


def open_lock(ws: Path) -> int:
    """An fd on the workspace lock file (for handing a held lock to a child process)."""
    return os.open(state_dir(ws) / "lock", os.O_RDWR | os.O_CREAT, 0o644)
