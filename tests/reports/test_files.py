"""What -with-report, -with-timeline and -with-dag write, from a run and
from history (`ferry log RUN -with-report`), and how bad file names are refused."""
import re

from .conftest import many_tasks_pipeline, ok, refused


def without_creation_time(html):
    return re.sub(r'"created":\d+', '"created":0', html)


def test_wordcount_pages_describe_every_task(ws):
    ws.copy_example("wordcount")
    p = ok(ws.run("run", ".", "-with-report", "-with-timeline", "tl.html", "-with-dag", "dag.html"))
    run_name = re.search(r"\[(\w+)\]", p.stdout).group(1)
    # Without a file name the report is named after the run.
    assert f"report: report-{run_name}.html" in p.stdout
    html = ws.read(f"report-{run_name}.html")
    assert "default-src 'none'" in html and "src=" not in html and "href=" not in html
    data = ws.page_data(f"report-{run_name}.html")
    assert data["run"]["name"] == run_name and data["run"]["status"] == "OK"
    assert sorted(t[data["columns"].index("process")] for t in data["tasks"]) == [0, 0, 0, 1]
    assert data["names"] == ["count", "total"]
    mem = data["columns"].index("memory")
    assert all(t[mem] == 100 * 1024 * 1024 for t in data["tasks"] if t[2] == 0)  # count asks for 100 MB
    assert ws.page_data("tl.html")["tasks"] == data["tasks"]
    dag = ws.read("dag.html")
    assert "<svg" in dag and ">3 tasks</text>" in dag and ">count</text>" in dag


def test_report_from_history_is_the_report_made_during_the_run(ws):
    ws.write("pipeline.yml", many_tasks_pipeline(5))
    ok(ws.run("run", ".", "-with-report", "run.html", "-with-timeline", "run-tl.html"))
    p = ok(ws.run("log", "last", "-with-report", "log.html", "-with-timeline", "log-tl.html"))
    assert "report: log.html" in p.stdout and "timeline: log-tl.html" in p.stdout
    run_html, log_html = ws.read("run.html"), ws.read("log.html")
    assert run_html != log_html  # made at another time...
    assert without_creation_time(run_html) == without_creation_time(log_html)  # ...and nothing else differs
    assert without_creation_time(ws.read("run-tl.html")) == without_creation_time(ws.read("log-tl.html"))


def test_failed_task_shows_its_stderr(ws):
    ws.write("pipeline.yml", many_tasks_pipeline(2))
    ws.run("run", ".", "-with-report", "r.html")
    data = ws.page_data("r.html")
    cols = data["columns"]
    assert len(data["failures"]) == 1
    failed = data["tasks"][data["failures"][0]["row"]]
    assert failed[cols.index("name")] == "broken" and failed[cols.index("exit")] == 3
    assert "no such sample: S42" in data["failures"][0]["stderr"]
    assert [r["process"] for r in data["recommendations"]] == ["work", "gather", "broken"]


def test_dag_in_every_format_with_preview(ws):
    ws.copy_example("wordcount")
    for name in ("g.dot", "g.mmd", "g.svg", "g.html"):
        p = ok(ws.run("run", ".", "-preview", "-with-dag", name))
        assert f"task graph: {name}" in p.stdout
    assert not (ws.path / ".ferry" / "history.db").exists()  # -preview ran nothing
    dot = ws.read("g.dot")
    assert 'label="count\\n3 tasks"' in dot and "n0 -> n1" in dot and 'label="3"' in dot
    assert ws.read("g.mmd").startswith("flowchart TD\n") and "n0 -->|3| n1" in ws.read("g.mmd")
    svg = ws.read("g.svg")
    assert svg.startswith("<svg") and svg.count('class="node"') == 2 and svg.count('class="edge"') == 1


def test_bad_output_files_are_refused_before_anything_runs(ws):
    ws.copy_example("wordcount")
    p = refused(ws.run("run", ".", "-with-dag", "graph.png"))
    assert ".html, .svg, .dot or .mmd" in p.stderr
    p = refused(ws.run("run", ".", "-with-report", "no/such/dir/r.html"))
    assert "no/such/dir" in p.stderr and "does not exist" in p.stderr
    (ws.path / "out.html").mkdir()
    p = refused(ws.run("run", ".", "-with-dag", "out.html"))
    assert "is a directory" in p.stderr
    assert not (ws.path / ".ferry" / "history.db").exists()
    p = refused(ws.run("log", "-with-report", "r.html"))
    assert "need the run" in p.stderr
    ok(ws.run("run", "."))
    p = refused(ws.run("log", "nosuchrun", "-with-report", "r.html"))
    assert not (ws.path / "r.html").exists()
