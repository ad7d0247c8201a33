"""Hybrid runs: the reference document's `withLabel: bigTask` snippet, pasted
verbatim into ferry.config, sends exactly the labelled tasks to Batch while
the others run locally, with data flowing local -> Batch -> local. And every
config snippet of that document loads."""
import pathlib
import shutil

import pytest

from .conftest import FERRY, JOB_CLI, ROOT, ok, output

SNIPPETS = ROOT / "src" / "config" / "testdata" / "reference"

PIPELINE = """\
tasks:
  prep:                       # local
    for_each: "{{ range(1, 4) }}"
    output:
      part: "part{{ item }}.txt"
    script: |
      echo "part {{ item }} batch=[${AWS_BATCH_JOB_ID:-}]" > {{ output.part }}

  crunch:                     # on Batch: label bigTask
    for_each: "{{ prep.output.part }}"
    label: bigTask
    input:
      text: "{{ item }}"
    output:
      big: "{{ item.stem }}.big"
    script: |
      tr '[:lower:]' '[:upper:]' < {{ input.text }} > {{ output.big }}
      echo "crunched on ${AWS_BATCH_JOB_ID:-nowhere}" >> {{ output.big }}

  report:                     # local gather
    input:
      all: "{{ crunch.output.big }}"
    output:
      txt: report.txt
    publish: results
    script: |
      cat {{ input.all }} > {{ output.txt }}
      echo "report batch=[${AWS_BATCH_JOB_ID:-}]" >> {{ output.txt }}
"""


def test_hybrid_snippet_verbatim_runs_only_labelled_tasks_on_batch(make_world):
    # The snippet says region eu-west-1: the emulator plays that region.
    world = make_world(region="eu-west-1")
    shutil.copy(SNIPPETS / "4_hybrid.config", world.path / "ferry.config")
    assert "withLabel: bigTask" in world.read("ferry.config")
    world.write("pipeline.yml", PIPELINE)
    # The snippet's cliPath exists only on its author's AMI; a later -c wins
    # (ferry itself, which speaks the same `s3 cp`).
    world.write("here.config", f"aws.batch.cliPath = '{JOB_CLI}'\n")
    p = ok(world.run("run", ".", "-c", "here.config", "-with-trace", "trace.tsv"))

    rows = {r["name"]: r for r in world.trace()}
    assert len(rows) == 7, rows.keys()
    on_batch = sorted(n for n, r in rows.items() if r["executor"] == "awsbatch")
    local = sorted(n for n, r in rows.items() if r["executor"] == "local")
    assert on_batch == ["crunch (1)", "crunch (2)", "crunch (3)"], output(p)
    assert local == ["prep (1)", "prep (2)", "prep (3)", "report"]
    assert all(r["status"] == "COMPLETED" for r in rows.values())

    # Exactly the labelled tasks were submitted, to the snippet's queue.
    submits = world.submitted_jobs()
    assert len(submits) == 3
    succeeded = {j["jobId"] for j in world.jobs("SUCCEEDED")}
    assert succeeded == {rows[n]["native_id"] for n in on_batch}

    # local -> Batch -> local: each Batch job read a local task's output and
    # the local gather read every Batch output.
    report = world.read("results/report.txt").splitlines()
    assert report[-1] == "report batch=[]"
    body = report[:-1]
    assert len(body) == 6, report
    for i in (1, 2, 3):
        k = body.index(f"PART {i} BATCH=[]")
        assert body[k + 1].startswith("crunched on "), report
        assert body[k + 1].removeprefix("crunched on ") in succeeded


@pytest.mark.parametrize("snippet", sorted(p.name for p in SNIPPETS.glob("*.config")))
def test_reference_snippet_loads_with_config_show(world, snippet):
    text = (SNIPPETS / snippet).read_text()
    world.write("ferry.config", text)
    world.write("pipeline.yml", "tasks:\n  t:\n    output:\n      o: o.txt\n    script: echo hi > {{ output.o }}\n")
    p = world.run("config", "show", ".")
    assert p.returncode == 0, output(p)
    assert "warning" not in p.stderr.lower(), p.stderr
    # Every value the snippet sets is in the resolved config.
    expected = {
        "1_awsbatch.config": ["awsbatch", "my-batch-queue", "/home/ec2-user/miniconda/bin/aws", "us-east-1"],
        "2_clipath.config": ["/home/ec2-user/miniconda/bin/aws"],
        "3_job_definition.config": ["job-definition://your-job-definition-name"],
        "4_hybrid.config": ["bigTask", "awsbatch", "my-batch-queue", "my/image:tag", "eu-west-1",
                            "/home/ec2-user/miniconda/bin/aws"],
        "5_volume.config": ["/tmp", "eu-west-1"],
        "6_volumes_list.config": ["/tmp", "/host/path:/mnt/path:ro", "eu-west-1"],
    }[snippet]
    for value in expected:
        assert value in p.stdout, f"{value!r} missing from `ferry config show`:\n{p.stdout}"


def test_six_reference_snippets_are_present():
    assert len(list(SNIPPETS.glob("*.config"))) == 6
