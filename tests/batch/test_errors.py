"""What a user sees when a Batch run is misconfigured or a job dies: the
reference document's troubleshooting cases, each as a message that says what
is wrong and how to fix it (exit 2 for settings, 1 for a failed task)."""
import re
import subprocess
import threading
import time

from .conftest import QUEUE, awsbatch_config, interrupt, output

ONE_TASK = """\
tasks:
  hello:
    output:
      o: hello.txt
    script: |
      echo hello > {{ output.o }}
"""

# The config key that sets how long a job may stay RUNNABLE before ferry
# warns (the executor's runnable_warning_ms).
RUNNABLE_WARNING_KEY = "aws.batch.runnableWarning"


def prepare(world, extra="", pipeline=ONE_TASK, **kw):
    world.write("pipeline.yml", pipeline)
    world.write("batch.config", awsbatch_config(extra=extra, **kw))


def run(world, *args, **kw):
    return world.run("run", ".", "-c", "batch.config", *args, **kw)


def refused(world, *args, **kw):
    """Runs like run(); the run must stop as bad input (exit 2). Its output."""
    p = run(world, *args, **kw)
    out = output(p)
    assert p.returncode == 2, out
    return out


def assert_nothing_submitted(world):
    assert world.submitted_jobs() == [], "a run that cannot work submitted jobs"


def test_queue_not_found_names_queue_and_region(world):
    prepare(world, extra="process.queue = 'no-such-queue'\naws.region = 'us-west-2'\n")
    out = refused(world)
    assert "no-such-queue" in out
    assert "us-west-2" in out
    # The reference document's advice: the region must be the one the Batch
    # environment was created in.
    assert re.search(r"region", out, re.I) and re.search(r"creat", out, re.I), out
    assert "Traceback" not in out and "terminate called" not in out
    assert_nothing_submitted(world)


def test_missing_job_definition_is_named(world):
    prepare(world, extra="process.container = 'job-definition://missing'\n")
    out = refused(world)
    assert "missing" in out
    assert re.search(r"job.definition", out, re.I), out
    assert re.search(r"not found|does not exist|no such|no active", out, re.I), out
    assert_nothing_submitted(world)


def test_no_credentials_says_where_ferry_looked(world):
    prepare(world)
    out = refused(world, drop_env=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"))
    assert re.search(r"credential", out, re.I), out
    # How to fix: at least one of the ways to give credentials.
    assert re.search(r"AWS_ACCESS_KEY_ID|aws\.accessKey|AWS_PROFILE|credentials file", out), out
    assert world.requests("batch") == [], "Batch was called without credentials"


def test_no_region_says_how_to_set_one(world):
    prepare(world)
    out = refused(world, drop_env=("AWS_REGION", "AWS_DEFAULT_REGION"))
    assert re.search(r"region", out, re.I), out
    assert re.search(r"aws\.region|AWS_REGION|AWS_DEFAULT_REGION", out), out
    assert world.requests("batch") == []


def test_access_denied_on_work_bucket_names_action_and_bucket(world):
    prepare(world)
    world.emu.set_faults({"deny": [{"action": "s3:PutObject", "bucket": "ferry-work"}]})
    out = refused(world)
    assert "PutObject" in out, out
    assert "ferry-work" in out, out
    assert re.search(r"denied", out, re.I), out
    assert_nothing_submitted(world)


def test_job_without_exitcode_explains_unknown_termination(world):
    # The CLI the job wrapper needs is missing: the job dies before the task
    # runs and leaves no .exitcode.
    prepare(world, cli_path="/opt/nothing/bin/aws")
    p = run(world, "-with-trace", "trace.tsv")
    out = output(p)
    assert p.returncode == 1, out
    rows = world.trace()
    assert [r["status"] for r in rows] == ["FAILED"]
    job = world.batch.describe_jobs(jobs=[rows[0]["native_id"]])["jobs"][0]
    assert job["status"] == "FAILED"
    # Batch's own account of it...
    assert job["statusReason"] in out, (job["statusReason"], out)
    container = job.get("container", {})
    if container.get("reason"):
        assert container["reason"] in out, (container["reason"], out)
    if "exitCode" in container:
        assert re.search(rf"exit[^\n]{{0,20}}\b{container['exitCode']}\b", out, re.I), out
    # ...the end of the job's CloudWatch log stream...
    events = world.logs.get_log_events(logGroupName="/aws/batch/job",
                                       logStreamName=container["logStreamName"])["events"]
    lines = [e["message"].strip() for e in events if e["message"].strip()]
    assert lines, "the job logged nothing"
    assert lines[-1] in out, (lines[-1], out)
    assert "/opt/nothing/bin/aws" in out
    # ...and the two usual causes.
    assert re.search(r"entrypoint", out, re.I), out
    assert re.search(r"AWS CLI|cliPath", out), out


class Collector:
    """Reads a process's stdout and stderr as they come."""

    def __init__(self, proc):
        self.text = ""
        self.lock = threading.Lock()
        for stream in (proc.stdout, proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            with self.lock:
                self.text += line

    def get(self):
        with self.lock:
            return self.text


def wait_runnable_warning(world, pipeline, extra):
    prepare(world, extra=f"{RUNNABLE_WARNING_KEY} = '1s'\n" + extra, pipeline=pipeline)
    shown = world.run("config", "show", ".", "-c", "batch.config")
    assert shown.returncode == 0 and "warning" not in shown.stderr, \
        f"ferry has no config key {RUNNABLE_WARNING_KEY} for the RUNNABLE warning threshold " \
        f"(default 5 minutes, too long for a test):\n{shown.stderr}"
    proc = world.popen("run", ".", "-c", "batch.config", "-ansi-log", "false")
    seen = Collector(proc)
    try:
        world.wait_for("ferry's RUNNABLE warning",
                       lambda: re.search(r"RUNNABLE", seen.get()), timeout=30)
        time.sleep(0.5)
        jobs = world.jobs("RUNNABLE")
        assert len(jobs) == 1
        job = world.batch.describe_jobs(jobs=[jobs[0]["jobId"]])["jobs"][0]
    finally:
        try:
            rc, _, _ = interrupt(proc)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    return seen.get(), job, rc


BIG_TASK = ONE_TASK.replace("  hello:\n", "  hello:\n    cpus: 16\n    memory: 2 GB\n")


def test_runnable_warning_for_a_job_bigger_than_the_environment(world):
    text, job, rc = wait_runnable_warning(world, BIG_TASK, "")
    assert QUEUE in text, text
    assert re.search(r"\b16\b", text) and re.search(r"cpu", text, re.I), text
    assert re.search(r"2 GB|2048|2\.0 GB|2 GiB", text), text
    assert job["statusReason"] in text, (job["statusReason"], text)
    assert rc == 130


def test_runnable_warning_when_jobs_are_held(world):
    world.emu.set_faults({"hold_runnable": True})
    text, job, rc = wait_runnable_warning(world, ONE_TASK, "")
    assert QUEUE in text, text
    assert re.search(r"cpu", text, re.I), text
    if job.get("statusReason"):
        assert job["statusReason"] in text, (job["statusReason"], text)
    assert rc == 130


def test_wrong_queue_name_lists_the_queues_that_exist(world):
    prepare(world, extra="process.queue = 'no-such-queue'\n")
    out = refused(world)
    assert "no-such-queue" in out
    assert f"the queues there: {QUEUE}" in out, out
    assert_nothing_submitted(world)


def test_disabled_queue_stops_the_run_before_submitting(world):
    world.batch.update_job_queue(jobQueue=QUEUE, state="DISABLED")
    prepare(world)
    out = refused(world)
    assert f"job queue '{QUEUE}'" in out and "DISABLED" in out, out
    assert "--state ENABLED" in out, out
    assert_nothing_submitted(world)


def test_missing_bucket_names_the_option_used(world):
    prepare(world)
    p = world.run("run", ".", "-c", "batch.config", "-c", "emu.config", "-bucket-dir", "s3://no-such-bucket/work",
                  bucket_dir=False, emu_config=False)
    out = output(p)
    assert p.returncode == 2, out
    assert "no-such-bucket" in out and "fix -bucket-dir" in out, out
    assert "fix -w" not in out, out
    p = world.run("run", ".", "-c", "batch.config", "-c", "emu.config", "-w", "s3://no-such-bucket/work",
                  bucket_dir=False, emu_config=False)
    out = output(p)
    assert p.returncode == 2, out
    assert "fix -work-dir" in out, out


def test_missing_credentials_point_to_config_not_a_flag(world):
    prepare(world)
    out = refused(world, drop_env=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"),
                  env={"AWS_EC2_METADATA_DISABLED": "true", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                       "AWS_CONFIG_FILE": "/nonexistent"})
    assert "no AWS credentials found" in out, out
    assert "aws.profile in ferry.config or AWS_PROFILE" in out, out
    assert "--profile" not in out, out
    assert_nothing_submitted(world)
