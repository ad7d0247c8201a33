"""Every example runs, is fully cached on -resume, and re-runs exactly the
tasks downstream of a touched input."""
import os
import time

from .conftest import ok, statuses


def touch_later(path):
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_wordcount_fan_out_and_gather(ws):
    ws.copy_example("wordcount")
    p = ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    assert ws.read("results/total.txt").strip() == "26"
    rows = ws.trace()
    assert statuses(rows) == ["COMPLETED"] * 4
    assert {r["name"] for r in rows} == {"count (1)", "count (2)", "count (3)", "total"}
    # The gather task ran after every count task completed.
    total = next(r for r in rows if r["name"] == "total")
    assert all(r["complete"] <= total["start"] for r in rows if r["name"].startswith("count"))
    assert "4 completed, 0 cached, 0 failed" in p.stdout


def test_wordcount_resume_runs_nothing(ws):
    ws.copy_example("wordcount")
    ok(ws.run("run", "."))
    p = ok(ws.run("run", ".", "-resume", "-with-trace", "trace.tsv"))
    assert statuses(ws.trace()) == ["CACHED"] * 4
    assert "0 completed, 4 cached" in p.stdout
    assert ws.read("results/total.txt").strip() == "26"


def test_touching_one_input_reruns_only_downstream(ws):
    ws.copy_example("wordcount")
    ok(ws.run("run", "."))
    touch_later(ws.path / "data" / "beta.txt")
    ok(ws.run("run", ".", "-resume", "-with-trace", "trace.tsv"))
    rows = {r["name"]: r["status"] for r in ws.trace()}
    completed = sorted(n for n, s in rows.items() if s == "COMPLETED")
    cached = sorted(n for n, s in rows.items() if s == "CACHED")
    assert len(completed) == 2 and "total" in completed, rows
    assert len(cached) == 2, rows
    # The re-run count task is the one reading beta.txt.
    rerun = next(n for n in completed if n != "total")
    trace = {r["name"]: r for r in ws.trace()}
    assert "beta.txt" in os.listdir(trace[rerun]["workdir"])


def test_param_override_on_command_line(ws):
    ws.copy_example("wordcount")
    ok(ws.run("run", ".", "--samples", "data/a*.txt"))
    assert ws.read("results/total.txt").strip() == "9"


def test_params_file(ws):
    ws.copy_example("wordcount")
    ws.write("p.yml", "samples: data/g*.txt\noutdir: out2\n")
    ok(ws.run("run", ".", "-params-file", "p.yml"))
    assert ws.read("out2/total.txt").strip() == "5"
    # --name beats -params-file
    ok(ws.run("run", ".", "-params-file", "p.yml", "--outdir", "out3"))
    assert ws.read("out3/total.txt").strip() == "5"


def test_samplesheet_csv_rows(ws):
    ws.copy_example("samplesheet")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    table = ws.read("results/summary.tsv").splitlines()
    assert table[0] == "sample\tcondition\tlines"
    assert sorted(table[1:]) == ["ctrl_1\tcontrol\t3", "ctrl_2\tcontrol\t2", "heat_1\theat, 42C\t5"]
    assert ws.read("results/heat_1.stats.txt") == "heat_1\theat, 42C\t5\n"
    ok(ws.run("run", ".", "-resume", "-with-trace", "trace.tsv"))
    assert statuses(ws.trace()) == ["CACHED"] * 4


def test_chain_one_to_one(ws):
    ws.copy_example("chain")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    assert ws.read("results/first.clean.upper.chars").strip() == "28"
    assert ws.read("results/second.clean.upper.chars").strip() == "17"
    rows = ws.trace()
    assert len(rows) == 6
    # Each upper task depends on exactly one clean task: its only input is
    # that task's output.
    for r in rows:
        if r["name"].startswith("upper"):
            staged = [f for f in os.listdir(r["workdir"]) if not f.startswith(".")]
            assert len(staged) == 2  # one input link + its own output
    touch_later(ws.path / "data" / "second.txt")
    ok(ws.run("run", ".", "-resume", "-with-trace", "trace.tsv"))
    assert statuses(ws.trace()) == ["CACHED"] * 3 + ["COMPLETED"] * 3


def test_configured_selectors_and_profile(ws):
    ws.copy_example("configured")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    report = ws.read("results/report.txt")
    assert "chunk 1 cpus=2 memory=300 MB mode=standard" in report
    assert "chunk 3 cpus=2 memory=300 MB mode=standard" in report
    idx = next(r for r in ws.trace() if r["name"] == "index")
    assert "cpus=1 memory=100 MB" in open(os.path.join(idx["workdir"], "genome.idx")).read()
    ok(ws.run("run", ".", "-profile", "big"))
    report = ws.read("results/report.txt")
    assert "chunk 2 cpus=2 memory=500 MB mode=big" in report


def test_config_show_resolves_profile(ws):
    ws.copy_example("configured")
    p = ok(ws.run("config", "show", ".", "-profile", "big"))
    assert "500 MB" in p.stdout and "FERRY_MODE" in p.stdout and "big" in p.stdout


def test_preview_expands_without_running(ws):
    ws.copy_example("wordcount")
    p = ok(ws.run("run", ".", "-preview"))
    assert "4 task(s) planned" in p.stdout
    assert not (ws.path / "work").exists()
    assert not (ws.path / "results").exists()


import pytest


@pytest.mark.parametrize("example", ["wordcount", "samplesheet", "chain", "configured"])
def test_every_example_resumes_with_zero_tasks(ws, example):
    ws.copy_example(example)
    first = ok(ws.run("run", ".", "-with-trace", "t1.tsv"))
    rows = ws.trace("t1.tsv")
    assert rows and statuses(rows) == ["COMPLETED"] * len(rows), first.stdout
    ok(ws.run("run", ".", "-resume", "-with-trace", "t2.tsv"))
    assert statuses(ws.trace("t2.tsv")) == ["CACHED"] * len(rows)
