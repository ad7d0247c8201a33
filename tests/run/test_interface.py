"""The pipeline's interface: described params (checked wherever they are
given, required ones asked for, listed by `ferry run PIPELINE --help`),
scripts in bin/ on the tasks' PATH, and -stub-run with its own cache."""
import os

from tests.conftest import BIN_PIPELINE, GREET_SCRIPT

from .conftest import ok, refused

DESCRIBED = """\
params:
  words: {type: string, default: "a b c", help: the words to count}
  times: {type: integer, default: 2, help: how often to repeat them}
  outdir: {type: path, required: true, help: where the count goes}
tasks:
  count:
    output:
      n: n.txt
    publish: "{{ params.outdir }}"
    script: |
      for i in $(seq {{ params.times }}); do echo {{ params.words }}; done | wc -w > {{ output.n }}
"""


def test_help_lists_the_pipelines_params(ws):
    ws.write("pipeline.yml", DESCRIBED)
    p = ok(ws.run("run", ".", "--help"))
    assert "-stub-run" in p.stdout  # ferry's own help first
    params = p.stdout[p.stdout.index("params of "):]
    assert "--times INTEGER" in params and "how often to repeat them [default: 2]" in params, p.stdout
    assert "--outdir PATH" in params and "where the count goes [required]" in params
    assert '[default: "a b c"]' in params
    # Without a pipeline: ferry's help alone.
    p = ok(ws.run("run", "--help"))
    assert "-stub-run" in p.stdout and "params of" not in p.stdout
    # A broken pipeline is said so, as for a run.
    ws.write("broken.yml", "params:\n  n: {type: integr}\ntasks:\n  t:\n    script: echo\n")
    p = refused(ws.run("run", "broken.yml", "-help"))
    assert "broken.yml:2:13: unknown type 'integr'" in p.stderr, p.stderr


def test_values_are_checked_and_a_required_param_asked_for(ws):
    ws.write("pipeline.yml", DESCRIBED)
    p = refused(ws.run("run", "."))
    assert "pipeline.yml:4:3: param 'outdir' is required and has no value: give it with --outdir VALUE" in p.stderr
    p = refused(ws.run("run", ".", "--outdir", "out", "--times", "twice"))
    assert "--times on the command line: param 'times' must be an integer" in p.stderr, p.stderr
    ws.write("p.yml", "outdir: out\ntimes: 3\ntims: 4\n")
    p = refused(ws.run("run", ".", "-params-file", "p.yml"))
    assert "p.yml:3:1: unknown param 'tims' in the params file (did you mean 'times'?)" in p.stderr, p.stderr
    ws.write("p.yml", "outdir: out\ntimes: 1.5\n")
    p = refused(ws.run("run", ".", "-params-file", "p.yml"))
    assert "p.yml:2:8: param 'times' must be an integer" in p.stderr, p.stderr
    ws.write("ferry.config", "params.times = 'x'\n")
    p = refused(ws.run("run", ".", "--outdir", "out"))
    assert "ferry.config:1:8: param 'times' must be an integer" in p.stderr, p.stderr
    assert not (ws.path / "work").exists()
    # The command line wins over the config, and a string keeps its text.
    ok(ws.run("run", ".", "--outdir", "out", "--times", "3", "--words", "1.10"))
    assert ws.read("out/n.txt").strip() == "3"




def test_bin_scripts_are_on_path_and_a_change_reruns(ws):
    ws.write("pipeline.yml", BIN_PIPELINE)
    ws.write("bin/greet", GREET_SCRIPT)
    p = refused(ws.run("run", "."))
    assert f"{ws.path}/bin/greet is not executable" in p.stderr and "chmod +x" in p.stderr, p.stderr
    os.chmod(ws.path / "bin/greet", 0o755)
    ok(ws.run("run", ".", "-with-trace", "t1.tsv"))
    assert ws.read("results/grace.txt") == "hello grace\n"
    ok(ws.run("run", ".", "-resume", "-with-trace", "t2.tsv"))
    assert {r["status"] for r in ws.trace("t2.tsv")} == {"CACHED"}
    ws.write("bin/greet", "#!/bin/sh\necho \"hi $1\"\n")
    ok(ws.run("run", ".", "-resume", "-with-trace", "t3.tsv"))
    assert {r["status"] for r in ws.trace("t3.tsv")} == {"COMPLETED"}
    assert ws.read("results/ada.txt") == "hi ada\n"


STUBS = """\
tasks:
  align:
    for_each: [s1, s2]
    output:
      bam: "{{ item }}.bam"
    script: echo "real {{ item }}" > {{ output.bam }}
    stub: echo "stub {{ item }}" > {{ output.bam }}
  merge:
    input:
      bams: "{{ align.output.bam }}"
    output:
      all: all.txt
    publish: results
    script: cat {{ input.bams }} > {{ output.all }}
"""


def test_stub_run_runs_stubs_and_never_stands_for_a_real_run(ws):
    ws.write("pipeline.yml", STUBS)
    p = ok(ws.run("run", ".", "-stub-run"))
    assert "(-stub-run: tasks with a stub ran it instead of their script)" in p.stdout + p.stderr
    # merge has no stub: its script ran, on the stubs' outputs.
    assert ws.read("results/all.txt") == "stub s1\nstub s2\n"
    ok(ws.run("run", ".", "-stub-run", "-resume", "-with-trace", "t1.tsv"))
    assert {r["status"] for r in ws.trace("t1.tsv")} == {"CACHED"}
    ok(ws.run("run", ".", "-resume", "-with-trace", "t2.tsv"))
    assert {r["status"] for r in ws.trace("t2.tsv")} == {"COMPLETED"}
    assert ws.read("results/all.txt") == "real s1\nreal s2\n"
