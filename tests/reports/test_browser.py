"""The pages in Debian's headless chromium, opened from file:// with every
network request refused: no console error, no request, one table row and one
timeline bar per task, plot marks for every task name, sorting by memory,
filtering; screenshots go to artifacts/ (docs/reports.md shows them)."""
import re

from .conftest import check_pages, many_tasks_pipeline, ok


def assert_sorted(view, column):
    """The table's order sorted by `column`: up, then down; unknown (-1) last both ways."""
    values = {int(k): v for k, v in view["values"][column].items()}
    for direction, sign in (("up", 1), ("down", -1)):
        shown = [values[i] for i in view["sorted"][column][direction]]
        known = [v for v in shown if v >= 0]
        assert shown == known + [-1] * (len(shown) - len(known)), f"{column} {direction}: unknown not last"
        assert known == sorted(known, key=lambda v: sign * v), f"{column} {direction}: not in order"


def check_run_pages(ws, n_tasks, names, shot_prefix):
    report, timeline, dag = check_pages((ws.path / "report.html", f"report-{shot_prefix}.png"),
                                        (ws.path / "timeline.html", f"timeline-{shot_prefix}.png"),
                                        (ws.path / "dag.html", f"dag-{shot_prefix}.png"))
    assert report["console_errors"] == [] and report["requests"] == []
    assert report["rows"] == n_tasks and len(set(report["row_ids"])) == n_tasks
    assert len(report["marks"]) == 6 and all(m == names for m in report["marks"])
    assert_sorted(report, "memory")
    assert_sorted(report, "peak_rss")
    assert timeline["console_errors"] == [] and timeline["requests"] == []
    assert timeline["bars"] == n_tasks and timeline["bar_names"] == names
    assert dag["console_errors"] == [] and dag["requests"] == []
    assert dag["dag_nodes"] == len(names)
    return report, timeline


def test_wordcount_pages_in_chromium(ws):
    ws.copy_example("wordcount")
    ok(ws.run("run", ".", "-with-report", "report.html", "-with-timeline", "timeline.html", "-with-dag", "dag.html"))
    check_run_pages(ws, 4, ["count", "total"], "wordcount")
    # Run again: every task is cached, and the timeline marks them.
    ok(ws.run("run", ".", "-resume", "-with-timeline", "timeline.html"))
    [timeline] = check_pages((ws.path / "timeline.html", "timeline-wordcount-cached.png"))
    assert timeline["bars"] == 4 and timeline["cached_marks"] == 4


def test_thousand_task_pages_in_chromium(ws):
    ws.write("pipeline.yml", many_tasks_pipeline(1000))
    p = ws.run("run", ".", "-with-report", "report.html", "-with-timeline", "timeline.html", "-with-dag", "dag.html")
    assert p.returncode in (0, 1), p.stderr
    report, _ = check_run_pages(ws, 1002, ["work", "gather", "broken"], "thousand")
    assert report["filtered_rows"] == 1  # filtering on "failed" leaves the broken task
    # The suggested ferry.config block: for the names whose usage was measured.
    if any(v >= 0 for v in report["values"]["peak_rss"].values()):
        assert re.search(r"withName: 'work' \{\n\s+memory = '\d+ MB'", report["config"]), report["config"]
    else:
        assert "nothing measured" in report["config"]
