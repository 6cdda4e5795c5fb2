"""What the admin API shows of the data plane: plain JSON-ready rows.

`GET /_ecslab/tasks` (add `?all=1` for stopped tasks too) and
`GET /_ecslab/loadbalancers` on the local endpoint; `ecslab ps` and `ecslab url` read them.
"""

from __future__ import annotations

from typing import Any

from ecslab.dataplane.agent import FargateAgent
from ecslab.dataplane.tasks import LocalTask


def task_row(task: LocalTask, agent: FargateAgent) -> dict[str, Any]:
    """One task as `ecslab ps` lists it."""
    definition, facts, state = task.task_definition, task.facts, task.state()
    health = [agent.target_state(arn, ip, port) or "-" for arn, ip, port in task.registered]
    if state.status == "STOPPED":
        health = []
    ports = {
        f"{task.ip}:{cport}": f"127.0.0.1:{local}"
        for c in task.containers
        for cport, local in c.ports.items()
    }
    return {
        "id": facts.id,
        "arn": facts.arn,
        "cluster": facts.cluster,
        "service": task.service[1] if task.service else None,
        "task_definition": f"{definition.family}:{definition.revision}",
        "revision": definition.revision,
        "status": state.status,
        "desired_status": state.desired_status,
        "health": ",".join(health) if health else "-",
        "ip": task.ip,
        "availability_zone": facts.availability_zone,
        "endpoints": ports,
        "uptime_seconds": round(task.uptime(agent.clock), 1),
        "stop_code": state.stop_code,
        "stopped_reason": state.stopped_reason,
    }


def task_rows(
    tasks: list[LocalTask], agent: FargateAgent, include_stopped: bool
) -> list[dict[str, Any]]:
    """Tasks oldest first; stopped ones only when asked."""
    rows = [task_row(t, agent) for t in tasks if include_stopped or t.status != "STOPPED"]
    return rows
