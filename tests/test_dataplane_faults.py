"""Does an error inside a task's life stop that task with a reason, said once, and does a
stopped task leave after AWS's retention?"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dataplane_support import Cloud, local_cloud, network_and_alb, task_definition, wait_for

from ecslab.dataplane.process import Child, LineSink
from ecslab.dataplane.runtime import ContainerSpec, ProcessRuntime

#: AWS keeps a stopped task an hour; at this scale that is six real seconds.
SCALE = 600


class BrokenRuntime(ProcessRuntime):
    """A runtime with a bug: starting a container raises what no task expects."""

    def start(self, spec: ContainerSpec, workdir: Path, sink: LineSink) -> Child:
        raise RuntimeError("disk on fire")


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cloud]:
    with local_cloud(tmp_path_factory.mktemp("home"), SCALE, BrokenRuntime()) as running:
        yield running


def _run(cloud: Cloud) -> str:
    stack = network_and_alb(cloud, name="faults")
    ecs = cloud.client("ecs")
    ecs.create_cluster(clusterName="faults")
    cloud.client("logs").create_log_group(logGroupName="/ecs/example")
    network = {
        "awsvpcConfiguration": {
            "subnets": stack.private[:1],
            "securityGroups": [stack.security_group],
        }
    }
    task = ecs.run_task(
        cluster="faults",
        taskDefinition=task_definition(cloud, stack, family="faults"),
        launchType="FARGATE",
        networkConfiguration=network,
    )["tasks"][0]
    return str(task["taskArn"])


def _describe(cloud: Cloud, arn: str) -> dict[str, Any]:
    return dict(cloud.client("ecs").describe_tasks(cluster="faults", tasks=[arn]))


def test_an_error_stops_the_task_with_a_reason_said_once(
    cloud: Cloud, caplog: pytest.LogCaptureFixture
) -> None:
    """Does a bug in the runtime stop the task (TaskFailedToStart, the error as reason),
    logged once, instead of a traceback every tick? And is the stopped task gone after
    AWS's retention (an hour, scaled), from DescribeTasks as from ListTasks?"""
    caplog.set_level(logging.ERROR, logger="ecslab.dataplane")
    arn = _run(cloud)

    def stopped() -> dict[str, Any] | None:
        tasks = _describe(cloud, arn)["tasks"]
        return tasks[0] if tasks and tasks[0]["lastStatus"] == "STOPPED" else None

    task = wait_for("the task to stop", stopped)
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"] == "InternalError: RuntimeError: disk on fire"
    faults = [r for r in caplog.records if "disk on fire" in str(r.exc_info)]
    assert len(faults) == 1 and faults[0].getMessage().endswith("after an error in its lifecycle")
    wait_for("the stopped task to leave", lambda: not _describe(cloud, arn)["tasks"])
    ecs = cloud.client("ecs")
    assert ecs.list_tasks(cluster="faults", desiredStatus="STOPPED")["taskArns"] == []
    assert cloud.admin("tasks?all=1") == []
