"""A pipeline on (emulated) AWS Batch whose jobs stage their files with
ferry-job as aws.batch.cliPath: the wrappers' fetch, input staging, output
upload and log upload all go through the static binary, and so does the
measuring of each task (`ferry-job measure`), which must give what the local
executor gives for the same tasks (tests/run/test_usage.py)."""
import json
import re

from tests.batch.conftest import BUCKET, awsbatch_config, make_world, ok, output, world  # noqa: F401 (fixtures)
from tests.batch.test_tasks import check_chain_with_cli_path
from tests.conftest import built_binary
from tests.reports.conftest import check_pages
from tests.run.test_usage import PIPELINE as USAGE_PIPELINE
from tests.run.test_usage import by_name, check_measured


def page_data(world, rel):
    m = re.search(r'<script id="ferry-data" type="application/json">(.*?)</script>', world.read(rel), re.S)
    assert m, f"{rel} has no embedded data"
    return json.loads(m.group(1))


def test_ferry_job_as_cli_path(world):
    check_chain_with_cli_path(world, built_binary("FERRY_JOB_BIN"))


def test_batch_tasks_show_what_they_used_their_queue_wait_and_host(world):
    world.write("pipeline.yml", USAGE_PIPELINE)
    world.write("batch.config", awsbatch_config(cli_path=built_binary("FERRY_JOB_BIN")))
    p = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "trace.tsv", "-with-report", "report.html",
                     "-with-timeline", "timeline.html"))
    rows = by_name(world.trace())
    burn = rows["burn"]["workdir"].removeprefix(f"s3://{BUCKET}/") + "/.command.out"
    check_measured(rows, world.s3.get_object(Bucket=BUCKET, Key=burn)["Body"].read().decode())
    for r in rows.values():
        assert r["executor"] == "awsbatch", output(p)
        assert int(r["peak_procs"]) >= 2  # the task's bash and its command, sampled
        assert int(r["peak_threads"]) >= int(r["peak_procs"])
        assert r["instance_type"] == "m5.large"  # the emulator's instance metadata says so
    # queue_time is the job's createdAt to startedAt (--json: milliseconds).
    ids = [r["native_id"] for r in rows.values()]
    jobs = {j["jobId"]: j for j in world.batch.describe_jobs(jobs=ids)["jobs"]}
    for t in json.loads(ok(world.run("log", "last", "--json", "-f", "native_id,queue_time")).stdout):
        job = jobs[t["native_id"]]
        assert t["queue_time"] == job["startedAt"] - job["createdAt"] > 0, (t, job)
    # Both pages carry that wait for every task, and the timeline draws it.
    for page in ("report.html", "timeline.html"):
        data = page_data(world, page)
        queue = data["columns"].index("queue")
        assert all(task[queue] > 0 for task in data["tasks"]), page
    [timeline] = check_pages((world.path / "timeline.html", "timeline-batch.png"))
    assert timeline["console_errors"] == [] and timeline["bars"] == 4 and timeline["runnable"] == 4, timeline
