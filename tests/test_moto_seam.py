"""Is every touch of moto's internals in one seam, pinned to the installed moto's shape?"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name

from ecslab import moto_seam

PACKAGE = Path(moto_seam.__file__).parents[1]

#: The one place that imports moto: the seam's package. A module elsewhere that imports it
#: fails `test_moto_is_imported_only_by_the_seam` (it should go through the seam instead).
SEAM = "moto_seam"


@pytest.mark.parametrize("key", sorted(moto_seam.WRAPPED))
def test_the_pinned_moto_has_the_signature_each_adapter_was_written_for(key: str) -> None:
    """Does each wrapped moto callable still take the arguments the seam binds by name?
    (A moto upgrade that moves one fails here, naming it.)"""
    wrapped = moto_seam.WRAPPED[key]
    assert str(inspect.signature(moto_seam.original(key))) == wrapped.signature, (
        f"moto changed {wrapped.module}.{wrapped.owner}.{wrapped.name}: re-check its adapters"
    )


@pytest.mark.parametrize("key", sorted(moto_seam.REPLACED))
def test_the_pinned_moto_has_each_replaced_attribute_where_expected(key: str) -> None:
    """Does the class the seam sets an attribute on still exist, without a property of its own?"""
    module, owner, name = moto_seam.REPLACED[key]
    cls = getattr(__import__(module, fromlist=[owner]), owner)
    assert not isinstance(moto_seam._originals.get(key, cls.__dict__.get(name)), property)


def test_an_adapter_gets_arguments_by_name_and_can_change_them() -> None:
    """Does a layer see moto's arguments by name (defaults filled in), and does the layer
    inside it get the arguments it changed?"""
    from moto.ecs.models import EC2ContainerServiceBackend as Backend

    seen: dict[str, dict[str, Any]] = {}

    def outer(call: moto_seam.Call) -> Any:
        seen["outer"] = dict(call.arguments)
        return call.proceed(cluster_str="changed")

    def inner(call: moto_seam.Call) -> Any:
        seen["inner"] = dict(call.arguments)
        return ["listed"]  # moto's own is never reached

    before = inspect.getattr_static(Backend, "list_tasks")
    moto_seam.wrap("ecs.list_tasks", inner, by="test-inner")
    moto_seam.wrap("ecs.list_tasks", outer, by="test-outer")
    try:
        assert Backend.list_tasks(object(), "mine", family="f") == ["listed"]  # type: ignore[arg-type]
    finally:
        moto_seam.unwrap(by="test-outer")
        moto_seam.unwrap(by="test-inner")
    assert (seen["outer"]["cluster_str"], seen["outer"]["family"]) == ("mine", "f")
    assert seen["outer"]["desiredStatus"] is None
    assert seen["inner"]["cluster_str"] == "changed"
    assert inspect.getattr_static(Backend, "list_tasks") is before


def test_install_twice_keeps_one_layer_and_uninstall_restores_moto() -> None:
    """Does wrapping twice by one owner replace its layer, and unwrapping give moto's own back?"""
    from moto.logs.models import LogEvent

    before = moto_seam.installed().get("logs.event_init")
    calls: list[str] = []

    def layer(name: str) -> moto_seam.Adapter:
        def adapter(call: moto_seam.Call) -> Any:
            calls.append(name)
            return call.proceed()

        return adapter

    moto_seam.wrap("logs.event_init", layer("first"), by="test")
    moto_seam.wrap("logs.event_init", layer("second"), by="test")
    try:
        assert moto_seam.installed()["logs.event_init"].count("test") == 1
        LogEvent(1, {"timestamp": 1, "message": "x"})
        assert calls == ["second"]
    finally:
        moto_seam.unwrap(by="test")
    assert moto_seam.installed().get("logs.event_init") == before
    if before is None:  # no other layer (no local cloud in this process): moto's own is back
        assert inspect.getattr_static(LogEvent, "__init__") is moto_seam.original("logs.event_init")


def test_a_replaced_attribute_goes_away_on_uninstall() -> None:
    """Does `replace` then `unwrap` leave moto's ENI class as it was (no property)?"""
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    before = NetworkInterface.__dict__.get("private_dns_name")
    moto_seam.replace("ec2.eni.private_dns_name", property(lambda self: "x"), by="test")
    assert isinstance(NetworkInterface.__dict__["private_dns_name"], property)
    moto_seam.unwrap(by="test")
    assert NetworkInterface.__dict__.get("private_dns_name") is before


def _imports_moto(path: Path) -> bool:
    """An import statement of moto, or a call of import_module/__import__ naming it."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and _names_moto(node):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "moto":
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "moto" for a in node.names):
            return True
    return False


def _names_moto(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = call.args[0] if call.args else None
    return (
        name in ("import_module", "__import__")
        and isinstance(first, ast.Constant)
        and str(first.value).split(".")[0] == "moto"
    )


def test_moto_is_imported_only_by_the_seam() -> None:
    """Does any module but the seam import moto (which it should reach through the seam)?"""
    found = {path.relative_to(PACKAGE) for path in PACKAGE.rglob("*.py") if _imports_moto(path)}
    assert found, "the seam imports moto: the test reads imports wrongly"
    assert {str(path) for path in found if path.parts[0] != SEAM} == set()


def _attributes_of(cls: type) -> set[str]:
    """Names a class (or a base) defines, and instance attributes its methods assign."""
    names: set[str] = set()
    for klass in cls.__mro__[:-1]:
        names |= set(vars(klass))
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
            ):
                names.add(node.attr)
    return names


@pytest.mark.parametrize("key", sorted(moto_seam.MODEL_ATTRIBUTES))
def test_the_pinned_moto_models_have_each_attribute_the_seam_touches(key: str) -> None:
    """Does each moto model still have every attribute the seam reads or writes? (A moto
    upgrade that renames one fails here, naming it.)"""
    module, owner, names = moto_seam.MODEL_ATTRIBUTES[key]
    cls = getattr(importlib.import_module(module), owner)
    missing = sorted(set(names.split()) - _attributes_of(cls))
    assert not missing, f"moto's {module}.{owner} has no {missing}: re-check the seam's readers"


@pytest.mark.parametrize(
    ("shape", "fields"),
    [("Task", moto_seam.TASK_FIELDS), ("Container", moto_seam.CONTAINER_FIELDS)],
)
def test_the_fields_the_data_plane_sets_are_ones_describe_tasks_serves(
    shape: str, fields: frozenset[str]
) -> None:
    """Is each field the seam sets on moto's task (container) a member of ECS's `Task`
    (`Container`) shape, under the snake-case name moto's serializer reads?"""
    model = botocore.session.get_session().get_service_model("ecs").shape_for(shape)
    served = {xform_name(member) for member in model.members}  # type: ignore[attr-defined]
    assert sorted(fields - served) == []


@pytest.fixture
def moto_task() -> Any:
    """A task in moto's own ECS backend (an account no other test uses), as RunTask files it."""
    from moto.ecs.models import Task

    ecs = moto_seam.backend("ecs", "000000000010", "eu-west-3")
    cluster = ecs.create_cluster("seam")
    definition = ecs.register_task_definition(
        "seam", [{"name": "web", "image": "nginx", "memory": 512}]
    )
    task = Task(cluster, definition, None, None, ecs, group="family:seam", started_by="me")
    ecs.tasks.setdefault(cluster.name, {})[task.task_arn] = task
    yield ecs, task
    ecs.tasks.clear()


def test_task_facts_and_state_are_read_from_moto_s_task(moto_task: Any) -> None:
    """Does the seam read a moto task's identity and state into ecslab's own values?"""
    _ecs, task = moto_task
    facts = moto_seam.task_facts(task)
    assert (facts.id, facts.arn, facts.cluster) == (task.id, task.task_arn, "seam")
    assert (facts.region, facts.started_by, facts.group) == ("eu-west-3", "me", "family:seam")
    assert (facts.subnet_id, facts.public_ip) == (None, False)
    state = moto_seam.task_state(task)
    assert (state.desired_status, state.stop_code, state.stopped_reason) == (
        "RUNNING",
        None,
        None,
    )


def test_task_writes_go_through_named_functions(moto_task: Any) -> None:
    """Do the seam's writers change what moto serves, and only the fields they name?"""
    ecs, task = moto_task
    moto_seam.set_task_status(task, "PENDING", pull_started_at="then")
    moto_seam.set_task_stopping(task, "UserInitiated", "stopped by a test")
    state = moto_seam.task_state(task)
    assert (state.status, state.desired_status) == ("PENDING", "STOPPED")
    assert (state.stop_code, state.stopped_reason) == ("UserInitiated", "stopped by a test")
    assert task.pull_started_at == "then"
    container = task.containers[0]
    moto_seam.set_container(container, last_status="STOPPED", exit_code=1)
    assert moto_seam.container_state(container) == moto_seam.ContainerState("STOPPED", 1)
    moto_seam.drop_task(ecs, moto_seam.task_facts(task))
    assert ecs.tasks["seam"] == {}


def test_a_task_field_the_seam_does_not_know_is_refused(moto_task: Any) -> None:
    """Does writing a field outside TASK_FIELDS fail, naming it (a typo never reaches moto)?"""
    _ecs, task = moto_task
    with pytest.raises(ValueError, match=r"not a field of a task ecslab sets: \['startedAtt'\]"):
        moto_seam.stamp_task(task, startedAtt="now")
