"""Late and directory outputs on Batch: a job's pattern output is matched in
the job (POSIX sh), uploaded with the list of what matched
(.command.found), and fans out to one Batch task per file; a directory a
job writes is staged whole into the next Batch job and into a local task,
and published whole from S3; -resume reuses all of it. File names are
hostile (spaces, quotes, $(...), a leading '-')."""
from .conftest import JOB_CLI, QUEUE, ok, output

NAMES = sorted(["-rf", "a b", "it's", "$(touch boom)"])

PIPELINE = r"""
tasks:
  split:                      # on Batch: a pattern, a directory, an optional file
    label: remote
    output:
      chunks: "*.txt"
      tree: tree
      notes: { path: notes.md, optional: true }
    publish: results
    script: |
      for n in '-rf' 'a b' "it's" '$(touch boom)'; do printf '%s\n' "$n" > "./$n.txt"; done
      mkdir -p "tree/sub dir"
      echo deep > "tree/sub dir/x.txt"
  shout:                      # on Batch, one task per file split made
    label: remote
    for_each: "{{ split.output.chunks }}"
    tag: "{{ item.stem }}"
    input:
      text: "{{ item }}"
      tree: "{{ split.output.tree }}"
    output:
      loud: loud.txt
    script: |
      { tr a-z A-Z < {{ input.text }}; cat {{ input.tree }}/'sub dir'/x.txt; } > {{ output.loud }}
  gather:                     # local
    input:
      all: "{{ shout.output.loud }}"
      tree: "{{ split.output.tree }}"
    output:
      merged: merged.txt
    publish: results
    script: |
      cat {{ input.all }} > {{ output.merged }}
      cat {{ input.tree }}/'sub dir'/x.txt >> {{ output.merged }}
"""


def config():
    return f"""aws.batch.cliPath = '{JOB_CLI}'
process {{
    withLabel: remote {{
      executor = 'awsbatch'
      queue = '{QUEUE}'
      container = 'debian:12'
    }}
}}
"""


def test_pattern_and_directory_outputs_of_batch_jobs_flow_on_and_publish_whole(world):
    world.write("pipeline.yml", PIPELINE)
    world.write("batch.config", config())
    p = ok(world.run("run", ".", "-c", "batch.config", "-with-trace", "trace.tsv"))
    rows = {r["name"]: r for r in world.trace()}
    shouts = sorted(n for n in rows if n.startswith("shout"))
    assert shouts == sorted(f"shout ({n})" for n in NAMES), output(p)
    assert all(rows[n]["executor"] == "awsbatch" for n in shouts + ["split"])
    assert rows["gather"]["executor"] == "local"
    expected = "".join(f"{n.upper()}\ndeep\n" for n in NAMES) + "deep\n"
    assert world.read("results/merged.txt") == expected, output(p)
    # Published from S3: every matched file, and the directory whole.
    for n in NAMES:
        assert world.read(f"results/{n}.txt") == f"{n}\n"
    assert world.read("results/tree/sub dir/x.txt") == "deep\n"
    assert not (world.path / "results" / "notes.md").exists()
    assert not list(world.path.rglob("boom"))
    # The job listed what it found, NUL-separated, beside the outputs.
    work = rows["split"]["workdir"].removeprefix("s3://ferry-work/")
    found = world.s3.get_object(Bucket="ferry-work", Key=work + "/.command.found")["Body"].read()
    assert sorted(found.split(b"\0")[:-1]) == sorted(f"chunks\t{n}.txt".encode() for n in NAMES)

    again = ok(world.run("run", ".", "-c", "batch.config", "-resume", "-with-trace", "again.tsv"))
    assert {r["status"] for r in world.trace("again.tsv")} == {"CACHED"}, output(again)
    assert len(world.trace("again.tsv")) == len(NAMES) + 2


def test_a_batch_pattern_matching_nothing_fails_the_task_naming_the_work_dir(world):
    world.write("pipeline.yml", """
tasks:
  none:
    label: remote
    output:
      parts: "part_*.txt"
    script: touch other.txt
""")
    world.write("batch.config", config())
    p = world.run("run", ".", "-c", "batch.config")
    assert p.returncode == 1, output(p)
    assert ("output 'parts' (declared at pipeline.yml:6:14) matched nothing: no file in its work dir "
            "s3://ferry-work/work/") in output(p), output(p)


def test_batch_steps_made_later_are_preflighted_before_anything_runs(world):
    world.write("pipeline.yml", """
tasks:
  split:                      # local
    output:
      chunks: "*.txt"
    script: touch a.txt b.txt
  each:                       # on Batch, made once split has ended
    label: remote
    for_each: "{{ split.output.chunks }}"
    input:
      c: "{{ item }}"
    script: cat {{ input.c }}
""")
    world.write("batch.config", config().replace(f"queue = '{QUEUE}'", "queue = 'no-such-queue'"))
    p = world.run("run", ".", "-c", "batch.config")
    assert p.returncode == 2, output(p)
    assert "no-such-queue" in output(p), output(p)
    assert not (world.path / "work").exists(), output(p)
