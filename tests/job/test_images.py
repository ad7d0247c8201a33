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
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from tests.batch.conftest import BUCKET_DIR, World, awsbatch_config, output
from tests.batch.test_examples import EXAMPLES, published
from tests.conftest import ROOT, Emu, built_binary, exited, ferry_bin, ok
from tests.emu.test_containers import import_image as emu_import_image
from tests.remote_build.test_workflows import make_dir, results

IMAGES = ROOT / "scripts" / "test-images.sh"
# FERRY_TEST_IMAGE_STORE= (empty) gives the emulator a private store instead.
IMAGE_STORE = os.environ.get("FERRY_TEST_IMAGE_STORE", os.path.join(
    os.environ.get("FERRY_IMAGE_CACHE", "/var/cache/ferry-test-images"), "podman-store"))
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
        emu = Emu(tmp, ("--image-store", IMAGE_STORE) if IMAGE_STORE else (), host_jobs=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        if NO_ENGINE in emu.stderr():
            pytest.skip("podman cannot run containers here: " + emu.stderr().strip())
        missing = {}
        for name in ("busybox", "debian", "debian-make", "debian-tools"):
            tarball, why = image_tarball(name)
            if tarball is None:
                missing[f"{name}:test"] = why
                continue
            import_image(emu, f"{name}:test", tarball)
        # The reference document's layout: the CLI in a bin/ of its own
        # install dir, made by the commands docs/aws-batch.md gives for an AMI.
        install = ami_install(pathlib.Path(tmp), missing)
        yield emu, install, missing
    finally:
        emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def ami_commands():
    """The commands of docs/aws-batch.md's "ferry-job on a custom AMI"."""
    doc = (ROOT / "docs" / "aws-batch.md").read_text()
    section = doc.split("### ferry-job on a custom AMI", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def ami_install(tmp, missing):
    """Runs the doc's AMI commands in a chroot of the busybox image's root (a
    stand-in for the instance the AMI is made from, with ferry-job copied
    to it) and returns the install dir they made there; the jobs then mount
    it from this "host". Without that image, copies ferry-job the same way."""
    root = tmp / "ami"
    root.mkdir()
    if "busybox:test" in missing:
        install = root / "home" / "ec2-user" / "miniconda"
        (install / "bin").mkdir(parents=True)
        shutil.copy(built_binary("FERRY_JOB_BIN"), install / "bin" / "aws")
        return install
    tarball, _ = image_tarball("busybox")
    subprocess.run(["tar", "-C", str(root), "-xf", tarball], check=True)
    shutil.copy(built_binary("FERRY_JOB_BIN"), root / "root" / "ferry-job")
    r = subprocess.run(["chroot", str(root), "/bin/sh", "-ec", "cd /root\n" + ami_commands()],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("ferry-job "), (r.stdout, r.stderr)
    return root / "home" / "ec2-user" / "miniconda"


def import_image(emu, name, tarball, changes=()):
    """Image `name` from the root filesystem `tarball`, with Dockerfile
    `changes` (e.g. an ENTRYPOINT) applied, into the emulator's store."""
    assert emu_import_image(emu, name, path=tarball, changes=changes) == {"imported": name}


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


def build_world(shared, tmp_path, image, mounts=()):
    """A queue, a job definition `build-NAME` with its job in `image` (host
    dirs `mounts` mounted read-only at their own path) and a bucket for
    `ferry build --aws-batch` on the shared emulator; returns (NAME, env)."""
    emu, _, missing = shared
    if image in missing:
        pytest.skip(f"test image {image} cannot be made here: {missing[image]}")
    name = image.split(":")[0].replace("/", "-")
    batch, s3 = emu.client("batch"), emu.client("s3")
    emu.create_batch_queue(f"{name}-queue", compute_environment=f"{name}-ce", max_vcpus=4, instance_type="optimal")
    batch.register_job_definition(
        jobDefinitionName=f"build-{name}", type="container",
        containerProperties={"image": image, "command": [],
                             "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                      {"type": "MEMORY", "value": "512"}],
                             "volumes": [{"name": f"v{i}", "host": {"sourcePath": str(m)}}
                                         for i, m in enumerate(mounts)],
                             "mountPoints": [{"sourceVolume": f"v{i}", "containerPath": str(m), "readOnly": True}
                                             for i, m in enumerate(mounts)]})
    s3.create_bucket(Bucket=f"{name}-builds")
    batch.close()
    s3.close()
    home = tmp_path / "home"
    home.mkdir()
    return name, emu.env(HOME=str(home), AWS_ENDPOINT_URL=emu.endpoint, FERRY_BUILD_POLL_MS="150",
                         FERRY_BUILD_LOG_POLL_MS="100")


def remote_build(name, env, tree, cli=None):
    """`ferry build --aws-batch` of `tree` with build_world's NAME settings."""
    cli_args = ["--aws-batch-cli", cli] if cli else []
    return subprocess.run([ferry_bin(), "build", "--aws-batch", "--aws-batch-job", f"build-{name}",
                           "--aws-batch-queue", f"{name}-queue", "--aws-batch-s3-bucket", f"{name}-builds",
                           *cli_args, str(tree)],
                          env=env, capture_output=True, text=True, timeout=180)


def build_in_image(shared, tmp_path, kind, image, mounts=(), cli=None):
    """`ferry build --aws-batch` of remote_build's `kind` project with its job
    in `image` (host dirs `mounts` mounted read-only at their own path, the
    job's CLI `cli` or the image's `aws`): the files it brings back are a
    local build's."""
    name, env = build_world(shared, tmp_path, image, mounts)
    trees = {side: make_dir(tmp_path / side, kind) for side in ("local", "remote")}
    ok(subprocess.run([ferry_bin(), "build", "--local", str(trees["local"])], env=env, capture_output=True,
                      text=True, timeout=120))
    expected = results(trees["local"], kind)
    assert expected, f"the local {kind} build wrote nothing"
    p = ok(remote_build(name, env, trees["remote"], cli))
    assert "Job SUCCEEDED after" in output(p), output(p)
    assert results(trees["remote"], kind) == expected
    batch = shared[0].client("batch")
    job = [j for j in batch.describe_jobs(jobs=[s["jobId"] for s in batch.list_jobs(
        jobQueue=f"{name}-queue", jobStatus="SUCCEEDED")["jobSummaryList"]])["jobs"]][0]
    assert job["container"]["image"] == image
    batch.close()
    return output(p)


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
    name, env = build_world(shared, tmp_path, image)
    tree = make_dir(tmp_path / "remote", "make")
    out = output(exited(remote_build(name, env, tree), 1))
    assert "Job FAILED after" in out and "CannotPullContainerError" in out, out
    assert f"failed before its workflow ran: the image '{image}' could not be pulled (CannotPullContainerError)" \
        in out, out
    assert f"docker manifest inspect {image}" in out, out
    assert f"the `image` of job definition 'build-{name}' (named by --aws-batch-job)" in out, out
    assert "unknown reason" not in out, out
    assert not (tree / "out").exists()


def test_build_whose_entrypoint_swallows_the_command_names_it(shared, tmp_path):
    image = swallowing_image(shared)
    name, env = build_world(shared, tmp_path, image)
    tree = make_dir(tmp_path / "remote", "make")
    out = output(exited(remote_build(name, env, tree), 1))
    assert "Job SUCCEEDED after" in out and "SUCCEEDED but ran nothing" in out, out
    assert f"Likely cause: the entrypoint of the image '{image}'" in out, out
    assert 'Nextflow reports this case as "terminated for an unknown reason"' in out, out
    assert f"set the `image` of job definition 'build-{name}' (named by --aws-batch-job) to an image whose " \
        "entrypoint runs the command" in out, out
    assert not (tree / "out").exists()
