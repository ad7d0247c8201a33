"""Ctrl-C during a Batch run terminates every job it started (nothing left
queued or running in Batch), exits 130, and -resume then finishes the run
re-using the tasks that had completed."""
import time

from .conftest import ACTIVE, JOB_CLI, awsbatch_config, interrupt, ok, statuses

PIPELINE = """\
params:
  nap: 30
tasks:
  quick:
    for_each: "{{ range(1, 11) }}"
    output:
      o: "quick{{ item }}.txt"
    script: |
      echo {{ item }} > {{ output.o }}

  slow:
    for_each: "{{ range(1, 41) }}"
    output:
      o: "slow{{ item }}.txt"
    script: |
      sleep {{ params.nap }}
      echo {{ item }} > {{ output.o }}
"""


def test_ctrl_c_terminates_every_job_and_resume_completes(world):
    world.write("pipeline.yml", PIPELINE)
    world.write("batch.config", awsbatch_config(cli_path=JOB_CLI))
    proc = world.popen("run", ".", "-c", "batch.config", "-with-trace", "t1.tsv", "-ansi-log", "false")
    try:
        world.wait_for("the quick tasks to finish and slow ones to run",
                       lambda: len(world.jobs("SUCCEEDED")) >= 10 and world.jobs("RUNNING")
                       and len(world.submitted_jobs()) == 50, timeout=90)
        assert len(world.jobs("SUCCEEDED")) == 10  # the slow ones sleep 30 s
        assert len(world.submitted_jobs()) == 50
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    t0 = time.time()
    rc, out, err = interrupt(proc, timeout=60)
    assert rc == 130, f"exit {rc}\n{out}\n{err}"
    assert time.time() - t0 < 30, "ferry waited for the jobs instead of terminating them"
    left = {s: [j["jobId"] for j in jobs] for s, jobs in world.active_jobs().items() if jobs}
    assert left == {}, f"jobs still active in Batch after Ctrl-C: {left}"
    # Every job ferry started ended, and the slow ones were stopped, not run out.
    assert len(world.jobs("SUCCEEDED")) == 10
    assert len(world.jobs("FAILED")) == 40
    rows = world.trace("t1.tsv")
    assert statuses(rows, "quick") == ["COMPLETED"] * 10
    assert statuses(rows, "slow") == ["ABORTED"] * 40

    # Shorter naps so the resumed run is quick; the quick tasks are re-used.
    p = ok(world.run("run", ".", "-c", "batch.config", "-resume", "--nap", "0", "-with-trace", "t2.tsv"))
    rows = world.trace("t2.tsv")
    assert statuses(rows, "quick") == ["CACHED"] * 10, p.stdout
    assert statuses(rows, "slow") == ["COMPLETED"] * 40
    assert not any(world.jobs(s) for s in ACTIVE)
