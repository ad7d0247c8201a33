"""Task behaviour that must hold on Batch as it does locally: retry with
errorStrategy and task.attempt, and a ferry binary standing in for the AWS
CLI inside jobs (aws.batch.cliPath)."""
from tests.conftest import BIN_PIPELINE, GREET_SCRIPT

from .conftest import BUCKET, FERRY, JOB_CLI, awsbatch_config, ok, output

FLAKY = """\
tasks:
  flaky:
    errorStrategy: retry
    retry: 2
    memory: "{{ 256 * task.attempt }} MB"
    output:
      o: ok.txt
    publish: results
    script: |
      if [ {{ task.attempt }} -lt 2 ]; then echo "attempt {{ task.attempt }} fails" >&2; exit 3; fi
      echo "succeeded on attempt {{ task.attempt }}" > {{ output.o }}
"""


def job_memory_mib(job):
    c = job["container"]
    for r in c.get("resourceRequirements", []):
        if r["type"] == "MEMORY":
            return int(r["value"])
    return int(c.get("memory", 0))


def test_retry_on_batch_uses_next_attempt(world):
    world.write("pipeline.yml", FLAKY)
    world.write("batch.config", awsbatch_config())
    p = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "trace.tsv"))
    assert world.read("results/ok.txt") == "succeeded on attempt 2\n"
    rows = world.trace()
    assert [(r["attempt"], r["status"], r["exit"]) for r in rows] == [("1", "FAILED", "3"), ("2", "COMPLETED", "0")], \
        output(p)
    assert len(world.submitted_jobs()) == 2
    # The aws CLI (no cliPath) cannot measure a task: unknown, never made up.
    assert all(r[f] == "-" for r in rows for f in ("%cpu", "peak_rss", "rchar", "peak_procs")), rows
    jobs = world.batch.describe_jobs(jobs=[r["native_id"] for r in rows])["jobs"]
    by_id = {j["jobId"]: j for j in jobs}
    first, second = (by_id[r["native_id"]] for r in rows)
    assert first["status"] == "FAILED" and second["status"] == "SUCCEEDED"
    # The directive evaluated per attempt reached Batch.
    assert (job_memory_mib(first), job_memory_mib(second)) == (256, 512)


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


def check_chain_with_cli_path(world, cli):
    """CHAIN on Batch with `cli` as aws.batch.cliPath: the right answer, and
    every job's wrapper calling `cli` for its transfers (its log too)."""
    world.write("pipeline.yml", CHAIN)
    world.write("data/words.txt", "one two three\nfour\n")
    world.write("batch.config", awsbatch_config(cli_path=cli))
    p = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "trace.tsv"))
    assert world.read("results/count.txt").split() == ["ONE", "TWO", "THREE", "FOUR", "4"], output(p)
    rows = world.trace()
    assert {r["executor"] for r in rows} == {"awsbatch"} and len(rows) == 2
    # ferry's CLI measured each task in its job (tests/job checks the figures).
    assert all(r[f] != "-" for r in rows for f in ("%cpu", "peak_rss", "rchar", "peak_procs")), rows
    for r in rows:
        prefix = r["workdir"].removeprefix(f"s3://{BUCKET}/")
        wrapper = world.s3.get_object(Bucket=BUCKET, Key=prefix + "/.command.run")["Body"].read().decode()
        assert cli in wrapper, wrapper
        assert "/usr/bin/aws" not in wrapper
        world.s3.head_object(Bucket=BUCKET, Key=prefix + "/.command.log")


def test_ferry_binary_as_cli_path(world):
    check_chain_with_cli_path(world, FERRY)




def test_pipeline_bin_is_on_the_jobs_path_and_staged_once(world):
    world.write("pipeline.yml", BIN_PIPELINE)
    world.write("bin/greet", GREET_SCRIPT, mode=0o755)
    world.write("batch.config", awsbatch_config(cli_path=JOB_CLI))
    p = ok(world.run("run", ".", "-c", "batch.config"))
    assert world.read("results/ada.txt") == "hello ada\n", output(p)
    assert world.read("results/grace.txt") == "hello grace\n"
    # Two jobs, one upload of bin/ (under the run's work root).
    puts = [r["path"] for r in world.requests("s3", "PutObject") if r["path"].endswith("/bin/greet")]
    assert len(puts) == 1 and "/work/.stage/" in puts[0], puts
