"""Batch jobs of ferry-awsemu run in their container image with podman, as
the ECS agent runs them with Docker: the image's files, its ENTRYPOINT and
CMD, mount points (read-only where asked), environment, user, the role's
credentials from the ECS endpoint, a missing image failing as a pull error,
and timeouts and TerminateJob taking the container's processes with it.

The images are built on this machine by scripts/test-images.sh (busybox
always, the Debian one with debootstrap, cached in FERRY_IMAGE_CACHE). Tests
that need containers skip, saying why, where podman cannot run them."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.conftest import Emu

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGES = os.path.join(ROOT, "scripts", "test-images.sh")
TERMINAL = ("SUCCEEDED", "FAILED")
TIMING = {"FERRY_AWSEMU_BATCH_STEP_MS": "20", "FERRY_AWSEMU_BATCH_KILL_GRACE_MS": "500"}
NO_ENGINE = "cannot run in containers here"


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def build_image(name):
    r = subprocess.run([IMAGES, name], capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        pytest.skip(f"test image {name} cannot be built here: {r.stderr.strip()}")
    return r.stdout.strip().splitlines()[-1]


def start_emu(tmp, *args, env=None):
    saved = dict(os.environ)
    os.environ.update(TIMING)
    os.environ.update(env or {})
    try:
        return Emu(tmp, args, host_jobs=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)


class World:
    """One emulator whose jobs run in containers, a queue, and helpers."""

    def __init__(self, emu):
        self.emu = emu
        self.batch = emu.client("batch")
        self.logs = emu.client("logs")
        self.queue = uniq("q")
        emu.create_batch_queue(self.queue, compute_environment=uniq("ce"), max_vcpus=4)

    def define(self, image="busybox:test", **props):
        name = uniq("jd")
        cp = {"image": image, "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                       {"type": "MEMORY", "value": "128"}]}
        cp.update(props)
        self.batch.register_job_definition(jobDefinitionName=name, type="container", containerProperties=cp)
        return name

    def submit(self, jd, command=None, **kw):
        overrides = kw.pop("containerOverrides", {})
        if command is not None:
            overrides["command"] = command
        return self.batch.submit_job(jobName="job", jobQueue=self.queue, jobDefinition=jd,
                                     containerOverrides=overrides, **kw)["jobId"]

    def wait(self, job_id, statuses=TERMINAL, timeout=60):
        deadline = time.time() + timeout
        while True:
            job = self.batch.describe_jobs(jobs=[job_id])["jobs"][0]
            if job["status"] in statuses:
                return job
            assert time.time() < deadline, f"job still {job['status']} after {timeout}s: {job}"
            time.sleep(0.05)

    def run(self, jd, command=None, **kw):
        return self.wait(self.submit(jd, command, **kw))

    def lines(self, job):
        stream = job["container"].get("logStreamName")
        try:
            events = self.logs.get_log_events(logGroupName="/aws/batch/job", logStreamName=stream,
                                              startFromHead=True)["events"]
        except self.logs.exceptions.ResourceNotFoundException:
            return []
        return [e["message"] for e in events]

    def containers(self):
        """Names of the containers in the emulator's private store."""
        data = os.path.join(self.emu.data_dir, "containers")
        with open(os.path.join(data, "podman-args")) as f:
            store = f.read().split()
        r = subprocess.run(["podman", *store, "ps", "-a", "--format", "{{.Names}}"],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "CONTAINERS_CONF": f"{data}/containers.conf"})
        assert r.returncode == 0, r.stderr
        return r.stdout.split()


@pytest.fixture(scope="module")
def world():
    busybox = build_image("busybox")
    tmp = tempfile.mkdtemp(prefix="ferry-containers-")
    emu = start_emu(tmp)
    try:
        if NO_ENGINE in emu.stderr():
            pytest.skip("podman cannot run containers here: " + emu.stderr().strip())
        assert import_image(emu, "busybox:test", path=busybox) == {"imported": "busybox:test"}
        yield World(emu)
    finally:
        emu.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def import_image(emu, name, tarball=None, path=None, changes=()):
    query = [("name", name)] + [("change", c) for c in changes]
    if path:
        query.append(("path", path))
    url = emu.endpoint + "/_emu/images?" + urllib.parse.urlencode(query)
    data = open(tarball, "rb").read() if tarball else None
    req = urllib.request.Request(url, data=data, method="POST")
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.loads(r.read())


def test_job_sees_its_image_not_the_host(world):
    jd = world.define()
    job = world.run(jd, ["sh", "-c", "cat /etc/ferry-test-image; ls /usr/bin/podman 2>&1 || echo no-podman; "
                                     "test -e /etc/os-release || echo no-os-release; exit 3"])
    assert job["status"] == "FAILED", job
    assert job["container"]["exitCode"] == 3
    assert job["statusReason"] == "Essential container in task exited"
    lines = world.lines(job)
    assert lines[0] == "busybox"
    assert "no-podman" in lines and "no-os-release" in lines


def test_debian_image_has_debians_os_release(world):
    debian = build_image("debian")
    assert import_image(world.emu, "debian:test", path=debian) == {"imported": "debian:test"}
    job = world.run(world.define("debian:test"), ["cat", "/etc/os-release"])
    assert job["status"] == "SUCCEEDED", job
    lines = world.lines(job)
    assert "ID=debian" in lines and 'VERSION_CODENAME=bookworm' in lines


def test_mount_points_read_only_where_asked(world, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "data.txt").write_text("from the host\n")
    jd = world.define(volumes=[{"name": "in", "host": {"sourcePath": str(src)}},
                               {"name": "out", "host": {"sourcePath": str(out)}}],
                      mountPoints=[{"sourceVolume": "in", "containerPath": "/in", "readOnly": True},
                                   {"sourceVolume": "out", "containerPath": "/out"}])
    job = world.run(jd, ["sh", "-c", "cat /in/data.txt; (echo x > /in/new) 2>/dev/null && echo wrote-in || "
                                     "echo in-is-read-only; echo result > /out/r.txt"])
    assert job["status"] == "SUCCEEDED", job
    assert world.lines(job) == ["from the host", "in-is-read-only"]
    assert not (src / "new").exists()
    assert (out / "r.txt").read_text() == "result\n"  # Docker creates a missing host path


def test_environment_user_and_role_credentials(world):
    jd = world.define(user="nobody", environment=[{"name": "GREETING", "value": "from-definition"},
                                                  {"name": "MULTI", "value": "a\nb"}])
    job = world.run(jd, ["sh", "-c", 'echo "$GREETING $OTHER"; id -u; echo "$MULTI" | wc -l; '
                                     'echo "id=${AWS_BATCH_JOB_ID:+set} static=${AWS_SECRET_ACCESS_KEY:-none}"; '
                                     'wget -qO- "$AWS_CONTAINER_CREDENTIALS_FULL_URI" | grep -o AccessKeyId'],
                    containerOverrides={"environment": [{"name": "OTHER", "value": "override"}]})
    assert job["status"] == "SUCCEEDED", job
    assert world.lines(job) == ["from-definition override", "65534", "2", "id=set static=none", "AccessKeyId"]


def test_ulimits_and_linux_parameters(world):
    jd = world.define(ulimits=[{"name": "nofile", "softLimit": 1000, "hardLimit": 2000},
                               {"name": "nproc", "softLimit": 500, "hardLimit": 500}],
                      linuxParameters={"initProcessEnabled": True, "sharedMemorySize": 16,
                                       "tmpfs": [{"containerPath": "/scratch", "size": 8,
                                                  "mountOptions": ["noexec"]}]})
    job = world.run(jd, ["sh", "-c", "ulimit -n; ulimit -Hn; ulimit -u; cat /proc/1/comm; "
                                     "df -k /dev/shm /scratch | tail -2 | awk '{print $2}'; "
                                     "grep ' /scratch ' /proc/mounts | grep -o noexec"])
    assert job["status"] == "SUCCEEDED", job
    # PID 1 is podman's init (catatonit, mounted as podman-init), not sh.
    assert world.lines(job) == ["1000", "2000", "500", "podman-init", "16384", "8192", "noexec"]


def test_host_termination_and_shutdown_kill_containers(world, tmp_path):
    world.emu.set_faults({"host_termination_per_attempt": 1.0})
    try:
        job = world.run(world.define(), ["sh", "-c", "echo up; sleep 60"])
    finally:
        world.emu.set_faults({})
    assert job["status"] == "FAILED", job
    assert job["statusReason"].startswith("Host EC2 (instance ")
    assert not [n for n in world.containers() if job["jobId"] in n]

    # An emulator that stops takes its running containers with it.
    other = World(start_emu(str(tmp_path), "--image", f"busybox:test={build_image('busybox')}"))
    job_id = other.submit(other.define(), ["sleep", "60"])
    other.wait(job_id, ("RUNNING",))
    deadline = time.time() + 30
    while not other.containers():
        assert time.time() < deadline
        time.sleep(0.1)
    other.emu.stop()
    assert other.containers() == []


def test_command_replaces_cmd_and_entrypoint_applies(world, tmp_path):
    busybox = build_image("busybox")
    import_image(world.emu, "echo-entry:1", tarball=busybox,
                 changes=['ENTRYPOINT ["/bin/echo", "entry:"]', 'CMD ["default", "cmd"]'])
    jd = world.define("echo-entry:1")
    assert world.lines(world.run(jd, ["a", "b"])) == ["entry: a b"]
    # No command anywhere: the image's CMD.
    assert world.lines(world.run(jd)) == ["entry: default cmd"]


def test_entrypoint_that_ignores_the_command_succeeds_without_running_it(world):
    # An ENTRYPOINT that drops its arguments: Batch only sees the container
    # exit 0, so the job SUCCEEDS though its command never ran.
    busybox = build_image("busybox")
    import_image(world.emu, "swallow:1", tarball=busybox, changes=['ENTRYPOINT ["/bin/true"]'])
    job = world.run(world.define("swallow:1"), ["sh", "-c", "echo ran; exit 9"])
    assert job["status"] == "SUCCEEDED", job
    assert job["container"]["exitCode"] == 0
    assert job["statusReason"] == "Essential container in task exited"
    assert world.lines(job) == []


def test_missing_image_fails_as_a_pull_error(world):
    job = world.run(world.define("nosuch/image:1"), ["true"])
    assert job["status"] == "FAILED", job
    # Both the job's reason and the container's begin CannotPullContainerError.
    assert job["statusReason"].startswith("CannotPullContainerError: ")
    assert job["container"]["reason"].startswith("CannotPullContainerError: ")
    assert "nosuch/image:1" in job["container"]["reason"]
    assert job["attempts"][0]["container"]["reason"] == job["container"]["reason"]


def test_image_without_the_command_fails_to_start_naming_it(world):
    # busybox has no bash: the container never starts, as with Docker.
    job = world.run(world.define(), ["bash", "-c", "echo ran"])
    assert job["status"] == "FAILED", job
    assert job["statusReason"] == "Task failed to start"
    reason = job["container"]["reason"]
    assert reason.startswith("CannotStartContainerError: "), reason
    assert 'exec: "bash": executable file not found' in reason, reason
    assert "exitCode" not in job["container"]
    # A command's own exit 127 (sh: not found) is the container's exit.
    job = world.run(world.define(), ["sh", "-c", "nosuchcommand"])
    assert job["statusReason"] == "Essential container in task exited", job
    assert job["container"]["exitCode"] == 127


def test_timeout_kills_the_container(world):
    started = time.time()
    job = world.run(world.define(), ["sh", "-c", "echo started; sleep 60 & sleep 60"],
                    timeout={"attemptDurationSeconds": 1})
    assert job["status"] == "FAILED", job
    assert job["statusReason"] == "Job attempt duration exceeded timeout"
    assert time.time() - started < 20
    assert world.lines(job) == ["started"]
    assert not [n for n in world.containers() if job["jobId"] in n]


def test_terminate_job_kills_the_container(world):
    job_id = world.submit(world.define(), ["sh", "-c", "trap 'echo got-term; exit 143' TERM; echo up; "
                                                       "while true; do sleep 0.1; done"])
    world.wait(job_id, ("RUNNING",))
    deadline = time.time() + 30
    while not [n for n in world.containers() if job_id in n]:
        assert time.time() < deadline
        time.sleep(0.1)
    time.sleep(0.5)  # the shell has set its trap
    world.batch.terminate_job(jobId=job_id, reason="stop it")
    job = world.wait(job_id)
    assert job["status"] == "FAILED" and job["statusReason"] == "stop it"
    assert job["container"]["exitCode"] == 143
    assert world.lines(job) == ["up", "got-term"]
    assert not [n for n in world.containers() if job_id in n]


def test_without_a_container_engine_jobs_fail_and_never_run_on_the_host(tmp_path):
    marker = tmp_path / "ran"
    emu = start_emu(str(tmp_path), env={"FERRY_AWSEMU_PODMAN": "/nonexistent/podman"})
    try:
        assert emu.stderr().count(NO_ENGINE) == 1
        assert "--host-jobs" in emu.stderr()
        w = World(emu)
        job = w.run(w.define(), ["sh", "-c", f"touch {marker}"])
        assert job["status"] == "FAILED"
        assert job["container"]["reason"].startswith("CannotStartContainerError: ferry-awsemu has no container "
                                                     "engine: podman is not installed")
        assert not marker.exists()
        with pytest.raises(urllib.error.HTTPError) as refused:
            import_image(emu, "x:1", path=str(marker))
        assert refused.value.code == 409
        assert "podman is not installed" in json.loads(refused.value.read())["error"]
    finally:
        emu.stop()


def test_image_import_errors_say_what_is_wrong(world, tmp_path):
    for query, body, says in [("name=x:1", None, "no image"),
                              (f"name=x:1&path={tmp_path}/none.tar", None, "does not exist"),
                              ("name=x:1&format=zip&path=/x", None, "format must be rootfs or archive"),
                              ("path=/x&colour=red", None, "unknown parameter 'colour'"),
                              ("name=x:1", b"not a tarball", "cannot import")]:
        req = urllib.request.Request(world.emu.endpoint + "/_emu/images?" + query, data=body, method="POST")
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=60)
        assert e.value.code == 400, query
        assert says in json.loads(e.value.read())["error"], query


def image_id(emu, name):
    """The id of image `name` in the emulator's store, by podman itself."""
    data = os.path.join(emu.data_dir, "containers")
    with open(os.path.join(data, "podman-args")) as f:
        store = f.read().split()
    r = subprocess.run(["podman", *store, "image", "inspect", "--format", "{{.Id}}", name],
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, "CONTAINERS_CONF": f"{data}/containers.conf"})
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_emulators_sharing_an_image_store_import_a_tarball_once(tmp_path):
    # --image-store: a second emulator finds the image the first imported,
    # importing the same file again changes nothing, a rebuilt file is
    # imported anew.
    tarball = tmp_path / "busybox.tar"
    shutil.copy(build_image("busybox"), tarball)
    store = tmp_path / "store"
    emus = []
    try:
        for side in ("first", "second"):
            (tmp_path / side).mkdir()
            emus.append(start_emu(str(tmp_path / side), "--image-store", str(store)))
            if NO_ENGINE in emus[-1].stderr():
                pytest.skip("podman cannot run containers here: " + emus[-1].stderr().strip())
        first, second = emus
        assert import_image(first, "busybox:test", path=str(tarball)) == {"imported": "busybox:test"}
        imported = image_id(first, "busybox:test")
        first.stop()
        emus.remove(first)
        world = World(second)
        job = world.run(world.define(), ["cat", "/etc/ferry-test-image"])
        assert job["status"] == "SUCCEEDED" and world.lines(job) == ["busybox"], job
        assert import_image(second, "busybox:test", path=str(tarball)) == {"imported": "busybox:test"}
        assert image_id(second, "busybox:test") == imported
        os.utime(tarball, (time.time() + 5, time.time() + 5))
        assert import_image(second, "busybox:test", path=str(tarball)) == {"imported": "busybox:test"}
        assert image_id(second, "busybox:test") != imported
    finally:
        for e in emus:
            e.stop()
        shutil.rmtree(store, ignore_errors=True)
