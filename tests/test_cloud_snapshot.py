"""Snapshots of the local cloud and the section starts restored from them (issue 14).

The `world` fixture does, once, on a fresh local cloud of its own, what a learner's
cloud goes through: section starts applied for real and recorded (`record_here`), every
resource read back from the cloud (`terraform apply -refresh-only`), `ecslab reset`, then
the background prepare's own step restoring 9.4's start. The tests compare the two reads
resource by resource, attribute by attribute, and check what a learner sees next.

The recordings it made for real are then shared (settings.snapshots(), when that lacks
them): this module runs first (marker `records_starts`), so the notebooks and the browser
test of the same run restore them instead of applying.
"""

from __future__ import annotations

import json
import pickle
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from dataplane_support import http_get, wait_for
from fixtures_cloud import free_port

from ecslab import sections, settings
from ecslab.cloud import client, daemon, snapshot, starts
from ecslab.errors import LocalCloudError
from ecslab.tf import prepare, runner, workspace
from ecslab.tf.prepare import PrepareStatus

pytestmark = pytest.mark.records_starts

SECTION = "04_logging"

#: Attributes a read gives differently each time by nature: none so far. (Add one only
#: with the reason AWS gives it differently on every read.)
VOLATILE: frozenset[str] = frozenset()


def forged(path: Path, **identity: Any) -> Path:
    """A snapshot file whose header claims another identity (its payload is never read)."""
    header = {**asdict(snapshot.Identity.current()), **identity}
    with path.open("wb") as handle:
        pickle.dump(header, handle)
        pickle.dump({"never": "read"}, handle)
    return path


def test_a_snapshot_of_another_moto_is_refused_with_both_versions(tmp_path: Path) -> None:
    """Does check() refuse a snapshot made with another moto, naming both versions?"""
    path = forged(tmp_path / "old.cloud", moto="5.1.0")
    here = snapshot.Identity.current().moto
    with pytest.raises(snapshot.SnapshotRefused) as refused:
        snapshot.check(path)
    assert str(refused.value) == (
        f"The snapshot old.cloud cannot be restored: it was made with moto 5.1.0, "
        f"this is moto {here}."
    )
    assert refused.value.hint == "Record the section starts again: make snapshots."


def test_a_snapshot_of_another_project_version_is_refused(tmp_path: Path) -> None:
    """Does check() refuse a snapshot of another ecslab version?"""
    path = forged(tmp_path / "old.cloud", ecslab="0.0.1")
    with pytest.raises(snapshot.SnapshotRefused, match=r"made with ecslab 0\.0\.1, this is ecslab"):
        snapshot.check(path)


def test_a_file_that_is_no_snapshot_is_refused(tmp_path: Path) -> None:
    """Does check() refuse a file that has no snapshot header?"""
    path = tmp_path / "junk.cloud"
    path.write_bytes(b"not a pickle")
    with pytest.raises(snapshot.SnapshotRefused, match=r"junk\.cloud is not a snapshot"):
        snapshot.check(path)


def test_a_refused_recording_makes_setup_apply_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does a recorded start of another moto leave the section to be applied, saying why?"""
    monkeypatch.setenv("ECSLAB_SNAPSHOTS", str(tmp_path))
    pair = starts.files(SECTION)
    assert pair is not None
    forged(pair[0], moto="5.1.0")
    pair[1].write_text("{}")
    why = starts.not_restorable(SECTION)
    assert why is not None
    assert "it was made with moto 5.1.0" in why


def test_a_missing_recording_names_the_make_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does a section without a recording say where it looked and how to record?"""
    monkeypatch.setenv("ECSLAB_SNAPSHOTS", str(tmp_path))
    assert starts.not_restorable(SECTION) == (
        f"No recorded start of {SECTION} in {tmp_path} (make snapshots)."
    )


def reference_workspace(ws: Path) -> Path:
    """A workspace holding exactly the files 9.4's recording applied."""
    files = {**workspace.scaffolding(), **sections.files_before(SECTION)}
    for name, text in files.items():
        (ws / name).write_text(text)
    return ws


def test_files_that_mean_the_reference_may_be_restored(tmp_path: Path) -> None:
    """Does a workspace whose files mean the recording's (other spacing, a comment) allow
    the restore?"""
    ws = reference_workspace(tmp_path)
    cluster = ws / "cluster.tf"
    cluster.write_text("# mine\n" + cluster.read_text().replace(" = ", "   =   "))
    assert starts.differing_file(ws, SECTION) is None


def test_a_task_size_of_the_learners_own_is_applied_not_restored(tmp_path: Path) -> None:
    """Does a task size of the learner's own (valid, so setup keeps it) keep the recording
    away, so that the learner's size is what gets applied?"""
    ws = reference_workspace(tmp_path)
    path = ws / "task_definition.tf"
    path.write_text(path.read_text().replace('"512"', '"1024"').replace('"256"', '"512"'))
    assert 'cpu                      = "512"' in path.read_text()
    assert starts.differing_file(ws, SECTION) == (
        f"Your task_definition.tf differs from the one {SECTION}'s recording applied."
    )


def test_sections_with_the_same_start_share_one_recording() -> None:
    """Do 9.1 to 9.3 (same files, same targets) share one recording, and 9.4 have its own?"""
    firsts = {starts.fingerprint(s.stem) for s in sections.SECTIONS[:3]}
    assert len(firsts) == 1
    assert starts.fingerprint(SECTION) not in firsts
    assert starts.fingerprint("06_cleanup") is None


# --- a real apply against a restore -------------------------------------------------


@dataclass
class World:
    """What the fixture saw: each resource as read after the real apply and after the
    restore, the stale verdict after reset, the prepare's result, whether the state it
    left is the recorded one, and the backups made."""

    ws: Path
    applied: dict[str, dict[str, Any]]
    restored: dict[str, dict[str, Any]]
    stale_after_reset: bool
    prepared: PrepareStatus
    state_is_recorded: bool
    backups: list[Path]


def share(recorded: Path, shared: Path) -> None:
    """Copy the recordings `shared` lacks (same names: same fingerprints, same making)."""
    shared.mkdir(parents=True, exist_ok=True)
    for path in sorted(recorded.iterdir()):
        if not (shared / path.name).exists():
            tmp = shared / (path.name + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(shared / path.name)


def refreshed(ws: Path) -> dict[str, dict[str, Any]]:
    """Every resource instance of the state, as the cloud reports it now: address -> attributes."""
    code, out, err = runner.Terraform(ws, "local").cmd(
        "apply", "-refresh-only", "-auto-approve", "-no-color", "-input=false"
    )
    assert code == 0, err or out
    state = json.loads((ws / "terraform.tfstate").read_text())
    found = {}
    for res in state["resources"]:
        if res["mode"] != "managed":
            continue
        for instance in res["instances"]:
            key = instance.get("index_key")
            index = "" if key is None else f"[{json.dumps(key)}]"
            address = f"{res.get('module', '')}.{res['type']}.{res['name']}{index}".lstrip(".")
            found[address] = instance["attributes"]
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A fresh cloud of its own: record for real, read, reset, restore the last start, read."""
    root = tmp_path_factory.mktemp("snapshot-world")
    shared = settings.snapshots()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECSLAB_HOME", str(root / "home"))
        mp.setenv("ECSLAB_PORT", str(free_port()))
        mp.setenv("ECSLAB_WORKSPACE", str(root / "recorded"))
        mp.setenv("ECSLAB_SNAPSHOTS", str(root / "snapshots"))
        mp.setenv("ECSLAB_TARGET", "local")
        from ecslab.tf import environment

        for name, value in environment.local_env().items():
            mp.setenv(name, value)
        daemon.up()
        try:
            ws = workspace.root()
            starts.record_here(ws)
            share(root / "snapshots", shared)
            applied = refreshed(ws)
            daemon.reset()
            stale = starts.stale(ws)
            # record_here leaves the workspace at the last start it recorded (9.4's end,
            # where going further begins): that is the world a restore must give back
            last = [*starts.distinct_starts()][-1]
            prepared = prepare.run(last, ws, restore=starts.restore_start)
            pair = starts.files(last)
            assert pair is not None
            recorded = (ws / "terraform.tfstate").read_bytes() == pair[1].read_bytes()
            backups = sorted((ws / workspace.BACKUP_DIR).rglob("terraform.tfstate"))
            yield World(ws, applied, refreshed(ws), stale, prepared, recorded, backups)
        finally:
            daemon.down()


def test_a_state_of_a_reset_cloud_is_stale(world: World) -> None:
    """After `ecslab reset`, is the workspace's state (of the gone cloud) detected as stale,
    and moved to the backups rather than trusted?"""
    assert world.stale_after_reset
    assert [p.name for p in world.backups] == ["terraform.tfstate"]


def test_the_prepare_restores_instead_of_applying(world: World) -> None:
    """Does the background prepare's step restore 9.4's start (its state is the recorded
    one, byte for byte: nothing was applied)?"""
    assert world.prepared.state == "done", world.prepared
    assert world.state_is_recorded


def test_the_restore_gives_every_resource_of_the_real_apply(world: World) -> None:
    """Are the same resources there after the restore as after the real apply?"""
    assert sorted(world.restored) == sorted(world.applied)
    assert "aws_ecs_service.example" in world.applied


def test_the_restore_gives_every_attribute_of_the_real_apply(world: World) -> None:
    """Does the cloud report, for every resource, every attribute as after the real apply?"""
    differences = {
        (address, name): (value, world.restored[address].get(name))
        for address, attributes in world.applied.items()
        for name, value in attributes.items()
        if name not in VOLATILE and world.restored[address].get(name) != value
    }
    assert differences == {}


def test_a_plan_right_after_the_restore_shows_no_changes(world: World) -> None:
    """Does a plan of the section's files show nothing to do after the restore?"""
    summary = runner.plan(world.ws, "local")
    assert (summary.add, summary.change, summary.destroy) == (0, 0, 0), summary.changes


def test_the_restored_service_runs_its_tasks_behind_the_load_balancer(world: World) -> None:
    """Do the restored service's tasks start again, and does nginx answer through the ALB?"""
    running = wait_for(
        "the restored service's tasks",
        lambda: [t for t in client.tasks() if t["status"] == "RUNNING"],
        timeout=60,
    )
    assert {t["service"] for t in running} == {"example"}
    _status, body = wait_for(
        "nginx through the load balancer",
        lambda: (lambda r: r if r[0] == 200 else None)(http_get(client.url())),
        timeout=60,
    )
    assert "nginx" in body


def test_a_refused_snapshot_is_answered_409_with_the_reason(world: World, tmp_path: Path) -> None:
    """Does the restore route refuse a snapshot of another moto with 409 and the reason?"""
    path = forged(tmp_path / "other.cloud", moto="5.1.0")
    with pytest.raises(LocalCloudError, match=r"409.*it was made with moto 5\.1\.0"):
        client.admin("snapshot/restore", post={"path": str(path)})
