"""A pipeline on (emulated) AWS Batch whose jobs stage their files with
ferry-job as aws.batch.cliPath: the wrappers' fetch, input staging, output
upload and log upload all go through the static binary."""
from tests.batch.conftest import BUCKET, awsbatch_config, make_world, output, world  # noqa: F401 (fixtures)
from tests.conftest import built_binary, ok

CHAIN = """\
params:
  text: data/words.txt
tasks:
  shout:
    input:
      words: "{{ params.text }}"
    output:
      loud: loud.txt
    script: |
      tr '[:lower:]' '[:upper:]' < {{ input.words }} > {{ output.loud }}
  count:
    input:
      loud: "{{ shout.output.loud }}"
    output:
      n: count.txt
    publish: results
    script: |
      cat {{ input.loud }} > {{ output.n }}
      wc -w < {{ input.loud }} >> {{ output.n }}
"""


def test_ferry_job_as_cli_path(world):
    job = built_binary("FERRY_JOB_BIN")
    world.write("pipeline.yml", CHAIN)
    world.write("data/words.txt", "one two three\nfour\n")
    world.write("batch.config", awsbatch_config(cli_path=job))
    p = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "trace.tsv"))
    assert world.read("results/count.txt").split() == ["ONE", "TWO", "THREE", "FOUR", "4"], output(p)
    rows = world.trace()
    assert {r["executor"] for r in rows} == {"awsbatch"} and len(rows) == 2
    for r in rows:
        prefix = r["workdir"].removeprefix(f"s3://{BUCKET}/")
        wrapper = world.s3.get_object(Bucket=BUCKET, Key=prefix + "/.command.run")["Body"].read().decode()
        assert job in wrapper and "/usr/bin/aws" not in wrapper, wrapper
        # The job's log came back through ferry-job too.
        world.s3.head_object(Bucket=BUCKET, Key=prefix + "/.command.log")
