"""The download brings home only what the job changed: files the user
changes while the job runs (a build.log ferry itself writes into, an edited
note) are never reverted; a file changed on both sides keeps the user's
version with the job's beside it; a file the job deleted goes locally
unless the user changed it."""

import os
import subprocess
import time

from tests.conftest import ferry_bin


def wait_for_job(batch, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if batch.jobs():
            return
        time.sleep(0.05)
    raise AssertionError("no job was submitted")


def test_output_redirected_into_the_build_directory_is_kept(batch, tmp_path):
    d = tmp_path / "proj"
    d.mkdir()
    (d / "Makefile").write_text("all:\n\techo result > out.txt\n")
    log = d / "build.log"
    with open(log, "w") as f:
        r = subprocess.run([ferry_bin(), "build", "--aws-batch", "."], cwd=d, env=batch.ferry_env(),
                           stdout=f, stderr=subprocess.STDOUT, timeout=180)
    text = log.read_text()
    assert r.returncode == 0, text
    assert (d / "out.txt").read_text() == "result\n"
    # The whole log, not the first line the upload sent.
    assert "Downloaded" in text and len(text.splitlines()) > 2, text


def test_edits_made_while_the_job_runs_survive(batch, tmp_path):
    d = tmp_path / "proj"
    d.mkdir()
    (d / "Makefile").write_text(
        "all:\n\tsleep 2\n\techo job >> both.txt\n\trm -f old.txt mine.txt\n\techo result > out.txt\n")
    (d / "notes.txt").write_text("first draft\n")
    (d / "both.txt").write_text("start\n")
    (d / "old.txt").write_text("the job deletes me\n")
    (d / "mine.txt").write_text("the job deletes me, but I edit it\n")
    (d / "still.txt").write_text("nobody touches me\n")
    os.utime(d / "still.txt", (1500000000, 1500000000))

    p = subprocess.Popen([ferry_bin(), "build", "--aws-batch", str(d)], env=batch.ferry_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_job(batch)  # the upload is done
        (d / "notes.txt").write_text("second draft, written while the job ran\n")
        (d / "both.txt").write_text("start\nedited here\n")
        (d / "mine.txt").write_text("edited here\n")
        out, err = p.communicate(timeout=180)
    finally:
        p.kill()
    assert p.returncode == 0, out + err
    assert (d / "out.txt").read_text() == "result\n"
    assert (d / "notes.txt").read_text() == "second draft, written while the job ran\n"
    assert (d / "both.txt").read_text() == "start\nedited here\n"
    assert (d / "both.txt.ferry-remote").read_text() == "start\njob\n"
    assert "both.txt kept, the job's version is in both.txt.ferry-remote" in out, out
    assert not (d / "old.txt").exists()
    assert "Deleted by the job: old.txt" in out, out
    assert (d / "mine.txt").read_text() == "edited here\n"
    assert "Deleted by the job but changed here, kept: mine.txt" in out, out
    assert os.stat(d / "still.txt").st_mtime == 1500000000
