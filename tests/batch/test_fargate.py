"""Batch as organisations run it (docs/aws-batch.md, 'For organisations'):
aws.batch.platformType = 'fargate' on a queue of FARGATE compute
environments with a fair-share scheduling policy, shareIdentifier and
schedulingPriority on every job, and cost tags (ferry-run, ferry-task,
ferry-pipeline and the resourceLabels directive). One emulator serves the
module: the run, then the refusals (each before anything is submitted), then
the same requests against moto_server where it is installed."""
import json
import shutil
import tempfile
import urllib.request

import boto3
import pytest

from tests.conftest import start_moto_server, stop_server

from .conftest import QUEUE, World, Emu, awsbatch_config, ok, output

FARGATE_QUEUE = "fargate-fair"
EXEC_ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"

PIPELINE = """\
tasks:
  align:
    cpus: 3
    memory: 5 GB
    disk: 50 GB
    resourceLabels:
      team: genomics
      cost-centre: "{{ params.centre }}"
    output:
      o: aligned.txt
    script: |
      echo aligned > {{ output.o }}
  count:
    input:
      a: "{{ align.output.o }}"
    output:
      n: n.txt
    publish: results
    script: |
      wc -l < {{ input.a }} > {{ output.n }}
params:
  centre: "42"
"""


def raw_answer(client, operation, **kw):
    """The JSON an operation answered, as sent: a botocore older than the
    Batch API (Debian's predates ephemeralStorage) drops members it lacks."""
    got = {}

    def keep(http_response, **_):
        got["body"] = http_response.content

    event = f"after-call.batch.{operation}"
    client.meta.events.register(event, keep)
    try:
        getattr(client, "".join("_" + c.lower() if c.isupper() else c for c in operation).lstrip("_"))(**kw)
    finally:
        client.meta.events.unregister(event, keep)
    return json.loads(got["body"])


def job_definition(world, arn):
    return raw_answer(world.batch, "DescribeJobDefinitions", jobDefinitions=[arn])["jobDefinitions"][0]


def moto_call(url, operation, body):
    """A Batch call to moto_server as raw REST-JSON, every member kept."""
    req = urllib.request.Request(f"{url}/v1/{operation.lower()}", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization":
                                          "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/batch/aws4_request,"
                                          " SignedHeaders=host, Signature=0"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def fargate_config(extra=""):
    return awsbatch_config(extra=f"""process.queue = '{FARGATE_QUEUE}'
aws.batch {{
  platformType = 'fargate'
  executionRole = '{EXEC_ROLE}'
  shareIdentifier = 'genomics'
  schedulingPriority = 7
}}
{extra}""")


@pytest.fixture(scope="module")
def fworld(tmp_path_factory):
    """A World whose emulator also has a FARGATE_SPOT compute environment and,
    on it, the fair-share queue FARGATE_QUEUE."""
    d = tempfile.mkdtemp(prefix="ferry-fargate-emu-")
    emu = Emu(d)
    ws = tmp_path_factory.mktemp("fargate")
    world = World(ws, emu)
    b = world.batch
    b.create_compute_environment(computeEnvironmentName="ferry-fargate", type="MANAGED", state="ENABLED",
                                 computeResources={"type": "FARGATE_SPOT", "maxvCpus": 16,
                                                   "subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]})
    policy = b.create_scheduling_policy(name="ferry-fair", fairsharePolicy={
        "shareDecaySeconds": 3600, "shareDistribution": [{"shareIdentifier": "genomics", "weightFactor": 1.0}]})
    b.create_job_queue(jobQueueName=FARGATE_QUEUE, priority=1, state="ENABLED", schedulingPolicyArn=policy["arn"],
                       computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "ferry-fargate"}])
    world.setup_requests = len(emu.requests())
    yield world
    emu.stop()
    err = emu.stderr()
    shutil.rmtree(d, ignore_errors=True)
    assert "Sanitizer" not in err and "runtime error:" not in err, err[-4000:]


@pytest.fixture(scope="module")
def fargate_run(fworld):
    """The pipeline run once on Fargate: (process, trace rows, jobs by task)."""
    fworld.write("pipeline.yml", PIPELINE)
    fworld.write("fargate.config", fargate_config())
    p = ok(fworld.run("run", ".", "-c", "fargate.config", "-with-trace", "trace.tsv"))
    rows = fworld.trace()
    jobs = fworld.batch.describe_jobs(jobs=[r["native_id"] for r in rows])["jobs"]
    by_task = {j["tags"]["ferry-task"]: j for j in jobs}
    return p, rows, by_task


def test_pipeline_runs_on_fargate_with_share_priority_and_tags(fworld, fargate_run):
    p, rows, jobs = fargate_run
    assert fworld.read("results/n.txt").strip() == "1", output(p)
    assert sorted(jobs) == ["align", "count"]
    for task, job in jobs.items():
        assert job["status"] == "SUCCEEDED"
        assert job["platformCapabilities"] == ["FARGATE"]
        assert job["shareIdentifier"] == "genomics" and job["schedulingPriority"] == 7
        assert job["propagateTags"] is True
        assert job["jobQueue"].endswith("/" + FARGATE_QUEUE)
        # "ferry run .  [NAME]  2 task(s)"
        assert f"[{job['tags']['ferry-run']}]" in p.stdout, p.stdout
        assert job["tags"]["ferry-pipeline"] == fworld.path.name
        # ListTagsForResource (GET /v1/tags/{arn}) answers the same tags.
        assert fworld.batch.list_tags_for_resource(resourceArn=job["jobArn"])["tags"] == job["tags"]
    assert {k: v for k, v in jobs["align"]["tags"].items() if not k.startswith("ferry-")} == \
        {"team": "genomics", "cost-centre": "42"}
    assert set(jobs["count"]["tags"]) == {"ferry-run", "ferry-task", "ferry-pipeline"}

    # 3 cpus and 5 GB are no Fargate size: 4 vCPUs and 8 GiB, said once.
    res = {r["type"]: r["value"] for r in jobs["align"]["container"]["resourceRequirements"]}
    assert res == {"VCPU": "4", "MEMORY": "8192"}
    assert output(p).count("Fargate runs it with 4 vCPUs and 8192 MiB") == 1, output(p)

    # The job definitions: Fargate's settings, the disk as ephemeral storage.
    defs = {}
    for task, job in jobs.items():
        d = job_definition(fworld, job["jobDefinition"])
        defs[task] = d
        cp = d["containerProperties"]
        assert d["platformCapabilities"] == ["FARGATE"]
        assert cp["executionRoleArn"] == EXEC_ROLE
        assert cp["networkConfiguration"] == {"assignPublicIp": "ENABLED"}
        assert cp["fargatePlatformConfiguration"] == {"platformVersion": "LATEST"}
        assert "volumes" not in cp and "mountPoints" not in cp
    assert defs["align"]["containerProperties"]["ephemeralStorage"] == {"sizeInGiB": 50}
    assert "ephemeralStorage" not in defs["count"]["containerProperties"]


def submits_and_registrations(world, since):
    return [r for r in world.emu.requests()[since:]
            if r["service"] == "batch" and r["operation"] in ("SubmitJob", "RegisterJobDefinition")]


REFUSALS = [
    # (config extra, pipeline task lines, what the message says)
    ("", "    accelerator: 1\n", "task 'gpu' asks for 1 GPU(s) (accelerator), which Fargate cannot give"),
    ("", "    cpus: 32\n", "task 'gpu' asks for 32 cpus"),
    ("", "    disk: 300 GB\n", "Fargate gives a job at most 200 GiB"),
    (f"process.queue = '{QUEUE}'\n", "",
     f"AWS Batch job queue '{QUEUE}' has no scheduling policy, so Batch refuses jobs with a share identifier"),
]


@pytest.mark.parametrize("extra,lines,says", REFUSALS, ids=["gpu", "cpus", "disk", "share-on-plain-queue"])
def test_what_fargate_or_the_queue_cannot_take_is_refused_before_submitting(fworld, extra, lines, says):
    fworld.write("refuse/pipeline.yml", f"tasks:\n  gpu:\n{lines}    script: echo hi\n")
    fworld.write("refuse.config", fargate_config(extra))
    since = len(fworld.emu.requests())
    p = fworld.run("run", "refuse", "-c", "refuse.config")
    assert p.returncode == 2, output(p)
    assert says in p.stderr, p.stderr
    assert submits_and_registrations(fworld, since) == []


def test_a_fair_share_queue_needs_a_share_identifier(fworld):
    fworld.write("plain/pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
    fworld.write("noshare.config", awsbatch_config(extra=f"""process.queue = '{FARGATE_QUEUE}'
aws.batch.platformType = 'fargate'
aws.batch.executionRole = '{EXEC_ROLE}'
"""))
    since = len(fworld.emu.requests())
    p = fworld.run("run", "plain", "-c", "noshare.config")
    assert p.returncode == 2, output(p)
    assert f"'{FARGATE_QUEUE}' is a fair-share queue" in p.stderr and "aws.batch.shareIdentifier" in p.stderr
    assert submits_and_registrations(fworld, since) == []


def test_bad_labels_and_host_mounts_are_refused_where_written(fworld):
    fworld.write("labels/pipeline.yml", "tasks:\n  t:\n    resourceLabels:\n      aws:team: x\n"
                                        "    script: echo hi\n")
    p = fworld.run("run", "labels", "-c", "fargate.config")
    assert p.returncode == 2, output(p)
    assert "pipeline.yml:4:17: resourceLabels in task 't' has a key 'aws:team' starting with 'aws:'" in p.stderr, \
        p.stderr
    fworld.write("plain/pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
    fworld.write("cli.config", fargate_config("aws.batch.cliPath = '/opt/ferry-job/bin/aws'\n"))
    p = fworld.run("run", "plain", "-c", "cli.config")
    assert p.returncode == 2, output(p)
    assert "cli.config:" in p.stderr and "use an image with the aws CLI" in p.stderr, p.stderr


def test_the_same_requests_are_accepted_by_moto(fworld, fargate_run, tmp_path):
    """What ferry registered and submitted, replayed against moto_server:
    the Fargate definition, the fair-share queue's SubmitJob and its tags."""
    proc, url = start_moto_server(tmp_path / "moto.log", why_skipped="the emulator's checks above still ran")
    try:
        kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                  aws_secret_access_key="testing")
        batch, ec2, iam = (boto3.client(s, **kw) for s in ("batch", "ec2", "iam"))
        role = iam.create_role(RoleName="batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="g", Description="d", VpcId=vpc)["GroupId"]
        batch.create_compute_environment(computeEnvironmentName="ferry-fargate", type="MANAGED", state="ENABLED",
                                         serviceRole=role, computeResources={
                                             "type": "FARGATE_SPOT", "maxvCpus": 16, "subnets": [subnet],
                                             "securityGroupIds": [sg]})
        policy = batch.create_scheduling_policy(name="ferry-fair", fairsharePolicy={"shareDecaySeconds": 3600})
        batch.create_job_queue(jobQueueName=FARGATE_QUEUE, priority=1, state="ENABLED",
                               schedulingPolicyArn=policy["arn"],
                               computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "ferry-fargate"}])
        _, _, jobs = fargate_run
        job = jobs["align"]
        # The definition as ferry registered it (the emulator keeps the request).
        d = job_definition(fworld, job["jobDefinition"])
        assert d["containerProperties"]["ephemeralStorage"] == {"sizeInGiB": 50}
        registered = {k: d[k] for k in ("jobDefinitionName", "type", "containerProperties", "parameters",
                                        "platformCapabilities", "propagateTags")}
        name = moto_call(url, "RegisterJobDefinition", registered)["jobDefinitionName"]
        c = job["container"]
        submitted = batch.submit_job(
            jobName=job["jobName"], jobQueue=FARGATE_QUEUE, jobDefinition=name,
            shareIdentifier=job["shareIdentifier"], schedulingPriorityOverride=job["schedulingPriority"],
            tags=job["tags"], propagateTags=job["propagateTags"],
            containerOverrides={"command": c["command"], "environment": c["environment"],
                                "resourceRequirements": c["resourceRequirements"]})
        assert batch.list_tags_for_resource(resourceArn=submitted["jobArn"])["tags"] == job["tags"]
        stored = moto_call(url, "DescribeJobDefinitions", {"jobDefinitionName": name})["jobDefinitions"][0]
        assert stored["platformCapabilities"] == ["FARGATE"]
        assert stored["containerProperties"]["ephemeralStorage"] == {"sizeInGiB": 50}
        assert stored["containerProperties"]["executionRoleArn"] == EXEC_ROLE
    finally:
        stop_server(proc, 10)
