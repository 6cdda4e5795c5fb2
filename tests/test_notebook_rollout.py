"""ecslab.notebook.rollout: its reading of what it saw (on data), and a watch of a real rollout."""

from __future__ import annotations

from typing import Any

import pytest

from ecslab import i18n
from ecslab.notebook import quiz, rollout
from ecslab.notebook.rollout import Sample, Second


def test_phases_show_both_revisions_while_they_interleave() -> None:
    """Do requests served a, a, b, a, b, b read as: a only, both, b only?"""
    assert rollout.phases(["a", "a", "b", "a", "b", "b"]) == [("a",), ("a", "b"), ("b",)]


def test_phases_of_an_instant_switch_have_no_overlap() -> None:
    """When the last request of a comes before the first of b, is no 'both' phase shown?"""
    assert rollout.phases(["a", "a", "b", "b"]) == [("a",), ("b",)]


def test_served_by_reads_the_task_from_the_stream_of_the_access_log_line() -> None:
    """Is each marked request found in the stream (task) that logged it, other runs ignored?"""
    line = '10.0.1.63 - - [..] "GET / HTTP/1.1" 200 615 "-" "{ua}" "-"'
    events = [
        {"logStreamName": "nginx/example/aaa", "message": line.format(ua="ecslab-rollout/r1/7")},
        {"logStreamName": "nginx/example/bbb", "message": line.format(ua="ecslab-rollout/r1/8")},
        {"logStreamName": "nginx/example/ccc", "message": line.format(ua="ecslab-rollout/r2/9")},
        {"logStreamName": "nginx/example/ddd", "message": "ELB-HealthChecker/2.0"},
    ]
    assert rollout.served_by(events, "r1") == {7: "aaa", 8: "bbb"}


def test_seconds_count_per_revision_failures_and_not_yet_logged() -> None:
    """Are requests counted by second: per revision, failed, and answered but not found?"""
    samples = [Sample(0, 0.1, 200), Sample(1, 0.5, 200), Sample(2, 1.2, 503), Sample(3, 1.4, 200)]
    found = rollout.seconds(samples, {0: "example:1", 1: "example:2"})
    assert found == [
        Second(0, {"example:1": 1, "example:2": 1}, 0, 0),
        Second(1, {}, 1, 1),
    ]


def test_report_of_a_rollout_with_an_overlap() -> None:
    """Does the report give the phases, no failure, the switch and the drain as times?"""
    samples = [Sample(i, i * 0.5, 200) for i in range(6)]
    served = dict(enumerate(["example:1", "example:1", "example:2", "example:1", "example:2"]))
    found = rollout.report(samples[:5], served, completed_at=31.0, drain=300)
    assert found.phases == [("example:1",), ("example:1", "example:2"), ("example:2",)]
    assert (found.failed, found.switch, found.completed) == ((), 0.5, 30.0)
    text = repr(found)
    assert "none failed" in text and "2. example:1 and example:2 (both serving)" in text
    assert "the switch took 0.5 s" in text and "deregistration_delay 300 s" in text


def test_report_counts_failed_requests() -> None:
    """Are requests without an answer or with an error counted as failed, and named?"""
    samples = [Sample(0, 0.0, 200), Sample(1, 0.2, 0), Sample(2, 0.3, 502)]
    found = rollout.report(samples, {0: "example:1"}, completed_at=1.0, drain=300)
    assert found.failed == (0, 502)
    assert "2 requests failed: no answer, HTTP 502." in repr(found)


def test_table_shows_a_column_per_revision() -> None:
    """Does the live table name each revision seen and the failures of each second?"""
    html = rollout.table_html([Second(0, {"example:2": 3}, 1, 0)])
    assert "<th>example:2</th>" in html and "███ 3" in html and "<td>1</td>" in html


@pytest.mark.parametrize("section", ["9.4", "further"])
def test_every_question_has_one_right_choice_and_says_why(section: str) -> None:
    """Does each question of 9.4 and going further have one right choice, and a why for all?"""
    found = [*quiz.questions(section), *quiz.questions(section, "predict")]
    assert found
    for question in found:
        assert sum(c.correct for c in question.choices) == 1, question.id
        assert all(c.why for c in question.choices), question.id


# --- against the applied chapter ---------------------------------------------------------


@pytest.mark.integration
def test_marked_requests_are_found_in_the_tasks_access_logs(applied_chapter: Any) -> None:
    """Are requests sent to /?mark found by a filter pattern, each in a running task's stream?"""
    sent = rollout.send_marked("from=rollout-test")
    assert sent.statuses == (200, 200, 200) and sent.logged == 3, repr(sent)
    found = rollout.matching('"from=rollout-test"')
    tasks = {event["logStreamName"].rsplit("/", 1)[-1] for event in found}
    assert len(found) == 3 and tasks <= set(rollout.running_tasks())


@pytest.mark.integration
def test_a_forced_deployment_is_watched_until_the_old_tasks_stopped(
    applied_chapter: Any, aws_client: Any
) -> None:
    """During a forced deployment, does every request get an answer, served first by the
    old tasks then by new ones, and does the watch end once the old tasks have stopped?"""
    watch = rollout.Rollout()
    aws_client("ecs").update_service(cluster="example", service="example", forceNewDeployment=True)
    found = watch.wait()
    assert not found.failed and found.phases == [("example:1",)], repr(found)
    served = set(watch.served.values())
    assert served & set(watch.old_tasks) and served - set(watch.old_tasks)
    assert rollout.stopped(watch.old_tasks)


def test_report_and_table_speak_japanese() -> None:
    """In the Japanese edition, do the report and the live table speak Japanese, with the
    revisions, HTTP codes and deregistration_delay as they are?"""
    samples = [Sample(0, 0.0, 200), Sample(1, 0.2, 0), Sample(2, 0.3, 502), Sample(3, 0.4, 200)]
    served = {0: "example:1", 3: "example:2"}
    with i18n.speaking("ja"):
        text = repr(rollout.report(samples, served, completed_at=1.0, drain=300))
        html = rollout.table_html([Second(0, {"example:2": 3}, 1, 0)])
    assert "2 件のリクエストが失敗しました: 応答なし, HTTP 502。" in text
    assert "  1. example:1 のみ" in text and "deregistration_delay は 300 秒" in text
    assert "<th>時間</th><th>example:2</th><th>失敗</th><th>ログ未着</th>" in html
