"""Section starts: recorded once from a real apply, restored in a second instead of applied.

A section's start is the cloud and the Terraform state that applying its prerequisites
(ecslab.sections) to the reference files gives (the scaffolding and every earlier
section's files). `record` makes them for real, section after section on one fresh local
cloud of its own, and stores for each one a cloud snapshot (ecslab.cloud.snapshot) and
the matching `terraform.tfstate` under settings.snapshots(), named by a fingerprint of
everything that decides the result: the snapshot identity (format, project and moto
versions), the region, the reference files, the modules and the targets. Sections whose
start is the same (9.1 to 9.3) share one recording. Who records: `make snapshots`
(`ecslab snapshot record`), and the test suite once per checkout; a setup that finds no
recording applies as before.

`restore_start` is what the background prepare tries before applying: on a local cloud
that holds nothing of anyone's and a workspace whose state is absent or stale, it
restores the recording and writes its state, when the workspace's files mean exactly
what the recording applied (a task size of the learner's own is applied instead, so the
cloud is always what their files say). The learner's files are never touched here
(setup placed them, keeping theirs). A state that describes a cloud that is gone (after
`ecslab reset`, a restart, a culled server) is `stale`: it is moved to the workspace's
backups, never trusted.

Run: `python -m ecslab.cloud.starts SECTION [--lock-fd FD]` (the background prepare) or
`python -m ecslab.cloud.starts --record` (on a fresh cloud: what `record_all` runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from ecslab import sections, settings
from ecslab.cloud import client, snapshot
from ecslab.errors import EcslabError
from ecslab.i18n import _
from ecslab.tf import hcl, overrides, prepare, workspace

STATE_FILE = "terraform.tfstate"


def fingerprint(stem: str) -> str | None:
    """What decides section `stem`'s start, hashed; None when it has nothing to apply."""
    targets = sections.section(stem).prerequisites
    if not targets:
        return None
    digest = hashlib.sha256()
    facts = {
        "identity": asdict(snapshot.Identity.current()),
        "region": settings.region(),
        "targets": list(targets),
        "files": {**workspace.scaffolding(), **sections.files_before(stem)},
        "modules": {str(p.relative_to(workspace.MODULES_DIR)): p.read_text() for p in _modules()},
    }
    digest.update(json.dumps(facts, sort_keys=True).encode())
    return digest.hexdigest()[:20]


def _modules() -> list[Path]:
    return sorted(p for p in workspace.MODULES_DIR.rglob("*") if p.is_file())


def files(stem: str) -> tuple[Path, Path] | None:
    """(cloud snapshot, Terraform state) of section `stem`'s start; None when it has none."""
    found = fingerprint(stem)
    if found is None:
        return None
    base = settings.snapshots() / found
    return base.with_suffix(".cloud"), base.with_suffix(".tfstate")


def recorded(stem: str) -> bool:
    """Whether section `stem`'s start is recorded for this project and moto."""
    pair = files(stem)
    return pair is not None and all(p.exists() for p in pair)


# --- is the workspace's state about this cloud? ------------------------------------


def state_vpcs(ws: Path) -> set[str]:
    """The VPC ids the workspace's Terraform state holds."""
    path = ws / STATE_FILE
    if not path.exists():
        return set()
    try:
        state = json.loads(path.read_text())
    except ValueError:
        return set()
    return {
        str(instance["attributes"]["id"])
        for resource in state.get("resources", [])
        if resource.get("type") == "aws_vpc" and resource.get("mode") == "managed"
        for instance in resource.get("instances", [])
    }


def cloud_vpcs() -> set[str]:
    """The VPCs the local cloud holds (not its default ones)."""
    return set(client.admin("snapshot/vpcs"))


def stale(ws: Path) -> bool:
    """Whether the workspace's state names a VPC the local cloud does not hold: the state
    describes a cloud that is gone (reset, restarted, culled). False in AWS mode."""
    if settings.target() != "local":
        return False
    mine = state_vpcs(ws)
    return bool(mine) and not mine <= cloud_vpcs()


def ready(ws: Path, stem: str) -> bool:
    """Whether the section's prerequisites are in the state and the state is about the
    cloud that runs (prepare.satisfied alone trusts a stale state)."""
    return prepare.satisfied(ws, stem) and not stale(ws)


# --- restoring ----------------------------------------------------------------------


def restore_start(stem: str, ws: Path) -> bool:
    """Restore section `stem`'s recorded start into the cloud and the workspace's state,
    when that can only replace nothing: True when it did. A stale state is moved to the
    backups first in any case, so that an apply starts from the truth."""
    if settings.target() != "local":
        return False
    if stale(ws):
        moved = workspace.remove_files(ws, {STATE_FILE, STATE_FILE + ".backup"})
        gone = _("the state described a cloud that is gone; moved to {files}")
        print(gone.format(files=sorted(moved.values())))
    pair = files(stem)
    if pair is None or prepare.satisfied(ws, stem) or cloud_vpcs():
        return False
    unusable = not_restorable(stem) or differing_file(ws, stem)
    if unusable:
        print(_("{reason}: applying instead").format(reason=unusable))
        return False
    cloud, state = pair
    client.admin("snapshot/restore", timeout=60, post={"path": str(cloud)})
    shutil.copyfile(state, ws / STATE_FILE)
    print(
        _("restored the recorded start of {section} ({file})").format(section=stem, file=cloud.name)
    )
    return True


def differing_file(ws: Path, stem: str) -> str | None:
    """Why the workspace's files would not give the recorded world (a file of the start
    missing, or meaning something else: a task size of the learner's own is applied, not
    replaced by the recording's), or None when they mean what the recording applied."""
    for name, text in {**workspace.scaffolding(), **sections.files_before(stem)}.items():
        path = ws / name
        if not path.exists():
            return _("Your workspace has no {file}.").format(file=name)
        mine = path.read_text(encoding="utf-8")
        if mine != text and not _same_text_meaning(name, mine, text):
            differs = _("Your {file} differs from the one {section}'s recording applied.")
            return differs.format(file=name, section=stem)
    return None


def _same_text_meaning(name: str, mine: str, reference: str) -> bool:
    """Whether two versions of a file mean the same to Terraform, every choice included."""
    try:
        if name.endswith(".tf"):
            return hcl.parse(mine, name) == hcl.parse(reference, name)
        if name.endswith(".json"):
            return bool(json.loads(mine) == json.loads(reference))
    except (hcl.Unreadable, ValueError):
        return False
    return False


def not_restorable(stem: str) -> str | None:
    """Why section `stem`'s start cannot be restored here (no recording, or one of
    another project or moto), or None when it can."""
    pair = files(stem)
    if pair is None:
        return _("{section} has nothing to apply").format(section=stem)
    cloud, state = pair
    if not cloud.exists() or not state.exists():
        none = _("No recorded start of {section} in {folder} (make snapshots).")
        return none.format(section=stem, folder=cloud.parent)
    try:
        snapshot.check(cloud)
    except snapshot.SnapshotRefused as e:
        return f"{e} {e.hint}"
    return None


# --- recording ----------------------------------------------------------------------


def distinct_starts() -> Iterator[str]:
    """The sections to record, in order, one per distinct fingerprint."""
    seen: set[str] = set()
    for item in sections.SECTIONS:
        found = fingerprint(item.stem)
        if found is not None and found not in seen:
            seen.add(found)
            yield item.stem


def record_here(ws: Path) -> list[Path]:
    """Record every section start by applying it for real on the running local cloud,
    which must be fresh (each start builds on the previous one, as a learner's does)."""
    if cloud_vpcs():
        raise EcslabError(
            _("The local cloud already holds a VPC: section starts are recorded on a fresh one.")
        )
    made = []
    for stem in distinct_starts():
        pair = files(stem)
        assert pair is not None
        workspace.place_modules(ws)
        workspace.place_files(ws, {**workspace.scaffolding(), **sections.files_before(stem)})
        overrides.sync(ws)
        prepare.init_if_needed(ws)
        prepare.apply_targets(ws, sections.section(stem).prerequisites or ())
        pair[1].parent.mkdir(parents=True, exist_ok=True)
        client.admin("snapshot/save", timeout=60, post={"path": str(pair[0])})
        shutil.copyfile(ws / STATE_FILE, pair[1])
        made += list(pair)
        print(_("recorded {section}: {file}").format(section=stem, file=pair[0].name))
    return made


def record_all() -> list[str]:
    """Record the section starts not recorded yet, on a local cloud of their own (a free
    port, a tmp home and workspace), so that no learner's cloud is touched. Returns the
    sections recorded."""
    missing = [stem for stem in distinct_starts() if not recorded(stem)]
    if not missing:
        return []
    with tempfile.TemporaryDirectory(prefix="ecslab-record-") as tmp:
        env = _private_cloud_env(Path(tmp))
        subprocess.run(
            [sys.executable, "-m", "ecslab.cloud.starts", "--record"], env=env, check=True
        )
    return missing


def _private_cloud_env(root: Path) -> dict[str, str]:
    import os
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ECSLAB_"))}
    env.pop("TF_CLI_CONFIG_FILE", None)
    env.update(
        ECSLAB_HOME=str(root / "home"),
        ECSLAB_PORT=str(port),
        ECSLAB_WORKSPACE=str(root / "workspace"),
        ECSLAB_TARGET="local",
        ECSLAB_SNAPSHOTS=str(settings.snapshots()),
        ECSLAB_REGION=settings.region(),
    )
    return env


def _record_on_private_cloud() -> None:
    """The child of `record_all`: start the cloud, record, stop it."""
    from ecslab.cloud import daemon
    from ecslab.tf import environment

    environment.apply()
    daemon.up()
    try:
        record_here(workspace.root())
    finally:
        daemon.down()


def main(argv: list[str] | None = None) -> int:
    """The background prepare (restore, else apply) or the recorder's child."""
    parser = argparse.ArgumentParser(prog="python -m ecslab.cloud.starts")
    parser.add_argument("section", nargs="?")
    parser.add_argument("--lock-fd", type=int, default=None)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    if args.record:
        _record_on_private_cloud()
        return 0
    result = prepare.run(args.section, workspace.root(), args.lock_fd, restore=restore_start)
    print(result)
    return 0 if result.state == "done" else 1


if __name__ == "__main__":
    raise SystemExit(main())
