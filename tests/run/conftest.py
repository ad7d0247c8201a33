"""Shared fixtures for the `ferry run` integration tests.

Each test gets a fresh workspace directory; `ws.run(...)` runs the ferry
binary there (never through a shell) and returns the CompletedProcess.
"""
import os
import pathlib
import subprocess

import pytest

from tests.conftest import WorkspaceFiles, ferry_bin, ok, refused, statuses  # noqa: F401 (for the tests)

FERRY = ferry_bin()


class Workspace(WorkspaceFiles):
    """write, read, copy_example, trace: tests/conftest.py."""

    def __init__(self, path: pathlib.Path):
        self.path = path

    def env(self, extra=None):
        env = dict(os.environ)
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        env["HOME"] = str(self.path / "home")  # keep the user's ~/.ferry/config out
        env.pop("TERM", None)
        if extra:
            env.update(extra)
        return env

    def run(self, *args, timeout=120, env=None):
        return subprocess.run([FERRY, *map(str, args)], cwd=self.path, env=self.env(env),
                              capture_output=True, text=True, timeout=timeout)

    def popen(self, *args, env=None):
        return subprocess.Popen([FERRY, *map(str, args)], cwd=self.path, env=self.env(env),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path)
