"""`ferry run` with process.executor = 'slurm' on the real one-node test
cluster (conftest.py): every example gives the results of a local run and is
reused by -resume; arrays become job arrays; a task over its memory fails
saying so; bad requests are refused before anything is submitted."""
import pathlib

import pytest

from tests.conftest import GREET_SCRIPT, example_names, exited, ok, refused, statuses

EXAMPLES = example_names()

ON_SLURM = "process.executor = 'slurm'\n"


def published(root):
    root = pathlib.Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def output(p):
    return p.stdout + p.stderr


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_on_slurm_matches_local_and_resumes(world, example, tmp_path):
    local = tmp_path / "local"
    world.copy_example(example, dest=str(local))
    ok(world.run("run", ".", cwd=local))
    expected = published(local / "results")
    assert expected

    world.copy_example(example)
    world.write("on-slurm.config", ON_SLURM)
    first = ok(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config", "-with-trace", "t1.tsv"))
    rows = world.trace("t1.tsv")
    assert rows and statuses(rows) == ["COMPLETED"] * len(rows), output(first)
    assert {r["executor"] for r in rows} == {"slurm"}
    # Each task was a Slurm job of this run, named after the run and task.
    jobs = {j[0]: j for j in world.cluster.jobs()}
    assert {r["native_id"] for r in rows} <= set(jobs), (rows, jobs)
    assert all(jobs[r["native_id"]][1].startswith("ferry-") for r in rows)
    assert all(jobs[r["native_id"]][2] == "COMPLETED" for r in rows)
    assert published(world.path / "results") == expected

    before = len(world.cluster.jobs())
    ok(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config", "-resume", "-with-trace", "t2.tsv"))
    assert statuses(world.trace("t2.tsv")) == ["CACHED"] * len(rows)
    assert len(world.cluster.jobs()) == before, "-resume submitted jobs again"


def test_array_tasks_go_as_one_job_array(world):
    world.write("pipeline.yml", """\
tasks:
  square:
    for_each: "{{ range(1, 7) }}"
    array: 3
    output:
      out: "sq{{ item }}.txt"
    script: |
      echo $(( {{ item }} * {{ item }} )) task=${SLURM_ARRAY_TASK_ID:-none} > {{ output.out }}
  total:
    input:
      all: "{{ square.output.out }}"
    output:
      txt: total.txt
    publish: results
    script: |
      sum=0
      for f in {{ input.all }}; do read -r n rest < "$f"; sum=$(( sum + n )); done
      echo $sum > {{ output.txt }}
""")
    world.write("on-slurm.config", ON_SLURM)
    p = ok(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config", "-with-trace", "t.tsv"))
    assert world.read("results/total.txt").strip() == "91", output(p)
    ids = [r["native_id"] for r in world.trace("t.tsv") if r["name"].startswith("square")]
    # Six tasks in arrays of three: two array jobs, elements 0..2 each.
    assert len({i.split("_")[0] for i in ids}) == 2, ids
    assert sorted(i.split("_")[1] for i in ids) == ["0", "0", "1", "1", "2", "2"]


def test_over_memory_is_reported_with_request_and_peak(world):
    world.write("pipeline.yml", """\
tasks:
  hog:
    memory: 60 MB
    output:
      out: done.txt
    script: |
      python3 -c "b = b'x' * (400 * 1024 * 1024); import time; time.sleep(4)"
      echo no > {{ output.out }}
""")
    world.write("on-slurm.config", ON_SLURM)
    p = exited(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config"), 1)
    out = output(p)
    assert "out of memory" in out, out
    assert "requested 60 MB" in out and "used at least" in out, out


def test_unknown_partition_and_oversized_request_are_refused_before_submitting(world):
    world.write("pipeline.yml", "tasks:\n  a:\n    queue: bgi\n    script: echo hi\n")
    world.write("on-slurm.config", ON_SLURM)
    before = len(world.cluster.jobs())
    p = refused(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config"))
    assert "partition 'bgi' does not exist" in p.stderr and "debug, big" in p.stderr, p.stderr
    assert "did you mean 'big'?" in p.stderr, p.stderr
    world.write("pipeline.yml", f"tasks:\n  a:\n    cpus: {world.cluster.cpus + 1}\n    script: echo hi\n")
    p = refused(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config"))
    assert f"asks for {world.cluster.cpus + 1} cpus" in p.stderr, p.stderr
    assert len(world.cluster.jobs()) == before


def test_sbatch_missing_is_refused(world, tmp_path):
    world.write("pipeline.yml", "tasks:\n  a:\n    script: echo hi\n")
    world.write("on-slurm.config", ON_SLURM)
    p = refused(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config", env={"PATH": "/nonexistent"}))
    assert "sbatch, which is not on PATH" in p.stderr, p.stderr


def test_pipeline_bin_is_on_the_jobs_path(world):
    world.write("pipeline.yml", """\
tasks:
  hello:
    output:
      o: o.txt
    publish: results
    script: greet slurm > {{ output.o }}; echo "$SLURM_JOB_ID" >> {{ output.o }}
""")
    world.write("bin/greet", GREET_SCRIPT, mode=0o755)
    world.write("on-slurm.config", ON_SLURM)
    p = ok(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config"))
    greeting, job = world.read("results/o.txt").splitlines()
    assert greeting == "hello slurm" and job, output(p)  # ran as a Slurm job, greet found on its PATH
