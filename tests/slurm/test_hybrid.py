"""Hybrid runs: the reference document's withLabel snippet with
executor = 'slurm' for the labelled tasks sends exactly those to the test
cluster and runs the rest locally; with a second label on the emulated AWS
Batch, one run uses all three executors, data flowing between them."""

from tests.conftest import ROOT, built_binary, ok, statuses

from .conftest import FERRY

SNIPPET = ROOT / "src" / "config" / "testdata" / "reference" / "4_hybrid.config"

PIPELINE = """\
tasks:
  prep:
    for_each: "{{ range(1, 4) }}"
    output:
      part: "part{{ item }}.txt"
    script: |
      echo "part {{ item }} slurm=[${SLURM_JOB_ID:-}]" > {{ output.part }}

  crunch:
    for_each: "{{ prep.output.part }}"
    label: bigTask
    input:
      text: "{{ item }}"
    output:
      big: "{{ item.stem }}.big"
    script: |
      tr '[:lower:]' '[:upper:]' < {{ input.text }} > {{ output.big }}
      echo "crunched in slurm job ${SLURM_JOB_ID:-none}" >> {{ output.big }}
%(extra)s
  report:
    input:
      all: "{{ %(last)s }}"
    output:
      txt: report.txt
    publish: results
    script: |
      cat {{ input.all }} > {{ output.txt }}
      echo "report slurm=[${SLURM_JOB_ID:-}]" >> {{ output.txt }}
"""


def test_reference_snippet_with_slurm_runs_labelled_tasks_on_slurm(world):
    # The snippet as the document has it, awsbatch swapped for slurm and its
    # queue for a partition of the test cluster.
    text = SNIPPET.read_text()
    assert "executor = 'awsbatch'" in text
    text = text.replace("executor = 'awsbatch'", "executor = 'slurm'").replace("'my-batch-queue'", "'big'")
    world.write("ferry.config", text)
    world.write("pipeline.yml", PIPELINE % {"extra": "", "last": "crunch.output.big"})
    ok(world.run("run", ".", "-c", "slurm.config", "-with-trace", "t.tsv"))
    rows = {r["name"]: r for r in world.trace("t.tsv")}
    on_slurm = sorted(n for n, r in rows.items() if r["executor"] == "slurm")
    assert on_slurm == ["crunch (1)", "crunch (2)", "crunch (3)"]
    assert statuses(rows.values()) == ["COMPLETED"] * 7
    report = world.read("results/report.txt")
    assert report.count("crunched in slurm job ") == 3 and "crunched in slurm job none" not in report
    assert "PART 1 SLURM=[]" in report and "report slurm=[]" in report


def test_three_way_hybrid_local_slurm_and_batch(world, emu_factory):
    emu = emu_factory()
    emu.create_batch_queue("my-batch-queue")
    emu.client("s3").create_bucket(Bucket="ferry-work")
    world.write("ferry.config", f"""
aws.client.endpoint = '{emu.endpoint}'
aws.client.s3PathStyleAccess = true
aws.batch.cliPath = '{built_binary("FERRY_JOB_BIN")}'
process {{
    withLabel: bigTask {{
        executor = 'slurm'
    }}
    withLabel: cloud {{
        executor = 'awsbatch'
        queue = 'my-batch-queue'
        container = 'debian:12'
    }}
}}
""")
    extra = """
  shout:
    for_each: "{{ crunch.output.big }}"
    label: cloud
    input:
      big: "{{ item }}"
    output:
      loud: "{{ item.stem }}.loud"
    script: |
      cat {{ input.big }} > {{ output.loud }}
      echo "shouted on batch ${AWS_BATCH_JOB_ID:-none}" >> {{ output.loud }}
"""
    world.write("pipeline.yml", PIPELINE % {"extra": extra, "last": "shout.output.loud"})
    p = ok(world.run("run", ".", "-c", "slurm.config", "-bucket-dir", "s3://ferry-work/work", "-with-trace", "t.tsv",
                     env=emu.env(HOME=str(world.path / "home"), SLURM_CONF=str(world.cluster.conf))))
    rows = world.trace("t.tsv")
    by_executor = {}
    for r in rows:
        by_executor.setdefault(r["executor"], []).append(r["name"])
    assert sorted(by_executor) == ["awsbatch", "local", "slurm"], p.stdout
    assert len(by_executor["slurm"]) == 3 and len(by_executor["awsbatch"]) == 3
    report = world.read("results/report.txt")
    assert report.count("crunched in slurm job ") == 3 and "job none" not in report
    assert report.count("shouted on batch ") == 3 and "batch none" not in report
