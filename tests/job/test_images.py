"""Pipelines on emulated AWS Batch whose jobs run in real container images
(podman, tests/emu/test_containers.py), staging with ferry-job installed
as the reference document installs its CLI: at <dir>/miniconda/bin/aws on
the "host", with aws.batch.cliPath naming it, so its install dir is mounted
into every job.

- every example gives the results of a local run with its tasks in the
  debootstrap minbase Debian image and in the busybox-only image (no bash:
  the job side needs only sh, and tasks fall back to it);
- the wordcount example also with the image's own aws CLI (Debian's, in the
  debian-tools image) as cliPath, nothing mounted;
- `ferry build --aws-batch` of a Makefile project runs in minbase with make,
  and of a Snakemake project in the debian-tools image (snakemake and
  Debian's aws CLI);
- a task that needs bash in the busybox image, and an image the store does
  not hold, get a failure report naming what is missing and how to fix it;
  so do an image that cannot be pulled and one whose ENTRYPOINT swallows
  the command (busybox with ENTRYPOINT ["/bin/true"]) under `ferry build`,
  the latter under `ferry run` too.

The install dir is made by running docs/aws-batch.md's three commands for
a custom AMI in a chroot of the busybox image's root. One emulator serves
the whole module; its image store is kept beside the image tarballs
(IMAGE_STORE), so the images are imported once per machine, not per run, and
no run pays for deleting them (on this machine's disk, deleting an image's
files takes longer than importing it). The images come from
scripts/test-images.sh (cached; scripts/test.sh makes them while ferry
builds); a test that needs an image that cannot be made, or containers
that cannot run here, skips saying why."""
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from tests.batch.conftest import BUCKET_DIR, World, awsbatch_config, output
from tests.batch.test_examples import EXAMPLES, published
from tests.conftest import exited, ferry_bin, ok
from tests.job.images import (ami_install, batch_build, build_env, build_queue, image_emu, image_tarball, import_image,
                               import_images, run_build)
from tests.remote_build.test_workflows import make_dir, results


@pytest.fixture(scope="module")
def shared():
    """(emulator, install dir of ferry-job as miniconda/bin/aws, {image: why not})."""
    tmp = tempfile.mkdtemp(prefix="ferry-images-")
    emu, why = image_emu(tmp)
    if emu is None:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.skip(why)
    try:
        missing = import_images(emu, ("busybox", "debian", "debian-make", "debian-tools"))
        # The reference document's layout: the CLI in a bin/ of its own
        # install dir, made by the commands docs/aws-batch.md gives for an AMI.
        install = ami_install(pathlib.Path(tmp))
        yield emu, install, missing
    finally:
        emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)


SWALLOW = "swallow:test"


def swallowing_image(shared):
    """SWALLOW: the busybox image with an ENTRYPOINT that drops the command it
    is given and exits 0 (the reference document's "non standard entrypoint"),
    made in the emulator's store (once per store: the import is keyed by
    tarball and changes)."""
    emu, _, missing = shared
    if "busybox:test" in missing:
        pytest.skip(f"test image busybox:test cannot be made here: {missing['busybox:test']}")
    tarball, _ = image_tarball("busybox")
    import_image(emu, SWALLOW, tarball, changes=['ENTRYPOINT ["/bin/true"]'])
    return SWALLOW


_worlds = []


def world_in(shared, tmp_path, image, cli=None):
    """A workspace on the shared emulator (its own queue and bucket names),
    its jobs staging with ferry-job mounted from the "host", with `cli`, or
    (cli="") with the `aws` on the image's own PATH (no cliPath)."""
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
    cli = str(install / "bin" / "aws") if cli is None else cli
    world.write("batch.config", awsbatch_config(cli_path=cli or None).replace("'debian:12'", f"'{image}'"))
    return world


_local_results = {}


def local_results(world, tmp_path, example, *args):
    """What a local run of `example` (with `args`) publishes (run once per
    module: both images compare against it)."""
    key = (example, *args)
    if key not in _local_results:
        local = tmp_path / "local"
        world.copy_example(example, dest=str(local))
        ok(subprocess.run([ferry_bin(), "run", ".", *args], cwd=local, env=world.env(), capture_output=True,
                          text=True, timeout=120))
        _local_results[key] = published(local / "results")
        assert _local_results[key], f"the local run of {example} published nothing"
    return _local_results[key]


@pytest.mark.parametrize("image", ["debian:test", "busybox:test"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_in_image_matches_local(shared, tmp_path, example, image):
    world = world_in(shared, tmp_path, image)
    expected = local_results(world, tmp_path, example)

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
    assert job["container"]["image"] == image
    install = str(shared[1])
    assert {"sourceVolume": "ferry-vol-0", "containerPath": install, "readOnly": True} in \
        job["container"]["mountPoints"], job["container"]


NEEDS_BASH = """\
tasks:
  arrays:
    output:
      second: second.txt
    script: |
      words=(first second)
      echo "${words[1]}" > {{ output.second }}
"""


def test_busybox_image_without_bash_is_named_in_the_report(shared, tmp_path):
    # The job side runs on busybox's sh; a task whose script needs bash
    # fails there, and the report says the image has no bash.
    world = world_in(shared, tmp_path, "busybox:test")
    world.write("pipeline.yml", NEEDS_BASH)
    p = exited(world.run("run", ".", "-c", "batch.config"), 1)
    out = output(p)
    assert "the image has no bash, so .command.sh ran under sh" in out, out
    assert "use an image that has bash" in out, out


def test_image_that_cannot_be_pulled_is_named_with_the_fix(shared, tmp_path):
    world = world_in(shared, tmp_path, "debian:test")
    world.write("batch.config", world.read("batch.config").replace("'debian:test'", "'nosuch/tool:1.0'"))
    world.copy_example("chain")
    p = exited(world.run("run", ".", "-c", "batch.config"), 1)
    out = output(p)
    assert "the image 'nosuch/tool:1.0' could not be pulled (CannotPullContainerError)" in out, out
    assert "docker manifest inspect nosuch/tool:1.0" in out, out
    assert "unknown reason" not in out, out


def test_entrypoint_that_swallows_the_command_is_named_as_the_cause(shared, tmp_path):
    # Batch sees the container exit 0 and says SUCCEEDED; the task still
    # fails, and the report names the image's entrypoint and the fix.
    world = world_in(shared, tmp_path, "busybox:test")
    image = swallowing_image(shared)
    world.write("batch.config", world.read("batch.config").replace("'busybox:test'", f"'{image}'"))
    world.copy_example("chain")
    p = exited(world.run("run", ".", "-c", "batch.config", "-with-trace", "t.tsv"), 1)
    out = output(p)
    rows = world.trace("t.tsv")
    assert "FAILED" in {r["status"] for r in rows} and "COMPLETED" not in {r["status"] for r in rows}, (rows, out)
    rows = [r for r in rows if r["status"] == "FAILED"]
    job = world.batch.describe_jobs(jobs=[rows[0]["native_id"]])["jobs"][0]
    assert job["status"] == "SUCCEEDED" and job["container"]["image"] == image, job
    assert "SUCCEEDED but ran nothing: the task's command never ran (it left no .exitcode)" in out, out
    assert f"Likely cause: the entrypoint of the image '{image}'" in out, out
    assert 'Nextflow reports this case as "terminated for an unknown reason"' in out, out
    assert "an image whose entrypoint runs the command it is given" in out and "ENTRYPOINT []" in out, out
    assert f"docker image inspect --format '{{{{json .Config.Entrypoint}}}}' {image}" in out, out


def test_wordcount_with_the_images_own_aws_cli(shared, tmp_path):
    """No cliPath: the jobs stage with the `aws` on the image's PATH (Debian's
    aws CLI in the image), nothing is mounted, and the results are a local
    run's. (cliPath = '/usr/bin/aws' would mount the host's /usr over the
    image's: refused before submitting, batch_settings_test.cc.) One sample
    (a count and the total): each call of the Python CLI costs about a
    second of CPU, which three counts in parallel wait for on a loaded
    machine (a minute, against 20 s)."""
    world = world_in(shared, tmp_path, "debian-tools:test", cli="")
    one_sample = ("--samples", "data/alpha.txt")
    expected = local_results(world, tmp_path, "wordcount", *one_sample)
    world.copy_example("wordcount")
    p = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "t.tsv", *one_sample))
    rows = world.trace("t.tsv")
    assert len(rows) == 2 and all(r["status"] == "COMPLETED" for r in rows), output(p)
    assert published(world.path / "results") == expected
    # The aws CLI measures nothing (and is not asked to: batch_wrapper_test).
    assert all(r["%cpu"] == "-" for r in rows), rows
    job = world.batch.describe_jobs(jobs=[rows[0]["native_id"]])["jobs"][0]
    assert job["container"]["image"] == "debian-tools:test"
    assert not job["container"].get("mountPoints"), job["container"]


def build_in_image(shared, tmp_path, kind, image, mounts=(), cli=None):
    """`ferry build --aws-batch` of remote_build's `kind` project with its job
    in `image` (host dirs `mounts` mounted read-only at their own path, the
    job's CLI `cli` or the image's `aws`): the files it brings back are a
    local build's."""
    emu, install, missing = shared
    if image in missing:
        pytest.skip(f"test image {image} cannot be made here: {missing[image]}")
    trees = {side: make_dir(tmp_path / side, kind) for side in ("local", "remote")}
    ok(subprocess.run([ferry_bin(), "build", "--local", str(trees["local"])], env=build_env(emu, tmp_path / "home"),
                      capture_output=True, text=True, timeout=120))
    expected = results(trees["local"], kind)
    assert expected, f"the local {kind} build wrote nothing"
    out = batch_build(emu, trees["remote"], image, tmp_path / "home", mounts=mounts, cli=cli)
    assert results(trees["remote"], kind) == expected
    return out


def test_make_build_runs_in_minbase_with_the_static_cli(shared, tmp_path):
    """`ferry build --aws-batch` of a Makefile project, its job in minbase
    Debian with make, staging with ferry-job mounted from the "host"."""
    install = shared[1]
    build_in_image(shared, tmp_path, "make", "debian-make:test", mounts=[install], cli=str(install / "bin" / "aws"))


def test_snakemake_build_runs_in_an_image_with_snakemake(shared, tmp_path):
    """`ferry build --aws-batch` of remote_build's Snakemake project, its job
    in an image holding snakemake and Debian's aws CLI, which the job finds
    on the image's PATH (nothing mounted)."""
    out = build_in_image(shared, tmp_path, "snakemake", "debian-tools:test")
    assert "[batch] " in out and "Finished job" in out, out


def test_build_whose_image_cannot_be_pulled_names_the_definition_and_the_fix(shared, tmp_path):
    # A build's image is its job definition's (--aws-batch-job): the report
    # names the image, how to check it exists and the definition to fix.
    image = "nosuch/builder:2.1"
    name = build_queue(shared[0], image)
    tree = make_dir(tmp_path / "remote", "make")
    out = output(exited(run_build(shared[0], name, tree, tmp_path / "home"), 1))
    assert "Job FAILED after" in out and "CannotPullContainerError" in out, out
    assert f"failed before its workflow ran: the image '{image}' could not be pulled (CannotPullContainerError)" \
        in out, out
    assert f"docker manifest inspect {image}" in out, out
    assert f"the `image` of job definition 'build-{name}' (named by --aws-batch-job)" in out, out
    assert "unknown reason" not in out, out
    assert not (tree / "out").exists()


def test_build_whose_entrypoint_swallows_the_command_names_it(shared, tmp_path):
    image = swallowing_image(shared)
    name = build_queue(shared[0], image)
    tree = make_dir(tmp_path / "remote", "make")
    out = output(exited(run_build(shared[0], name, tree, tmp_path / "home"), 1))
    assert "Job SUCCEEDED after" in out and "SUCCEEDED but ran nothing" in out, out
    assert f"Likely cause: the entrypoint of the image '{image}'" in out, out
    assert 'Nextflow reports this case as "terminated for an unknown reason"' in out, out
    assert f"set the `image` of job definition 'build-{name}' (named by --aws-batch-job) to an image whose " \
        "entrypoint runs the command" in out, out
    assert not (tree / "out").exists()
