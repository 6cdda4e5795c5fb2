"""Tests of the lab's workspace handling: sections, setup's files, backups, locks, views."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ecslab import i18n, sections
from ecslab.authoring import hclcompare
from ecslab.errors import EcslabError
from ecslab.notebook import lab
from ecslab.tf import prepare, workspace
from ecslab.tf.events import ChangeSummary
from ecslab.tf.runner import PlanSummary, ResourceChange


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty workspace of the test's own."""
    folder = tmp_path / "workspace"
    monkeypatch.setenv("ECSLAB_WORKSPACE", str(folder))
    return workspace.root()


# --- sections: the single source -----------------------------------------------------------


def test_each_section_starts_from_the_files_before_it() -> None:
    """Does 9.4 start from 9.3's files, and 9.3 from none of the learner's?"""
    assert sections.files_before("03_web_server") == {}
    assert set(sections.files_before("04_logging")) == {
        "cluster.tf",
        "container_definitions.json",
        "task_definition.tf",
        "service.tf",
    }


def test_later_write_of_a_file_wins() -> None:
    """Is the task definition at the end the one of listing 9.9 (with the execution role)?"""
    assert "execution_role_arn" in sections.all_files()["task_definition.tf"]
    assert "execution_role_arn" not in sections.files_before("04_logging")["task_definition.tf"]


def test_solution_markers_never_reach_a_file() -> None:
    """Are the BEGIN/END/HINT lines stripped from every file the solutions write?"""
    for text in sections.all_files().values():
        assert "### " not in text


def test_unknown_section_names_the_real_ones() -> None:
    """Does a wrong section name raise, listing the valid ones?"""
    with pytest.raises(sections.UnknownSection) as caught:
        sections.section("09_nope")
    assert "03_web_server" in caught.value.hint


def test_lab_end_state_matches_the_reference_configuration() -> None:
    """Do the solution notebooks end where terraform/chapter9 is (no drift between them)?"""
    mine = hclcompare.read_files({**workspace.scaffolding(), **sections.all_files()})
    reference = hclcompare.read_folder(workspace.CHAPTER_DIR)
    # The reference fills the region into container_definitions.json from a data source;
    # the lab writes the region in the JSON (compared by the next test).
    assert hclcompare.differences(mine, reference, skip=("container_definitions",)) == [
        'only in the reference: data "aws_region" "current"'
    ]


def test_lab_container_definitions_match_the_reference() -> None:
    """Is listing 9.10 as the lab writes it the reference's JSON (region filled in)?"""
    reference = (workspace.CHAPTER_DIR / "container_definitions.json").read_text()
    reference = reference.replace("${region}", "ap-northeast-1")
    assert json.loads(sections.all_files()["container_definitions.json"]) == json.loads(reference)


def test_hclcompare_sees_a_changed_argument() -> None:
    """Does the drift check notice an erratum coming back (assign_public_ip = true)?"""
    mine = hclcompare.blocks(
        'resource "aws_ecs_service" "x" {\n  network_configuration {\n'
        "    assign_public_ip = true\n  }\n}\n"
    )
    theirs = hclcompare.blocks(
        'resource "aws_ecs_service" "x" {\n  network_configuration {\n'
        "    assign_public_ip = false\n  }\n}\n"
    )
    assert hclcompare.differences(mine, theirs) == [
        'resource "aws_ecs_service" "x": network_configuration.assign_public_ip = true (lab) '
        "vs false (reference)"
    ]


def test_hclcompare_sees_drift_after_a_multi_line_map() -> None:
    """Is an argument after a multi-line map still compared (desired_count 3 vs 2)?"""
    head = 'resource "aws_ecs_service" "x" {\n  tags = {\n    a = "b"\n  }\n'
    mine = hclcompare.blocks(head + "  desired_count = 3\n}\n")
    theirs = hclcompare.blocks(head + "  desired_count = 2\n}\n")
    assert hclcompare.differences(mine, theirs) == [
        'resource "aws_ecs_service" "x": desired_count = 3 (lab) vs 2 (reference)'
    ]


def test_hclcompare_sees_drift_in_a_repeated_block() -> None:
    """Is the second of two repeated blocks compared, not hidden by the first?"""
    template = (
        'data "aws_iam_policy_document" "x" {\n'
        '  statement {\n    effect = "Allow"\n  }\n'
        '  statement {\n    effect = "%s"\n  }\n}\n'
    )
    mine = hclcompare.blocks(template % "Deny")
    theirs = hclcompare.blocks(template % "Allow")
    assert hclcompare.differences(mine, theirs) == [
        'data "aws_iam_policy_document" "x": statement[1].effect = Deny (lab) vs Allow (reference)'
    ]


# --- workspace: never lose a learner's file --------------------------------------------------


#: listing 9.2 as section 9.4 starts from it (the learner wrote it in 9.3).
TASK_DEFINITION = sections.files_before("04_logging")["task_definition.tf"]
STAMP = "20260101-000000"


def _place_task_definition(ws: Path, mine: str) -> workspace.Placed:
    (ws / "task_definition.tf").write_text(mine)
    files = {"task_definition.tf": TASK_DEFINITION}
    return workspace.place_files(ws, files, STAMP, also=sections.versions_from("04_logging"))


def test_file_in_another_attribute_order_is_kept(ws: Path) -> None:
    """Does a learner who wrote listing 9.2's arguments in another order keep their file?"""
    lines = TASK_DEFINITION.splitlines()
    mine = "\n".join([lines[0], *reversed(lines[1:-1]), lines[-1]]) + "\n"
    placed = _place_task_definition(ws, mine)
    assert placed.kept == ["task_definition.tf"] and not placed.backups
    assert (ws / "task_definition.tf").read_text() == mine


def test_file_with_other_spacing_and_comments_is_kept(ws: Path) -> None:
    """Do fmt differences (no alignment, blank lines, a comment) keep the learner's file?"""
    mine = "# my task definition\n\n" + TASK_DEFINITION.replace("  ", " ").replace(" = ", "=")
    placed = _place_task_definition(ws, mine)
    assert placed.kept == ["task_definition.tf"]
    assert (ws / "task_definition.tf").read_text() == mine


def test_file_with_another_valid_task_size_is_kept(ws: Path) -> None:
    """Does a task size chosen with the picker (1024 / 2048) survive the next setup?"""
    mine = TASK_DEFINITION.replace('"256"', "1024").replace('"512"', '"2048"')
    placed = _place_task_definition(ws, mine)
    assert placed.kept == ["task_definition.tf"]
    assert '"2048"' in (ws / "task_definition.tf").read_text()


def test_file_of_a_later_section_is_kept(ws: Path) -> None:
    """Does a learner already past listing 9.9 keep it when 9.4's setup runs again?"""
    mine = sections.all_files()["task_definition.tf"]
    placed = _place_task_definition(ws, mine)
    assert placed.kept == ["task_definition.tf"]


def test_truly_different_file_is_backed_up_and_replaced_fmt_clean(ws: Path) -> None:
    """Is a file that means something else (another family) backed up, then replaced by
    a `terraform fmt`-clean copy of the section's?"""
    mine = TASK_DEFINITION.replace('family                   = "example"', 'family = "mine"')
    placed = _place_task_definition(ws, mine)
    assert placed.written == ["task_definition.tf"]
    assert placed.backups["task_definition.tf"] == ws / ".backups" / STAMP / "task_definition.tf"
    assert placed.backups["task_definition.tf"].read_text() == mine
    written = (ws / "task_definition.tf").read_text()
    assert written == workspace.formatted(written)
    assert hclcompare.blocks(written) == hclcompare.blocks(TASK_DEFINITION)


def test_setup_writes_fmt_clean_files_from_marked_solutions(ws: Path) -> None:
    """Is listing 9.9 (not fmt-aligned once its solution markers are gone) written
    fmt-clean by setup, with nothing but spacing changed?"""
    text = sections.all_files()["task_definition.tf"]
    assert text != workspace.formatted(text)  # the case this test is about
    workspace.place_files(ws, {"task_definition.tf": text})
    written = (ws / "task_definition.tf").read_text()
    assert written == workspace.formatted(text)
    assert hclcompare.blocks(written) == hclcompare.blocks(text)


def test_invalid_task_size_is_not_a_choice(ws: Path) -> None:
    """Is a size Fargate does not offer (256 / 4096) treated as a difference, not kept?"""
    placed = _place_task_definition(ws, TASK_DEFINITION.replace('"512"', '"4096"'))
    assert list(placed.backups) == ["task_definition.tf"]


def test_half_written_file_is_left_alone_with_a_message(ws: Path) -> None:
    """Is a file Terraform cannot parse kept untouched, with where the parser stopped?"""
    mine = TASK_DEFINITION.rsplit("}", 1)[0]  # the closing brace is not written yet
    placed = _place_task_definition(ws, mine)
    assert (ws / "task_definition.tf").read_text() == mine and not placed.backups
    assert placed.unreadable["task_definition.tf"].startswith(
        "task_definition.tf cannot be read as Terraform (line 8, column 1)."
    )
    report = lab.SetupReport(sections.section("04_logging"), ws, [], placed, False)
    assert "Left your task_definition.tf as it is: task_definition.tf cannot be read" in repr(
        report
    )


def test_json_with_other_spacing_is_kept(ws: Path) -> None:
    """Is container_definitions.json compared as data, not as text?"""
    text = sections.files_before("04_logging")["container_definitions.json"]
    mine = json.dumps(json.loads(text))
    (ws / "container_definitions.json").write_text(mine)
    placed = workspace.place_files(ws, {"container_definitions.json": text})
    assert placed.kept == ["container_definitions.json"]


def test_identical_file_is_left_alone(ws: Path) -> None:
    """Is a file already equal to the solution neither rewritten nor backed up?"""
    (ws / "cluster.tf").write_text("same\n")
    placed = workspace.place_files(ws, {"cluster.tf": "same\n"})
    assert placed.unchanged == ["cluster.tf"] and not placed.backups


def test_modules_are_copied_for_relative_sources(ws: Path) -> None:
    """Are loadbalancer, security_group and iam_role copied so ./loadbalancer resolves?"""
    workspace.place_modules(ws)
    for name in workspace.MODULES:
        assert (ws / name / "main.tf").exists()


def test_edited_module_is_backed_up_before_recopy(ws: Path) -> None:
    """Is a module the learner edited backed up before the original is copied back?"""
    workspace.place_modules(ws)
    (ws / "iam_role" / "main.tf").write_text("# edited\n")
    placed = workspace.place_modules(ws)
    assert placed.written == ["iam_role"]
    assert (placed.backups["iam_role"] / "main.tf").read_text() == "# edited\n"


def test_reset_moves_later_files_away(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does reset('04_logging') back up 9.4's own files and keep 9.3's?"""
    monkeypatch.setattr(lab, "setup", lambda stem: _fake_report(ws, stem))
    monkeypatch.setattr(prepare, "stop", lambda _ws: False)
    (ws / "logs.tf").write_text("# my 9.5\n")
    (ws / "cluster.tf").write_text("# my 9.1\n")
    report = lab.reset("04_logging")
    assert not (ws / "logs.tf").exists()
    assert report.placed.backups["logs.tf"].read_text() == "# my 9.5\n"
    assert (ws / "cluster.tf").exists()


def _fake_report(ws: Path, stem: str) -> lab.SetupReport:
    return lab.SetupReport(sections.section(stem), ws, [], workspace.Placed(), False)


def test_state_addresses_read_modules_and_resources(ws: Path) -> None:
    """Does the state reader see module.loadbalancer and root resources without Terraform?"""
    state = {
        "resources": [
            {"module": "module.loadbalancer", "mode": "managed", "type": "aws_vpc", "name": "x"},
            {"mode": "managed", "type": "aws_ecs_service", "name": "example"},
        ]
    }
    (ws / "terraform.tfstate").write_text(json.dumps(state))
    found = workspace.state_addresses(ws)
    assert {"module.loadbalancer", "aws_ecs_service.example"} <= found


def test_half_written_state_counts_as_empty(ws: Path) -> None:
    """Is a state file Terraform is writing right now read as 'nothing yet', not an error?"""
    (ws / "terraform.tfstate").write_text("")
    assert workspace.state_addresses(ws) == set()


def test_needs_init_when_a_module_is_new(ws: Path) -> None:
    """Does a module block not yet installed ask for `terraform init`?"""
    (ws / ".terraform" / "modules").mkdir(parents=True)
    manifest = {"Modules": [{"Key": ""}, {"Key": "loadbalancer"}]}
    (ws / ".terraform" / "modules" / "modules.json").write_text(json.dumps(manifest))
    (ws / "network.tf").write_text('module "loadbalancer" {\n  source = "./loadbalancer"\n}\n')
    assert not workspace.needs_init(ws)
    (ws / "service.tf").write_text('module "nginx_sg" {\n  source = "./security_group"\n}\n')
    assert workspace.needs_init(ws)


def test_lock_makes_the_second_holder_wait(ws: Path) -> None:
    """Do two Terraform operations in one workspace run one after the other?

    The first holder lets go only once the second has reported that it waits, so a lock
    that lets both in shows as "second in" before "first out", whatever the timing.
    """
    order: list[str] = []
    first_in, second_waits = threading.Event(), threading.Event()

    def first() -> None:
        with workspace.locked(ws):
            order.append("first in")
            first_in.set()
            second_waits.wait(timeout=60)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(timeout=60)
    with workspace.locked(ws, on_wait=lambda _seconds: second_waits.set()):
        order.append("second in")
    second_waits.set()  # a lock that never made us wait must not leave the thread hanging
    thread.join()
    assert order == ["first in", "first out", "second in"]


# --- the notebook's view of things ------------------------------------------------------------


def test_workspace_file_refuses_a_todo(ws: Path) -> None:
    """Does a cell still holding the lab's TODO stop with the hint instead of writing?"""
    body = "### TODO: listing 9.1: one resource\n###       named example.\n"
    with pytest.raises(lab.ExerciseIncomplete) as caught:
        lab.write_file("cluster.tf", body)
    assert caught.value.hint == "listing 9.1: one resource named example."
    assert not (ws / "cluster.tf").exists()


def test_workspace_file_strips_markers(ws: Path) -> None:
    """Does the solution cell write the file without its markers?"""
    body = '### BEGIN SOLUTION\n### HINT: x\nresource "a" "b" {}\n### END SOLUTION\n'
    assert repr(lab.write_file("x.tf", body)) == "Wrote x.tf (1 line) in your workspace."
    assert (ws / "x.tf").read_text() == 'resource "a" "b" {}\n'


def test_invalid_json_is_caught_before_terraform(ws: Path) -> None:
    """Is broken container JSON reported by the cell that writes it, with a hint?"""
    with pytest.raises(lab.EcslabError, match="not valid JSON") as caught:
        lab.write_file("container_definitions.json", '[{"name": "example",}]')
    assert "comma" in caught.value.hint


def test_plan_refuses_a_workspace_with_a_todo(ws: Path) -> None:
    """Does plan() stop with the exercise's hint when a file still has a TODO?"""
    for name, text in workspace.scaffolding().items():
        (ws / name).write_text(text)
    (ws / "logs.tf").write_text("### TODO: listing 9.5\n")
    with pytest.raises(lab.ExerciseIncomplete, match="yours to write") as caught:
        lab.plan()
    assert caught.value.hint == "logs.tf is not written yet: listing 9.5"


def test_plan_without_setup_says_run_setup(ws: Path) -> None:
    """Does plan() in an empty workspace point at the setup cell?"""
    with pytest.raises(lab.EcslabError) as caught:
        lab.plan()
    assert "setup cell" in caught.value.hint


def test_plan_view_lists_replacements_with_their_reason() -> None:
    """Does the plan view show -/+ and the arguments that force the new revision?"""
    change = ResourceChange(
        "aws_ecs_task_definition.example",
        ("delete", "create"),
        {"container_definitions": "a", "execution_role_arn": "", "tags": {}},
        {"container_definitions": "b", "execution_role_arn": "arn:role", "tags": None},
    )
    view = lab.PlanView(PlanSummary(1, 0, 1, (change,)))
    assert repr(view) == (
        "Plan: 1 to add, 0 to change, 1 to destroy.\n"
        "  -/+ aws_ecs_task_definition.example  (changes: container_definitions, "
        "execution_role_arn)"
    )


def test_apply_view_uses_terraform_words() -> None:
    """Do apply and destroy summaries read like Terraform's own?"""
    assert repr(lab.ApplyView(ChangeSummary(1, 0, 0, "apply"))) == (
        "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
    )
    assert repr(lab.ApplyView(ChangeSummary(0, 0, 36, "destroy"))) == (
        "Destroy complete! Resources: 36 destroyed."
    )


def test_terraform_error_gets_a_hint() -> None:
    """Does a duplicate module (listing 9.4 copied whole) come with what to do?"""
    error = lab._with_hint(lab.TerraformError('Error: Duplicate module call "loadbalancer"'))
    assert "network.tf" in error.hint


def test_set_task_size_rewrites_cpu_and_memory(ws: Path) -> None:
    """Does the picker's function write a valid size into the learner's file?"""
    (ws / "task_definition.tf").write_text(
        sections.files_before("04_logging")["task_definition.tf"]
    )
    lab.set_task_size(1024, 2048)
    text = (ws / "task_definition.tf").read_text()
    assert (
        'cpu                      = "1024"' in text and 'memory                   = "2048"' in text
    )


def test_set_task_size_refuses_what_fargate_refuses(ws: Path) -> None:
    """Is 256/4096 refused with AWS's message, leaving the file alone?"""
    (ws / "task_definition.tf").write_text('cpu = "256"\nmemory = "512"\n')
    with pytest.raises(lab.EcslabError, match="No Fargate configuration exists"):
        lab.set_task_size(256, 4096)
    assert (ws / "task_definition.tf").read_text() == 'cpu = "256"\nmemory = "512"\n'


def test_todo_raises_with_the_hint() -> None:
    """Does lab.todo() (left by the release in Python exercises) stop with its hint?"""
    with pytest.raises(lab.ExerciseIncomplete) as caught:
        lab.todo("run aws ecs update-service")
    assert caught.value.hint == "run aws ecs update-service"


def test_prepare_status_of_a_dead_process_is_failed(ws: Path) -> None:
    """Is a 'running' prepare whose process is gone reported as failed?"""
    dead = prepare.PrepareStatus("running", "01_ecs_building_blocks", pid=2**22 + 12345)
    prepare._record(ws, dead)
    assert prepare.status(ws).state == "failed"


def test_background_prepare_holds_the_lock_from_the_start(ws: Path) -> None:
    """Does a plan started right after the background prepare wait for it (no race)?"""
    started = prepare.start("06_cleanup", ws)  # no prerequisites: the child only records
    assert started.state == "running"
    waits: list[float] = []
    with workspace.locked(ws, on_wait=waits.append):
        pass
    assert waits, "the lock was free right after start(): a plan could race the apply"
    assert prepare.wait(ws, timeout=60).state == "done"


def test_prepare_is_not_started_twice(ws: Path) -> None:
    """Does a second start while one runs return the running one instead of a new child?"""
    first = prepare.start("06_cleanup", ws)
    second = prepare.start("06_cleanup", ws)
    assert second.pid == first.pid
    prepare.wait(ws, timeout=60)


def test_section_prerequisites_name_every_module_written_before() -> None:
    """Does starting 9.4 on its own apply whole modules (e.g. nginx_sg with its rules)?

    `-target` takes what a target depends on, not what depends on it, so a module only
    reached as a dependency would come without its other resources.
    """
    applied = [item for item in sections.SECTIONS if item.prerequisites is not None]
    assert "04_logging" in [item.stem for item in applied]
    for item in applied:
        files = {**workspace.scaffolding(), **sections.files_before(item.stem)}
        declared = {f"module.{m}" for m in hclcompare_modules(files)}
        assert declared <= set(item.prerequisites or ()), item.stem


def hclcompare_modules(files: dict[str, str]) -> set[str]:
    found = hclcompare.read_files(files)
    return {header.split('"')[1] for header in found if header.startswith("module")}


# --- plan: the progress reporter is handed in ------------------------------------------------


class Recorder:
    """A reporter that keeps what it was told (lab.plan's caller hands it in)."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def step(self, text: str) -> None:
        self.said.append(f"step {text}")

    def feed(self, event: object) -> None:
        return None

    def waiting(self, seconds: float) -> None:
        return None

    def note(self, text: str) -> None:
        self.said.append(f"note {text}")

    def finish(self, headline: str) -> None:
        self.said.append(f"finish {headline}")

    def close(self) -> None:
        self.said.append("close")


def test_plan_reports_to_the_reporter_handed_in(ws: Path) -> None:
    """Does a real plan tell the caller's reporter its steps and Terraform's closing line?"""
    (ws / "versions.tf").write_text(workspace.scaffolding()["versions.tf"])
    recorder = Recorder()
    view = lab.plan(progress=recorder)
    assert view.headline() == "No changes. Your infrastructure matches the configuration."
    assert recorder.said == [
        "step terraform init",
        "step terraform plan",
        f"finish {view.headline()}",
        "close",
    ]


def test_failed_plan_closes_without_a_headline(ws: Path) -> None:
    """Does a plan Terraform refuses close the reporter with no closing line, and raise?"""
    (ws / "versions.tf").write_text(workspace.scaffolding()["versions.tf"])
    (ws / "cluster.tf").write_text('resource "aws_ecs_cluster" "example" {\n  name = \n')
    recorder = Recorder()
    with pytest.raises(EcslabError, match=r"Invalid expression\n\n  on cluster\.tf line 2"):
        lab.plan(progress=recorder)
    assert recorder.said[-1] == "close"
    assert not any(line.startswith("finish") for line in recorder.said)


def test_terminal_commands_are_the_books_for_this_workspace(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Are the terminal's commands the book's, for this workspace, with AWS mode's names?"""
    commands = lab.terminal_commands()
    assert repr(commands).splitlines()[0] == f"Workspace: {ws}"
    assert commands.line("terraform plan") == f"cd {ws} && terraform plan"
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    monkeypatch.setenv("ECSLAB_NAME_PREFIX", "ana")
    assert "aws logs filter-log-events --log-group-name /ecs/ana-example" in repr(
        lab.terminal_commands()
    )


def test_a_cell_still_holding_a_todo_offers_its_solution(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does `%%workspace_file service.tf` with a TODO left offer the (folded) solution,
    then stop with the exercise's hint?"""
    import IPython.display

    shown: list[object] = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    with pytest.raises(lab.ExerciseIncomplete, match=r"service\.tf is yours to write"):
        lab._workspace_file_magic("service.tf", "### TODO: listing 9.4\n")
    (offered,) = shown
    assert isinstance(offered, lab.solution.Solution) and offered.name == "service.tf"


# --- 日本語版 -----------------------------------------------------------------------------


def test_terraform_error_hint_speaks_japanese_and_terraform_stays_english() -> None:
    """In the Japanese edition, is our hint Japanese while Terraform's message is kept
    exactly as Terraform printed it?"""
    message = 'Error: Duplicate module call "loadbalancer"'
    with i18n.speaking("ja"):
        error = lab._with_hint(lab.TerraformError(message))
    assert str(error) == message
    assert error.hint == 'module "loadbalancer" はすでに network.tf にあります。'


def test_an_unknown_terraform_error_points_at_its_message_in_japanese() -> None:
    """Does an error with no hint of ours send the Japanese reader to Terraform's lines?"""
    with i18n.speaking("ja"):
        error = lab._with_hint(lab.TerraformError("Error: Something new"))
    assert error.hint == "上の Terraform のメッセージでファイル名と行番号を確認してください。"


def test_workspace_file_reports_in_japanese(ws: Path) -> None:
    """Does `%%workspace_file` say what it wrote in Japanese, and refuse a TODO in Japanese?"""
    with i18n.speaking("ja"):
        written = repr(lab.write_file("x.tf", 'resource "a" "b" {}\n'))
        with pytest.raises(lab.ExerciseIncomplete) as caught:
            lab.write_file("cluster.tf", "### TODO: listing 9.1\n")
    assert written == "ワークスペースに x.tf（1 行）を書き込みました。"
    assert str(caught.value).startswith("cluster.tf はあなたが書くファイルです。")
    assert caught.value.hint == "listing 9.1"


def test_the_book_commands_keep_their_words_in_japanese() -> None:
    """Are the terminal's commands unchanged in the Japanese edition, their notes Japanese?"""
    with i18n.speaking("ja"):
        text = repr(lab.terminal_commands())
    assert "terraform plan" in text and "# 何が変わるかを見る（本の plan）" in text
    assert "aws logs filter-log-events --log-group-name /ecs/example" in text


def test_the_setup_report_speaks_japanese() -> None:
    """Does the setup cell's report read Japanese, file names and paths unchanged?"""
    placed = workspace.Placed(kept=["service.tf"], backups={"cluster.tf": Path("/w/.bak")})
    report = lab.SetupReport(sections.section("03_web_server"), Path("/w"), ["a.tf"], placed, True)
    with i18n.speaking("ja"):
        lines = repr(report).splitlines()
    assert lines[0].startswith("9.3 ") and lines[0].endswith(": 準備ができました。")
    assert lines[1:3] == ["ワークスペース: /w", "前の節までのファイル: a.tf"]
    assert "あなたの service.tf はそのまま残しました。" in lines[4]
    assert lines[5] == "あなたの cluster.tf を置き換える前に /w/.bak へバックアップしました。"
    assert lines[6].startswith("ネットワークとロードバランサー（8章）: 作成済みか")


@pytest.mark.parametrize(
    ("aws_says", "names"),
    [
        ("InvalidParameterException: The specified platform does not exist.", "LATEST"),
        (
            "ClientException: Fargate requires task definition to have execution role ARN "
            "to support log driver awslogs.",
            "execution_role_arn",
        ),
    ],
)
def test_the_lessons_refusals_get_their_own_hint(aws_says: str, names: str) -> None:
    """Do AWS's two refusals that 9.3 and 9.4 provoke come with a hint that names the fix,
    with AWS's words kept as AWS wrote them?"""
    from ecslab.errors import TerraformError

    error = lab._with_hint(TerraformError(f"Error: creating ECS Service: {aws_says}"))
    assert aws_says in str(error) and names in error.hint
