"""What each local task used (issue 15 point 1): measured from the kernel,
kept in history, shown in the trace, and read back with `ferry log -f`,
`-filter` and `--json`. One run of four small tasks serves every test.
The same tasks run on emulated Batch in tests/job/test_batch_with_ferry_job.py,
checked by the same check_measured."""
import json

import pytest

from .conftest import Workspace, ok, refused

MB = 1 << 20

PIPELINE = """
tasks:
  touch:
    script: |
      /usr/bin/python3 -c 'b = bytearray(200 << 20)
      for i in range(0, len(b), 4096): b[i] = 1'
  burn:
    script: |
      /usr/bin/python3 -c 'import time
      wall = time.time()
      while time.process_time() < 0.3: pass
      print(100 * time.process_time() / (time.time() - wall))'
  nap:
    script: |
      sleep 0.4
  write:
    script: |
      head -c 52428800 /dev/zero > out.bin
"""

SIZE_UNITS = {"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}


def size(text):
    number, unit = text.split()
    return float(number) * SIZE_UNITS[unit]


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    ws = Workspace(tmp_path_factory.mktemp("usage"))
    ws.write("pipeline.yml", PIPELINE)
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    return ws


def by_name(rows):
    return {r["name"]: r for r in rows}


def check_measured(rows, burn_stdout):
    """The trace rows of PIPELINE's tasks (by name) show what each used,
    wherever it ran. `burn` printed the share of a core it got (its CPU time
    over its wall time, as it saw them): near 100 on an idle core, less
    while other work shares the machine's cores, so its %cpu is checked
    against that and not against a fixed 100."""
    assert set(rows) == {"touch", "burn", "nap", "write"}
    assert 200 * MB <= size(rows["touch"]["peak_rss"]) <= 220 * MB
    own = float(burn_stdout.split()[-1])
    cpu = float(rows["burn"]["%cpu"].rstrip("%"))
    assert 0.6 * own <= cpu <= 1.1 * own + 5, (cpu, own)
    assert float(rows["nap"]["%cpu"].rstrip("%")) < 20
    assert size(rows["write"]["wchar"]) >= 50 * MB
    for r in rows.values():
        assert r["rchar"] != "-" and r["syscr"].isdigit()


def test_trace_shows_what_each_task_used(measured):
    rows = by_name(measured.trace())
    check_measured(rows, measured.read(rows["burn"]["workdir"] + "/.command.out"))
    for r in rows.values():
        assert r["queue_time"] == "-"  # a local task waits in no queue


def test_log_prints_chosen_fields_of_the_tasks_a_filter_keeps(measured):
    p = ok(measured.run("log", "last", "-f", "name,peak_rss", "-filter", "peak_rss > 150MB"))
    lines = p.stdout.splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[0] == "touch"
    p = ok(measured.run("log", "last", "-f", "name", "-filter", "name == 'nap' || wchar >= 50 MB"))
    assert sorted(p.stdout.split()) == ["nap", "write"]


def test_log_json_has_numbers_a_program_can_use(measured):
    tasks = json.loads(ok(measured.run("log", "last", "--json")).stdout)
    rows = {t["name"]: t for t in tasks}
    assert 200 * MB <= rows["touch"]["peak_rss"] <= 220 * MB
    assert rows["write"]["wchar"] >= 50 * MB
    assert rows["nap"]["queue_time"] is None  # not measured: null, never 0
    assert rows["burn"]["status"] == "COMPLETED"
    picked = json.loads(ok(measured.run("log", "last", "--json", "-f", "name,exit")).stdout)
    assert sorted(picked, key=lambda t: t["name"])[0] == {"name": "burn", "exit": 0}


def test_log_refuses_unknown_fields_and_bad_filters(measured):
    p = refused(measured.run("log", "last", "-f", "name,peak_rs"))
    assert "unknown field 'peak_rs'" in p.stderr and "peak_rss" in p.stderr and "wchar" in p.stderr
    p = refused(measured.run("log", "last", "-filter", "peak_rss > lots"))
    assert "column 12" in p.stderr and "not a size" in p.stderr
    p = refused(measured.run("log", "-f", "name"))
    assert "name it" in p.stderr
