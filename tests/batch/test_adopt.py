"""A ferry killed (SIGKILL) during a Batch run leaves its jobs in Batch;
-resume adopts them instead of submitting them again: over ten kills at
random moments (fixed seed), every task is submitted exactly once, no task
gets a second job while its first is active, and the run completes. `ferry
kill RUN` ends what a killed run left queued or running."""
import random
import re
import signal
import time

from .conftest import ACTIVE, JOB_CLI, awsbatch_config, ok, output

TASKS = 24

PIPELINE = """\
params:
  nap: 1
tasks:
  nap:
    for_each: "{{ range(1, %d) }}"
    output:
      o: "nap{{ item }}.txt"
    script: |
      sleep {{ params.nap }}
      echo {{ item }} > {{ output.o }}
""" % (TASKS + 1)


def task_of(job_name):
    """The task hash part of a journaled job name: <process>-<run>-<hash12>-<attempt>."""
    m = re.search(r"-([0-9a-f]{12})-(\d+)$", job_name)
    assert m, f"job name {job_name} does not end with -<hash12>-<attempt>"
    return m.group(1)


def kill9(proc):
    """SIGKILL (no handler runs, no job is terminated); returns its stdout."""
    proc.send_signal(signal.SIGKILL)
    return proc.communicate(timeout=30)[0]


def killed_run_with_jobs_running(world):
    """A run of long tasks SIGKILLed once some of its jobs run."""
    world.write("pipeline.yml", PIPELINE)
    world.write("batch.config", awsbatch_config(cli_path=JOB_CLI))
    proc = world.popen("run", ".", "-c", "batch.config", "-ansi-log", "false", "--nap", "60")
    try:
        world.wait_for("jobs to run", lambda: world.jobs("RUNNING"), timeout=60)
    finally:
        kill9(proc)


def test_resume_after_sigkills_adopts_jobs_and_submits_each_task_once(world):
    world.write("pipeline.yml", PIPELINE)
    world.write("batch.config", awsbatch_config(cli_path=JOB_CLI))
    rng = random.Random(1303)
    said = ""
    for i in range(10):
        args = ["run", ".", "-c", "batch.config", "-ansi-log", "false"] + (["-resume"] if i else [])
        proc = world.popen(*args)
        time.sleep(rng.uniform(0.3, 2.5))
        said += kill9(proc)
    p = ok(world.run("run", ".", "-c", "batch.config", "-resume", "-with-trace", "final.tsv", timeout=120))
    said += p.stdout
    # The kills did leave jobs running that a later run took over, and jobs
    # that had finished meanwhile that it reused.
    counts = re.findall(r"(\d+) finished \(reused\), (\d+) still queued or running \(watched", said)
    assert sum(int(w) for _, w in counts) > 0, said
    assert sum(int(r) for r, _ in counts) > 0, said
    rows = world.trace("final.tsv")
    assert len(rows) == TASKS and all(r["status"] in ("COMPLETED", "CACHED") for r in rows), p.stdout
    keys = [o["Key"] for page in world.s3.get_paginator("list_objects_v2").paginate(Bucket="ferry-work")
            for o in page.get("Contents", [])]
    missing = [n for n in range(1, TASKS + 1) if not any(k.endswith(f"/nap{n}.txt") for k in keys)]
    assert missing == [], "outputs missing on S3"

    jobs = world.jobs()
    submits = world.submitted_jobs()
    assert len(submits) == len(jobs)
    # Nothing failed, so each task needed exactly one job.
    by_task = {}
    for j in jobs:
        by_task.setdefault(task_of(j["jobName"]), []).append(j)
    doubles = {t: [(j["jobId"], j["status"]) for j in js] for t, js in by_task.items() if len(js) > 1}
    assert doubles == {}, f"tasks submitted twice: {doubles}"
    assert len(by_task) == TASKS
    assert len(submits) == TASKS, f"{len(submits)} SubmitJob calls for {TASKS} task runs"
    assert not any(world.jobs(s) for s in ACTIVE)


def test_ferry_kill_ends_the_jobs_a_killed_run_left(world):
    killed_run_with_jobs_running(world)
    assert any(world.jobs(s) for s in ACTIVE)
    p = ok(world.run("kill", "last", "-c", "emu.config"))
    assert "terminating AWS Batch job" in p.stdout
    assert re.search(r"\d+ AWS Batch job\(s\) terminated and ended", p.stdout), p.stdout
    left = {s: [j["jobId"] for j in world.jobs(s)] for s in ACTIVE if world.jobs(s)}
    assert left == {}, f"jobs still active after ferry kill: {left}"
    # Nothing is left to end the second time.
    p = ok(world.run("kill", "last", "-c", "emu.config"))
    assert "no AWS Batch job left active" in p.stdout


def test_ferry_kill_of_an_unknown_run_names_the_known_ones(world):
    world.write("pipeline.yml", "tasks:\n  hi:\n    script: echo hi\n")  # a local run: a run to name
    run = re.search(r"\[(\w+)\]", ok(world.run("run", ".")).stdout).group(1)
    p = world.run("kill", "no_such_run")
    assert p.returncode == 2, output(p)
    assert "no run named 'no_such_run'" in p.stderr
    assert run in p.stderr, "the known runs are named"


def test_ferry_clean_of_a_killed_run_ends_its_jobs_before_removing_work(world):
    killed_run_with_jobs_running(world)
    p = ok(world.run("clean", "-f", "last", "-c", "emu.config"))
    assert "terminating AWS Batch job" in p.stdout, p.stdout
    assert not any(world.jobs(s) for s in ACTIVE)
    assert "removed" in p.stdout
