"""Helpers several pytest suites share: where the source tree and the built
binaries are, a test workspace's file helpers, and checks on ferry's exit
and trace. Not a suite itself (no test_*.py here): each conftest.py loads it
by path, e.g.

    _spec = importlib.util.spec_from_file_location("ferry_testing", HERE.parent / "common" / "ferry_testing.py")
"""
import csv
import os
import pathlib
import shutil

import pytest

ROOT = pathlib.Path(os.environ.get("FERRY_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))


def built_binary(env_var, name):
    """The binary CTest names in env_var, else ROOT/build/NAME or ROOT/build-emu/NAME."""
    path = os.environ.get(env_var)
    if path:
        return os.path.abspath(path)
    for candidate in ("build", "build-emu"):
        p = ROOT / candidate / name
        if p.exists():
            return str(p)
    pytest.fail(f"{name} not found: set {env_var} to the built binary")


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
        """Copies examples/NAME into the workspace (or its subfolder dest)."""
        shutil.copytree(ROOT / "examples" / name, self.path / dest, dirs_exist_ok=True)

    def trace(self, rel="trace.tsv"):
        """Rows of a trace file ferry wrote (-with-trace), as dicts by column."""
        with open(self.path / rel, newline="") as f:
            return list(csv.DictReader(f, delimiter="\t"))


def ok(proc):
    """proc, after asserting it exited 0 (else its output is the failure message)."""
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def statuses(rows, name_prefix=None):
    """Status column of trace rows, optionally only of tasks whose name starts with a prefix."""
    return sorted(r["status"] for r in rows if name_prefix is None or r["name"].startswith(name_prefix))
