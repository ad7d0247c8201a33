"""One `ferry run` per launch directory: a second run (or `ferry clean`) in
the directory of a run still going is refused at once, naming the first; a
run killed with SIGKILL leaves nothing behind that stops its -resume."""
import os
import re
import signal
import time

from .conftest import ok, refused

# `hold` blocks until the test removes {marks}/hold; it writes its pid so the
# test knows it started (and can end it).
HELD = """
tasks:
  quick:
    output:
      o: quick.txt
    script: echo quick > {{{{ output.o }}}}
  hold:
    input:
      q: "{{{{ quick.output.o }}}}"
    output:
      o: held.txt
    script: |
      echo $$ > {marks}/pid
      while [ -e {marks}/hold ]; do sleep 0.05; done
      echo held > {{{{ output.o }}}}
"""

# The race: `ferry run . & sleep 1; ferry run . -resume`. Without the
# lock the second run wrote into the first one's `nums` work dir (one hash, one
# dir) and the total it recorded, doubled, came back CACHED ever after.
RACE = """
tasks:
  nums:
    output:
      n: nums.txt
    script: |
      for i in 1 2 3 4 5; do echo $i >> {{ output.n }}; sleep 0.4; done
  total:
    input:
      all: "{{ nums.output.n }}"
    output:
      sum: total.txt
    publish: results
    script: awk '{s+=$1} END {print s}' {{ input.all }} > {{ output.sum }}
"""


def _wait_for(path, timeout=60):
    deadline = time.time() + timeout
    while not path.exists():
        if time.time() > deadline:
            return False
        time.sleep(0.05)
    return True


def _held_pipeline(ws):
    marks = ws.path / "marks"
    marks.mkdir()
    (marks / "hold").write_text("")
    ws.write("pipeline.yml", HELD.format(marks=marks))
    return marks


def _run_names(ws):
    return [l.split()[0] for l in ok(ws.run("log")).stdout.splitlines()[1:] if l.strip()]


def test_second_runs_are_refused_at_once_naming_the_first(ws):
    marks = _held_pipeline(ws)
    first = ws.popen("run", ".", "-ansi-log", "false")
    try:
        assert _wait_for(marks / "pid")
        # ferry log only reads: it works while the run goes on.
        names = _run_names(ws)
        assert len(names) == 1
        name = names[0]
        assert "RUNNING" in ok(ws.run("log")).stdout
        message = re.compile(
            rf"another ferry run is running in {re.escape(str(ws.path))}: run {name}, pid {first.pid}, "
            rf"started \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d; wait for it or stop it \(kill {first.pid}\)")
        for attempt in range(10):
            start = time.time()
            p = refused(ws.run("run", ".", *(["-resume"] if attempt % 2 else [])))
            assert time.time() - start < 5, "the second run waited instead of failing at once"
            assert message.search(p.stderr), p.stderr
            assert "Submitted" not in p.stdout and "submitted" not in p.stdout
        # ferry clean would remove work dirs the run uses: refused too.
        p = refused(ws.run("clean", "-f", name))
        assert message.search(p.stderr), p.stderr
        assert any((ws.path / "work").rglob("quick.txt"))
        assert "would remove" in ok(ws.run("clean", "-n", name)).stdout  # only lists: no lock
        # The refused runs left no record.
        assert _run_names(ws) == [name]
        assert first.poll() is None, "the first run was disturbed"
    finally:
        (marks / "hold").unlink()
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert "2 completed, 0 cached, 0 failed" in out
    # Once it has ended the directory is free again.
    p = ok(ws.run("run", ".", "-resume"))
    assert "0 completed, 2 cached" in p.stdout
    ok(ws.run("clean", "-f", name))


def test_run_then_resume_race_keeps_the_right_total(ws):
    ws.write("pipeline.yml", RACE)
    first = ws.popen("run", ".")
    time.sleep(1)
    second = ws.run("run", ".", "-resume")
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    refused(second)
    assert "another ferry run is running in" in second.stderr
    assert ws.read("results/total.txt").strip() == "15"
    # What history recorded is right too: a later -resume reuses it.
    p = ok(ws.run("run", ".", "-resume"))
    assert "0 completed, 2 cached" in p.stdout
    assert ws.read("results/total.txt").strip() == "15"
    nums = [f for f in (ws.path / "work").rglob("nums.txt") if not f.is_symlink()]  # not total's staged link
    assert len(nums) == 1 and nums[0].read_text().split() == ["1", "2", "3", "4", "5"]


def test_resume_after_sigkill_takes_the_directory_over(ws):
    marks = _held_pipeline(ws)
    first = ws.popen("run", ".")
    assert _wait_for(marks / "pid")
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    # The task it left running (ending survivors is not this test's matter):
    # stopped here so it cannot write into the work dir the resume uses.
    try:
        os.kill(int((marks / "pid").read_text()), signal.SIGKILL)
    except ProcessLookupError:
        pass
    (marks / "hold").unlink()
    start = time.time()
    p = ok(ws.run("run", ".", "-resume"))
    assert time.time() - start < 30
    # (quick is CACHED only if the killed run had written its record yet.)
    assert re.search(r"ferry: (1 completed, 1 cached|2 completed, 0 cached), 0 failed", p.stdout), p.stdout
    assert any((ws.path / "work").rglob("held.txt"))
    assert len(_run_names(ws)) == 2
