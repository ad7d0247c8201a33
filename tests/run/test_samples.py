"""Per-sample pipelines end to end: a samplesheet's fields carried through a
chain and shown by `tag`, read pairs from a glob, two steps joined by sample,
lanes grouped, `when:` skipping, a gather under errorStrategy ignore running
on what succeeded, and each retry attempt in its own work dir. File names
are hostile on purpose (spaces, quotes, a leading '-', unicode, 200 bytes)."""
import os

from .conftest import ok

# Names a shell or a naive split would break. The last is 200 bytes with its
# _1.fq suffix; pairs() must keep each whole as its key.
HOSTILE = [
    "it's a \"sample\"",
    "-rf",
    "\u00e9t\u00e9 $(touch boom)",
    "x" * 195,
]


def write_pairs(ws, names):
    (ws.path / "reads").mkdir()
    for n in names:
        for end in ("1", "2"):
            (ws.path / "reads" / f"{n}_{end}.fq").write_text(f"{n} read {end}\n")


def test_samplesheet_fields_travel_through_the_chain_and_tags_name_the_tasks(ws):
    ws.write("samples.csv", "sample,condition\nS1,ctrl\nS2,heat\n")
    ws.write("pipeline.yml", """
tasks:
  trim:
    for_each: "{{ csv('samples.csv') }}"
    tag: "{{ item.sample }}"
    output:
      fq: "{{ item.sample }}.fq"
    script: echo {{ item.sample }} > {{ output.fq }}
  sort:
    for_each: "{{ trim.output.fq }}"
    tag: "{{ item.sample }}"
    output:
      o: sorted.txt
    script: echo {{ item.sample }} {{ item.condition }} $(cat {{ item }}) > {{ output.o }}
  fail_one:
    for_each: "{{ sort.output.o }}"
    tag: "{{ item.sample }}"
    errorStrategy: ignore
    script: |
      echo "broken on {{ item.sample }}" >&2
      [ {{ item.condition }} = ctrl ]
""")
    p = ok(ws.run("run", ".", "-ansi-log", "false", "-with-trace", "trace.tsv"))
    rows = {r["name"]: r for r in ws.trace()}
    assert set(rows) == {"trim (S1)", "trim (S2)", "sort (S1)", "sort (S2)", "fail_one (S1)", "fail_one (S2)"}
    assert (ws.path / rows["sort (S2)"]["workdir"] / "sorted.txt").read_text() == "S2 heat S2\n"
    # The progress lines and the failure line name the sample, not a number.
    assert "process > sort (S1)" in p.stdout
    assert "task 'fail_one (S2)' failed (exit status 1)" in p.stdout + p.stderr
    # History: ferry log lists the tasks under their tags.
    log = ok(ws.run("log", "last"))
    assert "fail_one (S2)" in log.stdout and "FAILED" in log.stdout, log.stdout


def test_pairs_join_and_cross_keep_hostile_names_whole(ws):
    write_pairs(ws, HOSTILE)
    ws.write("ref.fa", ">t\nACGT\n")
    ws.write("pipeline.yml", """
tasks:
  index:
    input:
      fa: ref.fa
    output:
      idx: idx.txt
    script: cat {{ input.fa }} > {{ output.idx }}
  quant:
    for_each: "{{ cross(pairs('reads/*_{1,2}.fq'), 'index', index.output.idx) }}"
    tag: "{{ item.id }}"
    input:
      reads: "{{ item.files }}"
      index: "{{ item.index }}"
    output:
      q: quant.txt
    script: cat {{ input.reads }} {{ input.index }} > {{ output.q }}
  qc:
    for_each: "{{ pairs('reads/*_{1,2}.fq') }}"
    tag: "{{ item.id }}"
    input:
      r1: "{{ item.files[0] }}"
    output:
      html: qc.txt
    script: wc -l < {{ input.r1 }} > {{ output.html }}
  report:
    for_each: "{{ join_on(quant.items, qc.items, 'id') }}"
    tag: "{{ item.id }}"
    input:
      q: "{{ item.q }}"
      h: "{{ item.html }}"
    output:
      r: report.txt
    script: |
      printf '%s\\n' {{ item.id }} > {{ output.r }}
      cat {{ input.q }} {{ input.h }} >> {{ output.r }}
""")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    rows = {r["name"]: r for r in ws.trace()}
    for n in HOSTILE:
        report = (ws.path / rows[f"report ({n})"]["workdir"] / "report.txt").read_text()
        assert report == f"{n}\n{n} read 1\n{n} read 2\n>t\nACGT\n1\n", report
    assert not (ws.path / "boom").exists()


def test_lanes_grouped_by_sample_give_one_task_with_all_files(ws):
    (ws.path / "lanes").mkdir()
    rows = [("A", "1"), ("B", "1"), ("A", "2")]
    for s, l in rows:
        (ws.path / "lanes" / f"{s} lane {l}.fq").write_text(f"{s}{l}\n")
    ws.write("lanes.csv", "sample,fastq\n" + "".join(f"{s},lanes/{s} lane {l}.fq\n" for s, l in rows))
    ws.write("pipeline.yml", """
tasks:
  merge:
    for_each: "{{ group_by(csv('lanes.csv'), 'sample') }}"
    tag: "{{ item.sample }}"
    input:
      lanes: "{{ item.fastq }}"
    output:
      m: merged.fq
    script: cat {{ input.lanes }} > {{ output.m }}
""")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    rows = {r["name"]: r for r in ws.trace()}
    assert (ws.path / rows["merge (A)"]["workdir"] / "merged.fq").read_text() == "A1\nA2\n"
    assert (ws.path / rows["merge (B)"]["workdir"] / "merged.fq").read_text() == "B1\n"


GATHER = """
params:
  qc: false
tasks:
  work:
    for_each: "{{ range(0, 4) }}"
    tag: "n{{ item }}"
    errorStrategy: ignore
    output:
      out: "out{{ item }}.txt"
    script: |
      # Fails until ok appears in the launch dir (work dirs are launch/work/ab/cdef...).
      if [ {{ item }} -eq 1 ] && [ ! -e ../../../ok ]; then echo "no good" >&2; exit 3; fi
      echo {{ item }} > {{ output.out }}
  qc:
    for_each: "{{ work.output.out }}"
    when: "{{ params.qc }}"
    script: cat {{ item }}
  merged:
    input:
      all: "{{ work.output.out }}"
    output:
      sum: sum.txt
    publish: results
    script: cat {{ input.all }} > {{ output.sum }}
"""


def test_under_ignore_the_gather_runs_on_the_outputs_of_the_tasks_that_succeeded(ws):
    ws.write("pipeline.yml", GATHER)
    p = ok(ws.run("run", ".", "-ansi-log", "false", "-with-trace", "trace.tsv"))
    assert (ws.path / "results" / "sum.txt").read_text() == "0\n2\n3\n"
    # The summary says how many failures were ignored and what was skipped (qc: when false).
    assert "1 failed (1 ignored)" in p.stdout and "4 skipped" in p.stdout, p.stdout
    assert "Skipped process > qc" in p.stdout
    st = {r["name"]: r["status"] for r in ws.trace()}
    assert st["work (n1)"] == "FAILED" and st["merged"] == "COMPLETED"
    # Once the failing task works, -resume runs it and the gather again, on all four.
    ws.write("ok", "")
    p = ok(ws.run("run", ".", "-resume", "-with-trace", "trace2.tsv"))
    assert (ws.path / "results" / "sum.txt").read_text() == "0\n1\n2\n3\n"
    st = {r["name"]: r["status"] for r in ws.trace("trace2.tsv")}
    assert st["merged"] == "COMPLETED" and st["work (n0)"] == "CACHED" and st["work (n1)"] == "COMPLETED"


def test_each_retry_attempt_keeps_its_own_work_dir_and_is_said_once(ws):
    ws.write("pipeline.yml", """
tasks:
  flaky:
    retry: 2
    output:
      o: o.txt
    script: |
      n=$(cat {{ params.count }} 2>/dev/null || echo 0); echo $((n+1)) > {{ params.count }}
      if [ "$n" -lt 2 ]; then echo "attempt {{ task.attempt }} ran out of luck" >&2; exit 5; fi
      echo ok > {{ output.o }}
params:
  count: x
""")
    count = ws.path / "count"
    p = ok(ws.run("run", ".", "--count", str(count), "-ansi-log", "false", "-with-trace", "trace.tsv"))
    rows = ws.trace()
    dirs = [r["workdir"] for r in rows]
    assert [r["status"] for r in rows] == ["FAILED", "FAILED", "COMPLETED"]
    assert dirs[0] == dirs[2] + "-attempt1" and dirs[1] == dirs[2] + "-attempt2"
    assert (ws.path / dirs[0] / ".command.err").read_text() == "attempt 1 ran out of luck\n"
    assert (ws.path / dirs[2] / "o.txt").read_text() == "ok\n"
    out = p.stdout + p.stderr
    said = [l for l in out.splitlines() if "attempt 1 of 3 failed" in l]
    assert len(said) == 1, out
    assert "exit status 5" in said[0] and "attempt 1 ran out of luck" in said[0] and dirs[0] in said[0]
    # ferry clean removes the kept attempts with the rest.
    ok(ws.run("clean", "-f", "last"))
    assert not any(os.path.exists(ws.path / d) for d in dirs)
