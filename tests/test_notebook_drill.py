"""Does the drill's report count the failed requests and say its time in AWS time?"""

from __future__ import annotations

from collections import Counter

from ecslab import i18n
from ecslab.notebook.checks import Result
from ecslab.notebook.drill import DrillReport

STEADY = Result("service", True, "Service 'example' is steady: 1 tasks running, all healthy")


def _report(answers: dict[int, int], scale: float = 10.0) -> DrillReport:
    return DrillReport("a" * 32, "b" * 32, Counter(answers), STEADY, 1.8, scale)


def test_failed_requests_are_counted_by_status() -> None:
    """With one task, are the 503s and the requests without an answer counted as failed?"""
    report = _report({200: 30, 503: 8, 0: 2})
    assert (report.failed, report.total, report.all_answered) == (10, 40, False)
    assert (
        "The load balancer failed 10 of 40 requests (no answer ×2, HTTP 503 ×8); "
        "nginx's page answered the rest." in repr(report)
    )


def test_no_failure_says_none_failed() -> None:
    """With two tasks, does the report say every request got nginx's page?"""
    report = _report({200: 37})
    assert report.all_answered
    assert "answered all 37 requests with nginx's page (HTTP 200): none failed." in repr(report)


def test_the_time_is_also_given_in_aws_time() -> None:
    """Does a local drill say how long the same replacement would take on AWS?"""
    shown = repr(_report({200: 1}, scale=10))
    assert "took 1.8 s until the service was steady again, here, where time runs 10 times " in (
        shown
    )
    assert "(about 18 s on AWS)" in shown
    assert "on AWS" not in repr(_report({200: 1}, scale=1))


def test_the_report_speaks_japanese() -> None:
    """In the Japanese edition, does the report say the failures and the AWS time in
    Japanese, with the HTTP codes as they are?"""
    with i18n.speaking("ja"):
        shown = repr(_report({200: 30, 503: 8, 0: 2}, scale=10))
    assert "タスク aaaaaaaa" in shown and "（クラッシュを模した停止です）" in shown
    assert (
        "ロードバランサーは 40 件中 10 件のリクエストに失敗しました（応答なし ×2, HTTP 503 ×8）。"
        in shown
    )
    assert "AWS では約 18 秒です。" in shown


def test_no_replacement_is_said_as_none() -> None:
    """When no replacement started, does the report say (none), in either language?"""
    report = DrillReport("a" * 32, "", Counter({200: 1}), STEADY, 1.8, 1.0)
    assert "started task (none) to replace it" in repr(report)
    with i18n.speaking("ja"):
        assert "代わりのタスク （なし） を起動しました" in repr(report)
