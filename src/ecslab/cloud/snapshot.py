"""Snapshots of the whole local cloud: moto's backends and the data plane's desired state.

A full apply of the chapter is about 80 s of fixed waits inside the AWS provider, while
moto's backends pickle to a few MB in well under a second. So the local cloud can save
itself to one file and load it back (`POST /_ecslab/snapshot/save` and `.../restore`, SigV4
as every admin route). A restored cloud starts its services' tasks, listeners, target
health and log streams again by reconciling, as after a restart (ecslab.dataplane.state).

The file is two pickles: a small header (`Identity`: the snapshot format, the project's
version, the pinned moto's version), then the payload. The header is read first, and a
snapshot of another format, project or moto is refused (`SnapshotRefused`) before its
payload is unpickled: another moto's classes would give a different world, or none.

Unpickling runs code named in the file: only files the learner's own cloud wrote are
loaded, from paths sent in requests signed with the learner's own key.

Every access to moto's internals is in the block marked "moto internals" below, so that
it can move into the one seam module for moto when there is one.
"""

from __future__ import annotations

import pickle
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ecslab import moto_seam
from ecslab.cloud.admin import AdminError
from ecslab.errors import EcslabError
from ecslab.i18n import _

#: Bump when the payload's shape changes (what is saved, not moto's classes: the moto
#: version is checked on its own).
FORMAT = 1

#: The services a snapshot never holds: nothing the chapter creates lives there.
SKIPPED_SERVICES: frozenset[str] = frozenset()


class SnapshotRefused(EcslabError):
    """A snapshot that must not be loaded here (another format, project or moto)."""


@dataclass(frozen=True)
class Identity:
    """What a snapshot must share with the cloud that loads it."""

    format: int
    ecslab: str
    moto: str

    @classmethod
    def current(cls) -> Identity:
        """This installation's identity."""
        from ecslab import __version__

        return cls(FORMAT, __version__, version("moto"))

    def refusal(self) -> str | None:
        """Why a snapshot of this identity cannot load here, or None when it can."""
        here = Identity.current()
        for name, theirs in asdict(self).items():
            ours = getattr(here, name)
            if theirs != ours:
                made = _("it was made with {name} {theirs}, this is {name} {ours}")
                return made.format(name=name, theirs=theirs, ours=ours)
        return None


def read_identity(path: Path) -> Identity:
    """The header of a snapshot file (SnapshotRefused when it has none we can read)."""
    try:
        with path.open("rb") as handle:
            header = pickle.load(handle)
        return Identity(**header)
    except FileNotFoundError:
        raise
    except Exception as e:
        refused = _("{file} is not a snapshot of the local cloud: {error}")
        raise SnapshotRefused(refused.format(file=path.name, error=e)) from e


def check(path: Path) -> Identity:
    """The snapshot's identity, if it may load here; else SnapshotRefused saying why."""
    identity = read_identity(path)
    why = identity.refusal()
    if why is not None:
        raise SnapshotRefused(
            _("The snapshot {file} cannot be restored: {why}.").format(file=path.name, why=why),
            hint=_("Record the section starts again: make snapshots."),
        )
    return identity


def save(path: Path, plane: Any) -> dict[str, Any]:
    """Write the cloud (moto's backends, the data plane's desired state) to path."""
    from ecslab.dataplane import state

    with plane.lock:
        backends = moto_seam.dump_backends(SKIPPED_SERVICES)
        payload = {"moto": pickle.dumps(backends), "dataplane": state.export(plane)}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(asdict(Identity.current()), handle)
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return {"path": str(path), "bytes": path.stat().st_size}


def restore(path: Path, plane: Any) -> dict[str, Any]:
    """Replace the cloud by the snapshot at path; tasks start again by reconciling."""
    from ecslab.dataplane import state

    check(path)
    with path.open("rb") as handle:
        pickle.load(handle)  # the header, checked above
        payload = pickle.load(handle)
    backends = pickle.loads(payload["moto"])
    with plane.lock:
        state.forget_tasks(plane)
        moto_seam.load_backends(backends, SKIPPED_SERVICES)
        dropped = state.drop_task_records(plane)
        state.load(plane, payload["dataplane"])
    return {"path": str(path), "services": sorted(backends), "tasks_dropped": dropped}


def install(host: Any, plane: Any) -> None:
    """Serve the snapshot routes on `host`, for the data plane `plane`."""

    def target(request: Any) -> Path:
        body = request.json() or {}
        if request.method != "POST" or not body.get("path"):
            raise AdminError(400, 'POST a JSON body {"path": "/absolute/file"}')
        return Path(body["path"])

    def on_restore(request: Any) -> dict[str, Any]:
        try:
            return restore(target(request), plane)
        except (SnapshotRefused, FileNotFoundError) as e:
            raise AdminError(409, str(e)) from e

    host.register_admin_route("/_ecslab/snapshot/save", lambda r: save(target(r), plane))
    host.register_admin_route("/_ecslab/snapshot/restore", on_restore)
    vpcs = "/_ecslab/snapshot/vpcs"
    host.register_admin_route(vpcs, lambda _r: sorted(moto_seam.created_vpc_ids()))


class Snapshots:
    """Hosted service: the snapshot routes of the data plane it is given."""

    def __init__(self, plane: Any) -> None:
        self.plane = plane

    def start(self, host: Any) -> None:
        install(host, self.plane)

    def stop(self) -> None:
        """Nothing runs: the routes go with the host."""
