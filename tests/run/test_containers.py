"""Local tasks with `container` run in their image through podman or docker
(podman.enabled / docker.enabled in ferry.config).

The image is built here from the busybox-static binary with a marker
/etc/os-release and imported into a private podman store (never the
machine's), so nothing reaches a registry: the config adds `--pull never`.
Tests that need podman skip, saying why, where it cannot run containers;
the docker ones skip where no docker daemon answers.
"""
import os
import pathlib
import secrets
import shutil
import signal
import subprocess
import tarfile
import time

import pytest

from .conftest import ok, refused, statuses

IMAGE = "ferry-test-busybox:1"
BUSYBOX = "/bin/busybox"
APPLETS = ["sh", "cat", "echo", "sleep", "wc", "tr", "ls", "mkdir", "printf", "test", "[", "env", "rm", "true", "pwd"]
# podman as root on this kind of host: runc (crun fails on a hybrid cgroup
# layout), cgroupfs, file events. Users' podman needs none of it.
CONTAINERS_CONF = """[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"""


def build_rootfs_tar(dest: pathlib.Path, marker: str) -> pathlib.Path:
    """A tar of a minimal root file system: busybox, its applets, /tmp and
    an /etc/os-release saying `marker` (no bash: the sh fallback is used)."""
    root = dest / "rootfs"
    (root / "bin").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "tmp").mkdir(mode=0o1777)
    shutil.copy(BUSYBOX, root / "bin" / "busybox")
    for a in APPLETS:
        os.symlink("busybox", root / "bin" / a)
    (root / "etc" / "os-release").write_text(f"ID=ferrytest\nFERRY_MARKER={marker}\n")
    tar = dest / "rootfs.tar"
    with tarfile.open(tar, "w") as t:
        t.add(root, arcname=".")
    return tar


class Engine:
    """One container engine the tests drive: its CLI words, the env its
    commands need, and the config that enables it for ferry."""

    def __init__(self, name, options, env, marker):
        self.name, self.options, self.env, self.marker = name, options, env, marker

    def cli(self, *args, timeout=120):
        return subprocess.run([self.name, *self.options, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def config(self, extra=""):
        opts = " ".join(self.options)
        return (f"{self.name} {{\n  enabled = true\n  engineOptions = '{opts}'\n"
                f"  runOptions = '--pull never'\n{extra}}}\n")

    def containers(self):
        """Names of every container in the store, running or not."""
        p = self.cli("ps", "-a", "--format", "{{.Names}}")
        assert p.returncode == 0, p.stderr
        return [n for n in p.stdout.split() if n.startswith("ferry-")]


def _skip(why, p):
    pytest.skip(f"{why}: {(p.stderr or p.stdout).strip()[-400:]}")


@pytest.fixture(scope="module")
def podman(tmp_path_factory):
    if not shutil.which("podman"):
        pytest.skip("podman is not installed (apt-get install podman runc)")
    if not os.path.exists(BUSYBOX):
        pytest.skip(f"{BUSYBOX} is missing (apt-get install busybox-static)")
    d = tmp_path_factory.mktemp("podman")
    conf = d / "containers.conf"
    conf.write_text(CONTAINERS_CONF)
    env = dict(os.environ, CONTAINERS_CONF=str(conf))
    marker = secrets.token_hex(8)
    eng = Engine("podman", ["--root", str(d / "root"), "--runroot", str(d / "runroot")], env, marker)
    p = eng.cli("import", str(build_rootfs_tar(d, marker)), IMAGE)
    if p.returncode != 0:
        _skip("podman cannot import an image here", p)
    p = eng.cli("run", "--rm", "--pull", "never", IMAGE, "true")
    if p.returncode != 0:
        _skip("podman cannot run a container here", p)
    yield eng
    eng.cli("rm", "-a", "-f")
    eng.cli("rmi", "-a", "-f")


@pytest.fixture(scope="module")
def docker(tmp_path_factory):
    if not shutil.which("docker"):
        pytest.skip("docker is not installed")
    eng = Engine("docker", [], dict(os.environ), secrets.token_hex(8))
    p = eng.cli("info", timeout=30)
    if p.returncode != 0:
        _skip("no docker daemon answers here", p)
    d = tmp_path_factory.mktemp("docker")
    p = eng.cli("import", str(build_rootfs_tar(d, eng.marker)), IMAGE)
    if p.returncode != 0:
        _skip("docker cannot import an image here", p)
    yield eng
    for name in eng.containers():
        eng.cli("rm", "-f", name)
    eng.cli("rmi", "-f", IMAGE)


LOOK = f"""
tasks:
  look:
    container: {IMAGE}
    input:
      data: data.txt
    output:
      seen: seen.txt
    publish: results
    script: |
      cat /etc/os-release > {{{{ output.seen }}}}
      cat {{{{ input.data }}}} >> {{{{ output.seen }}}}
      if echo more >> {{{{ input.data }}}} 2>/dev/null; then echo input-writable; else echo input-read-only; fi \\
        >> {{{{ output.seen }}}}
      echo "cwd=$(pwd)" >> {{{{ output.seen }}}}
  count:
    container: {IMAGE}
    input:
      prev: "{{{{ look.output.seen }}}}"
    output:
      n: n.txt
    publish: results
    script: |
      wc -l < {{{{ input.prev }}}} | tr -d ' ' > {{{{ output.n }}}}
"""


def write_look(ws, tmp_path_factory):
    # The input is a symlink in the launch dir to a file elsewhere: the
    # container must see the target's content.
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "real-data.txt"
    elsewhere.write_text("payload from outside the launch dir\n")
    os.symlink(elsewhere, ws.path / "data.txt")
    ws.write("pipeline.yml", LOOK)
    return elsewhere


def run_in(ws, eng, *args, timeout=180):
    return ws.run("run", ".", "-ansi-log", "false", "-with-trace", "trace.tsv", *args, timeout=timeout,
                  env={"CONTAINERS_CONF": eng.env.get("CONTAINERS_CONF", "")} if eng.name == "podman" else None)


def check_ran_in_image(ws, eng, elsewhere):
    seen = ws.read("results/seen.txt")
    assert f"FERRY_MARKER={eng.marker}" in seen, seen  # the image's /etc/os-release, not the host's
    assert "payload from outside the launch dir" in seen
    assert "input-read-only" in seen
    look = next(r for r in ws.trace() if r["name"] == "look")
    assert f"cwd={look['workdir']}" in seen  # the work dir, at the same path
    assert ws.read("results/n.txt").strip() == "5"
    assert elsewhere.read_text() == "payload from outside the launch dir\n"
    assert statuses(ws.trace()) == ["COMPLETED", "COMPLETED"]
    assert eng.containers() == []  # --rm


def test_tasks_run_in_their_image_with_podman(ws, podman, tmp_path_factory):
    elsewhere = write_look(ws, tmp_path_factory)
    ws.write("ferry.config", podman.config())
    ok(run_in(ws, podman))
    check_ran_in_image(ws, podman, elsewhere)
    # The wrapper that ran it names the engine, and a task without a
    # container still runs on the host.
    look = next(r for r in ws.trace() if r["name"] == "look")
    assert "podman" in open(look["workdir"] + "/.command.run").read()


def test_exit_code_and_stderr_of_the_container_are_reported(ws, podman):
    ws.write("ferry.config", podman.config())
    ws.write("pipeline.yml", f"""
tasks:
  bad:
    container: {IMAGE}
    script: |
      echo "complaint from inside the image" >&2
      exit 7
""")
    p = run_in(ws, podman)
    assert p.returncode == 1, p.stdout + p.stderr
    out = p.stdout + p.stderr
    assert "task 'bad' failed: exit status 7" in out
    assert "complaint from inside the image" in out
    assert ws.trace()[0]["exit"] == "7"


def test_pipeline_bin_is_mounted_and_on_path_in_the_container(ws, podman):
    ws.write("ferry.config", podman.config())
    ws.write("pipeline.yml", f"""
tasks:
  greet:
    container: {IMAGE}
    output:
      o: o.txt
    publish: results
    script: greet inside > {{{{ output.o }}}}
""")
    ws.write("bin/greet", "#!/bin/sh\n. /etc/os-release\necho \"hello $1 from $FERRY_MARKER\"\n")
    os.chmod(ws.path / "bin/greet", 0o755)
    p = run_in(ws, podman)
    assert p.returncode == 0, p.stdout + p.stderr
    assert ws.read("results/o.txt") == f"hello inside from {podman.marker}\n"


def test_missing_image_fails_the_task_with_the_engines_words(ws, podman):
    ws.write("ferry.config", podman.config())
    ws.write("pipeline.yml", "tasks:\n  t:\n    container: ferry-no-such-image:0\n    script: echo hi\n")
    p = run_in(ws, podman)
    assert p.returncode == 1, p.stdout + p.stderr
    out = p.stdout + p.stderr
    assert "task 't' failed: exit status 125" in out
    assert "ferry-no-such-image" in out


def test_time_limit_kills_the_container(ws, podman):
    ws.write("ferry.config", podman.config())
    ws.write("pipeline.yml", f"""
tasks:
  slow:
    container: {IMAGE}
    time: 6s
    script: |
      echo started
      sleep 120
""")
    start = time.time()
    p = run_in(ws, podman)
    took = time.time() - start
    assert p.returncode == 1, p.stdout + p.stderr
    assert "time limit" in p.stdout + p.stderr
    assert took < 40, took
    assert ws.trace()[0]["exit"] in ("143", "137")
    assert podman.containers() == []  # killed and removed, not left running


def test_ctrl_c_kills_the_container(ws, podman):
    ws.write("ferry.config", podman.config())
    ws.write("pipeline.yml", f"tasks:\n  slow:\n    container: {IMAGE}\n    script: sleep 120\n")
    proc = ws.popen("run", ".", "-ansi-log", "false", env={"CONTAINERS_CONF": podman.env["CONTAINERS_CONF"]})
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not podman.containers():
            time.sleep(0.5)
        assert podman.containers(), "the task's container never started"
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out + err
    assert podman.containers() == []


def test_env_whitelist_registry_temp_and_remove_act(ws, podman, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("container-tmp")
    ws.write("ferry.config", "env { GREETING = 'hello-from-config' }\n" + podman.config(
        "  envWhitelist = 'FERRY_TEST_PASSED'\n  registry = 'localhost'\n"
        f"  temp = '{tmp}'\n  remove = false\n"))
    ws.write("pipeline.yml", f"""
tasks:
  env:
    container: {IMAGE}
    output:
      o: env.txt
    script: |
      echo "$GREETING ${{FERRY_TEST_PASSED:-unset}} ${{FERRY_TEST_KEPT_OUT:-unset}}" > {{{{ output.o }}}}
      echo in-tmp > /tmp/written-inside
""")
    p = ws.run("run", ".", "-with-trace", "trace.tsv",
               env={"CONTAINERS_CONF": podman.env["CONTAINERS_CONF"], "FERRY_TEST_PASSED": "passed-by-name",
                    "FERRY_TEST_KEPT_OUT": "host-only"}, timeout=180)
    ok(p)
    wd = ws.trace()[0]["workdir"]
    assert open(wd + "/env.txt").read().strip() == "hello-from-config passed-by-name unset"
    assert (tmp / "written-inside").read_text() == "in-tmp\n"  # temp: the host dir is the container's /tmp
    wrapper = open(wd + "/.command.run").read()
    assert " localhost/" + IMAGE + " -c " in wrapper  # registry prefixed
    assert "hello-from-config" not in wrapper and "passed-by-name" not in wrapper  # values stay out of scripts
    left = podman.containers()  # remove = false keeps it
    assert len(left) == 1, left
    podman.cli("rm", "-f", left[0])


def test_engine_not_on_path_fails_the_task_saying_how_to_fix(ws):
    ws.write("ferry.config", "docker.enabled = true\n")
    ws.write("pipeline.yml", f"tasks:\n  t:\n    container: {IMAGE}\n    script: echo hi\n")
    p = ws.run("run", ".", "-ansi-log", "false", env={"PATH": "/nonexistent-bin"})
    assert p.returncode == 1, p.stdout + p.stderr
    out = p.stdout + p.stderr
    assert "task 't' failed: exit status 127" in out
    assert "docker.enabled = true in the config, but docker is not on PATH" in out
    assert "set docker.enabled = false" in out


def test_both_engines_enabled_is_a_config_error_naming_both(ws):
    ws.write("ferry.config", "docker.enabled = true\npodman {\n  enabled = true\n}\n")
    ws.write("pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
    p = refused(ws.run("run", "."))
    assert "ferry.config:1:8: docker.enabled = true and ferry.config:3:3: podman.enabled = true" in p.stderr, p.stderr
    assert not (ws.path / "work").exists()


def test_container_without_an_engine_warns_once_per_run(ws):
    ws.write("pipeline.yml", f"""
tasks:
  t:
    for_each: "{{{{ range(0, 3) }}}}"
    container: {IMAGE}
    output:
      o: "o{{{{ item }}}}.txt"
    script: cat /etc/os-release > {{{{ output.o }}}}
""")
    p = ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    warnings = [l for l in p.stderr.splitlines() if "no container engine is enabled" in l]
    assert len(warnings) == 1, p.stderr
    assert "pipeline.yml:3:3: 3 local task(s) name a container" in warnings[0]
    assert "podman.enabled = true" in warnings[0]
    assert statuses(ws.trace()) == ["COMPLETED"] * 3


def test_tasks_run_in_their_image_with_docker(ws, docker, tmp_path_factory):
    elsewhere = write_look(ws, tmp_path_factory)
    ws.write("ferry.config", docker.config())
    ok(run_in(ws, docker))
    check_ran_in_image(ws, docker, elsewhere)


def test_time_limit_kills_the_docker_container(ws, docker):
    ws.write("ferry.config", docker.config())
    ws.write("pipeline.yml", f"tasks:\n  slow:\n    container: {IMAGE}\n    time: 6s\n    script: sleep 120\n")
    p = run_in(ws, docker)
    assert p.returncode == 1 and "time limit" in p.stdout + p.stderr, p.stdout + p.stderr
    assert docker.containers() == []
