"""`ferry run` with the work dir on S3: tasks on the awsbatch executor run as
Batch jobs in ferry-awsemu, local tasks read their outputs from S3, results
are published, -resume reuses what S3 holds, and every settings problem
stops the run (exit 2) before anything starts."""
import os
import subprocess

import pytest

from tests.conftest import built_binary

from .conftest import FERRY

HYBRID_PIPELINE = """
tasks:
  split:
    for_each: "{{ range(1, 4) }}"
    label: bigTask
    output:
      part: "part{{ item }}.txt"
    script: |
      echo "line {{ item }}" > {{ output.part }}
  merge:
    input:
      parts: "{{ split.output.part }}"
    output:
      all: all.txt
    publish: results
    script: |
      cat {{ input.parts }} > {{ output.all }}
"""


def batch_config(ws):
    return ws.write("batch.config", "process {\n  executor = 'awsbatch'\n"
                                    f"  queue = '{ws.queue}'\n  container = 'debian:12'\n}}\n")


def hybrid_config(ws):
    # The reference document's hybrid snippet, with the emulator's region,
    # queue and a CLI that exists on this host (ferry-job, ferry's static S3 CLI).
    return ws.write("hybrid.config", f"""
aws {{
    region = '{ws.emu.region}'
    batch {{
      cliPath = '{built_binary("FERRY_JOB_BIN")}'
    }}
}}
process {{
    withLabel: bigTask {{
      executor = 'awsbatch'
      queue = '{ws.queue}'
      container = 'my/image:tag'
    }}
}}
""")


def test_awsbatch_without_s3_work_dir_is_refused_before_anything_runs(aws_ws):
    aws_ws.copy_example("wordcount")
    p = aws_ws.run(".", "-c", batch_config(aws_ws))
    assert p.returncode == 2, p.stderr
    assert "runs on the awsbatch executor, whose work dir must be on S3" in p.stderr
    assert "pass -bucket-dir s3://BUCKET/PATH, or set workDir = 's3://BUCKET/PATH'" in p.stderr
    assert not (aws_ws.path / "work").exists()


def test_work_dir_bucket_without_path_is_refused(aws_ws):
    aws_ws.copy_example("wordcount")
    cfg = aws_ws.write("wd.config", f"workDir = 's3://{aws_ws.bucket}'\n")
    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-c", cfg)
    assert p.returncode == 2, p.stderr
    assert f"workDir needs a path inside the bucket, e.g. s3://{aws_ws.bucket}/work" in p.stderr
    assert aws_ws.keys() == []


def test_missing_region_and_credentials_stop_the_run(aws_ws):
    aws_ws.copy_example("wordcount")
    no_region = aws_ws.write("noregion.config", f"aws.client.endpoint = '{aws_ws.emu.endpoint}'\n")
    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-c", no_region, "-bucket-dir",
                   f"s3://{aws_ws.bucket}/work", config=False)
    assert p.returncode == 2, p.stderr
    assert "no AWS region configured" in p.stderr
    assert "set aws.region in ferry.config" in p.stderr

    env = aws_ws.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-bucket-dir", f"s3://{aws_ws.bucket}/work", env=env)
    assert p.returncode == 2, p.stderr
    assert "no AWS credentials found" in p.stderr
    assert aws_ws.keys() == []
    assert not (aws_ws.path / "work").exists()


def test_local_tasks_read_s3_inputs_and_publish_to_s3(aws_ws):
    aws_ws.s3.put_object(Bucket=aws_ws.bucket, Key="in/words.txt", Body=b"one two three\n")
    aws_ws.write("pipeline.yml", f"""
tasks:
  count:
    input:
      text: "s3://{aws_ws.bucket}/in/words.txt"
    output:
      n: n.txt
    publish: "s3://{aws_ws.bucket}/results"
    script: |
      wc -w < {{{{ input.text }}}} > {{{{ output.n }}}}
""")
    p = aws_ws.run(".", "-ansi-log", "false")
    assert p.returncode == 0, p.stdout + p.stderr
    assert aws_ws.get("results/n.txt").strip() == "3"
    assert "[local]" in p.stdout
    p = aws_ws.run(".", "-resume", "-ansi-log", "false")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "1 cached" in p.stdout


def test_wordcount_on_batch_matches_local(aws_ws):
    aws_ws.copy_example("wordcount")
    p = aws_ws.run(".", config=False, env=aws_ws.env(AWS_ACCESS_KEY_ID=None))
    assert p.returncode == 0, p.stdout + p.stderr
    local_total = aws_ws.read("results/total.txt")
    os.remove(aws_ws.path / "results" / "total.txt")

    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-bucket-dir", f"s3://{aws_ws.bucket}/work",
                   "-with-trace", "trace.tsv", "-ansi-log", "false")
    assert p.returncode == 0, p.stdout + p.stderr
    assert aws_ws.read("results/total.txt") == local_total
    rows = aws_ws.trace()
    assert rows and all(r["executor"] == "awsbatch" for r in rows)
    assert all(r["workdir"].startswith(f"s3://{aws_ws.bucket}/work/") for r in rows)
    assert all(r["native_id"] not in ("", "-") for r in rows)
    keys = aws_ws.keys("work/")
    assert sum(k.endswith("/.exitcode") for k in keys) == len(rows)

    # -resume: every task's .exitcode and outputs are on S3, nothing re-runs.
    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-bucket-dir", f"s3://{aws_ws.bucket}/work", "-resume",
                   "-ansi-log", "false")
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"0 completed, {len(rows)} cached" in p.stdout


def test_hybrid_label_runs_on_batch_and_the_rest_locally(aws_ws):
    aws_ws.write("pipeline.yml", HYBRID_PIPELINE)
    p = aws_ws.run(".", "-c", hybrid_config(aws_ws), "-bucket-dir", f"s3://{aws_ws.bucket}/work",
                   "-with-trace", "trace.tsv", "-ansi-log", "false")
    assert p.returncode == 0, p.stdout + p.stderr
    rows = {r["name"]: r for r in aws_ws.trace()}
    splits = [r for n, r in rows.items() if n.startswith("split")]
    assert len(splits) >= 3
    for r in splits:
        assert r["executor"] == "awsbatch"
        assert r["workdir"].startswith(f"s3://{aws_ws.bucket}/work/")
    merge = rows["merge"]
    assert merge["executor"] == "local"
    assert merge["workdir"].startswith(str(aws_ws.path / "work"))
    lines = aws_ws.read("results/all.txt").splitlines()
    assert lines == [f"line {i}" for i in range(1, len(splits) + 1)]
    assert "[awsbatch]" in p.stdout and "[local]" in p.stdout


def test_failed_batch_task_reports_its_s3_work_dir_and_stderr(aws_ws):
    aws_ws.write("pipeline.yml", """
tasks:
  boom:
    output:
      x: x.txt
    script: |
      echo "the disk is full, says the task" >&2
      exit 3
""")
    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-bucket-dir", f"s3://{aws_ws.bucket}/work",
                   "-ansi-log", "false")
    assert p.returncode == 1, p.stdout + p.stderr
    out = p.stdout + p.stderr
    assert "ERROR: task 'boom' failed: exit status 3" in out
    assert "the disk is full, says the task" in out  # .command.err read back from S3
    assert f"work dir: s3://{aws_ws.bucket}/work/" in out
    assert "ferry s3 ls" in out


def test_clean_removes_s3_work_dirs_and_keeps_the_run_when_aws_is_unreachable(aws_ws):
    aws_ws.copy_example("wordcount")
    bucket_dir = f"s3://{aws_ws.bucket}/work"
    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-bucket-dir", bucket_dir, "-with-trace", "trace.tsv",
                   "-ansi-log", "false")
    assert p.returncode == 0, p.stdout + p.stderr
    task_dirs = {r["workdir"] for r in aws_ws.trace()}
    assert task_dirs and all(d.startswith(bucket_dir + "/") for d in task_dirs)

    def ferry(*args, env=None):
        return subprocess.run([FERRY, *args], cwd=aws_ws.path, env=env or aws_ws.env(), capture_output=True,
                              text=True, timeout=120)

    name = ferry("log").stdout.splitlines()[1].split()[0]
    # Without credentials: nothing is removed and the run stays recorded.
    p = ferry("clean", "-f", name, "-c", str(aws_ws.aws_config),
              env=aws_ws.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None))
    assert p.returncode == 2, p.stdout + p.stderr
    assert f"run '{name}' has work dirs on S3" in p.stderr and "no AWS credentials found" in p.stderr
    assert "nothing was removed" in p.stderr
    assert name in ferry("log").stdout
    before = aws_ws.keys("work/")
    for d in task_dirs:
        assert any(k.startswith(d[len(f"s3://{aws_ws.bucket}/"):] + "/") for k in before)

    p = ferry("clean", "-n", name, "-c", str(aws_ws.aws_config))
    assert p.returncode == 0, p.stderr
    for d in task_dirs:
        assert f"would remove {d} (" in p.stdout
    assert aws_ws.keys("work/") == before

    p = ferry("clean", "-f", name, "-c", str(aws_ws.aws_config))
    assert p.returncode == 0, p.stderr
    assert f"removed {len(task_dirs)} work dir(s)" in p.stdout
    left = aws_ws.keys("work/")
    for d in task_dirs:
        assert not any(k.startswith(d[len(f"s3://{aws_ws.bucket}/"):] + "/") for k in left), d
    assert name not in ferry("log").stdout


def run_on_s3_and_name_it(aws_ws, *run_args, config=True):
    aws_ws.copy_example("wordcount")
    bucket_dir = f"s3://{aws_ws.bucket}/work"
    p = aws_ws.run(".", "-c", batch_config(aws_ws), "-bucket-dir", bucket_dir, "-with-trace", "trace.tsv",
                   "-ansi-log", "false", *run_args, config=config)
    assert p.returncode == 0, p.stdout + p.stderr
    task_dirs = {r["workdir"] for r in aws_ws.trace()}
    assert task_dirs and all(d.startswith(bucket_dir + "/") for d in task_dirs)
    name = subprocess.run([FERRY, "log"], cwd=aws_ws.path, env=aws_ws.env(), capture_output=True,
                          text=True).stdout.splitlines()[1].split()[0]
    return name, task_dirs


def clean(aws_ws, *args, env=None):
    return subprocess.run([FERRY, "clean", *map(str, args)], cwd=aws_ws.path, env=env or aws_ws.env(),
                          capture_output=True, text=True, timeout=120)


def test_clean_uses_the_ferry_config_beside_the_pipeline(aws_ws):
    # Where ferry run found the emulator, ferry clean finds it too: the
    # endpoint and region come only from ./ferry.config.
    aws_ws.write("ferry.config", aws_ws.aws_config.read_text())
    name, task_dirs = run_on_s3_and_name_it(aws_ws, config=False)
    p = clean(aws_ws, "-n", name)
    assert p.returncode == 0, p.stdout + p.stderr
    for d in task_dirs:
        assert f"would remove {d} (" in p.stdout
    p = clean(aws_ws, "-f", name)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"removed {len(task_dirs)} work dir(s)" in p.stdout
    # Only the staged inputs, shared by every run of the bucket dir, stay.
    assert all(k.startswith("work/.stage/") for k in aws_ws.keys("work/")), aws_ws.keys("work/")


def test_clean_dry_run_only_warns_about_work_dirs_it_cannot_list(aws_ws):
    name, task_dirs = run_on_s3_and_name_it(aws_ws)
    unreachable = aws_ws.write("unreachable.config", "aws.client.endpoint = 'http://127.0.0.1:9'\n")
    env = aws_ws.env(AWS_MAX_ATTEMPTS="1")
    p = clean(aws_ws, "-n", name, "-c", aws_ws.aws_config, "-c", unreachable, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "could not list" in p.stderr and "could not remove" not in p.stderr, p.stderr
    assert name in subprocess.run([FERRY, "log"], cwd=aws_ws.path, env=env, capture_output=True,
                                  text=True).stdout
    # Removing for real does fail, and keeps the run.
    p = clean(aws_ws, "-f", name, "-c", aws_ws.aws_config, "-c", unreachable, env=env)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "could not remove" in p.stderr
