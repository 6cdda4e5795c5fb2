"""Does the data plane keep blocking work (processes, files, API calls) outside its lock?"""

from __future__ import annotations

import threading
from pathlib import Path

from dataplane_support import local_cloud, network_and_alb, task_definition

from ecslab.dataplane.process import Child, LineSink
from ecslab.dataplane.runtime import ContainerSpec, ProcessRuntime


class HeldRuntime(ProcessRuntime):
    """The process runtime, whose container start waits until the test lets it go."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def start(self, spec: ContainerSpec, workdir: Path, sink: LineSink) -> Child:
        self.entered.set()
        self.release.wait(60)
        return super().start(spec, workdir, sink)


def test_a_starting_container_does_not_hold_the_lock_the_api_needs(tmp_path: Path) -> None:
    """While a task's container is starting (held inside the runtime), is the data plane's
    lock free, and does StopTask (which takes it) answer before the start is let go?"""
    runtime = HeldRuntime()
    with local_cloud(tmp_path, scale=50, runtime=runtime) as cloud:
        stack = network_and_alb(cloud, name="held")
        cloud.client("logs").create_log_group(logGroupName="/ecs/example")
        ecs = cloud.client("ecs")
        ecs.create_cluster(clusterName="held")
        vpc = {"subnets": stack.private, "securityGroups": [stack.security_group]}
        arn = ecs.run_task(
            cluster="held",
            taskDefinition=task_definition(cloud, stack, family="held"),
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": vpc},
        )["tasks"][0]["taskArn"]
        try:
            assert runtime.entered.wait(30), "the task never started its container"
            # Bounded only so that a regression fails instead of hanging: the old tick held
            # the lock until the start returned, i.e. until `release` below.
            free = cloud.plane.lock.acquire(timeout=10)
            assert free, "the data plane holds its lock while a container starts"
            cloud.plane.lock.release()
            stopped = ecs.stop_task(cluster="held", task=arn, reason="held")["task"]
            assert (stopped["desiredStatus"], stopped["stoppedReason"]) == ("STOPPED", "held")
        finally:
            runtime.release.set()
