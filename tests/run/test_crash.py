"""ferry SIGKILLed during a local run (issue 13): its tasks die with it, the
run shows DIED in `ferry log`, and -resume re-runs nothing that had
completed. The pipeline has many short tasks and a few long ones whose
script starts a grandchild; every task process carries a marker in its
environment, which is how the test finds them in /proc."""
import os
import random
import signal
import sqlite3
import time
import uuid

from .conftest import ok

SHORT, LONG = 60, 3


def write_pipeline(ws, marker, long_s=2.5):
    ws.write("pipeline.yml", f"""tasks:
  long:
    for_each: "{{{{ range(0, {LONG}) }}}}"
    output:
      o: "l{{{{ item }}}}.txt"
    script: |
      ( sleep {long_s}; echo {{{{ item }}}} > {{{{ output.o }}}} ) &
      wait
  short:
    for_each: "{{{{ range(0, {SHORT}) }}}}"
    output:
      o: "s{{{{ item }}}}.txt"
    script: |
      sleep 0.0$(( {{{{ item }}}} % 7 ))
      echo {{{{ item }}}} > {{{{ output.o }}}}
  gather:
    input:
      s: "{{{{ short.output.o }}}}"
      l: "{{{{ long.output.o }}}}"
    output:
      t: total.txt
    publish: results
    script: cat {{{{ input.s }}}} {{{{ input.l }}}} | sort -n > {{{{ output.t }}}}
""")
    ws.write("ferry.config", f"executor.cpus = 6\nenv.CRASH_MARKER = '{marker}'\n")


def marked_processes(marker, cmdline=None):
    """Pids of living (not zombie) processes whose environment has the marker
    (and whose command line is `cmdline`, if given)."""
    needle = f"CRASH_MARKER={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle not in f.read().split(b"\0"):
                    continue
            if cmdline is not None:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if f.read().split(b"\0")[:-1] != cmdline.encode().split():
                        continue
            with open(f"/proc/{entry}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            found.append(int(entry))
    return found


def wait_until_gone(marker, seconds):
    end = time.monotonic() + seconds
    while True:
        left = marked_processes(marker)
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.02)


def history(ws):
    db = sqlite3.connect(ws.path / ".ferry" / "history.db")
    try:
        runs = db.execute("SELECT id, run_name, status FROM runs ORDER BY id").fetchall()
        tasks = db.execute("SELECT run_id, hash, status FROM tasks").fetchall()
    finally:
        db.close()
    return runs, tasks


def kill_everything(marker):
    for pid in marked_processes(marker):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def test_sigkill_at_random_moments_loses_nothing_and_leaves_nothing(ws, tmp_path_factory):
    marker = uuid.uuid4().hex
    write_pipeline(ws, marker)
    try:
        # The reference: a clean run elsewhere.
        clean = type(ws)(tmp_path_factory.mktemp("clean"))
        write_pipeline(clean, marker)
        ok(clean.run("run", "."))
        expected = clean.read("results/total.txt")
        assert len(expected.split()) == SHORT + LONG

        rng = random.Random(1313)
        completed_before = set()  # hashes some killed run recorded COMPLETED
        long_running = []  # grandchildren of long tasks alive at each kill
        for kill_no in range(10):
            p = ws.popen("run", ".", "-resume", "-ansi-log", "false")
            time.sleep(rng.uniform(0.3, 2.0))
            assert p.poll() is None, f"run {kill_no} ended before its kill:\n{p.communicate()}"
            grandchildren = marked_processes(marker, "sleep 2.5")
            p.send_signal(signal.SIGKILL)
            p.communicate()
            left = wait_until_gone(marker, 2.0)
            assert not left, f"kill {kill_no}: task processes {left} outlived ferry"
            long_running.append(len(grandchildren))

            runs, tasks = history(ws)
            run_id, run_name, status = runs[-1]
            assert status == "RUNNING"  # nobody has looked since
            log = ok(ws.run("log"))
            line = [l for l in log.stdout.splitlines() if l.startswith(run_name)]
            assert line and "DIED" in line[0], log.stdout
            runs, tasks = history(ws)
            assert runs[-1][2] == "DIED"

            # What this run did: nothing that had completed before ran again.
            mine = {(h, s) for r, h, s in tasks if r == run_id}
            rerun = {h for h, s in mine if s != "CACHED"} & completed_before
            assert not rerun, f"kill {kill_no}: {len(rerun)} completed task(s) ran again"
            completed_before |= {h for h, s in mine if s == "COMPLETED"}
        assert len(completed_before) >= SHORT // 2, "the kills came too early to test anything"
        assert sum(1 for n in long_running if n == LONG) >= 5, f"long tasks at the kills: {long_running}"

        p = ok(ws.run("run", ".", "-resume", "-ansi-log", "false", timeout=120))
        runs, tasks = history(ws)
        final = {h: s for r, h, s in tasks if r == runs[-1][0]}
        for h in completed_before:
            assert final.get(h) == "CACHED", f"{h} was {final.get(h)} in the last run, not CACHED"
        assert ws.read("results/total.txt") == expected
        assert not marked_processes(marker)
    finally:
        kill_everything(marker)


def test_tasks_that_outlive_ferry_and_its_launchers_are_killed_by_the_next_run(ws):
    """When ferry's task launchers die with it (all SIGKILLed, ferry frozen
    first so it cannot stop anything), the long tasks survive; the next run
    in the directory kills them before it starts anything, and says so."""
    marker = uuid.uuid4().hex
    write_pipeline(ws, marker, long_s=60)
    try:
        p = ws.popen("run", ".", "-ansi-log", "false")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(marked_processes(marker, "sleep 60")) < LONG:
            time.sleep(0.05)
        time.sleep(0.5)  # past the executor's 50 ms before it records a task
        os.kill(p.pid, signal.SIGSTOP)
        launchers = []
        for entry in os.listdir("/proc"):
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == p.pid:
                        launchers.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
        for pid in [*launchers, p.pid]:
            os.kill(pid, signal.SIGKILL)
        p.communicate()
        time.sleep(0.5)
        left = set(marked_processes(marker))
        assert len(marked_processes(marker, "sleep 60")) == LONG, "the long tasks did not outlive ferry"

        again = ws.popen("run", ".", "-resume", "-ansi-log", "false")
        try:
            said = again.stdout.readline() + again.stdout.readline()
            assert "left running by a ferry that died" in said, said
            end = time.monotonic() + 2
            while left & set(marked_processes(marker)) and time.monotonic() < end:
                time.sleep(0.02)
            assert not left & set(marked_processes(marker)), "the survivors still run"
        finally:
            again.send_signal(signal.SIGINT)
            again.communicate(timeout=60)
    finally:
        kill_everything(marker)
