"""Shared fixtures for the `ferry run` integration tests.

Each test gets a fresh workspace directory; `ws.run(...)` runs the ferry
binary there (never through a shell) and returns the CompletedProcess.
"""
import importlib.util
import os
import pathlib
import subprocess

import pytest

# Helpers shared with tests/batch: workspace files, ok, statuses.
_spec = importlib.util.spec_from_file_location(
    "ferry_testing", pathlib.Path(__file__).resolve().parent.parent / "common" / "ferry_testing.py")
ferry_testing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ferry_testing)
ROOT = ferry_testing.ROOT
FERRY = os.environ.get("FERRY_BIN", str(ROOT / "build" / "ferry"))
ok = ferry_testing.ok
statuses = ferry_testing.statuses


class Workspace(ferry_testing.WorkspaceFiles):
    """write, read, copy_example, trace: tests/common/ferry_testing.py."""

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
