"""Tests of ecslab.notebook.diagram: SVG drawn in Python, stable and well-formed."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from ecslab import i18n
from ecslab.notebook import diagram

INVENTORY = diagram.Inventory(
    load_balancer="example",
    target_group="example",
    cluster="example",
    service="example",
    desired=2,
    running=2,
    service_revision="example:2",
    tasks=[
        diagram.TaskView("a" * 32, "10.0.65.10", "example:2", "RUNNING", "healthy"),
        diagram.TaskView("b" * 32, "10.0.66.11", "example:2", "RUNNING", "unhealthy"),
    ],
    log_group="/ecs/example",
    log_streams=2,
)


def test_building_blocks_is_well_formed_svg() -> None:
    """Is the 9.1 diagram an SVG document that names every building block?"""
    svg = diagram.building_blocks().svg
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for word in ("ALB", "Target group", "ECS cluster", "ECS service", "task", "Task definition"):
        assert word in texts


def test_building_blocks_is_stable() -> None:
    """Is the diagram the same in every run (so stored outputs compare)?

    Each run is a fresh interpreter with its own hash seed: a diagram built from set order,
    ids or the clock differs between them, which two calls in one process would not show.
    """
    code = "from ecslab.notebook import diagram; print(diagram.building_blocks().svg, end='')"
    drawn = [
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert drawn == [diagram.building_blocks().svg] * 2


def test_live_diagram_colours_tasks_by_health() -> None:
    """Are healthy tasks outlined green and unhealthy ones red?"""
    svg = diagram.live(INVENTORY).svg
    assert svg.count(diagram.COLORS["healthy"]) == 1
    assert svg.count(diagram.COLORS["unhealthy"]) == 1
    ET.fromstring(svg)


def test_live_summary_in_one_line() -> None:
    """Does the text form say what runs where, in one stable line?"""
    assert diagram.summary(INVENTORY) == (
        "ALB example → target group example → 2 tasks (1 healthy); service example 2/2 on "
        "example:2 in cluster example; log group /ecs/example"
    )


def test_revision_of_an_arn() -> None:
    """Is `example:2` read from a task definition ARN?"""
    arn = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example:2"
    assert diagram.revision_of(arn) == "example:2"


def test_the_japanese_diagram_uses_the_books_terms() -> None:
    """Does the Japanese 9.1 diagram say ECSクラスタ, ECSサービス, タスク定義 and
    ターゲットグループ, while ALB and the names of resources stay as AWS writes them?"""
    with i18n.speaking("ja"):
        svg = diagram.building_blocks().svg
    for term in ("ECSクラスタ  example", "ECSサービス  example", "タスク定義  example:1"):
        assert term in svg
    assert "ターゲットグループ" in svg and ">ALB<" in svg and "desired_count = 2" in svg
    assert "Task definition" not in svg
    ET.fromstring(svg)


def test_the_japanese_live_diagram_translates_words_not_states() -> None:
    """Is a task outside the target group "未登録" in Japanese, while AWS's states
    (RUNNING, healthy) stay as AWS reports them and colours follow the data?"""
    tasks = [
        diagram.TaskView("a" * 32, "10.0.65.10", "example:2", "RUNNING", "healthy"),
        diagram.TaskView("b" * 32, "10.0.66.11", "example:2", "RUNNING", diagram.NOT_REGISTERED),
    ]
    inventory = diagram.Inventory(
        "example", "example", "example", "example", 2, 2, "example:2", tasks
    )
    with i18n.speaking("ja"):
        svg = diagram.live(inventory).svg
    assert "RUNNING, healthy" in svg and "RUNNING, 未登録" in svg
    assert "ロググループなし" in svg and "ECSサービス example: 2/2 実行中" in svg
    assert svg.count(diagram.COLORS["other"]) == 1
