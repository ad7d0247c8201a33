"""Detach, attach and cancel: --detach and --attach, Control-Z, Control-C once,
twice and three times on a real pseudo-terminal, SIGHUP, and the local list
of builds (--list, --json)."""

import contextlib
import fcntl
import json
import os
import re
import select
import signal
import subprocess
import termios
import time

from tests.conftest import ferry_bin

SLOW = "echo started; sleep 20; echo finished > done.txt"


def makefile_dir(tmp_path, name, makefile):
    """A fresh build directory `name` whose Makefile is `makefile`."""
    d = tmp_path / name
    d.mkdir()
    (d / "Makefile").write_text(makefile)
    return d


def slow_dir(tmp_path, name="slow"):
    d = makefile_dir(tmp_path, name, f"all:\n\t@{SLOW}\n")
    (d / "input.txt").write_text("x\n")
    return d


class Pty:
    """ferry on a pseudo-terminal that is its controlling terminal, so the
    control characters written to the master side become signals."""

    def __init__(self, args, env):
        self.master, slave = os.openpty()

        def make_controlling_terminal():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([ferry_bin(), *map(str, args)], stdin=slave, stdout=slave, stderr=slave,
                                     env=env, start_new_session=True, preexec_fn=make_controlling_terminal)
        os.close(slave)
        self.out = ""

    def read_until(self, pattern, timeout=60):
        deadline = time.time() + timeout
        while not re.search(pattern, self.out):
            left = deadline - time.time()
            assert left > 0, f"no {pattern!r} in output:\n{self.out}"
            r, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if r:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    assert re.search(pattern, self.out), f"no {pattern!r} in output:\n{self.out}"
                    break
                self.out += chunk.decode(errors="replace")
        return self.out

    def send(self, chars):
        os.write(self.master, chars)

    def wait(self, timeout=60):
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            self.drain()
        return code

    def drain(self):
        while True:
            r, _, _ = select.select([self.master], [], [], 0.2)
            if not r:
                return
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.out += chunk.decode(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


@contextlib.contextmanager
def started_on_pty(batch, d, **env):
    """`ferry build --aws-batch D` on a terminal (Pty), once its job has
    started; killed at the end of the block if it is still running."""
    p = Pty(["build", "--aws-batch", d], batch.ferry_env(**env))
    try:
        p.read_until(r"\[batch\] started")
        yield p
    finally:
        p.close()


def job_id_from(out):
    m = re.search(r"--attach (\S+) ", out)
    assert m, out
    return m.group(1)


def start_piped(batch, d, **popen_args):
    """`ferry build --aws-batch D` with its output on a pipe (no terminal),
    once its job has started: (process, output so far)."""
    proc = subprocess.Popen([ferry_bin(), "build", "--aws-batch", str(d)], env=batch.ferry_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen_args)
    out = ""
    while "[batch] started" not in out:
        line = proc.stdout.readline()
        assert line, out
        out += line
    return proc, out


def wait_status(batch, job_id, statuses, timeout=60):
    deadline = time.time() + timeout
    while True:
        job = batch.describe(job_id)
        if job["status"] in statuses:
            return job
        assert time.time() < deadline, f"job still {job['status']}"
        time.sleep(0.2)


def test_detach_then_attach_downloads_results(batch, tmp_path):
    d = makefile_dir(tmp_path, "quick", "all:\n\t@sleep 1; echo built > result.txt; echo made it\n")
    r = batch.ferry("build", "--aws-batch", "--detach", d)
    assert r.returncode == 0, r.stderr
    job_id = job_id_from(r.stdout)
    assert f"ferry build --aws-batch --attach {job_id} {d}" in r.stdout
    assert not (d / "result.txt").exists()

    r = batch.ferry("build", "--aws-batch", "--attach", job_id, d)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Job SUCCEEDED" in r.stdout
    assert "[batch] made it" in r.stdout
    assert (d / "result.txt").read_text() == "built\n"


def test_attach_without_dir_needs_no_download(batch, tmp_path):
    d = slow_dir(tmp_path)
    r = batch.ferry("build", "--aws-batch", "--detach", d)
    job_id = job_id_from(r.stdout)
    r = batch.ferry("build", "--aws-batch", "--attach", job_id)
    assert r.returncode == 2
    assert "--no-download" in r.stderr
    r = batch.ferry("build", "--aws-batch", "--attach", job_id, "--cancel")
    assert r.returncode == 0, r.stderr
    job = wait_status(batch, job_id, ("FAILED",))
    assert job["statusReason"] == "stopped by user"


def test_control_z_detaches(batch, tmp_path):
    d = slow_dir(tmp_path)
    with started_on_pty(batch, d) as p:
        p.send(b"\x1a")
        assert p.wait() == 0
        assert "--attach" in p.out
        job_id = job_id_from(p.out)
        assert batch.describe(job_id)["status"] == "RUNNING"  # detaching leaves the job alone
        batch.batch.terminate_job(jobId=job_id, reason="test over")


def test_sighup_detaches(batch, tmp_path):
    d = slow_dir(tmp_path)
    proc, out = start_piped(batch, d)
    proc.send_signal(signal.SIGHUP)
    out += proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, out
    job_id = job_id_from(out)
    assert batch.describe(job_id)["status"] == "RUNNING"
    batch.batch.terminate_job(jobId=job_id, reason="test over")


def test_control_c_once_only_warns(batch, tmp_path):
    d = slow_dir(tmp_path)
    with started_on_pty(batch, d) as p:
        assert "Press Control-C twice" in p.out
        p.send(b"\x03")
        p.read_until(r"again within 10 seconds to cancel")
        time.sleep(1)
        assert p.proc.poll() is None
        job_id = re.search(r"Submitted AWS Batch job (\S+)", p.out).group(1)
        assert batch.describe(job_id)["status"] == "RUNNING"
        p.send(b"\x1a")
        assert p.wait() == 0


def test_control_c_twice_cancels_and_waits(batch, tmp_path):
    d = slow_dir(tmp_path)
    with started_on_pty(batch, d) as p:
        p.send(b"\x03")
        p.read_until(r"again within 10 seconds")
        p.send(b"\x03")
        code = p.wait(timeout=60)
        assert "Canceling job" in p.out and "Waiting for job to stop" in p.out
        assert "Job FAILED" in p.out
        assert code != 0
        job_id = re.search(r"Submitted AWS Batch job (\S+)", p.out).group(1)
        job = batch.describe(job_id)
        assert job["status"] == "FAILED" and job["statusReason"] == "stopped by user"
        assert not (d / "done.txt").exists()


def test_control_c_three_times_stops_waiting(batch, tmp_path):
    d = slow_dir(tmp_path)
    # Slow status polls, so the job is still stopping when the third press comes.
    with started_on_pty(batch, d, FERRY_BUILD_POLL_MS="4000") as p:
        p.send(b"\x03")
        p.read_until(r"again within 10 seconds")
        p.send(b"\x03")
        p.read_until(r"one more time")
        p.send(b"\x03")
        assert p.wait(timeout=30) == 130
        assert "Job FAILED" not in p.out


def test_sigint_without_terminal_cancels_at_once(batch, tmp_path):
    d = slow_dir(tmp_path)
    proc, out = start_piped(batch, d, stdin=subprocess.DEVNULL)
    proc.send_signal(signal.SIGINT)
    out += proc.communicate(timeout=60)[0]
    assert "Canceling job" in out and "Job FAILED" in out
    job_id = re.search(r"Submitted AWS Batch job (\S+)", out).group(1)
    assert batch.describe(job_id)["statusReason"] == "stopped by user"


def test_list_and_json(batch, tmp_path):
    d = makefile_dir(tmp_path, "listed", "all:\n\techo ok > ok.txt\n")
    r = batch.ferry("build", "--aws-batch", "--json", d)
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(records) == 2  # once submitted, once ended
    assert records[0]["status"] == "SUBMITTED" and records[0]["job_id"]
    assert records[1]["job_id"] == records[0]["job_id"]
    assert records[1]["status"] == "SUCCEEDED" and records[1]["exit_code"] == 0
    assert records[1]["directory"] == str(d)
    job_id = records[0]["job_id"]

    r2 = batch.ferry("build", "--aws-batch", "--detach", slow_dir(tmp_path))
    running_id = job_id_from(r2.stdout)

    r = batch.ferry("build", "--list")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert "JOB ID" in lines[0] and "DIRECTORY" in lines[0]
    assert any(job_id in l and "SUCCEEDED" in l and str(d) in l for l in lines)
    assert any(running_id in l and "SUBMITTED" in l for l in lines)

    r = batch.ferry("build", "--list", "--json")
    listed = {j["job_id"]: j for j in map(json.loads, r.stdout.splitlines())}
    assert listed[job_id]["status"] == "SUCCEEDED" and listed[job_id]["ended_at"]
    assert listed[running_id]["ended_at"] is None
    batch.batch.terminate_job(jobId=running_id, reason="test over")
    wait_status(batch, running_id, ("FAILED",))
    r = batch.ferry("build", "--list", "--aws-batch", "--json")  # asks Batch about unfinished builds
    listed = {j["job_id"]: j for j in map(json.loads, r.stdout.splitlines())}
    assert listed[running_id]["status"] == "FAILED" and listed[running_id]["ended_at"]

    # The list outlives Batch's memory of the job: a fresh emulator knows
    # nothing, the list still shows the build.
    batch.emu.reset()
    r = batch.ferry("build", "--list")
    assert job_id in r.stdout


def test_a_killed_build_is_listed_and_can_be_attached(batch, tmp_path):
    d = makefile_dir(tmp_path, "killed", "all:\n\t@sleep 2; echo finished > done.txt\n")
    proc = subprocess.Popen([ferry_bin(), "build", "--aws-batch", str(d)], env=batch.ferry_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = ""
    while "Submitted AWS Batch job" not in out:
        line = proc.stdout.readline()
        assert line, out
        out += line
    proc.send_signal(signal.SIGKILL)  # no handler runs: only what was recorded by now counts
    proc.communicate(timeout=30)
    job_id = re.search(r"Submitted AWS Batch job (\S+)", out).group(1)
    r = batch.ferry("build", "--list")
    assert any(job_id in l and str(d) in l for l in r.stdout.splitlines()), r.stdout
    r = batch.ferry("build", "--aws-batch", "--attach", job_id, d)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (d / "done.txt").read_text() == "finished\n"


def test_losing_batch_while_watching_prints_how_to_reattach(batch, tmp_path):
    d = makefile_dir(tmp_path, "outage", "all:\n\t@echo started; sleep 4; echo done > result.txt\n")
    proc = subprocess.Popen([ferry_bin(), "build", "--aws-batch", str(d)], env=batch.ferry_env(AWS_MAX_ATTEMPTS="1"),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = ""
    while "[batch] started" not in out:
        line = proc.stdout.readline()
        assert line, out
        out += line
    batch.emu.set_faults({"error_500": {"batch": 1.0}})  # Batch answers nothing but errors
    out += proc.communicate(timeout=60)[0]
    assert proc.returncode == 1, out
    assert "trying again" in out and "may still be running" in out
    job_id = job_id_from(out)
    batch.emu.set_faults({})
    r = batch.ferry("build", "--aws-batch", "--attach", job_id, d)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (d / "result.txt").read_text() == "done\n"
