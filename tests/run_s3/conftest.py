"""Fixtures for `ferry run` on S3 work dirs: the emulator fixtures of
tests/emu (loaded by path, so both suites share one implementation), plus
`aws_run`: a workspace with a compute environment, a queue and a bucket in a
fresh emulator, and a `run(...)` that runs ferry there with the emulator's
credentials and a config file pointing at it."""
import csv
import importlib.util
import os
import pathlib
import shutil
import subprocess
import uuid

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = pathlib.Path(os.environ.get("FERRY_SOURCE_DIR", HERE.parents[1]))
FERRY = os.environ.get("FERRY_BIN", str(ROOT / "build" / "ferry"))

_spec = importlib.util.spec_from_file_location("emu_conftest", HERE.parent / "emu" / "conftest.py")
_emu = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_emu)
emu_factory = _emu.emu_factory
emu = _emu.emu


class AwsWorkspace:
    def __init__(self, path, emu):
        self.path = pathlib.Path(path)
        self.emu = emu
        self.bucket = "bucket-" + uuid.uuid4().hex[:8]
        self.s3 = emu.client("s3")
        self.s3.create_bucket(Bucket=self.bucket)
        batch = emu.client("batch")
        ce = "ce-" + uuid.uuid4().hex[:8]
        batch.create_compute_environment(
            computeEnvironmentName=ce, type="MANAGED", state="ENABLED",
            computeResources={"type": "EC2", "maxvCpus": 4, "minvCpus": 0, "instanceTypes": ["m5"],
                              "subnets": ["subnet-1"], "instanceRole": "ecsInstanceRole"})
        self.queue = "q-" + uuid.uuid4().hex[:8]
        batch.create_job_queue(jobQueueName=self.queue, priority=1, state="ENABLED",
                               computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ce}])
        batch.close()
        # Where ferry finds the emulator: every run gets this config file.
        self.aws_config = self.path / "aws.config"
        self.aws_config.write_text(
            f"aws.client.endpoint = '{emu.endpoint}'\n"
            f"aws.region = '{emu.region}'\n"
            "aws.batch.cliPath = '/usr/bin/aws'\n"
            "executor.pollInterval = '500ms'\n")

    def write(self, rel, text):
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    def read(self, rel):
        return (self.path / rel).read_text()

    def copy_example(self, name):
        shutil.copytree(ROOT / "examples" / name, self.path, dirs_exist_ok=True)

    def env(self, **extra):
        env = self.emu.env(HOME=str(self.path / "home"))
        env.pop("AWS_REGION", None)
        env.pop("AWS_DEFAULT_REGION", None)
        env.pop("TERM", None)
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def run(self, *args, env=None, timeout=300, config=True):
        cmd = [FERRY, "run", *map(str, args)]
        if config:
            cmd += ["-c", str(self.aws_config)]
        return subprocess.run(cmd, cwd=self.path, env=env or self.env(), capture_output=True, text=True,
                              timeout=timeout)

    def keys(self, prefix=""):
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return out

    def get(self, key):
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read().decode()

    def trace(self, rel="trace.tsv"):
        with open(self.path / rel, newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture
def aws_ws(tmp_path, emu):
    ws = AwsWorkspace(tmp_path, emu)
    yield ws
    ws.s3.close()
