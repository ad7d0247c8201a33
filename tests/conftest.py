"""What every pytest suite under tests/ shares (pytest loads this file for
each of them; tests/pytest.ini makes tests/ the root):

  ROOT, built_binary(env_var)   the source tree and the binaries CTest names
                                (FERRY_BIN, FERRY_AWSEMU, FERRY_JOB_BIN); a clear failure
                                when the variable is unset
  WorkspaceFiles                write / read / copy_example / trace for a
                                test workspace
  example_names()               the examples every-example suites run (not
                                the ported pipelines of tests/ports)
  ok(proc), statuses(rows)      checks on ferry's exit and trace
  Emu, emu_factory, emu         a fresh ferry-awsemu per test (free port,
                                temporary data dir, random keys)
  start_moto_server(log, env)   moto_server on a free loopback port, the
                                independent check of request shapes (skips
                                the test where moto is not installed)

The Emu object has:

  .endpoint / .port / .imds_port / .imds_endpoint / .data_dir
  .access_key / .secret_key / .region
  .client(service, **kwargs)  -> boto3 client pointed at the emulator
  .aws(*args, **kwargs)       -> subprocess.CompletedProcess of /usr/bin/aws
  .env()                      -> environment for AWS clients in subprocesses
  .requests()                 -> GET /_emu/requests (list of dicts)
  .set_faults(dict)           -> POST /_emu/faults (replaces all settings)
  .add_role(name, trust, path) -> POST /_emu/roles (a role STS AssumeRole accepts)
  .faults()                   -> GET /_emu/faults
  .reset()                    -> POST /_emu/reset
  .stderr()                   -> what the emulator wrote to stderr so far

Nothing here reaches beyond 127.0.0.1: the AWS credential chain is cut off
from instance metadata and from ~/.aws. Suites import these names with
`from tests.conftest import ...` (tests/ is a package, so every conftest.py
and test file has its own module name).
"""
import csv
import glob
import json
import os
import pathlib
import secrets
import selectors
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config

ROOT = pathlib.Path(os.environ.get("FERRY_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[1]))
AWS_CLI = "/usr/bin/aws"

# What `ferry run` leaves in a pipeline's directory (its state, the default
# work dir, and the publish dir every example uses): never part of an example.
RUN_LEFTOVERS = (".ferry", "work", "results")

_BINARIES = {"FERRY_BIN": "ferry", "FERRY_AWSEMU": "ferry-awsemu", "FERRY_JOB_BIN": "ferry-job"}


def built_binary(env_var):
    """The binary CTest names in env_var (FERRY_BIN, FERRY_AWSEMU or FERRY_JOB_BIN)."""
    name = _BINARIES[env_var]
    path = os.environ.get(env_var)
    if not path:
        pytest.exit(f"{env_var} is not set: point it at the built {name} binary "
                    f"(ctest sets it; by hand e.g. {env_var}=$PWD/build-dev/{name})", returncode=4)
    if not os.access(path, os.X_OK):
        pytest.exit(f"{env_var}={path} is not an executable {name} binary", returncode=4)
    return os.path.abspath(path)


def ferry_bin():
    return built_binary("FERRY_BIN")


def awsemu_bin():
    return built_binary("FERRY_AWSEMU")


# The public pipelines ported to ferry: tests/ports runs them against their
# tools and reference runs. They need the bioinformatics tools of
# scripts/install-deps.sh and take tens of seconds, so the suites that run
# every example (example_names) leave them out.
PORTED_EXAMPLES = ("rnaseq", "zika")


def example_names():
    """examples/ with a pipeline.yml, but the ported pipelines."""
    return sorted(p.name for p in (ROOT / "examples").iterdir()
                  if (p / "pipeline.yml").exists() and p.name not in PORTED_EXAMPLES)


def copy_example(name, dest):
    """Copies examples/NAME's own files to dest (not what a run left there)."""
    shutil.copytree(ROOT / "examples" / name, dest, dirs_exist_ok=True,
                    ignore=lambda d, names: [n for n in names if n in RUN_LEFTOVERS]
                    if pathlib.Path(d) == ROOT / "examples" / name else [])

# The tests of a pipeline's bin/ on the tasks' PATH (locally, on Slurm, on
# Batch): `greet`, a script of bin/, and a pipeline whose tasks call it.
GREET_SCRIPT = "#!/bin/sh\necho \"hello $1\"\n"
BIN_PIPELINE = """\
tasks:
  hello:
    for_each: [ada, grace]
    output:
      o: "{{ item }}.txt"
    publish: results
    script: greet {{ item }} > {{ output.o }}
"""


class WorkspaceFiles:
    """Files of a test workspace rooted at self.path (a pathlib.Path)."""

    def write(self, rel, text, mode=None):
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        if mode is not None:
            p.chmod(mode)
        return p

    def read(self, rel):
        return (self.path / rel).read_text()

    def copy_example(self, name, dest="."):
        """Copies examples/NAME's own files into the workspace (or its subfolder dest)."""
        copy_example(name, self.path / dest)

    def trace(self, rel="trace.tsv"):
        """Rows of a trace file ferry wrote (-with-trace), as dicts by column."""
        with open(self.path / rel, newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))


def exited(proc, code):
    """proc, after asserting it exited with `code` (else its output is the failure message)."""
    assert proc.returncode == code, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def ok(proc):
    """proc, after asserting it exited 0."""
    return exited(proc, 0)


def refused(proc):
    """proc, after asserting it stopped as bad input (exit 2)."""
    return exited(proc, 2)


def statuses(rows, name_prefix=None):
    """Status column of trace rows, optionally only of tasks whose name starts with a prefix."""
    return sorted(r["status"] for r in rows if name_prefix is None or r["name"].startswith(name_prefix))


def start_with_job_path(job_path, start):
    """Returns start() (an emulator's start-up) run with PATH and
    FERRY_AWSEMU_JOB_PATH set to job_path, which the Batch jobs it runs as
    host processes inherit; both are as before afterwards."""
    saved = {k: os.environ.get(k) for k in ("PATH", "FERRY_AWSEMU_JOB_PATH")}
    os.environ["PATH"] = job_path
    os.environ["FERRY_AWSEMU_JOB_PATH"] = job_path
    try:
        return start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def stop_server(proc, timeout):
    """Ends a server the tests started: SIGTERM, then SIGKILL if it is still
    there after `timeout` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_moto_server(log_path, env=None, why_skipped=""):
    """Starts moto_server (from PATH, else the newest pyenv install) on a free
    loopback port, writing its output to log_path; returns (proc, url) once it
    answers. Skips the calling test, saying so, where moto is not installed."""
    exe = shutil.which("moto_server") or next(
        iter(sorted(glob.glob("/root/.pyenv/versions/*/bin/moto_server"), reverse=True)), None)
    if not exe:
        pytest.skip("moto_server is not installed (pip install 'moto[server]')" +
                    (f"; {why_skipped}" if why_skipped else ""))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(log_path, "wb")
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, **(env or {})))
    log.close()
    deadline = time.time() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                stop_server(proc, 5)
                pytest.fail(f"moto_server did not start; see {log_path}")
            time.sleep(0.1)


class Emu:
    def __init__(self, tmp, extra_args=(), region="us-east-1", host_jobs=True):
        self.tmp = tmp
        self.data_dir = os.path.join(tmp, "data")
        self.access_key = "AKIAEMU" + secrets.token_hex(6).upper()
        self.secret_key = secrets.token_urlsafe(30)
        self.region = region
        # Empty config files keep ~/.aws out of every client we start.
        self.config_file = os.path.join(tmp, "aws-config")
        self.credentials_file = os.path.join(tmp, "aws-credentials")
        for p in (self.config_file, self.credentials_file):
            open(p, "w").close()
        self._stderr_path = os.path.join(tmp, "emu.stderr")
        self._stderr = open(self._stderr_path, "wb")
        args = [awsemu_bin(), "--port", "0", "--data-dir", self.data_dir,
                "--access-key", self.access_key, "--secret-key", self.secret_key,
                "--region", region, *extra_args]
        # Jobs run as host processes unless a test is about containers
        # (tests/emu/test_containers.py): no podman start-up probe, no image.
        if host_jobs:
            args.append("--host-jobs")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr)
        line = self._read_ready(timeout=20)
        fields = dict(f.split("=", 1) for f in line.split()[1:])
        self.port = int(fields["port"])
        self.imds_port = int(fields.get("imds_port", 0))
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.imds_endpoint = f"http://127.0.0.1:{self.imds_port}"

    def _read_ready(self, timeout):
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.time() + timeout
        buf = b""
        while time.time() < deadline:
            if not sel.select(timeout=0.2):
                if self.proc.poll() is not None:
                    break
                continue
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            if b"\n" in buf:
                line = buf.split(b"\n", 1)[0].decode()
                if line.split()[0] == "ready":
                    return line
        self.stop()
        pytest.fail(f"ferry-awsemu did not print 'ready': stdout={buf!r} stderr={self.stderr()!r}")

    # --- clients -----------------------------------------------------------
    def client(self, service, **kwargs):
        config = kwargs.pop("config", None)
        if config is None:
            # SigV4 everywhere (boto3 1.26 still presigns S3 URLs with SigV2
            # by default, which the emulator does not accept).
            config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                            signature_version="s3v4" if service == "s3" else None)
        return boto3.session.Session().client(
            service, endpoint_url=kwargs.pop("endpoint_url", self.endpoint),
            aws_access_key_id=kwargs.pop("aws_access_key_id", self.access_key),
            aws_secret_access_key=kwargs.pop("aws_secret_access_key", self.secret_key),
            region_name=kwargs.pop("region_name", self.region), config=config, **kwargs)

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": self.config_file,
            "AWS_SHARED_CREDENTIALS_FILE": self.credentials_file,
            "AWS_PAGER": "",
            "HOME": self.tmp,
        })
        env.update(extra)
        return env

    def aws(self, *args, input=None, env=None, timeout=120, check=False):
        cmd = [AWS_CLI]
        if not any(str(a).startswith("--endpoint-url") for a in args):
            cmd += ["--endpoint-url", self.endpoint]
        cmd += [str(a) for a in args]
        return subprocess.run(cmd, input=input, env=env or self.env(), capture_output=True,
                              text=True, timeout=timeout, check=check)

    def create_batch_queue(self, queue, compute_environment="ferry-ce", max_vcpus=8, instance_type="m5"):
        """A managed compute environment of max_vcpus and a job queue on it."""
        batch = self.client("batch")
        batch.create_compute_environment(
            computeEnvironmentName=compute_environment, type="MANAGED", state="ENABLED",
            computeResources={"type": "EC2", "maxvCpus": max_vcpus, "minvCpus": 0,
                              "instanceTypes": [instance_type], "subnets": ["subnet-1"],
                              "instanceRole": "ecsInstanceRole"})
        batch.create_job_queue(jobQueueName=queue, priority=1, state="ENABLED",
                               computeEnvironmentOrder=[{"order": 1, "computeEnvironment": compute_environment}])
        batch.close()

    # --- admin endpoints -----------------------------------------------------
    def _admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def requests(self):
        return self._admin("GET", "/_emu/requests")

    def add_role(self, name, trust_policy=None, path="/"):
        """Registers a role STS may assume (POST /_emu/roles); by default
        anyone in the emulator's account may. Returns its ARN."""
        trust_policy = trust_policy or {"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]}
        return self._admin("POST", "/_emu/roles", {"name": name, "path": path, "trust_policy": trust_policy})["arn"]

    def set_faults(self, faults):
        return self._admin("POST", "/_emu/faults", faults)

    def faults(self):
        return self._admin("GET", "/_emu/faults")

    def reset(self):
        return self._admin("POST", "/_emu/reset", {})

    def stderr(self):
        if not self._stderr.closed:
            self._stderr.flush()
        with open(self._stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        stop_server(self.proc, timeout=15)
        self.proc.stdout.close()
        self._stderr.close()


@pytest.fixture
def emu_factory():
    started = []
    dirs = []

    def start(*extra_args, region="us-east-1", host_jobs=True):
        d = tempfile.TemporaryDirectory(prefix="ferry-awsemu-test-")
        dirs.append(d)
        e = Emu(d.name, extra_args, region=region, host_jobs=host_jobs)
        started.append(e)
        return e

    yield start
    problems = []
    for e in started:
        e.stop()
        err = e.stderr()
        # A sanitizer build reports memory errors on stderr; make them fail.
        if "Sanitizer" in err or "runtime error:" in err:
            problems.append(err[-4000:])
    for d in dirs:
        d.cleanup()
    if problems:
        pytest.fail("ferry-awsemu reported errors:\n" + "\n".join(problems))


@pytest.fixture
def emu(emu_factory):
    return emu_factory()
