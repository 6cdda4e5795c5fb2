"""The data plane's desired state, out of and back into a local cloud (for snapshots).

What a snapshot keeps of the data plane is what it wants, never what runs: each service's
deployments (their ids, task definitions, rollout state), as the scheduler remembers them.
Tasks, listeners and target health are not kept: a restored cloud starts them again by
reconciling, as a restarted one would. So a restore first forgets every task of the
world it replaces (`forget_tasks`), then drops the task records of the world it brings
(`drop_task_records`: their processes, IPs and targets died with the cloud that saved
them), then hands the scheduler its deployments back (`load`).
"""

from __future__ import annotations

import copy
from typing import Any

from ecslab import moto_seam
from ecslab.dataplane.controller import ServiceState
from ecslab.dataplane.network import detach_eni

#: The export's shape: service ARN -> {"primary": deployment, "old": [deployment, ...]}.
Exported = dict[str, dict[str, Any]]


def export(plane: Any) -> Exported:
    """Each service's deployments as the scheduler holds them (copies, safe to pickle)."""
    assert plane.scheduler is not None
    with plane.lock:
        return {
            arn: {"primary": copy.deepcopy(s.primary), "old": copy.deepcopy(s.old)}
            for (arn, _identity), s in plane.scheduler.states.items()
        }


def forget_tasks(plane: Any) -> None:
    """Stop every task's processes and every listener; forget them, and the services'
    states (the world they belonged to is about to be replaced). Call with plane.lock held."""
    assert plane.scheduler is not None and plane.loadbalancers is not None
    for task in list(plane.scheduler.tasks.values()):
        task.kill()
    plane.scheduler.tasks.clear()
    plane.scheduler.states.clear()
    plane.loadbalancers.close()
    assert plane.agent is not None
    plane.agent.health.forget_groups_but(set())


def drop_task_records(plane: Any) -> int:
    """Remove the tasks moto holds (no process runs them), their ENIs and their targets;
    reset the services' counts. The scheduler then starts the desired count afresh.
    Returns how many task records were dropped. Call with plane.lock held."""
    assert plane.agent is not None
    dropped = 0
    for backend in plane.agent.ecs_backends():
        region = moto_seam.region_of(backend)
        ec2 = plane.agent.ec2_for(region)
        gone: set[str] = set()
        for task in moto_seam.drop_every_task(backend):
            gone.add(str(moto_seam.task_facts(task).private_ip))
            detach_eni(task, ec2)
            dropped += 1
        _drop_targets(plane, region, gone)
    return dropped


def _drop_targets(plane: Any, region: str, ips: set[str]) -> None:
    """Deregister (in moto's model) the targets that were the dropped tasks' IPs."""
    for elbv2, _ec2 in plane.agent.elbv2_backends():
        if moto_seam.region_of(elbv2) == region:
            moto_seam.forget_targets(elbv2, ips)


def load(plane: Any, exported: Exported) -> None:
    """Give the scheduler back the deployments of the services it finds under those ARNs;
    not steady: their tasks are about to start again. Call with plane.lock held."""
    assert plane.scheduler is not None
    for backend in plane.agent.ecs_backends():
        for service in moto_seam.services(backend):
            saved = exported.get(service.arn)
            if saved is not None:
                state = ServiceState(copy.deepcopy(saved["primary"]), copy.deepcopy(saved["old"]))
                plane.scheduler.states[(service.arn, service.identity)] = state
