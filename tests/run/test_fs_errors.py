"""File-system errors while tasks run: each must fail the task (exit 1) with
a message naming the errno and the path, never a bare "exit status 1" with
an empty stderr, a crash or a hang."""
import os
import shutil
import subprocess

import pytest

from .conftest import FERRY


def small_tmpfs(path, size="64k"):
    path.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                       check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip(f"cannot mount a small tmpfs here ({e}); the full-disk case needs one")


@pytest.fixture
def tiny_disk(ws):
    mnt = ws.path / "tiny"
    small_tmpfs(mnt)
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def failed(p):
    assert p.returncode == 1, f"exit {p.returncode}\n{p.stderr}"
    assert "terminate called" not in p.stderr and "what():" not in p.stderr
    return p


def test_full_disk_as_work_dir_names_enospc_and_the_dir(ws, tiny_disk):
    ws.write("pipeline.yml", """
tasks:
  fill:
    output:
      f: big.bin
    script: |
      head -c 1000000 /dev/zero > {{ output.f }}
""")
    p = failed(ws.run("run", ".", "-work-dir", tiny_disk, "-ansi-log", "false", timeout=60))
    assert "is full: No space left on device (ENOSPC)" in p.stderr, p.stderr
    assert f"the file system holding its work dir {tiny_disk}/" in p.stderr, p.stderr


def test_full_disk_before_the_task_starts_names_the_file(ws, tiny_disk):
    # A 100 kB script does not fit the 64 kB disk: writing .command.sh fails.
    ws.write("pipeline.yml", "tasks:\n  t:\n    script: echo " + "x" * 100000 + "\n")
    p = failed(ws.run("run", ".", "-work-dir", tiny_disk, "-ansi-log", "false", timeout=60))
    assert "cannot write " + str(tiny_disk) + "/" in p.stderr, p.stderr
    assert ".command.sh: No space left on device (ENOSPC)" in p.stderr, p.stderr


def test_read_only_work_dir(ws):
    ro = ws.path / "ro"
    small_tmpfs(ro)
    try:
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True, capture_output=True)
        ws.write("pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
        p = failed(ws.run("run", ".", "-work-dir", ro, "-ansi-log", "false", timeout=60))
        assert "cannot create work dir " + str(ro) + "/" in p.stderr, p.stderr
        assert "Read-only file system (EROFS)" in p.stderr, p.stderr
    finally:
        subprocess.run(["umount", "-l", str(ro)], capture_output=True)


def test_work_dir_path_too_long(ws):
    ws.write("pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
    p = failed(ws.run("run", ".", "-work-dir", ws.path / ("w" * 300), "-ansi-log", "false", timeout=60))
    assert "File name too long (ENAMETOOLONG)" in p.stderr, p.stderr
    assert "w" * 300 in p.stderr


def test_output_name_too_long_is_not_called_missing(ws):
    name = "o" * 300
    ws.write("pipeline.yml", f"""
tasks:
  t:
    output:
      f: "{name}"
    script: |
      touch {{{{ output.f }}}} || true
""")
    p = failed(ws.run("run", ".", "-ansi-log", "false", timeout=60))
    assert "cannot read output 'f'" in p.stderr and "File name too long (ENAMETOOLONG)" in p.stderr, p.stderr
    assert "missing output" not in p.stderr


def test_task_deleting_its_work_dir_is_reported_as_such(ws):
    ws.write("pipeline.yml", """
tasks:
  t:
    script: |
      rm -rf "$PWD"
""")
    p = failed(ws.run("run", ".", "-ansi-log", "false", timeout=60))
    assert "vanished while it ran" in p.stderr, p.stderr
    work = [l for l in p.stderr.splitlines() if "vanished" in l][0]
    assert str(ws.path / "work") in work, work
    assert "failed: exit status 1\n" not in p.stderr
    # The 1 came from the wrapper failing to write .exitcode, not the script.
    assert "Failed process > t [local]\n" in p.stdout, p.stdout


def run_without_dac_override(ws, *args):
    """ferry as root but without the capabilities that bypass file modes, so
    modes give EACCES as they would for any other user."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0:
        return ws.run(*args, timeout=60)
    if not setpriv:
        pytest.skip("running as root without setpriv: root ignores file modes, so EACCES cannot happen")
    return subprocess.run([setpriv, "--bounding-set", "-dac_override,-dac_read_search", FERRY, *map(str, args)],
                          cwd=ws.path, env=ws.env(), capture_output=True, text=True, timeout=60)


def test_work_root_without_write_permission(ws):
    locked = ws.path / "locked"
    locked.mkdir(mode=0o500)
    ws.write("pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
    p = failed(run_without_dac_override(ws, "run", ".", "-work-dir", locked, "-ansi-log", "false"))
    assert "cannot create work dir " + str(locked) + "/" in p.stderr, p.stderr
    assert "Permission denied (EACCES)" in p.stderr, p.stderr


def test_output_the_script_made_unreadable_is_not_called_missing(ws):
    ws.write("pipeline.yml", """
tasks:
  t:
    output:
      f: d/f.txt
    script: |
      mkdir d && echo x > d/f.txt && chmod 000 d
""")
    p = failed(run_without_dac_override(ws, "run", ".", "-ansi-log", "false"))
    assert "cannot read output 'f'" in p.stderr and "/d/f.txt): Permission denied (EACCES)" in p.stderr, p.stderr
    assert "missing output" not in p.stderr
