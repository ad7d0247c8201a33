"""Fixtures of the ported pipelines' tests (examples/rnaseq, examples/zika).

`ported_runs(name, tmp_path_factory, alongside)` runs examples/NAME twice at
once: with `ferry run` on this machine (the tools installed here), and with
every task on emulated AWS Batch in the debian-ports test image (minbase
Debian with the ports' tools and snakemake, from Debian packages:
scripts/test-images.sh), run by podman, each job staging with the static
ferry-job mounted from the "host" as the reference document mounts its CLI
(tests/job/images.py). `alongside` is more commands to run at the same time
(the snakemake reference run), as (argv, cwd) pairs. Module-scoped fixtures
call it once per file, since each run takes seconds to tens of seconds of
real tools. Where podman cannot run containers, or the image cannot be made,
the Batch tests skip saying why (runs.on_batch()); the local ones still run.
"""
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from tests.batch.conftest import BUCKET_DIR, World, awsbatch_config  # noqa: F401 (BUCKET_DIR: for the tests)
from tests.conftest import WorkspaceFiles, copy_example, ferry_bin, ok
from tests.job.images import ami_install, image_emu, import_images

FERRY = ferry_bin()
RUN_TIMEOUT = 480
# The image every Batch task of the ports runs in.
IMAGE = "debian-ports:test"


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
    """`local` (LocalWorkspace) and `batch` (tests/batch World, or None and
    `no_batch` saying why) after one `ferry run . -with-trace t1.tsv` each;
    `alongside` holds the finished extra commands' CompletedProcess. `emu`
    is the emulator, `install` the dir of ferry-job that jobs mount."""

    def __init__(self, local, batch, alongside, no_batch="", emu=None, install=None):
        self.local = local
        self.batch = batch
        self.alongside = alongside
        self.no_batch = no_batch
        self.emu = emu
        self.install = install

    def on_batch(self):
        """The Batch workspace, or a skip saying why there is none."""
        if self.batch is None:
            pytest.skip(self.no_batch)
        return self.batch


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
    emu, no_batch = image_emu(emu_dir)
    try:
        local = LocalWorkspace(name, root / "local")
        batch = install = None
        if emu is not None:
            missing = import_images(emu, [IMAGE.split(":")[0]])
            no_batch = f"test image {IMAGE} cannot be made here: {missing[IMAGE]}" if missing else ""
        if emu is not None and not no_batch:
            install = ami_install(pathlib.Path(emu_dir))
            (root / "batch").mkdir()
            batch = World(root / "batch", emu)
            batch.copy_example(name)
            batch.write("batch.config", awsbatch_config(cli_path=install / "bin" / "aws").replace(
                "'debian:12'", f"'{IMAGE}'"))
        runs = [(local.argv("run", ".", "-with-trace", "t1.tsv"), local.path, local.env())]
        if batch:
            runs.append((batch.ferry_args(["run", ".", "-c", "batch.config", "-with-trace", "t1.tsv"], True, True),
                         batch.path, batch.env()))
        procs = []
        for argv, cwd, env in [*runs, *[(a, c, None) for a, c in alongside]]:
            procs.append((argv, subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                                                 stderr=subprocess.PIPE, text=True)))
        done = [_finish(p, argv, RUN_TIMEOUT) for argv, p in procs]
        for d in done[:len(runs)]:
            ok(d)
        yield PortedRuns(local, batch, done[len(runs):], no_batch, emu, install)
    finally:
        err = ""
        if emu is not None:
            emu.stop()
            err = emu.stderr()
        shutil.rmtree(emu_dir, ignore_errors=True)
    if "Sanitizer" in err or "runtime error:" in err:
        pytest.fail("ferry-awsemu reported errors:\n" + err[-4000:])


def assert_ran_in_the_image(batch, rows, install):
    """Every job of trace `rows` ran in IMAGE, with ferry-job's install dir
    mounted read-only from the "host"."""
    jobs = batch.batch.describe_jobs(jobs=[r["native_id"] for r in rows])["jobs"]
    assert len(jobs) == len(rows)
    for j in jobs:
        c = j["container"]
        assert c["image"] == IMAGE, c
        assert {"sourceVolume": "ferry-vol-0", "containerPath": str(install), "readOnly": True} in \
            c["mountPoints"], c


def names_by_status(rows):
    """{status: sorted task names} of trace rows."""
    out = {}
    for r in rows:
        out.setdefault(r["status"], []).append(r["name"])
    return {s: sorted(n) for s, n in out.items()}
