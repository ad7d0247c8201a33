"""Fixtures of the ported pipelines' tests (examples/rnaseq, examples/zika).

`ported_runs(name, tmp_path_factory, alongside)` runs examples/NAME twice at
once: with `ferry run` on this machine, and with every task on emulated AWS
Batch (ferry-awsemu running jobs as host processes, where the pipelines'
tools are installed; staging with ferry-job). `alongside` is more commands to
run at the same time (the snakemake reference run), as (argv, cwd) pairs.
Module-scoped fixtures call it once per file, since each run takes seconds
to tens of seconds of real tools.
"""
import os
import shutil
import subprocess
import tempfile

import pytest

from tests.batch.conftest import BUCKET_DIR, JOB_CLI, World, awsbatch_config  # noqa: F401 (BUCKET_DIR: for the tests)
from tests.conftest import Emu, WorkspaceFiles, copy_example, ferry_bin, ok

FERRY = ferry_bin()
RUN_TIMEOUT = 480


class LocalWorkspace(WorkspaceFiles):
    """A copy of an example run by the local executor (write, read, trace)."""

    def __init__(self, name, path):
        self.path = path
        copy_example(name, path)
        (path / "home").mkdir()

    def env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "TERM"}
        env.update(AWS_EC2_METADATA_DISABLED="true", HOME=str(self.path / "home"))
        return env

    def argv(self, *args):
        return [FERRY, *map(str, args)]

    def run(self, *args, timeout=RUN_TIMEOUT):
        return subprocess.run(self.argv(*args), cwd=self.path, env=self.env(), capture_output=True, text=True,
                              timeout=timeout)


class PortedRuns:
    """`local` (LocalWorkspace) and `batch` (tests/batch World) after one
    `ferry run . -with-trace t1.tsv` each; `alongside` holds the finished
    extra commands' CompletedProcess."""

    def __init__(self, local, batch, alongside):
        self.local = local
        self.batch = batch
        self.alongside = alongside


def _finish(proc, argv, timeout):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def ported_runs(name, tmp_path_factory, alongside=()):
    """Generator for a module fixture: yields PortedRuns, then stops the
    emulator and fails on what its sanitizers reported."""
    root = tmp_path_factory.mktemp(name)
    emu_dir = tempfile.mkdtemp(prefix="ferry-ports-emu-")
    emu = Emu(emu_dir, ())
    try:
        local = LocalWorkspace(name, root / "local")
        (root / "batch").mkdir()
        batch = World(root / "batch", emu)
        batch.copy_example(name)
        batch.write("batch.config", awsbatch_config(cli_path=JOB_CLI))
        procs = []
        for argv, cwd, env in [(local.argv("run", ".", "-with-trace", "t1.tsv"), local.path, local.env()),
                               (batch.ferry_args(["run", ".", "-c", "batch.config", "-with-trace", "t1.tsv"],
                                                 True, True), batch.path, batch.env()),
                               *[(a, c, None) for a, c in alongside]]:
            procs.append((argv, subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE, text=True)))
        done = [_finish(p, argv, RUN_TIMEOUT) for argv, p in procs]
        ok(done[0])
        ok(done[1])
        yield PortedRuns(local, batch, done[2:])
    finally:
        emu.stop()
        err = emu.stderr()
        shutil.rmtree(emu_dir, ignore_errors=True)
    if "Sanitizer" in err or "runtime error:" in err:
        pytest.fail("ferry-awsemu reported errors:\n" + err[-4000:])


def names_by_status(rows):
    """{status: sorted task names} of trace rows."""
    out = {}
    for r in rows:
        out.setdefault(r["status"], []).append(r["name"])
    return {s: sorted(n) for s, n in out.items()}
