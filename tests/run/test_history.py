"""`ferry log`, `ferry clean`, the trace file, and the progress display."""
import os
import subprocess

from .conftest import FERRY, ok


TRACE_COLUMNS = ["task_id", "hash", "native_id", "name", "status", "exit", "executor", "cpus", "memory",
                 "submit", "start", "complete", "duration", "realtime", "workdir"]


def test_trace_has_the_documented_columns(ws):
    ws.copy_example("wordcount")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    header = ws.read("trace.tsv").splitlines()[0].split("\t")
    for col in TRACE_COLUMNS:
        assert col in header
    for r in ws.trace():
        assert r["status"] == "COMPLETED" and r["exit"] == "0" and os.path.isdir(r["workdir"])
        assert r["native_id"].isdigit()  # the local pid
        assert len(r["hash"]) >= 8


def test_log_lists_runs_and_tasks(ws):
    ws.copy_example("wordcount")
    ok(ws.run("run", "."))
    ok(ws.run("run", ".", "-resume"))
    p = ok(ws.run("log"))
    lines = [l for l in p.stdout.splitlines()[1:] if l.strip()]
    assert len(lines) == 2
    name = lines[0].split()[0]
    p = ok(ws.run("log", name))
    assert p.stdout.count("COMPLETED") == 4
    assert "total" in p.stdout and str(ws.path / "work") in p.stdout
    p = ws.run("log", name + "x")
    assert p.returncode == 2 and "did you mean" in p.stderr


def test_clean_removes_work_dirs_of_named_run(ws):
    ws.copy_example("wordcount")
    ok(ws.run("run", "."))
    name = ok(ws.run("log")).stdout.splitlines()[1].split()[0]
    p = ok(ws.run("clean", "-n", name))
    assert p.stdout.count("would remove") >= 4
    assert any((ws.path / "work").rglob(".command.sh"))
    ok(ws.run("clean", "-f", name))
    assert not any((ws.path / "work").rglob(".command.sh"))
    assert name not in ok(ws.run("log")).stdout
    # a run that reused the dirs from cache keeps them
    ok(ws.run("run", "."))
    ok(ws.run("run", ".", "-resume"))
    first = ok(ws.run("log")).stdout.splitlines()[1].split()[0]
    ok(ws.run("clean", "-f", first))
    assert any((ws.path / "work").rglob(".command.sh"))


def test_plain_progress_lines(ws):
    ws.copy_example("wordcount")
    p = ok(ws.run("run", ".", "-ansi-log", "false"))
    assert "\x1b[" not in p.stdout
    assert p.stdout.count("Submitted") == 4 or p.stdout.count("submitted") == 4
    assert "4 completed, 0 cached, 0 failed" in p.stdout


def test_ansi_progress_on_a_terminal(ws):
    ws.copy_example("wordcount")
    # `script` gives ferry a pseudo-terminal, as a user's shell would.
    cmd = f"cd {ws.path} && {FERRY} run ."
    p = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=120,
                       env=ws.env({"TERM": "xterm"}))
    assert p.returncode == 0, p.stdout
    assert "\x1b[" in p.stdout
    assert "3 of 3" in p.stdout and "1 of 1" in p.stdout
    assert "4 completed" in p.stdout
