"""Shared fixtures for the `ferry run` integration tests.

Each test gets a fresh workspace directory; `ws.run(...)` runs the ferry
binary there (never through a shell) and returns the CompletedProcess.
"""
import csv
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(os.environ.get("FERRY_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
FERRY = os.environ.get("FERRY_BIN", str(ROOT / "build" / "ferry"))


class Workspace:
    def __init__(self, path: pathlib.Path):
        self.path = path

    def write(self, rel, text, mode=None):
        p = self.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        if mode is not None:
            p.chmod(mode)
        return p

    def read(self, rel):
        return (self.path / rel).read_text()

    def copy_example(self, name):
        shutil.copytree(ROOT / "examples" / name, self.path, dirs_exist_ok=True)

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

    def trace(self, rel="trace.tsv"):
        with open(self.path / rel, newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path)


def statuses(rows, name_prefix=None):
    """Status column of trace rows, optionally only of tasks whose name starts with a prefix."""
    return sorted(r["status"] for r in rows if name_prefix is None or r["name"].startswith(name_prefix))


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc
