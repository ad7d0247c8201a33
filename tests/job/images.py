"""Test images in ferry-awsemu's container store and the reference
document's install of ferry-job, shared by the suites whose Batch jobs run
in images (tests/job/test_images.py, tests/ports):

- `image_emu(tmp)`: an emulator that runs jobs in their images with podman
  (fast Batch steps), its store the shared IMAGE_STORE; (None, why) where
  podman cannot run containers here;
- `import_images(emu, names)`: scripts/test-images.sh's images (built and
  cached on first use) imported as NAME:test; {image: why not} for those
  that cannot be made;
- `ami_install(tmp)`: ferry-job at miniconda/bin/aws of an install
  dir made by docs/aws-batch.md's commands for a custom AMI, which jobs
  mount from this "host" with aws.batch.cliPath naming it;
- `batch_build(...)`: `ferry build --aws-batch` of a project with its job in
  an image.

The store is kept beside the image tarballs, so the images are imported
once per machine, not per run, and no run pays for deleting them (on this
machine's disk, deleting an image's files takes longer than importing it)."""
import os
import shutil
import subprocess

from tests.conftest import ROOT, Emu, built_binary, ferry_bin, ok
from tests.emu.test_containers import import_image as emu_import_image

IMAGES = ROOT / "scripts" / "test-images.sh"
# FERRY_TEST_IMAGE_STORE= (empty) gives the emulator a private store instead.
IMAGE_STORE = os.environ.get("FERRY_TEST_IMAGE_STORE", os.path.join(
    os.environ.get("FERRY_IMAGE_CACHE", "/var/cache/ferry-test-images"), "podman-store"))
NO_ENGINE = "cannot run in containers here"


def image_emu(tmp):
    """(emulator running jobs in their images, "") or (None, why not)."""
    saved = dict(os.environ)
    os.environ.update({"FERRY_AWSEMU_BATCH_STEP_MS": "20", "FERRY_AWSEMU_BATCH_KILL_GRACE_MS": "500"})
    try:
        emu = Emu(tmp, ("--image-store", IMAGE_STORE) if IMAGE_STORE else (), host_jobs=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if NO_ENGINE in emu.stderr():
        why = emu.stderr().strip()
        emu.stop()
        return None, "podman cannot run containers here: " + why
    return emu, ""


def image_tarball(name):
    """The cached tarball of test image `name`, or None with why not."""
    try:
        r = subprocess.run(["bash", str(IMAGES), name], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return None, f"scripts/test-images.sh {name} took longer than 900 s"
    if r.returncode != 0:
        return None, r.stderr.strip()
    return r.stdout.strip().splitlines()[-1], ""


def import_image(emu, name, tarball, changes=()):
    """Image `name` from the root filesystem `tarball`, with Dockerfile
    `changes` (e.g. an ENTRYPOINT) applied, into the emulator's store."""
    assert emu_import_image(emu, name, path=tarball, changes=changes) == {"imported": name}


def import_images(emu, names):
    """Imports test images `names` as NAME:test; {NAME:test: why not} of
    those scripts/test-images.sh cannot make here."""
    missing = {}
    for name in names:
        tarball, why = image_tarball(name)
        if tarball is None:
            missing[f"{name}:test"] = why
            continue
        import_image(emu, f"{name}:test", tarball)
    return missing


def ami_commands():
    """The commands of docs/aws-batch.md's "ferry-job on a custom AMI"."""
    doc = (ROOT / "docs" / "aws-batch.md").read_text()
    section = doc.split("### ferry-job on a custom AMI", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def ami_install(tmp):
    """Runs the doc's AMI commands in a chroot of the busybox image's root (a
    stand-in for the instance the AMI is made from, with ferry-job copied
    to it) and returns the install dir they made there under `tmp`; the jobs
    then mount it from this "host". Without that image, copies ferry-job
    the same way."""
    root = tmp / "ami"
    root.mkdir()
    tarball, _ = image_tarball("busybox")
    if tarball is None:
        install = root / "home" / "ec2-user" / "miniconda"
        (install / "bin").mkdir(parents=True)
        shutil.copy(built_binary("FERRY_JOB_BIN"), install / "bin" / "aws")
        return install
    subprocess.run(["tar", "-C", str(root), "-xf", tarball], check=True)
    shutil.copy(built_binary("FERRY_JOB_BIN"), root / "root" / "ferry-job")
    r = subprocess.run(["chroot", str(root), "/bin/sh", "-ec", "cd /root\n" + ami_commands()],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("ferry-job "), (r.stdout, r.stderr)
    return root / "home" / "ec2-user" / "miniconda"


def build_queue(emu, image, mounts=()):
    """A queue, job definition and bucket of their own for `ferry build` jobs
    in `image` (host dirs `mounts` mounted read-only at their own path);
    returns the NAME run_build takes."""
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
    return name


def run_build(emu, name, project, home, cli=None, timeout=180):
    """`ferry build --aws-batch` of the directory `project` on build_queue's
    NAME settings, with the job's CLI `cli` or the image's `aws`."""
    cli_args = ["--aws-batch-cli", cli] if cli else []
    return subprocess.run([ferry_bin(), "build", "--aws-batch", "--aws-batch-job", f"build-{name}",
                           "--aws-batch-queue", f"{name}-queue", "--aws-batch-s3-bucket", f"{name}-builds",
                           *cli_args, str(project)],
                          env=build_env(emu, home), capture_output=True, text=True, timeout=timeout)


def batch_build(emu, project, image, home, mounts=(), cli=None, timeout=180):
    """`ferry build --aws-batch` of the directory `project`, its one job in
    `image` (build_queue, run_build). Asserts the job succeeded in that
    image; returns ferry's output."""
    name = build_queue(emu, image, mounts)
    p = ok(run_build(emu, name, project, home, cli, timeout))
    out = p.stdout + p.stderr
    assert "Job SUCCEEDED after" in out, out
    batch = emu.client("batch")
    job = [j for j in batch.describe_jobs(jobs=[s["jobId"] for s in batch.list_jobs(
        jobQueue=f"{name}-queue", jobStatus="SUCCEEDED")["jobSummaryList"]])["jobs"]][0]
    assert job["container"]["image"] == image
    batch.close()
    return out


def build_env(emu, home):
    """The environment of `ferry build` against the emulator (fast polls)."""
    home.mkdir(exist_ok=True)
    return emu.env(HOME=str(home), AWS_ENDPOINT_URL=emu.endpoint, FERRY_BUILD_POLL_MS="150",
                   FERRY_BUILD_LOG_POLL_MS="100")
