"""What ferry's awsbatch executor and `ferry build` rely on in the emulated
AWS Batch: array children by "<id>:<n>", the parent's statusSummary, spot-style
retries of host terminations, TerminateJob on array parents, log streams and
the Logs calls that read them, job definitions with volumes, resource
overrides, and a predictable job environment (PATH, HOME)."""

import os
import time

import pytest

from .test_batch import client, env, uniq, wait_job  # noqa: F401 (fixtures)

SPOT_RETRY = {"attempts": 3, "evaluateOnExit": [{"onStatusReason": "Host EC2*", "action": "RETRY"},
                                               {"onReason": "*", "action": "EXIT"}]}


def test_host_terminations_are_retried_by_the_status_reason_rule(emu, env):
    emu.set_faults({"host_termination": 1.0})
    job = wait_job(env.batch, env.submit("sleep 20", retryStrategy=SPOT_RETRY), timeout=30)
    assert job["status"] == "FAILED"
    assert len(job["attempts"]) == 3
    assert all(a["statusReason"].startswith("Host EC2") for a in job["attempts"])
    assert job["retryStrategy"]["evaluateOnExit"][0]["onStatusReason"] == "Host EC2*"
    # A failing command is not retried by the same strategy.
    emu.set_faults({})
    job = wait_job(env.batch, env.submit("exit 1", retryStrategy=SPOT_RETRY))
    assert job["status"] == "FAILED" and len(job["attempts"]) == 1
    assert job["attempts"][0]["container"]["exitCode"] == 1


def test_array_children_by_id_and_parent_summary(env):
    parent = env.batch.submit_job(
        jobName="arr", jobQueue=env.queue, jobDefinition=env.jd, arrayProperties={"size": 3},
        containerOverrides={"command": ["sh", "-c", "exit $AWS_BATCH_JOB_ARRAY_INDEX"]})["jobId"]
    job = wait_job(env.batch, parent)
    assert job["status"] == "FAILED"  # children 1 and 2 exit non-zero
    summary = job["arrayProperties"]["statusSummary"]
    assert summary["SUCCEEDED"] == 1 and summary["FAILED"] == 2
    children = env.batch.describe_jobs(jobs=[f"{parent}:{i}" for i in range(3)])["jobs"]
    assert [c["jobId"] for c in children] == [f"{parent}:{i}" for i in range(3)]
    assert [c["container"]["exitCode"] for c in children] == [0, 1, 2]
    assert all(c["container"]["logStreamName"] for c in children)


def test_terminate_on_an_array_parent_ends_every_child(env):
    parent = env.batch.submit_job(
        jobName="arr", jobQueue=env.queue, jobDefinition=env.jd, arrayProperties={"size": 6},
        containerOverrides={"command": ["sh", "-c", "sleep 30"]})["jobId"]
    # 4 vCPUs: 4 children run, 2 wait in RUNNABLE.
    wait_job(env.batch, f"{parent}:0", statuses=("RUNNING",))
    env.batch.terminate_job(jobId=parent, reason="run interrupted")
    job = wait_job(env.batch, parent, timeout=20)
    assert job["status"] == "FAILED"
    assert job["arrayProperties"]["statusSummary"]["FAILED"] == 6
    children = env.batch.describe_jobs(jobs=[f"{parent}:{i}" for i in range(6)])["jobs"]
    assert {c["status"] for c in children} == {"FAILED"}
    assert {c["statusReason"] for c in children} == {"run interrupted"}


def test_log_stream_is_named_once_running_and_logs_read_back(env):
    job_id = env.submit("for i in $(seq 1 30); do echo line-$i; done; sleep 30")
    job = wait_job(env.batch, job_id, statuses=("RUNNING",))
    stream = job["container"]["logStreamName"]
    assert stream.startswith(f"{env.jd}/default/")
    deadline = time.time() + 10
    while True:
        try:
            tail = env.logs.get_log_events(logGroupName="/aws/batch/job", logStreamName=stream,
                                           startFromHead=False, limit=5)["events"]
        except env.logs.exceptions.ResourceNotFoundException:
            tail = []  # no output yet: the stream does not exist
        if len(tail) == 5 and tail[-1]["message"] == "line-30":
            break
        assert time.time() < deadline, tail
        time.sleep(0.1)
    assert [e["message"] for e in tail] == [f"line-{i}" for i in range(26, 31)]
    # FilterLogEvents by stream name and start time, a page at a time.
    messages, token, pages = [], None, 0
    while True:
        kw = {"nextToken": token} if token else {}
        page = env.logs.filter_log_events(logGroupName="/aws/batch/job", logStreamNames=[stream],
                                          startTime=job["startedAt"], limit=7, **kw)
        messages += [e["message"] for e in page["events"]]
        assert all(e["logStreamName"] == stream for e in page["events"])
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert messages == [f"line-{i}" for i in range(1, 31)]
    assert pages >= 5
    # Nothing at or after a start time past the last event.
    later = env.logs.filter_log_events(logGroupName="/aws/batch/job", logStreamNames=[stream],
                                       startTime=tail[-1]["timestamp"] + 1)
    assert later["events"] == []
    env.batch.terminate_job(jobId=job_id, reason="done")


def test_job_definition_lookup_by_name_returns_parameters(env):
    name = uniq("ferry-jd")
    env.batch.register_job_definition(
        jobDefinitionName=name, type="container", parameters={"image": "debian:12"},
        containerProperties={"image": "debian:12", "command": ["true"],
                             "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                      {"type": "MEMORY", "value": "128"}]})
    found = env.batch.describe_job_definitions(jobDefinitionName=name, status="ACTIVE")["jobDefinitions"]
    assert len(found) == 1
    assert found[0]["parameters"] == {"image": "debian:12"} and found[0]["revision"] == 1
    assert env.batch.describe_job_definitions(jobDefinitionName=uniq("none"), status="ACTIVE")["jobDefinitions"] == []


def test_resource_overrides_are_visible_in_describe_jobs(env):
    job_id = env.submit("true", containerOverrides={"resourceRequirements": [{"type": "VCPU", "value": "2"},
                                                                             {"type": "MEMORY", "value": "300"}]})
    job = wait_job(env.batch, job_id)
    rr = {r["type"]: r["value"] for r in job["container"]["resourceRequirements"]}
    assert rr == {"VCPU": "2", "MEMORY": "300"}


def run_one_job(emu, script, memory, timeout=30, **container_properties):
    """Runs `sh -c SCRIPT` as the one job of a fresh queue in emu (a
    1-vCPU job definition with container_properties added), waits for it to
    end and returns (DescribeJobs entry, the lines of its log stream)."""
    batch, logs = emu.client("batch"), emu.client("logs")
    queue, jd = uniq("q"), uniq("jd")
    emu.create_batch_queue(queue, compute_environment=uniq("ce"), max_vcpus=2)
    batch.register_job_definition(jobDefinitionName=jd, type="container", containerProperties={
        "image": "x", "command": ["sh", "-c", script],
        "resourceRequirements": [{"type": "VCPU", "value": "1"}, {"type": "MEMORY", "value": memory}],
        **container_properties})
    job = wait_job(batch, batch.submit_job(jobName="job", jobQueue=queue, jobDefinition=jd)["jobId"], timeout=timeout)
    lines = [e["message"] for e in logs.get_log_events(
        logGroupName="/aws/batch/job", logStreamName=job["container"]["logStreamName"],
        startFromHead=True)["events"]]
    batch.close()
    logs.close()
    return job, lines


def test_job_path_finds_the_cli_and_snakemake_whatever_the_emulator_path(emu_factory, monkeypatch, tmp_path):
    # A developer's PATH with a shim directory first must not reach jobs.
    shims = tmp_path / "shims"
    shims.mkdir()
    fake = shims / "aws"
    fake.write_text("#!/bin/sh\necho fake\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}:{os.environ['PATH']}")
    emu = emu_factory()
    job, lines = run_one_job(emu, 'echo "PATH=$PATH"; echo "HOME=$HOME"; command -v aws; '
                                  'command -v snakemake; test -e "$HOME/.aws" || echo no-aws-dir', memory="64")
    assert job["status"] == "SUCCEEDED", lines
    assert lines[0] == "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert lines[1].startswith("HOME=") and job["jobId"] in lines[1]
    aws = lines[2]
    assert aws in ("/usr/local/bin/aws", "/usr/bin/aws")
    assert lines[3] in ("/usr/local/bin/snakemake", "/usr/bin/snakemake")
    assert lines[4] == "no-aws-dir"


@pytest.mark.parametrize("no_bwrap", ["1", "0"])
def test_read_only_host_volume_at_its_own_path_runs_with_or_without_bubblewrap(emu_factory, monkeypatch, no_bwrap):
    monkeypatch.setenv("FERRY_AWSEMU_NO_BWRAP", no_bwrap)
    emu = emu_factory()
    job, lines = run_one_job(emu, "/usr/bin/aws --version >/dev/null 2>&1 && echo cli-ok", memory="256", timeout=60,
                             volumes=[{"name": "usr", "host": {"sourcePath": "/usr"}}],
                             mountPoints=[{"sourceVolume": "usr", "containerPath": "/usr", "readOnly": True}])
    assert job["status"] == "SUCCEEDED", lines
    assert lines == ["cli-ok"]
    assert job["container"]["mountPoints"][0]["readOnly"] is True
