"""Fixtures for the `ferry build` suite.

`batch` starts a ferry-awsemu (the Emu class of tests/conftest.py) whose
Batch jobs can find /usr/bin/aws, snakemake, make and the ferry under test
on PATH, and sets up what docs/build.md asks for on AWS: a compute
environment, the queue `ferry-job-queue`, the job definition `ferry-job` and
a bucket. The object it yields adds:

  .ferry(*args, env=None, timeout=..., cwd=None) -> CompletedProcess of ferry
  .ferry_env(**extra)  -> environment for ferry (emulator keys, endpoint,
                          fast polling, bucket, HOME in the test's tmp dir)
  .jobs()              -> every job the emulator knows (DescribeJobs shapes)
  .uploads()           -> number of PutObject/UploadPart requests so far
  .tree_uploads(since) -> (requests, bytes) ferry sent into mirrors before its next SubmitJob

Nothing leaves 127.0.0.1: instance metadata is disabled and ~/.aws replaced
by empty files.
"""

import os
import subprocess

import pytest

from tests.conftest import ferry_bin, start_with_job_path

BUCKET = "ferry-builds"


class BatchEnv:
    def __init__(self, emu, home, max_vcpus):
        self.emu = emu
        self.home = home
        self.bucket = BUCKET
        self.batch = emu.client("batch")
        self.s3 = emu.client("s3")
        self.logs = emu.client("logs")
        emu.create_batch_queue("ferry-job-queue", max_vcpus=max_vcpus, instance_type="optimal")
        self.batch.register_job_definition(
            jobDefinitionName="ferry-job", type="container",
            containerProperties={"image": "ferry/anything", "command": [],
                                 "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                          {"type": "MEMORY", "value": "1024"}]})
        self.s3.create_bucket(Bucket=self.bucket)

    def ferry_env(self, **extra):
        env = self.emu.env()
        env.update({
            "HOME": self.home,
            "AWS_ENDPOINT_URL": self.emu.endpoint,
            "FERRY_AWS_BATCH_S3_BUCKET": self.bucket,
            "FERRY_BUILD_POLL_MS": "150",
            "FERRY_BUILD_LOG_POLL_MS": "100",
        })
        env.pop("AWS_REGION", None)
        env.pop("AWS_DEFAULT_REGION", None)  # ferry build falls back to us-east-1, the emulator's region
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def ferry(self, *args, env=None, timeout=180, cwd=None, input=None):
        return subprocess.run([ferry_bin(), *map(str, args)], env=env or self.ferry_env(), cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, input=input)

    def jobs(self):
        ids = []
        for status in ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"):
            ids += [j["jobId"] for j in
                    self.batch.list_jobs(jobQueue="ferry-job-queue", jobStatus=status)["jobSummaryList"]]
        return self.batch.describe_jobs(jobs=ids)["jobs"] if ids else []

    def describe(self, job_id):
        return self.batch.describe_jobs(jobs=[job_id])["jobs"][0]

    def uploads(self):
        """PutObject/UploadPart requests so far (ferry's and the jobs')."""
        return sum(1 for r in self.emu.requests()
                   if r.get("service") == "s3" and r.get("operation") in ("PutObject", "UploadPart"))

    def tree_uploads(self, since):
        """What ferry sent into build mirrors (`.../tree/...`) between request
        number `since` and the next SubmitJob, i.e. before any job could
        write: (request count, bytes)."""
        count = size = 0
        for r in self.emu.requests()[since:]:
            if r.get("service") == "batch" and r.get("operation") == "SubmitJob":
                break
            if (r.get("service") == "s3" and r.get("operation") in ("PutObject", "UploadPart")
                    and "/tree/" in r.get("path", "")):
                count += 1
                size += r.get("bytes_in", 0)
        return count, size

    def request_count(self):
        return len(self.emu.requests())

    def close(self):
        for c in (self.batch, self.s3, self.logs):
            c.close()


def _start(emu_factory, tmp_path, max_vcpus=16, extra_args=()):
    # The jobs inherit the emulator's PATH: put the ferry under test first so
    # `ferry run` inside a job is this build's.
    job_path = os.path.dirname(ferry_bin()) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    emu = start_with_job_path(job_path, lambda: emu_factory(*extra_args))
    home = tmp_path / "home"
    home.mkdir()
    return BatchEnv(emu, str(home), max_vcpus)


@pytest.fixture
def batch(emu_factory, tmp_path):
    b = _start(emu_factory, tmp_path)
    yield b
    b.close()


@pytest.fixture
def batch_factory(emu_factory, tmp_path):
    made = []

    def make(max_vcpus=16, extra_args=()):
        b = _start(emu_factory, tmp_path, max_vcpus, extra_args)
        made.append(b)
        return b

    yield make
    for b in made:
        b.close()
