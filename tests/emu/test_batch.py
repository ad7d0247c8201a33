"""AWS Batch in ferry-awsemu, driven through boto3 and the aws CLI: compute
environments, queues, job definitions, and jobs that really run as local
processes (states, attempts, retries, arrays, dependencies, capacity,
faults, termination), with their output in CloudWatch Logs."""

import json
import os
import time
import uuid

import botocore.exceptions
import pytest

TERMINAL = ("SUCCEEDED", "FAILED")
ORDER = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"]


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def wait_job(batch, job_id, statuses=TERMINAL, timeout=30, seen=None):
    """Polls DescribeJobs until the job reaches one of `statuses`; records
    every status observed in `seen`."""
    deadline = time.time() + timeout
    while True:
        jobs = batch.describe_jobs(jobs=[job_id])["jobs"]
        assert len(jobs) == 1
        job = jobs[0]
        if seen is not None and (not seen or seen[-1] != job["status"]):
            seen.append(job["status"])
        if job["status"] in statuses:
            return job
        assert time.time() < deadline, f"job {job_id} still {job['status']} after {timeout}s"
        time.sleep(0.02)


@pytest.fixture
def client(emu):
    """emu.client that closes its clients after the test, so no idle
    keep-alive connection delays the emulator's shutdown."""
    made = []

    def make(service):
        c = emu.client(service)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def env(emu, client):
    """A fresh compute environment (4 vCPUs) and queue, and a job definition
    running `sh -c`."""
    batch = client("batch")
    ce, queue = uniq("ce"), uniq("q")
    emu.create_batch_queue(queue, compute_environment=ce, max_vcpus=4)
    jd = uniq("jd")
    batch.register_job_definition(
        jobDefinitionName=jd, type="container",
        containerProperties={"image": "debian:12", "command": ["true"],
                             "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                      {"type": "MEMORY", "value": "256"}]})

    class Env:
        pass

    e = Env()
    e.batch, e.logs, e.ce, e.queue, e.jd = batch, client("logs"), ce, queue, jd

    def submit(script, **kw):
        overrides = kw.pop("containerOverrides", {})
        overrides.setdefault("command", ["sh", "-c", script])
        return batch.submit_job(jobName=kw.pop("jobName", "job"), jobQueue=queue, jobDefinition=jd,
                                containerOverrides=overrides, **kw)["jobId"]

    e.submit = submit

    def log_lines(job):
        stream = job["container"]["logStreamName"]
        events = e.logs.get_log_events(logGroupName="/aws/batch/job", logStreamName=stream,
                                       startFromHead=True)["events"]
        return [ev["message"] for ev in events]

    e.log_lines = log_lines
    yield e
    emu.set_faults({})


# ------------------------------------------------------------ control plane


def test_compute_environment_create_describe_update(client):
    batch = client("batch")
    name = uniq("ce")
    arn = batch.create_compute_environment(
        computeEnvironmentName=name, type="MANAGED",
        computeResources={"type": "SPOT", "maxvCpus": 8, "instanceTypes": ["c5.large"],
                          "subnets": ["s"], "instanceRole": "ecsInstanceRole"},
        tags={"team": "x"})["computeEnvironmentArn"]
    assert arn.endswith(f":compute-environment/{name}")
    wait_ce_status(batch, name, "VALID")
    for ref in (name, arn):
        ces = batch.describe_compute_environments(computeEnvironments=[ref])["computeEnvironments"]
        assert len(ces) == 1
        assert ces[0]["computeEnvironmentName"] == name
        assert ces[0]["status"] == "VALID" and ces[0]["state"] == "ENABLED"
        assert ces[0]["computeResources"]["maxvCpus"] == 8
        assert ces[0]["tags"] == {"team": "x"}
    batch.update_compute_environment(computeEnvironment=name, state="DISABLED",
                                     computeResources={"maxvCpus": 16})
    ce = batch.describe_compute_environments(computeEnvironments=[name])["computeEnvironments"][0]
    assert ce["state"] == "DISABLED" and ce["computeResources"]["maxvCpus"] == 16

    with pytest.raises(botocore.exceptions.ClientError) as err:
        batch.create_compute_environment(computeEnvironmentName=name, type="UNMANAGED")
    assert err.value.response["Error"]["Code"] == "ClientException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    batch.delete_compute_environment(computeEnvironment=name)
    wait_ce_status(batch, name, None)


def wait_ce_status(batch, name, status, timeout=10):
    """Polls until the compute environment has `status` (None: is gone)."""
    deadline = time.time() + timeout
    while True:
        ces = batch.describe_compute_environments(computeEnvironments=[name])["computeEnvironments"]
        now = ces[0]["status"] if ces else None
        if now == status:
            return
        assert time.time() < deadline, f"{name} stayed {now}, expected {status}"
        time.sleep(0.05)


def test_describe_compute_environments_paginates(client):
    batch = client("batch")
    names = {uniq("pg") for _ in range(3)}
    for n in names:
        batch.create_compute_environment(computeEnvironmentName=n, type="UNMANAGED", unmanagedvCpus=2)
    pages = list(batch.get_paginator("describe_compute_environments").paginate(
        PaginationConfig={"PageSize": 1}))
    assert len(pages) >= 3
    found = {c["computeEnvironmentName"] for p in pages for c in p["computeEnvironments"]}
    assert names <= found


def test_job_queue_create_describe_update_delete(env):
    batch = env.batch
    name = uniq("queue")
    arn = batch.create_job_queue(jobQueueName=name, priority=5,
                                 computeEnvironmentOrder=[{"order": 1, "computeEnvironment": env.ce}])["jobQueueArn"]
    q = batch.describe_job_queues(jobQueues=[arn])["jobQueues"][0]
    assert q["jobQueueName"] == name and q["priority"] == 5 and q["state"] == "ENABLED"
    assert q["computeEnvironmentOrder"][0]["computeEnvironment"].endswith(f"compute-environment/{env.ce}")
    batch.update_job_queue(jobQueue=name, priority=9, state="DISABLED")
    q = batch.describe_job_queues(jobQueues=[name])["jobQueues"][0]
    assert (q["priority"], q["state"]) == (9, "DISABLED")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        batch.create_job_queue(jobQueueName=uniq("q"), priority=1,
                               computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "no-such-ce"}])
    assert err.value.response["Error"]["Code"] == "ClientException"
    batch.delete_job_queue(jobQueue=name)
    assert batch.describe_job_queues(jobQueues=[name])["jobQueues"][0]["status"] == "DELETING"
    deadline = time.time() + 10
    while batch.describe_job_queues(jobQueues=[name])["jobQueues"]:
        assert time.time() < deadline, "the deleted queue is still described"
        time.sleep(0.05)


def test_job_definition_revisions_and_status(client):
    batch = client("batch")
    name = uniq("def")
    props = {
        "image": "busybox", "command": ["echo", "Ref::word"],
        "resourceRequirements": [{"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "1024"}],
        "volumes": [{"name": "data", "host": {"sourcePath": "/tmp"}}],
        "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": True}],
        "environment": [{"name": "A", "value": "1"}],
    }
    r1 = batch.register_job_definition(
        jobDefinitionName=name, type="container", parameters={"word": "hi"}, containerProperties=props,
        retryStrategy={"attempts": 2, "evaluateOnExit": [{"onStatusReason": "Host EC2*", "action": "RETRY"}]},
        timeout={"attemptDurationSeconds": 60}, tags={"k": "v"})
    r2 = batch.register_job_definition(jobDefinitionName=name, type="container", containerProperties=props)
    assert (r1["revision"], r2["revision"]) == (1, 2)
    assert r1["jobDefinitionArn"].endswith(f":job-definition/{name}:1")

    defs = batch.describe_job_definitions(jobDefinitionName=name)["jobDefinitions"]
    assert [d["revision"] for d in defs] == [1, 2]
    d1 = defs[0]
    assert d1["status"] == "ACTIVE" and d1["parameters"] == {"word": "hi"}
    assert d1["containerProperties"]["mountPoints"][0]["containerPath"] == "/data"
    assert d1["retryStrategy"]["attempts"] == 2 and d1["timeout"]["attemptDurationSeconds"] == 60
    assert d1["tags"] == {"k": "v"}

    batch.deregister_job_definition(jobDefinition=f"{name}:1")
    active = batch.describe_job_definitions(jobDefinitionName=name, status="ACTIVE")["jobDefinitions"]
    inactive = batch.describe_job_definitions(jobDefinitionName=name, status="INACTIVE")["jobDefinitions"]
    assert [d["revision"] for d in active] == [2]
    assert [d["revision"] for d in inactive] == [1]
    by_arn = batch.describe_job_definitions(jobDefinitions=[r2["jobDefinitionArn"]])["jobDefinitions"]
    assert [d["revision"] for d in by_arn] == [2]


def test_tag_resource_list_and_untag(env):
    queue_arn = env.batch.describe_job_queues(jobQueues=[env.queue])["jobQueues"][0]["jobQueueArn"]
    job_arn = env.batch.submit_job(jobName="t", jobQueue=env.queue, jobDefinition=env.jd,
                                   tags={"a": "1"})["jobArn"]
    for arn in (queue_arn, job_arn):
        env.batch.tag_resource(resourceArn=arn, tags={"b": "2", "c": "3"})
        env.batch.untag_resource(resourceArn=arn, tagKeys=["c"])
        tags = env.batch.list_tags_for_resource(resourceArn=arn)["tags"]
        assert tags == ({"a": "1", "b": "2"} if arn == job_arn else {"b": "2"})
    with pytest.raises(botocore.exceptions.ClientError) as err:
        env.batch.list_tags_for_resource(resourceArn=queue_arn + "-missing")
    assert err.value.response["Error"]["Code"] == "ClientException"


# ------------------------------------------------------------ running jobs


def test_job_runs_with_overrides_parameters_and_batch_environment(emu, env):
    script = ('echo "word=$1"; echo "id=$AWS_BATCH_JOB_ID attempt=$AWS_BATCH_JOB_ATTEMPT '
              'jq=$AWS_BATCH_JQ_NAME ce=$AWS_BATCH_CE_NAME"; echo "color=$COLOR"; '
              'echo "key=$AWS_ACCESS_KEY_ID region=$AWS_DEFAULT_REGION imds=$AWS_EC2_METADATA_SERVICE_ENDPOINT"; '
              'echo "endpoint=$AWS_ENDPOINT_URL s3=$AWS_ENDPOINT_URL_S3"; echo "pwd=$(pwd)"; echo to-stderr >&2')
    seen = []
    job_id = env.batch.submit_job(
        jobName="env-check", jobQueue=env.queue, jobDefinition=env.jd, parameters={"word": "substituted"},
        containerOverrides={"command": ["sh", "-c", script, "sh", "Ref::word"],
                            "environment": [{"name": "COLOR", "value": "blue"}],
                            "resourceRequirements": [{"type": "MEMORY", "value": "128"}]},
        tags={"owner": "tests"})["jobId"]
    job = wait_job(env.batch, job_id, seen=seen)
    assert job["status"] == "SUCCEEDED", job
    # Observed states are in Batch's order (fast steps may hide some).
    assert seen[0] in ("SUBMITTED", "PENDING")
    assert [ORDER.index(s) for s in seen] == sorted(ORDER.index(s) for s in seen)
    assert job["container"]["command"][-1] == "substituted"
    assert {"type": "MEMORY", "value": "128"} in job["container"]["resourceRequirements"]
    assert job["container"]["exitCode"] == 0
    assert job["tags"] == {"owner": "tests"}
    assert job["createdAt"] <= job["startedAt"] <= job["stoppedAt"]
    assert len(job["attempts"]) == 1
    assert job["attempts"][0]["container"]["exitCode"] == 0
    assert job["attempts"][0]["container"]["logStreamName"] == job["container"]["logStreamName"]

    stream = job["container"]["logStreamName"]
    assert stream.startswith(f"{env.jd}/default/") and len(stream.split("/")[-1]) == 32
    lines = env.log_lines(job)
    assert "word=substituted" in lines
    assert f"id={job_id} attempt=1 jq={env.queue} ce={env.ce}" in lines
    assert "color=blue" in lines
    # The instance's metadata service is the emulator's IMDS port.
    assert f"key={emu.access_key} region={emu.region} imds={emu.imds_endpoint}" in lines
    assert f"endpoint={emu.endpoint} s3={emu.endpoint}" in lines
    assert "to-stderr" in lines
    pwd = [l for l in lines if l.startswith("pwd=")][0][4:]
    assert pwd != os.getcwd()
    assert job_id in pwd  # its own scratch directory


def test_nonzero_exit_fails_with_exit_code(env):
    job = wait_job(env.batch, env.submit("echo bye; exit 3"))
    assert job["status"] == "FAILED"
    assert job["container"]["exitCode"] == 3
    assert job["statusReason"] == "Essential container in task exited"
    assert job["attempts"][0]["container"]["exitCode"] == 3


def test_missing_executable_fails_the_attempt(env):
    job = wait_job(env.batch, env.batch.submit_job(
        jobName="nope", jobQueue=env.queue, jobDefinition=env.jd,
        containerOverrides={"command": ["/no/such/program"]})["jobId"])
    assert job["status"] == "FAILED"
    assert job["container"]["reason"].startswith("CannotStartContainerError")


def test_end_to_end_s3_job_with_cli_and_logs(emu, env, client):
    s3 = client("s3")
    bucket = uniq("e2e")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="in/words.txt", Body=b"hello ferry\nsecond line\n")
    script = (f"set -e; /usr/bin/aws --endpoint-url \"$AWS_ENDPOINT_URL\" s3 cp s3://{bucket}/in/words.txt in.txt;"
              " tr a-z A-Z < in.txt > out.txt;"
              f" /usr/bin/aws --endpoint-url \"$AWS_ENDPOINT_URL\" s3 cp out.txt s3://{bucket}/out/words.txt;"
              " cat out.txt")
    proc = emu.aws("batch", "submit-job", "--job-name", "e2e", "--job-queue", env.queue,
                   "--job-definition", env.jd, "--container-overrides",
                   json.dumps({"command": ["sh", "-c", script]}))
    assert proc.returncode == 0, proc.stderr
    job_id = json.loads(proc.stdout)["jobId"]
    job = wait_job(env.batch, job_id, timeout=60)
    assert job["status"] == "SUCCEEDED", (job, env.log_lines(job))

    body = s3.get_object(Bucket=bucket, Key="out/words.txt")["Body"].read()
    assert body == b"HELLO FERRY\nSECOND LINE\n"

    proc = emu.aws("batch", "describe-jobs", "--jobs", job_id)
    assert proc.returncode == 0, proc.stderr
    described = json.loads(proc.stdout)["jobs"][0]
    assert described["status"] == "SUCCEEDED"
    proc = emu.aws("logs", "get-log-events", "--log-group-name", "/aws/batch/job", "--log-stream-name",
                   described["container"]["logStreamName"], "--start-from-head")
    assert proc.returncode == 0, proc.stderr
    messages = [e["message"] for e in json.loads(proc.stdout)["events"]]
    assert "HELLO FERRY" in messages and "SECOND LINE" in messages

    ops = [(r["service"], r["operation"], r["status"]) for r in emu.requests()]
    assert ("batch", "SubmitJob", 200) in ops and ("batch", "DescribeJobs", 200) in ops
    assert ("logs", "GetLogEvents", 200) in ops


def test_array_job_runs_all_100_children(emu, env):
    parent = env.batch.submit_job(
        jobName="arr", jobQueue=env.queue, jobDefinition=env.jd, arrayProperties={"size": 100},
        containerOverrides={"command": ["sh", "-c", "echo child=$AWS_BATCH_JOB_ARRAY_INDEX"]})["jobId"]
    job = wait_job(env.batch, parent, timeout=90)
    assert job["status"] == "SUCCEEDED"
    assert job["arrayProperties"]["size"] == 100
    assert job["arrayProperties"]["statusSummary"]["SUCCEEDED"] == 100

    pages = env.batch.get_paginator("list_jobs").paginate(
        arrayJobId=parent, jobStatus="SUCCEEDED", PaginationConfig={"PageSize": 30})
    children = [s for p in pages for s in p["jobSummaryList"]]
    assert sorted(c["jobId"] for c in children) == sorted(f"{parent}:{i}" for i in range(100))
    assert {c["arrayProperties"]["index"] for c in children} == set(range(100))

    child = env.batch.describe_jobs(jobs=[f"{parent}:42"])["jobs"][0]
    assert child["arrayProperties"]["index"] == 42
    assert env.log_lines(child) == ["child=42"]
    # Every child wrote its index to its own stream.
    events = []
    for page in env.logs.get_paginator("filter_log_events").paginate(
            logGroupName="/aws/batch/job", logStreamNamePrefix=f"{env.jd}/", filterPattern="child="):
        events += page["events"]
    assert sorted(int(e["message"].split("=")[1]) for e in events) == list(range(100))


def test_retry_under_host_termination_fails_after_three_attempts(emu, env):
    emu.set_faults({"host_termination": 1.0})
    job_id = env.submit("sleep 20", retryStrategy={"attempts": 3})
    job = wait_job(env.batch, job_id, timeout=30)
    assert job["status"] == "FAILED"
    assert len(job["attempts"]) == 3
    for a in job["attempts"]:
        assert a["statusReason"].startswith("Host EC2 (instance i-")
        assert a["statusReason"].endswith(") terminated.")
        assert "exitCode" not in a["container"]
    assert job["statusReason"].startswith("Host EC2 (instance i-")


def test_host_termination_per_attempt_hits_that_share_of_attempts_once(emu, env):
    # Every attempt loses its host once, early, even a long job's.
    emu.set_faults({"host_termination_per_attempt": 1.0})
    job = wait_job(env.batch, env.submit("sleep 20", retryStrategy={"attempts": 2}), timeout=30)
    assert job["status"] == "FAILED" and len(job["attempts"]) == 2
    assert all(a["statusReason"].startswith("Host EC2 (instance i-") for a in job["attempts"])
    # None: a job that runs for a few seconds keeps its host.
    emu.set_faults({"host_termination_per_attempt": 0.0})
    job = wait_job(env.batch, env.submit("sleep 2", retryStrategy={"attempts": 2}), timeout=30)
    assert job["status"] == "SUCCEEDED" and len(job["attempts"]) == 1


def test_evaluate_on_exit_decides_retry_or_exit(env):
    # Exit code 1 matches "1*" -> RETRY until attempts run out.
    retried = env.submit("echo attempt=$AWS_BATCH_JOB_ATTEMPT; exit 1", retryStrategy={
        "attempts": 3, "evaluateOnExit": [{"onExitCode": "1*", "action": "RETRY"},
                                          {"onReason": "*", "action": "EXIT"}]})
    # Exit code 2 matches the EXIT rule at once.
    stopped = env.submit("exit 2", retryStrategy={
        "attempts": 3, "evaluateOnExit": [{"onExitCode": "2", "action": "EXIT"}]})
    job = wait_job(env.batch, retried)
    assert job["status"] == "FAILED" and len(job["attempts"]) == 3
    streams = [a["container"]["logStreamName"] for a in job["attempts"]]
    assert len(set(streams)) == 3  # one log stream per attempt
    last = env.logs.get_log_events(logGroupName="/aws/batch/job", logStreamName=streams[2])["events"]
    assert [e["message"] for e in last] == ["attempt=3"]
    job = wait_job(env.batch, stopped)
    assert job["status"] == "FAILED" and len(job["attempts"]) == 1


def test_retry_then_success(env, tmp_path):
    marker = tmp_path / "ran-once"
    job = wait_job(env.batch, env.submit(f"if [ -e {marker} ]; then exit 0; fi; touch {marker}; exit 7",
                                         retryStrategy={"attempts": 2}))
    assert job["status"] == "SUCCEEDED"
    assert [a["container"]["exitCode"] for a in job["attempts"]] == [7, 0]


def test_timeout_terminates_the_attempt(env):
    job = wait_job(env.batch, env.submit("sleep 30", timeout={"attemptDurationSeconds": 1}), timeout=20)
    assert job["status"] == "FAILED"
    assert job["statusReason"] == "Job attempt duration exceeded timeout"
    assert job["stoppedAt"] - job["startedAt"] < 10000


# ------------------------------------------------------------ errors


def test_describe_jobs_with_101_ids_is_a_client_exception(env):
    job_id = env.submit("true")
    ids = [job_id] + [str(uuid.uuid4()) for _ in range(99)]
    # 100 ids are fine; unknown ones are simply left out.
    assert [j["jobId"] for j in env.batch.describe_jobs(jobs=ids)["jobs"]] == [job_id]
    with pytest.raises(botocore.exceptions.ClientError) as err:
        env.batch.describe_jobs(jobs=ids + [str(uuid.uuid4())])
    assert err.value.response["Error"]["Code"] == "ClientException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "100" in err.value.response["Error"]["Message"]


def test_submit_to_missing_queue_is_a_client_exception(emu, env):
    with pytest.raises(botocore.exceptions.ClientError) as err:
        env.batch.submit_job(jobName="x", jobQueue="no-such-queue", jobDefinition=env.jd)
    assert err.value.response["Error"]["Code"] == "ClientException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.value.response["Error"]["Message"] == "JobQueue no-such-queue not found."
    proc = emu.aws("batch", "submit-job", "--job-name", "x", "--job-queue", "no-such-queue",
                   "--job-definition", env.jd)
    assert proc.returncode != 0
    assert "(ClientException)" in proc.stderr and "JobQueue no-such-queue not found." in proc.stderr


def test_submit_with_unknown_job_definition_is_a_client_exception(env):
    with pytest.raises(botocore.exceptions.ClientError) as err:
        env.batch.submit_job(jobName="x", jobQueue=env.queue, jobDefinition="no-such-def")
    assert err.value.response["Error"]["Code"] == "ClientException"


# ------------------------------------------------------------ capacity and faults


def test_oversize_job_stays_runnable_with_aws_reason(env):
    too_many_cpus = env.submit("true", containerOverrides={
        "resourceRequirements": [{"type": "VCPU", "value": "8"}]})
    too_much_memory = env.submit("true", containerOverrides={
        "resourceRequirements": [{"type": "MEMORY", "value": str(64 * 1024)}]})
    fits = env.submit("true")
    assert wait_job(env.batch, fits)["status"] == "SUCCEEDED"
    for job_id in (too_many_cpus, too_much_memory):
        job = wait_job(env.batch, job_id, statuses=("RUNNABLE",))
        deadline = time.time() + 5
        while "statusReason" not in job and time.time() < deadline:
            time.sleep(0.05)
            job = env.batch.describe_jobs(jobs=[job_id])["jobs"][0]
        assert job["status"] == "RUNNABLE"
        assert job["statusReason"].startswith("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - ")
    # Growing the compute environment lets the big-CPU job run.
    env.batch.update_compute_environment(computeEnvironment=env.ce, computeResources={"maxvCpus": 8})
    assert wait_job(env.batch, too_many_cpus)["status"] == "SUCCEEDED"
    env.batch.terminate_job(jobId=too_much_memory, reason="too big")
    job = wait_job(env.batch, too_much_memory)
    assert job["status"] == "FAILED" and job["statusReason"] == "too big"


def test_capacity_limits_how_many_jobs_run_at_once(env):
    # 4 vCPUs in the compute environment, 2 vCPUs per job: at most 2 at once.
    ids = [env.submit("sleep 1", containerOverrides={"resourceRequirements": [{"type": "VCPU", "value": "2"}]})
           for _ in range(4)]
    peak = 0
    deadline = time.time() + 30
    while True:
        jobs = env.batch.describe_jobs(jobs=ids)["jobs"]
        statuses = [j["status"] for j in jobs]
        peak = max(peak, sum(s in ("STARTING", "RUNNING") for s in statuses))
        if all(s in TERMINAL for s in statuses):
            break
        assert time.time() < deadline
        time.sleep(0.05)
    assert statuses == ["SUCCEEDED"] * 4
    assert peak == 2


def test_hold_runnable_keeps_jobs_runnable(emu, env):
    emu.set_faults({"hold_runnable": True})
    job_id = env.submit("echo released")
    wait_job(env.batch, job_id, statuses=("RUNNABLE",))
    time.sleep(0.8)
    assert env.batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"] == "RUNNABLE"
    emu.set_faults({})
    job = wait_job(env.batch, job_id)
    assert job["status"] == "SUCCEEDED"
    assert env.log_lines(job) == ["released"]


# ------------------------------------------------------------ terminate and cancel


def test_terminate_kills_a_running_job(env):
    job_id = env.submit("echo started; sleep 30")
    wait_job(env.batch, job_id, statuses=("RUNNING",))
    t0 = time.time()
    env.batch.terminate_job(jobId=job_id, reason="stopped by test")
    job = wait_job(env.batch, job_id, timeout=15)
    assert time.time() - t0 < 10
    assert job["status"] == "FAILED"
    assert job["statusReason"] == "stopped by test"
    assert job["attempts"][0]["container"]["exitCode"] == 143  # SIGTERM


def test_cancel_fails_waiting_jobs_but_not_running_ones(emu, env):
    running = env.submit("sleep 30")
    wait_job(env.batch, running, statuses=("RUNNING",))
    emu.set_faults({"hold_runnable": True})
    waiting = env.submit("true")
    wait_job(env.batch, waiting, statuses=("RUNNABLE",))
    env.batch.cancel_job(jobId=waiting, reason="not needed")
    env.batch.cancel_job(jobId=running, reason="not needed")
    job = wait_job(env.batch, waiting)
    assert job["status"] == "FAILED" and job["statusReason"] == "not needed"
    assert job["attempts"] == []
    time.sleep(0.3)
    assert env.batch.describe_jobs(jobs=[running])["jobs"][0]["status"] == "RUNNING"
    env.batch.terminate_job(jobId=running, reason="cleanup")
    assert wait_job(env.batch, running)["status"] == "FAILED"


# ------------------------------------------------------------ dependencies and listing


def test_depends_on_waits_for_success_and_fails_after_failure(env):
    first = env.submit("sleep 0.5")
    after = env.submit("true", dependsOn=[{"jobId": first}])
    bad = env.submit("exit 1")
    after_bad = env.submit("true", dependsOn=[{"jobId": bad}])
    assert env.batch.describe_jobs(jobs=[after])["jobs"][0]["status"] in ("SUBMITTED", "PENDING")
    a = wait_job(env.batch, first)
    b = wait_job(env.batch, after)
    assert b["status"] == "SUCCEEDED" and b["startedAt"] >= a["stoppedAt"]
    assert b["dependsOn"] == [{"jobId": first}]
    c = wait_job(env.batch, after_bad)
    assert c["status"] == "FAILED" and c["statusReason"] == "Dependent Job failed" and c["attempts"] == []


def test_array_dependencies_n_to_n_and_sequential(env, tmp_path):
    log = tmp_path / "order.txt"
    seq = env.submit(f"echo $AWS_BATCH_JOB_ARRAY_INDEX >> {log}", arrayProperties={"size": 4},
                     dependsOn=[{"type": "SEQUENTIAL"}])
    n2n = env.submit("true", arrayProperties={"size": 4}, dependsOn=[{"jobId": seq, "type": "N_TO_N"}])
    assert wait_job(env.batch, seq)["status"] == "SUCCEEDED"
    assert log.read_text().split() == ["0", "1", "2", "3"]
    assert wait_job(env.batch, n2n)["status"] == "SUCCEEDED"
    for i in range(4):
        a, b = env.batch.describe_jobs(jobs=[f"{seq}:{i}", f"{n2n}:{i}"])["jobs"]
        assert b["startedAt"] >= a["stoppedAt"]


def test_list_jobs_by_queue_status_and_pages(env):
    ids = [env.submit("true", jobName=f"listed-{i}") for i in range(5)]
    for i in ids:
        wait_job(env.batch, i)
    pages = list(env.batch.get_paginator("list_jobs").paginate(
        jobQueue=env.queue, jobStatus="SUCCEEDED", PaginationConfig={"PageSize": 2}))
    assert len(pages) >= 3
    listed = [s["jobId"] for p in pages for s in p["jobSummaryList"]]
    assert listed == ids[::-1]  # newest first
    # No status means RUNNING only.
    assert not set(ids) & {s["jobId"] for s in env.batch.list_jobs(jobQueue=env.queue)["jobSummaryList"]}
    by_name = env.batch.list_jobs(jobQueue=env.queue, filters=[{"name": "JOB_NAME", "values": ["listed-3"]}])
    assert [s["jobId"] for s in by_name["jobSummaryList"]] == [ids[3]]


# ------------------------------------------------------------ volumes


def test_volumes_are_mounted_with_bubblewrap(env, tmp_path):
    if not os.access("/usr/bin/bwrap", os.X_OK):
        pytest.skip("bubblewrap is not installed")
    host = str(tmp_path)
    with open(os.path.join(host, "in.txt"), "w") as f:
        f.write("from the host\n")
    jd = uniq("vol")
    env.batch.register_job_definition(
        jobDefinitionName=jd, type="container",
        containerProperties={"image": "x", "command": ["sh", "-c", "cat /mnt/in.txt; echo written > /mnt/out.txt"],
                             "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                      {"type": "MEMORY", "value": "64"}],
                             "volumes": [{"name": "shared", "host": {"sourcePath": host}}],
                             "mountPoints": [{"sourceVolume": "shared", "containerPath": "/mnt"}]})
    job = wait_job(env.batch, env.batch.submit_job(jobName="vol", jobQueue=env.queue, jobDefinition=jd)["jobId"])
    lines = env.log_lines(job)
    if job["status"] == "FAILED" and "bwrap" in " ".join(lines):
        pytest.skip("bubblewrap cannot create namespaces here")
    assert job["status"] == "SUCCEEDED", lines
    assert lines == ["from the host"]
    with open(os.path.join(host, "out.txt")) as f:
        assert f.read() == "written\n"


# ------------------------------------------------------------ scale


def test_many_concurrent_jobs_share_a_few_threads(emu, client):
    """200 children running at once are watched by the emulator's one job
    worker: running them adds no threads (the HTTP pool is there anyway)."""
    batch = client("batch")
    batch.create_compute_environment(
        computeEnvironmentName="big", type="MANAGED",
        computeResources={"type": "EC2", "maxvCpus": 1024, "instanceTypes": ["r5"], "subnets": ["s"],
                          "instanceRole": "ecsInstanceRole"})
    batch.create_job_queue(jobQueueName="bigq", priority=1,
                           computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "big"}])
    batch.register_job_definition(
        jobDefinitionName="sleeper", type="container",
        containerProperties={"image": "x", "command": ["sleep", "4"],
                             "resourceRequirements": [{"type": "VCPU", "value": "1"},
                                                      {"type": "MEMORY", "value": "16"}]})
    threads_before = len(os.listdir(f"/proc/{emu.proc.pid}/task"))
    parent = batch.submit_job(jobName="many", jobQueue="bigq", jobDefinition="sleeper",
                              arrayProperties={"size": 200})["jobId"]
    deadline = time.time() + 60
    peak_running, threads_at_peak = 0, 0
    while True:
        job = batch.describe_jobs(jobs=[parent])["jobs"][0]
        running = job["arrayProperties"]["statusSummary"]["RUNNING"]
        if running > peak_running:
            peak_running = running
            threads_at_peak = len(os.listdir(f"/proc/{emu.proc.pid}/task"))
        if job["status"] in TERMINAL:
            break
        assert time.time() < deadline
        time.sleep(0.1)
    assert job["status"] == "SUCCEEDED"
    assert peak_running >= 50, peak_running
    assert threads_at_peak - threads_before < 8, (threads_before, threads_at_peak)
