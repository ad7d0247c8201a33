"""Pipelines on emulated AWS Batch whose jobs run in real container images
(podman, tests/emu/test_containers.py), staging with ferry-job installed
as the reference document installs its CLI: at <dir>/miniconda/bin/aws on
the "host", with aws.batch.cliPath naming it, so its install dir is mounted
into every job.

- every example gives the results of a local run with its tasks in the
  debootstrap minbase Debian image;
- in the busybox image (no bash), and with an image the store does not
  hold, ferry's failure report names what is missing and how to fix it.

One emulator serves the whole module. The images come from
scripts/test-images.sh (cached; scripts/test.sh makes them while ferry
builds); a test that needs an image that cannot be made, or containers
that cannot run here, skips saying why."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import urllib.parse
import urllib.request

import pytest

from tests.batch.conftest import BUCKET_DIR, World, awsbatch_config, output
from tests.batch.test_examples import EXAMPLES, published
from tests.conftest import ROOT, Emu, built_binary, exited, ferry_bin, ok

IMAGES = ROOT / "scripts" / "test-images.sh"
NO_ENGINE = "cannot run in containers here"


def image_tarball(name):
    """The cached tarball of test image `name`, or None with why not."""
    try:
        r = subprocess.run(["bash", str(IMAGES), name], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return None, f"scripts/test-images.sh {name} took longer than 900 s"
    if r.returncode != 0:
        return None, r.stderr.strip()
    return r.stdout.strip().splitlines()[-1], ""


@pytest.fixture(scope="module")
def shared():
    """(emulator, install dir of ferry-job as miniconda/bin/aws, {image: why not})."""
    tmp = tempfile.mkdtemp(prefix="ferry-images-")
    saved = dict(os.environ)
    os.environ.update({"FERRY_AWSEMU_BATCH_STEP_MS": "20", "FERRY_AWSEMU_BATCH_KILL_GRACE_MS": "500"})
    try:
        emu = Emu(tmp, (), host_jobs=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        if NO_ENGINE in emu.stderr():
            pytest.skip("podman cannot run containers here: " + emu.stderr().strip())
        missing = {}
        for name in ("busybox", "debian"):
            tarball, why = image_tarball(name)
            if tarball is None:
                missing[f"{name}:test"] = why
                continue
            import_image(emu, f"{name}:test", tarball)
        # The reference document's layout: the CLI in a bin/ of its own install dir.
        install = pathlib.Path(tmp) / "home" / "ec2-user" / "miniconda"
        (install / "bin").mkdir(parents=True)
        shutil.copy(built_binary("FERRY_JOB_BIN"), install / "bin" / "aws")
        yield emu, install, missing
    finally:
        emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def import_image(emu, name, tarball):
    url = emu.endpoint + "/_emu/images?" + urllib.parse.urlencode({"name": name, "path": tarball})
    with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST"), timeout=300) as r:
        assert json.loads(r.read()) == {"imported": name}


_worlds = []


def world_in(shared, tmp_path, image):
    """A workspace on the shared emulator (its own queue and bucket names)."""
    emu, install, missing = shared
    if image in missing:
        pytest.skip(f"test image {image} cannot be made here: {missing[image]}")
    if not _worlds:
        ws = tmp_path / "ws"
        ws.mkdir()
        _worlds.append(World(ws, emu))
    world = _worlds[0]
    world.path = tmp_path / "ws"
    world.path.mkdir(exist_ok=True)
    world.write_emu_config()
    cli = str(install / "bin" / "aws")
    world.write("batch.config", awsbatch_config(cli_path=cli).replace("'debian:12'", f"'{image}'"))
    return world


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_in_minbase_debian_matches_local(shared, tmp_path, example):
    world = world_in(shared, tmp_path, "debian:test")
    local = tmp_path / "local"
    world.copy_example(example, dest=str(local))
    ok(subprocess.run([ferry_bin(), "run", "."], cwd=local, env=world.env(), capture_output=True, text=True,
                      timeout=120))
    expected = published(local / "results")
    assert expected, f"the local run of {example} published nothing"

    world.copy_example(example)
    p = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "t.tsv"))
    rows = world.trace("t.tsv")
    assert rows and all(r["status"] == "COMPLETED" for r in rows), output(p)
    assert {r["executor"] for r in rows} == {"awsbatch"}
    assert all(r["workdir"].startswith(BUCKET_DIR + "/") for r in rows)
    assert published(world.path / "results") == expected
    # ferry-job measured every task in the image, on the emulator's "instance".
    for r in rows:
        assert r["%cpu"] != "-" and r["peak_rss"] != "-" and r["rchar"] != "-", r
        assert r["instance_type"] == "m5.large" and r["queue_time"] != "-", r
    # Each job ran in the image, with the CLI's install dir mounted from the host.
    job = world.batch.describe_jobs(jobs=[rows[0]["native_id"]])["jobs"][0]
    assert job["container"]["image"] == "debian:test"
    install = str(shared[1])
    assert {"sourceVolume": "ferry-vol-0", "containerPath": install, "readOnly": True} in \
        job["container"]["mountPoints"], job["container"]


def test_busybox_image_without_bash_is_named_in_the_report(shared, tmp_path):
    world = world_in(shared, tmp_path, "busybox:test")
    world.copy_example("chain")
    p = exited(world.run("run", ".", "-c", "batch.config"), 1)
    out = output(p)
    assert "failed before its task ran: the image has no bash" in out, out
    assert 'exec: "bash": executable file not found' in out, out


def test_image_that_cannot_be_pulled_is_named_with_the_fix(shared, tmp_path):
    world = world_in(shared, tmp_path, "debian:test")
    world.write("batch.config", world.read("batch.config").replace("'debian:test'", "'nosuch/tool:1.0'"))
    world.copy_example("chain")
    p = exited(world.run("run", ".", "-c", "batch.config"), 1)
    out = output(p)
    assert "the image 'nosuch/tool:1.0' could not be pulled (CannotPullContainerError)" in out, out
    assert "docker manifest inspect nosuch/tool:1.0" in out, out
    assert "unknown reason" not in out, out
