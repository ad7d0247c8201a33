"""Fixtures for `ferry run` on S3 work dirs: the emulator fixtures of
tests/conftest.py, plus `aws_ws`: a workspace with a compute environment, a queue and a bucket in a
fresh emulator, and a `run(...)` that runs ferry there with the emulator's
credentials and a config file pointing at it."""
import pathlib
import subprocess
import uuid

import pytest

from tests.conftest import WorkspaceFiles, ferry_bin

FERRY = ferry_bin()


class AwsWorkspace(WorkspaceFiles):
    """write, read, copy_example, trace: tests/conftest.py."""

    def __init__(self, path, emu):
        self.path = pathlib.Path(path)
        self.emu = emu
        self.bucket = "bucket-" + uuid.uuid4().hex[:8]
        self.s3 = emu.client("s3")
        self.s3.create_bucket(Bucket=self.bucket)
        self.queue = "q-" + uuid.uuid4().hex[:8]
        emu.create_batch_queue(self.queue, compute_environment="ce-" + uuid.uuid4().hex[:8], max_vcpus=4)
        # Where ferry finds the emulator: every run gets this config file.
        self.aws_config = self.path / "aws.config"
        self.aws_config.write_text(
            f"aws.client.endpoint = '{emu.endpoint}'\n"
            f"aws.region = '{emu.region}'\n"
            "executor.pollInterval = '500ms'\n")

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


@pytest.fixture
def aws_ws(tmp_path, emu):
    ws = AwsWorkspace(tmp_path, emu)
    yield ws
    ws.s3.close()
