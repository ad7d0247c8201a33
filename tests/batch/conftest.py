"""Fixtures for the `ferry run` on AWS Batch acceptance tests.

Each test gets a fresh ferry-awsemu (the emulator of tests/emu, reused
here), a managed compute environment, the job queue `my-batch-queue`, the
bucket `ferry-work`, and a workspace whose `emu.config` points ferry at the
emulator. `world.run(...)` runs build/ferry there with the emulator's keys in
the environment and nothing of the user's AWS set-up (empty config and
credential files, instance metadata disabled, HOME inside the workspace).

Emulator jobs are local processes; the emulator ignores container images, so
the tests use `debian:12`.
"""
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from tests.conftest import AWS_CLI, ROOT, Emu, WorkspaceFiles, built_binary, ferry_bin, ok, statuses  # noqa: F401 (for the tests)

FERRY = ferry_bin()
# The S3 CLI jobs stage with (aws.batch.cliPath): the static ferry-job users
# are told to install. It runs the same S3 code as `ferry s3` without the
# sanitizers' start-up cost, paid several times per job; test_tasks.py keeps
# one test with this build's ferry itself as the CLI.
JOB_CLI = built_binary("FERRY_JOB_BIN")
QUEUE = "my-batch-queue"
BUCKET = "ferry-work"
BUCKET_DIR = f"s3://{BUCKET}/work"
ACTIVE = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING")


def output(proc):
    return proc.stdout + proc.stderr


class World(WorkspaceFiles):
    """One emulator with a Batch queue and a work bucket, plus a workspace
    (write, read, copy_example, trace: tests/conftest.py)."""

    def __init__(self, path, emu, max_vcpus=8):
        self.path = path
        self.emu = emu
        self.batch = emu.client("batch")
        self.s3 = emu.client("s3")
        self.logs = emu.client("logs")
        emu.create_batch_queue(QUEUE, max_vcpus=max_vcpus)
        self.s3.create_bucket(Bucket=BUCKET)
        self.max_vcpus = max_vcpus
        self.write_emu_config()
        # Requests before this index are the fixture's own set-up calls.
        self.setup_requests = len(emu.requests())

    # --- workspace -----------------------------------------------------------
    def write_emu_config(self, extra=""):
        """emu.config: the emulator's endpoint and a fast poll, given with -c."""
        self.write("emu.config", f"""// Points ferry at ferry-awsemu (written by tests/batch/conftest.py).
aws.client.endpoint = '{self.emu.endpoint}'
aws.client.s3PathStyleAccess = true
executor.pollInterval = '200ms'
{extra}""")

    # --- running ferry -------------------------------------------------------
    def env(self, extra=None, drop=()):
        env = self.emu.env(HOME=str(self.path / "home"))
        (self.path / "home").mkdir(exist_ok=True)
        env.pop("TERM", None)
        for k in drop:
            env.pop(k, None)
        if extra:
            env.update(extra)
        return env

    def ferry_args(self, args, emu_config=True, bucket_dir=True):
        full = [FERRY, *map(str, args)]
        if args and args[0] == "run":
            if emu_config:
                full += ["-c", "emu.config"]
            if bucket_dir:
                full += ["-bucket-dir", BUCKET_DIR]
        return full

    def run(self, *args, timeout=240, env=None, drop_env=(), emu_config=True, bucket_dir=True):
        """Runs `ferry ARGS` (for `run`, with -c emu.config -bucket-dir s3://ferry-work/work)."""
        return subprocess.run(self.ferry_args(args, emu_config, bucket_dir), cwd=self.path,
                              env=self.env(env, drop_env), capture_output=True, text=True,
                              timeout=timeout)

    def popen(self, *args, env=None):
        return subprocess.Popen(self.ferry_args(args, True, True), cwd=self.path, env=self.env(env),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    # --- what the emulator saw -----------------------------------------------
    def requests(self, service=None, operation=None):
        """What the emulator was asked after the fixture's set-up."""
        return [r for r in self.emu.requests()[self.setup_requests:]
                if (service is None or r["service"] == service)
                and (operation is None or r["operation"] == operation)]

    def submitted_jobs(self):
        """SubmitJob requests that Batch accepted."""
        return [r for r in self.requests("batch", "SubmitJob") if r["status"] == 200]

    def jobs(self, status=None):
        """Jobs of the queue in `status`; every job of it, any status, for None."""
        out, token = [], None
        while True:
            kw = {"jobQueue": QUEUE}
            if status:
                kw["jobStatus"] = status
            else:
                kw["filters"] = [{"name": "JOB_NAME", "values": ["*"]}]
            if token:
                kw["nextToken"] = token
            page = self.batch.list_jobs(**kw)
            out += page["jobSummaryList"]
            token = page.get("nextToken")
            if not token:
                return out

    def active_jobs(self):
        return {s: self.jobs(s) for s in ACTIVE}

    def wait_for(self, what, predicate, timeout=60, interval=0.2):
        deadline = time.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            assert time.time() < deadline, f"timed out after {timeout}s waiting for {what}"
            time.sleep(interval)


@pytest.fixture
def make_world(tmp_path):
    """make_world(region='us-east-1', max_vcpus=8, emu_args=()) -> World."""
    started = []

    def make(region="us-east-1", max_vcpus=8, emu_args=()):
        d = tempfile.mkdtemp(prefix="ferry-batch-emu-")
        emu = Emu(d, tuple(emu_args), region=region)
        started.append((emu, d))
        ws = tmp_path / f"ws{len(started)}"
        ws.mkdir()
        return World(ws, emu, max_vcpus=max_vcpus)

    yield make
    problems = []
    for emu, d in started:
        emu.stop()
        err = emu.stderr()
        if "Sanitizer" in err or "runtime error:" in err:
            problems.append(err[-4000:])
        shutil.rmtree(d, ignore_errors=True)
    if problems:
        pytest.fail("ferry-awsemu reported errors:\n" + "\n".join(problems))


@pytest.fixture
def world(make_world):
    return make_world()


def interrupt(proc, timeout=60):
    """SIGINT to a ferry started with World.popen; returns (rc, stdout, stderr)."""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def awsbatch_config(cli_path=None, extra=""):
    """A config that sends every task to the emulator's queue. Without
    cli_path jobs run the `aws` on their PATH (Debian's /usr/bin/aws here):
    cliPath = '/usr/bin/aws' would mount the host's /usr over the image's,
    which ferry refuses."""
    cli = f"aws.batch.cliPath = '{cli_path}'\n" if cli_path else ""
    return f"""process.executor = 'awsbatch'
process.queue = '{QUEUE}'
process.container = 'debian:12'
{cli}{extra}"""
