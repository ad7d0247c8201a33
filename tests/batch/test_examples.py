"""Every example runs on AWS Batch (the emulator) with the same published
outputs as a local run, its work dirs on S3, and is fully cached on -resume."""
import pathlib
import subprocess

import pytest

from tests.conftest import example_names

from .conftest import BUCKET_DIR, FERRY, JOB_CLI, awsbatch_config, ok, statuses

EXAMPLES = example_names()


def published(root):
    """{relative path: bytes} of every file under a publish dir."""
    root = pathlib.Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_all_examples_are_covered():
    assert {"wordcount", "samplesheet", "chain", "configured"} <= set(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_on_batch_matches_local_and_resumes(world, example, tmp_path):
    # The reference: the same example run by the local executor.
    local = tmp_path / "local"
    world.copy_example(example, dest=str(local))
    ok(subprocess.run([FERRY, "run", "."], cwd=local, env=world.env(), capture_output=True, text=True,
                      timeout=120))
    expected = published(local / "results")
    assert expected, f"the local run of {example} published nothing"

    world.copy_example(example)
    # Debian's aws CLI (from PATH) for one example; the others stage with the ferry binary
    # (same `s3 cp` forms, a fraction of the CPU) to keep the suite quick.
    world.write("batch.config", awsbatch_config(cli_path=None if example == "wordcount" else JOB_CLI))
    first = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "t1.tsv"))
    rows = world.trace("t1.tsv")
    assert rows and statuses(rows) == ["COMPLETED"] * len(rows), first.stdout
    assert {r["executor"] for r in rows} == {"awsbatch"}
    assert all(r["workdir"].startswith(BUCKET_DIR + "/") for r in rows), [r["workdir"] for r in rows]
    # One Batch job per task, each really submitted to the configured queue.
    assert len(world.submitted_jobs()) == len(rows)
    assert len(world.jobs("SUCCEEDED")) == len(rows)
    assert {r["native_id"] for r in rows} == {j["jobId"] for j in world.jobs("SUCCEEDED")}
    assert published(world.path / "results") == expected

    before = len(world.submitted_jobs())
    ok(world.run("run", ".", "-c", "batch.config", "-resume", "-with-trace", "t2.tsv"))
    assert statuses(world.trace("t2.tsv")) == ["CACHED"] * len(rows)
    assert len(world.submitted_jobs()) == before, "a fully cached resume submitted Batch jobs"
    assert published(world.path / "results") == expected
