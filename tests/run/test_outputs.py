"""Outputs as real tools make them: a pattern output ("*.txt") that fans out
to one task per file and is gathered whole, optional outputs, directory
outputs and list outputs passed on as lists, -preview and -resume over
tasks made once a pattern's files are known, and the task failures of a
pattern that matched nothing or a required output that is missing. File
names are hostile on purpose (spaces, quotes, $(...), a leading '-', a
newline)."""
import pathlib

from tests.conftest import exited

from .conftest import ok

# Every name the split step makes, in byte order (what ferry sorts by).
HOSTILE = sorted(["-rf.txt", "a b.txt", "it's.txt", "$(touch boom).txt", "new\nline.txt"])

SPLIT = r"""
tasks:
  split:
    input:
      seed: seed.txt
    output:
      chunks: "*.txt"
      notes: { path: notes.md, optional: true }
    script: |
      for n in '-rf' 'a b' "it's" '$(touch boom)' "$(printf 'new\nline')"; do
        printf '%s\n' "$n" > "./$n.txt"
      done
  shout:
    for_each: "{{ split.output.chunks }}"
    output:
      loud: loud.txt
    script: tr a-z A-Z < {{ item }} > {{ output.loud }}
  gather:
    input:
      all: "{{ shout.output.loud }}"
      chunks: "{{ split.output.chunks }}"
    output:
      merged: merged.txt
      names: names.txt
    publish: results
    script: |
      cat {{ input.all }} > {{ output.merged }}
      for f in {{ input.chunks }}; do printf '[%s]' "$f"; done > {{ output.names }}
"""


def names_of(text_lines):
    return "".join(n.upper()[:-len(".txt")] + "\n" for n in text_lines)


def test_a_pattern_output_fans_out_per_file_gathers_whole_and_resumes(ws):
    ws.write("seed.txt", "the staged input matches *.txt but is never an output\n")
    ws.write("pipeline.yml", SPLIT)
    preview = ok(ws.run("run", ".", "-preview"))
    assert "shout                    to be known (made once split ended)" in preview.stdout, preview.stdout
    assert "gather                   to be known (made once split, shout ended)" in preview.stdout, preview.stdout

    p = ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    rows = ws.trace()
    assert len([r for r in rows if r["name"].startswith("shout")]) == len(HOSTILE), p.stdout
    # One task per file, in name order, each reading its own file whole.
    assert ws.read("results/merged.txt") == names_of(HOSTILE)
    # (A name starting with '-' is written ./-rf.txt: never taken for an option.)
    assert ws.read("results/names.txt") == "".join(f"[./{n}]" if n[0] == "-" else f"[{n}]" for n in HOSTILE)
    assert not (ws.path / "boom").exists() and not list(ws.path.rglob("boom"))
    # The optional notes.md was not made: no failure, nothing published.
    assert not (ws.path / "results" / "notes.md").exists()

    again = ok(ws.run("run", ".", "-resume", "-with-trace", "trace2.tsv"))
    assert {r["status"] for r in ws.trace("trace2.tsv")} == {"CACHED"}, again.stdout
    assert len(ws.trace("trace2.tsv")) == len(HOSTILE) + 2


def test_a_failed_upstream_under_ignore_leaves_its_files_out_and_fields_travel(ws):
    ws.write("samples.csv", "id,group\none,g1\ntwo,g2\nthree,g3\n")
    ws.write("pipeline.yml", """
tasks:
  make:
    for_each: "{{ csv('samples.csv') }}"
    errorStrategy: ignore
    output:
      parts: "{{ item.id }}_*.part"
    script: |
      [ {{ item.id }} != two ] || exit 3
      echo {{ item.id }} a > {{ item.id }}_a.part
      echo {{ item.id }} b > {{ item.id }}_b.part
  each:
    for_each: "{{ make.output.parts }}"
    tag: "{{ item.group }} {{ item.name }}"
    output:
      o: o.txt
    script: cat {{ item }} > {{ output.o }}
  all:
    input:
      o: "{{ each.output.o }}"
    output:
      sum: sum.txt
    publish: results
    script: cat {{ input.o }} > {{ output.sum }}
""")
    p = ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    names = sorted(r["name"] for r in ws.trace() if r["name"].startswith("each"))
    # Each task made from a file still has its sample's fields (item.group).
    assert names == ["each (g1 one_a.part)", "each (g1 one_b.part)", "each (g3 three_a.part)",
                     "each (g3 three_b.part)"], p.stdout
    assert ws.read("results/sum.txt") == "one a\none b\nthree a\nthree b\n"
    assert "1 ignored" in p.stdout + p.stderr


def test_optional_outputs_may_be_missing_and_downstream_sees_what_exists(ws):
    ws.write("pipeline.yml", """
tasks:
  qc:
    for_each: [good, bad]
    tag: "{{ item }}"
    output:
      data: data.txt
      report: { path: report.html, optional: true }
      extras: { path: "*.extra", optional: true }
    script: |
      echo {{ item }} > {{ output.data }}
      if [ {{ item }} = good ]; then echo "<p>{{ item }}</p>" > report.html; fi
  each_report:
    for_each: "{{ qc.output.report }}"
    output:
      o: seen.txt
    script: cat {{ item }} > {{ output.o }}
  count:
    input:
      reports: "{{ qc.output.report }}"
      extras: "{{ qc.output.extras }}"
    output:
      n: n.txt
    publish: results
    script: echo "reports $(ls {{ input.reports }} | wc -l) extras {{ len(input.extras) }}" > {{ output.n }}
""")
    p = ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    rows = {r["name"]: r for r in ws.trace()}
    assert [n for n in rows if n.startswith("each_report")] == ["each_report (1)"], p.stdout
    seen = ws.path / rows["each_report (1)"]["workdir"] / "seen.txt"
    assert seen.read_text() == "<p>good</p>\n"
    assert ws.read("results/n.txt") == "reports 1 extras 0\n"


def test_a_required_output_missing_or_a_pattern_matching_nothing_fails_the_task(ws):
    ws.write("pipeline.yml", """
tasks:
  none:
    output:
      parts: "part_*.txt"
    script: touch other.txt
""")
    p = exited(ws.run("run", "."), 1)
    err = p.stdout + p.stderr
    # Where the output is declared and the pattern, so the user knows which line to change.
    assert "output 'parts' (declared at pipeline.yml:5:14) matched nothing: no file in its work dir" in err, err
    assert "matches 'part_*.txt'" in err and "optional: true" in err
    ws.write("pipeline.yml", """
tasks:
  lost:
    output:
      report: report.html
    script: touch other.html
""")
    p = exited(ws.run("run", "."), 1)
    err = p.stdout + p.stderr
    assert ("missing output 'report' (declared at pipeline.yml:5:15): the script did not create 'report.html' "
            "in its work dir " + str(ws.path)) in err, err


def test_directory_and_list_outputs_pass_on_whole(ws):
    ws.write("pipeline.yml", """
tasks:
  make:
    output:
      tree: out dir
      parts: ["a b.txt", "it's.txt"]
    script: |
      mkdir -p "out dir/sub"
      echo deep > "out dir/sub/x.txt"
      echo one > "a b.txt"; echo two > "it's.txt"
  use:
    input:
      tree: "{{ make.output.tree }}"
      parts: "{{ make.output.parts }}"
    output:
      o: o.txt
    publish: results
    script: |
      n=0; for f in {{ input.parts }}; do n=$((n + 1)); done
      echo "$n words:" $(cat {{ input.parts }} {{ input.tree }}/sub/x.txt) > {{ output.o }}
  keep:
    input:
      tree: "{{ make.output.tree }}"
    output:
      copy: copy
    publish: results
    script: cp -r {{ input.tree }}/ {{ output.copy }}
""")
    ok(ws.run("run", "."))
    assert ws.read("results/o.txt") == "2 words: one two deep\n"
    assert ws.read("results/copy/sub/x.txt") == "deep\n"


def test_resume_after_editing_one_sample_reruns_only_its_tasks_and_the_gather(ws):
    for s in ("s1", "s2", "s3"):
        ws.write(f"reads/{s}.txt", f"{s} a\n{s} b\n")
    ws.write("pipeline.yml", """
tasks:
  split:
    for_each: "{{ files('reads/*.txt') }}"
    tag: "{{ item.stem }}"
    input:
      reads: "{{ item }}"
    output:
      lines: "line_*.txt"
    script: split -l 1 {{ input.reads }} line_ && for f in line_*; do mv "$f" "$f.txt"; done
  count:
    for_each: "{{ split.output.lines }}"
    output:
      n: n.txt
    script: wc -c < {{ item }} > {{ output.n }}
  total:
    input:
      all: "{{ count.output.n }}"
    output:
      t: total.txt
    publish: results
    script: cat {{ input.all }} | awk '{s += $1} END {print s}' > {{ output.t }}
""")
    ok(ws.run("run", "."))
    assert ws.read("results/total.txt") == "30\n"
    ws.write("reads/s2.txt", "s2 a\ns2 bbbb\n")
    ok(ws.run("run", ".", "-resume", "-with-trace", "trace.tsv"))
    ran = sorted(r["name"] for r in ws.trace() if r["status"] == "COMPLETED")
    assert ran == ["count (3)", "count (4)", "split (s2)", "total"], ran
    assert len([r for r in ws.trace() if r["status"] == "CACHED"]) == 6
    assert ws.read("results/total.txt") == "33\n"


def test_a_step_made_later_gathers_without_an_ignored_failure_of_a_plain_step(ws):
    ws.write("pipeline.yml", """
tasks:
  side:
    for_each: [1, 2, 3]
    errorStrategy: ignore
    output:
      o: side.txt
    script: |
      [ {{ item }} != 2 ] || exit 4
      echo side {{ item }} > {{ output.o }}
  split:
    output:
      parts: "p_*.txt"
    script: echo p1 > p_1.txt; echo p2 > p_2.txt
  gather:
    input:
      sides: "{{ side.output.o }}"
      parts: "{{ split.output.parts }}"
    output:
      all: all.txt
    publish: results
    script: cat {{ input.sides }} {{ input.parts }} > {{ output.all }}
""")
    p = ok(ws.run("run", "."))
    assert ws.read("results/all.txt") == "side 1\nside 3\np1\np2\n", p.stdout + p.stderr
