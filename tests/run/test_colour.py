"""Colour: on a terminal failed lines are red, finished ones green, warnings
yellow; never with NO_COLOR, with -ansi-log false, or through a pipe."""
import os
import pty
import re
import subprocess

from .conftest import FERRY

# One task fails and is ignored (a red line and a yellow warning), the others
# complete (green).
PIPELINE = """
tasks:
  work:
    for_each: "{{ range(0, 3) }}"
    errorStrategy: ignore
    output:
      out: "out{{ item }}.txt"
    script: |
      if [ {{ item }} -eq 0 ]; then exit 7; fi
      echo done > {{ output.out }}
  other:
    script: "true"
"""

SGR = re.compile(r"\x1b\[[0-9;]*m")  # colour codes, not cursor movement


def run_on_terminal(ws, *args, env=None):
    """Runs ferry with stdout and stderr on a pseudo-terminal; returns (exit code, all output)."""
    master, slave = pty.openpty()
    full_env = {"TERM": "xterm", **(env or {})}
    p = subprocess.Popen([FERRY, *args], cwd=ws.path, env=ws.env(full_env),
                         stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout=60), out.decode(errors="replace")


def test_terminal_gets_colours(ws):
    ws.write("pipeline.yml", PIPELINE)
    code, out = run_on_terminal(ws, "run", ".")
    assert code == 0, out
    assert "\x1b[33mwarning:\x1b[0m task 'work (1)' failed" in out, out
    assert re.search(r"\x1b\[31m\[[0-9a-f]{2}/[0-9a-f]{6}\] process > work \(1\)", out), out
    assert re.search(r"\x1b\[32m\[[0-9a-f]{2}/[0-9a-f]{6}\] process > other", out), out


def test_no_color_turns_colours_off_but_keeps_the_live_display(ws):
    ws.write("pipeline.yml", PIPELINE)
    code, out = run_on_terminal(ws, "run", ".", env={"NO_COLOR": "1"})
    assert code == 0, out
    assert "\x1b[2K" in out  # still redrawn in place
    assert "warning: task 'work (1)' failed" in out
    assert not SGR.search(out), repr(out)


def test_ansi_log_false_on_a_terminal_has_no_colours(ws):
    ws.write("pipeline.yml", PIPELINE)
    code, out = run_on_terminal(ws, "run", ".", "-ansi-log", "false")
    assert code == 0, out
    assert "warning: task 'work (1)' failed" in out
    assert "\x1b[" not in out, repr(out)


def test_pipe_has_no_escape_codes(ws):
    ws.write("pipeline.yml", PIPELINE)
    p = ws.run("run", ".")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "warning: task 'work (1)' failed" in p.stdout + p.stderr
    assert "\x1b[" not in p.stdout + p.stderr
