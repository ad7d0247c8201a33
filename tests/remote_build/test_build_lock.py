"""One `ferry build` per directory at a time: a second build of a directory
whose build is still going (--local or --aws-batch, through a symlink too)
fails at once naming the first, while --list, --attach and builds of other
directories still work; a Batch build whose job a detached build left going
is refused too."""

import os
import re
import subprocess
import time

from tests.conftest import ferry_bin


def held_dir(tmp_path, name="held"):
    """A build directory whose Makefile waits until the test removes HOLD
    (outside the directory, so the Batch job sees the same file)."""
    hold = tmp_path / f"{name}.hold"
    hold.write_text("")
    d = tmp_path / name
    d.mkdir()
    (d / "Makefile").write_text(f"all:\n\t@echo started; while [ -e {hold} ]; do sleep 0.05; done; echo done > done.txt\n")
    return d, hold


def quick_dir(tmp_path, name):
    d = tmp_path / name
    d.mkdir()
    (d / "Makefile").write_text("all:\n\t@echo quick > quick.txt\n")
    return d


def busy_message(d, pid, job_id=None):
    job = f"job {re.escape(job_id)}, " if job_id else ""
    return re.compile(rf"another ferry build is running in {re.escape(str(d))}: {job}pid {pid}, "
                      rf"started \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d; wait for it or stop it \(kill {pid}\)")


def popen_build(batch, *args):
    return subprocess.Popen([ferry_bin(), "build", *map(str, args)], env=batch.ferry_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read_until(proc, text):
    out = ""
    while text not in out:
        line = proc.stdout.readline()
        assert line, out
        out += line
    return out


def refused_at_once(batch, *args):
    start = time.time()
    r = batch.ferry("build", *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert time.time() - start < 10, "the second build waited instead of failing at once"
    return r


def test_second_batch_build_of_a_dir_is_refused_naming_the_job(batch, tmp_path):
    d, hold = held_dir(tmp_path)
    first = popen_build(batch, "--aws-batch", d)
    try:
        out = read_until(first, "[batch] started")
        job_id = re.search(r"Submitted AWS Batch job (\S+)", out).group(1)
        jobs = len(batch.jobs())
        uploads = batch.uploads()
        message = busy_message(d, first.pid, job_id)
        os.symlink(d, tmp_path / "link")  # the same directory, the same lock
        for how in (["--aws-batch", d], ["--local", d], ["--aws-batch", tmp_path / "link"]):
            r = refused_at_once(batch, *how)
            assert message.search(r.stderr), r.stderr
        # Nothing of the refused builds reached AWS: no upload, no job.
        assert batch.uploads() == uploads
        assert len(batch.jobs()) == jobs
        # Another directory is another lock.
        other = quick_dir(tmp_path, "other")
        r = batch.ferry("build", "--local", other)
        assert r.returncode == 0, r.stdout + r.stderr
        # --list and --attach take no lock.
        r = batch.ferry("build", "--list")
        assert r.returncode == 0 and job_id in r.stdout, r.stdout + r.stderr
        attach = popen_build(batch, "--aws-batch", "--attach", job_id, "--no-download")
    finally:
        hold.unlink()
        out += first.communicate(timeout=120)[0]
    assert first.returncode == 0, out
    assert (d / "done.txt").read_text() == "done\n"
    attached = attach.communicate(timeout=120)[0]
    assert attach.returncode == 0, attached
    # Ended: the directory builds again.
    r = batch.ferry("build", "--local", d)
    assert r.returncode == 0, r.stdout + r.stderr


def test_second_local_build_of_a_dir_is_refused(batch, tmp_path):
    d, hold = held_dir(tmp_path)
    first = popen_build(batch, "--local", d)
    try:
        read_until(first, "started")
        message = busy_message(d, first.pid)
        for how in (["--local", d], ["--aws-batch", d]):
            r = refused_at_once(batch, *how)
            assert message.search(r.stderr), r.stderr
        assert not batch.jobs()
    finally:
        hold.unlink()
        out = first.communicate(timeout=60)[0]
    assert first.returncode == 0, out
    assert (d / "done.txt").read_text() == "done\n"


def test_build_over_a_detached_builds_running_job_is_refused(batch, tmp_path):
    d, hold = held_dir(tmp_path)
    r = batch.ferry("build", "--aws-batch", "--detach", d)
    assert r.returncode == 0, r.stdout + r.stderr
    job_id = re.search(r"Submitted AWS Batch job (\S+)", r.stdout + r.stderr).group(1)
    try:
        deadline = time.time() + 60
        while batch.describe(job_id)["status"] != "RUNNING":
            assert time.time() < deadline
            time.sleep(0.1)
        uploads = batch.uploads()
        r = refused_at_once(batch, "--aws-batch", d)
        assert (f"an earlier build of {d} is still RUNNING (job {job_id}): its job builds from the mirror"
                in r.stderr), r.stderr
        assert f"--attach {job_id} {d}" in r.stderr and f"--attach {job_id} --cancel" in r.stderr
        assert batch.uploads() == uploads
    finally:
        hold.unlink()
    r = batch.ferry("build", "--aws-batch", "--attach", job_id, d)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (d / "done.txt").read_text() == "done\n"
    # The job has ended: the directory builds again.
    r = batch.ferry("build", "--aws-batch", d)
    assert r.returncode == 0, r.stdout + r.stderr
