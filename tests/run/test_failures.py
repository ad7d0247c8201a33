"""Failure reports, each errorStrategy, and Ctrl-C followed by -resume."""
import os
import signal
import time

from .conftest import ok, statuses

FAN = """
params:
  strategy: terminate
  slow: "0.2"
tasks:
  work:
    for_each: "{{ range(0, 3) }}"
    errorStrategy: "{{ params.strategy }}"
    output:
      out: "out{{ item }}.txt"
    script: |
      if [ {{ item }} -eq 0 ]; then
        echo "line one of the complaint" >&2
        echo "reading input.dat: no such thing" >&2
        exit 7
      fi
      sleep {{ params.slow }}
      echo done > {{ output.out }}
  after:
    input:
      all: "{{ work.output.out }}"
    output:
      sum: sum.txt
    script: cat {{ input.all }} > {{ output.sum }}
"""


def test_failure_report_names_task_exit_command_stderr_workdir(ws):
    ws.write("pipeline.yml", FAN)
    p = ws.run("run", ".", "-ansi-log", "false", "-with-trace", "trace.tsv")
    assert p.returncode == 1
    out = p.stdout + p.stderr
    assert "task 'work (1)' failed: exit status 7" in out
    assert "reading input.dat: no such thing" in out
    assert "exit 7" in out  # the command
    failed = next(r for r in ws.trace() if r["status"] == "FAILED")
    assert failed["workdir"] in out
    assert failed["exit"] == "7"


def test_terminate_aborts_running_tasks(ws):
    ws.write("ferry.config", "executor.cpus = 4\n")  # all three start at once
    ws.write("pipeline.yml", FAN)
    start = time.time()
    p = ws.run("run", ".", "--slow", "30", "-with-trace", "trace.tsv")
    assert p.returncode == 1
    assert time.time() - start < 20
    st = statuses(ws.trace())
    assert st.count("FAILED") == 1 and st.count("ABORTED") == 2
    assert "after" not in {r["name"] for r in ws.trace()}
    # Every work dir left behind belongs to a task the trace records.
    recorded = {r["workdir"] for r in ws.trace()}
    left = {str(p.parent) for p in (ws.path / "work").rglob(".command.run")}
    assert left <= recorded


def test_finish_lets_running_tasks_end(ws):
    ws.write("ferry.config", "executor.cpus = 4\n")
    ws.write("pipeline.yml", FAN)
    p = ws.run("run", ".", "--strategy", "finish", "--slow", "1", "-with-trace", "trace.tsv")
    assert p.returncode == 1
    st = {r["name"]: r["status"] for r in ws.trace()}
    assert st == {"work (1)": "FAILED", "work (2)": "COMPLETED", "work (3)": "COMPLETED"}


def test_ignore_continues_and_the_gather_runs_on_what_succeeded(ws):
    ws.write("pipeline.yml", FAN)
    p = ok(ws.run("run", ".", "--strategy", "ignore", "-with-trace", "trace.tsv"))
    rows = {r["name"]: r for r in ws.trace()}
    st = {n: r["status"] for n, r in rows.items()}
    assert st == {"work (1)": "FAILED", "work (2)": "COMPLETED", "work (3)": "COMPLETED", "after": "COMPLETED"}
    assert (ws.path / rows["after"]["workdir"] / "sum.txt").read_text() == "done\ndone\n"
    assert "1 skipped" not in p.stdout and "(1 ignored)" in p.stdout


def test_ignored_failure_prints_one_short_line_not_an_error_report(ws):
    ws.write("pipeline.yml", FAN)
    p = ok(ws.run("run", ".", "--strategy", "ignore", "-ansi-log", "false", "-with-trace", "trace.tsv"))
    out = p.stdout + p.stderr
    failed = next(r for r in ws.trace() if r["status"] == "FAILED")
    # Besides its progress line ("[01/591be3] Failed ..."), one line about it.
    lines = [l for l in out.splitlines() if "work (1)" in l and not l.startswith("[")]
    assert len(lines) == 1, out
    assert "ignore" in lines[0], lines[0]
    # Which task, how it ended, that it is ignored, and where to look.
    assert "exit status 7" in lines[0] and failed["workdir"] in lines[0], lines[0]
    assert "ERROR" not in out
    assert "reading input.dat" not in out  # no stderr tail, no command listing


def _wait_for(path, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_aborts_then_resume_continues(ws):
    marks = ws.path / "marks"
    marks.mkdir()
    ws.write("pipeline.yml", f"""
tasks:
  quick:
    for_each: "{{{{ range(0, 2) }}}}"
    output:
      o: "q{{{{ item }}}}.txt"
    script: echo quick > {{{{ output.o }}}}
  slow:
    for_each: "{{{{ range(0, 2) }}}}"
    input:
      q: "{{{{ quick.output.o }}}}"
    output:
      o: "s{{{{ item }}}}.txt"
    script: |
      echo $$ > {marks}/pid{{{{ item }}}}
      if [ -e {marks}/hold ]; then sleep 60; fi
      echo slow > {{{{ output.o }}}}
""")
    (marks / "hold").write_text("")
    proc = ws.popen("run", ".", "-with-trace", "trace1.tsv")
    assert _wait_for(marks / "pid0") and _wait_for(marks / "pid1")
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert "-resume" in err
    rows = {r["name"]: r["status"] for r in ws.trace("trace1.tsv")}
    assert rows == {"quick (1)": "COMPLETED", "quick (2)": "COMPLETED",
                    "slow (1)": "ABORTED", "slow (2)": "ABORTED"}
    # The task processes are gone.
    for i in range(2):
        pid = int((marks / f"pid{i}").read_text())
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert not alive, f"task process {pid} survived Ctrl-C"
    log = ok(ws.run("log", "last"))
    assert log.stdout.count("ABORTED") == 2
    (marks / "hold").unlink()
    ok(ws.run("run", ".", "-resume", "-with-trace", "trace2.tsv"))
    rows = {r["name"]: r["status"] for r in ws.trace("trace2.tsv")}
    assert rows == {"quick (1)": "CACHED", "quick (2)": "CACHED",
                    "slow (1)": "COMPLETED", "slow (2)": "COMPLETED"}


def test_stopped_run_leaves_no_unrecorded_work_dirs(ws):
    # One cpu: while the first task runs, the next one's work dir is prepared
    # ahead; the first fails, the run stops, and that dir must not be left
    # behind unrecorded (ferry clean could never remove it).
    ws.write("ferry.config", "executor.cpus = 1\n")
    ws.write("pipeline.yml", """
tasks:
  work:
    for_each: "{{ range(0, 4) }}"
    script: |
      sleep 0.3
      exit {{ item }}
""")
    p = ws.run("run", ".", "-with-trace", "trace.tsv")
    assert p.returncode == 1
    recorded = {r["workdir"] for r in ws.trace()}
    left = {str(d.parent) for d in (ws.path / "work").rglob(".command.run")}
    assert left and left <= recorded, (left, recorded)


def _alive(pid):
    """True unless the process is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_ctrl_c_stops_forked_tasks_their_children_and_launchers(ws):
    # Scripts without $$ are forked by ferry's long-lived launcher bashes
    # (zygotes) rather than started as a bash of their own: Ctrl-C must still
    # stop each task with everything it started, and leave no launcher behind.
    marks = ws.path / "marks"
    marks.mkdir()
    ws.write("pipeline.yml", f"""
tasks:
  slow:
    for_each: "{{{{ range(0, 2) }}}}"
    output:
      o: "s{{{{ item }}}}.txt"
    script: |
      sleep 60 &
      echo $! > {marks}/child{{{{ item }}}}
      read -r _ _ _ ppid _ < /proc/$BASHPID/stat
      echo "$BASHPID $ppid" > {marks}/pid{{{{ item }}}}
      wait
      touch {{{{ output.o }}}}
""")
    proc = ws.popen("run", ".", "-with-trace", "trace.tsv")
    assert _wait_for(marks / "pid0") and _wait_for(marks / "pid1")
    time.sleep(0.2)
    procs = []
    for i in range(2):
        task, launcher = (int(x) for x in (marks / f"pid{i}").read_text().split())
        assert launcher != proc.pid  # forked by a launcher, not started by ferry
        procs += [task, launcher, int((marks / f"child{i}").read_text())]
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert statuses(ws.trace("trace.tsv")) == ["ABORTED", "ABORTED"]
    deadline = time.time() + 5
    while time.time() < deadline and any(_alive(p) for p in procs):
        time.sleep(0.05)
    assert not [p for p in procs if _alive(p)], "processes survived Ctrl-C"
