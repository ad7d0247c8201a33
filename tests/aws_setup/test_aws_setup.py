"""`ferry aws setup`, `check` and `teardown` against a fresh AWS (see
conftest.py): the dry run changes nothing, setup creates every piece and a
second run changes nothing, check passes, each piece broken with boto3 is
named by check and repaired by setup, teardown leaves nothing tagged. On
ferry-awsemu, whose Batch jobs run, `ferry build --aws-batch` and an awsbatch
pipeline then run on what setup made with no AWS options at all."""
import json
import os
import re
import subprocess
import time

import pytest

from tests.conftest import copy_example, ferry_bin

TAG = "ferry:setup"
NAME = "t1"


def ferry(aws, *args, code=0, input=None, command="aws", env=None, cwd=None):
    proc = subprocess.run([ferry_bin(), *([command] if command else []), *map(str, args)], env=env or aws.env(),
                          capture_output=True, text=True, timeout=300, input=input, cwd=cwd)
    assert proc.returncode == code, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert aws.secret_key not in proc.stdout + proc.stderr
    return proc


def account(aws):
    return aws.client("sts").get_caller_identity()["Account"]


def bucket_name(aws):
    return f"ferry-{NAME}-{account(aws)}"


def counts(aws):
    """How many of the things setup makes exist now."""
    iam, batch = aws.client("iam"), aws.client("batch")
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(f"ferry-{NAME}-")]
    buckets = [b["Name"] for b in aws.client("s3").list_buckets()["Buckets"]]
    ces = batch.describe_compute_environments(computeEnvironments=[f"ferry-{NAME}"])["computeEnvironments"]
    queues = batch.describe_job_queues(jobQueues=[f"ferry-{NAME}"])["jobQueues"]
    return {"roles": len(roles), "buckets": len(buckets), "ces": len(ces), "queues": len(queues)}


def check_report(aws, code):
    out = json.loads(ferry(aws, "check", "--name", NAME, "--json", code=code).stdout)
    return {(p["piece"], p["verdict"]): p for p in out["pieces"]}, out


def test_dry_run_changes_nothing_setup_creates_and_a_second_run_changes_nothing(aws):
    before = counts(aws)
    dry = ferry(aws, "setup", "--name", NAME, "--disk", "200gib", "--dry-run")
    assert "create job queue ferry-t1: missing" in dry.stdout
    assert "aws:SecureTransport" in dry.stdout  # the policies are printed
    assert "batch:SubmitJob" in dry.stdout
    assert counts(aws) == before

    ferry(aws, "setup", "--name", NAME, "--disk", "200gib")
    bucket = bucket_name(aws)
    s3 = aws.client("s3")
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rules[0]["Expiration"]["Days"] == 30
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"] == "false"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert {"Key": TAG, "Value": NAME} in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    batch = aws.client("batch")
    ce = batch.describe_compute_environments(computeEnvironments=["ferry-t1"])["computeEnvironments"][0]
    assert ce["computeResources"]["minvCpus"] == 0 and ce["computeResources"]["maxvCpus"] == 16
    assert ce["tags"][TAG] == NAME
    queue = batch.describe_job_queues(jobQueues=["ferry-t1"])["jobQueues"][0]
    assert queue["state"] == "ENABLED"
    jd = batch.describe_job_definitions(jobDefinitionName="ferry-t1", status="ACTIVE")["jobDefinitions"][0]
    assert jd["retryStrategy"]["attempts"] == 1 and jd["timeout"]["attemptDurationSeconds"] == 14400
    assert jd["containerProperties"]["jobRoleArn"].endswith(":role/ferry-t1-job")
    lt = aws.client("ec2").describe_launch_template_versions(LaunchTemplateName="ferry-t1")["LaunchTemplateVersions"][0]
    ebs = lt["LaunchTemplateData"]["BlockDeviceMappings"][0]["Ebs"]
    assert ebs["VolumeSize"] == 200 and ebs["VolumeType"] == "gp3" and ebs["DeleteOnTermination"]
    groups = aws.client("logs").describe_log_groups(logGroupNamePrefix="/aws/batch/job")["logGroups"]
    assert groups[0]["retentionInDays"] == 30
    config = open(aws.config_path).read()
    assert f"build.bucket = '{bucket}'" in config and "build.queue = 'ferry-t1'" in config
    assert "process.queue = 'ferry-t1'" in config and f"workDir = 's3://{bucket}/work'" in config

    again = ferry(aws, "setup", "--name", NAME, "--disk", "200gib")
    assert "nothing to change" in again.stdout
    assert open(aws.config_path).read() == config

    pieces, out = check_report(aws, 0)
    assert out["ok"] and ("test write", "ok") in pieces and ("submit permissions", "ok") in pieces
    # the test object is gone again
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_check_names_each_broken_piece_and_setup_repairs_it(aws):
    ferry(aws, "setup", "--name", NAME)
    bucket = bucket_name(aws)
    s3, batch, iam = aws.client("s3"), aws.client("batch"), aws.client("iam")
    other_role = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{account(aws)}:role/admin"}]})
    # (what breaks, what check names besides it: a policy that refuses part
    # of a submit also fails the simulated submit, naming the refused call)
    breakages = [
        ("bucket lifecycle rule", lambda: s3.delete_bucket_lifecycle(Bucket=bucket), None),
        ("job queue", lambda: batch.update_job_queue(jobQueue="ferry-t1", state="DISABLED"), None),
        ("job role policy", lambda: iam.delete_role_policy(RoleName="ferry-t1-job", PolicyName="ferry-bucket"),
         "a job cannot stage its files: s3:ListBucket on arn:aws:s3:::" + bucket + " is not allowed"),
        ("users' group policy", lambda: iam.put_group_policy(
            GroupName="ferry-t1-users", PolicyName="ferry-pass-job-role", PolicyDocument=other_role),
         f"iam:PassRole on arn:aws:iam::{account(aws)}:role/ferry-t1-job is not allowed"),
        ("compute environment", lambda: batch.update_compute_environment(
            computeEnvironment="ferry-t1", computeResources={"maxvCpus": 1}), None),
        ("bucket policy (TLS only)", lambda: s3.delete_bucket_policy(Bucket=bucket), None),
    ]
    for piece, breaking, refused_call in breakages:
        breaking()
        if piece == "compute environment" and batch.describe_compute_environments(
                computeEnvironments=["ferry-t1"])["computeEnvironments"][0]["computeResources"]["maxvCpus"] != 1:
            continue  # moto 5 ignores a new maxvCpus: nothing was broken
        pieces, out = check_report(aws, 1)
        broken = [p for (name, verdict), p in pieces.items() if verdict != "ok"]
        assert [p["piece"] for p in broken] == [piece] + (["submit permissions"] if refused_call else []), broken
        assert broken[0]["fix"].startswith("run ferry aws setup --name t1")
        if refused_call:
            assert refused_call in broken[1]["reason"], broken[1]
        if piece == "compute environment":
            assert "can never start and stays RUNNABLE" in broken[0]["reason"]
        text = ferry(aws, "check", "--name", NAME, code=1).stdout
        assert f"{piece} " in text and "not ready" in text
        repaired = ferry(aws, "setup", "--name", NAME)
        assert re.search(f"^(create|change) {re.escape(piece)} ", repaired.stdout, re.M), repaired.stdout
        check_report(aws, 0)


def instance_profiles(aws):
    return sorted(p["InstanceProfileName"] for p in aws.client("iam").list_instance_profiles()["InstanceProfiles"])


def test_teardown_asks_then_leaves_no_tagged_resource(aws):
    # A fresh account has none; ferry-awsemu's has the ecsInstanceRole one
    # the Batch console makes, which is not the set-up's.
    profiles_before = instance_profiles(aws)
    ferry(aws, "setup", "--name", NAME)
    assert instance_profiles(aws) == sorted(profiles_before + [f"ferry-{NAME}-instance"])
    assert counts(aws)["roles"] == 2
    # Not on a terminal and no --yes: nothing removed, told how.
    refused = ferry(aws, "teardown", "--name", NAME, code=2)
    assert "--yes" in refused.stderr
    assert counts(aws)["queues"] == 1
    ferry(aws, "teardown", "--name", NAME, "--yes")
    after = counts(aws)
    assert after["roles"] == 0 and after["ces"] == 0 and after["queues"] == 0
    assert after["buckets"] == 1  # the data stays without --delete-data
    assert instance_profiles(aws) == profiles_before
    assert "ferry aws setup t1" not in open(aws.config_path).read()
    pieces, _ = check_report(aws, 1)
    assert ("job queue", "missing") in pieces and ("compute environment", "missing") in pieces
    assert ("job role", "missing") in pieces
    ferry(aws, "teardown", "--name", NAME, "--yes", "--delete-data")
    assert counts(aws)["buckets"] == 0


@pytest.mark.parametrize("args,says", [
    (["--name", "bad name"], "--name 'bad name'"),
    (["--disk", "10mb"], "--disk"),
    (["--expire-days", "x"], "--expire-days"),
    (["--subnets", "subnet-1"], "--security-group"),
    (["extra"], "takes no arguments"),
])
def test_bad_options_are_refused_before_anything_is_asked(tmp_path, args, says):
    # No AWS at all: the options are checked before any request.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    proc = subprocess.run([ferry_bin(), "aws", "setup", *args], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert says in proc.stderr
    assert not (tmp_path / ".ferry").exists()


MAKEFILE = """\
all: out/upper.txt

out/upper.txt: data/a.txt
\tmkdir -p out
\ttr a-z A-Z < data/a.txt > $@
"""


def tagged_resources(aws):
    """Every resource of the kinds setup makes that carries the set-up's tag
    (the users' group, which IAM cannot tag, by its /ferry/ path)."""
    iam, batch, s3 = aws.client("iam"), aws.client("batch"), aws.client("s3")
    found = []
    for r in iam.list_roles()["Roles"]:
        if {"Key": TAG, "Value": NAME} in iam.list_role_tags(RoleName=r["RoleName"])["Tags"]:
            found.append("role " + r["RoleName"])
    for p in iam.list_instance_profiles()["InstanceProfiles"]:
        if {"Key": TAG, "Value": NAME} in p.get("Tags", []):
            found.append("instance profile " + p["InstanceProfileName"])
    found += ["group " + g["GroupName"] for g in iam.list_groups(PathPrefix="/ferry/")["Groups"]]
    for b in s3.list_buckets()["Buckets"]:
        try:
            if {"Key": TAG, "Value": NAME} in s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"]:
                found.append("bucket " + b["Name"])
        except s3.exceptions.ClientError:
            pass
    found += ["compute environment " + c["computeEnvironmentName"]
              for c in batch.describe_compute_environments()["computeEnvironments"]
              if c.get("tags", {}).get(TAG) == NAME and c.get("status") != "DELETED"]
    found += ["job queue " + q["jobQueueName"] for q in batch.describe_job_queues()["jobQueues"]
              if q.get("tags", {}).get(TAG) == NAME and q.get("status") != "DELETED"]
    found += [f"job definition {d['jobDefinitionName']}:{d['revision']}"
              for d in batch.describe_job_definitions(status="ACTIVE")["jobDefinitions"]
              if d.get("tags", {}).get(TAG) == NAME]
    found += ["launch template " + t["LaunchTemplateName"]
              for t in aws.client("ec2").describe_launch_templates()["LaunchTemplates"]
              if {"Key": TAG, "Value": NAME} in t.get("Tags", [])]
    logs = aws.client("logs")
    for g in logs.describe_log_groups()["logGroups"]:
        if logs.list_tags_log_group(logGroupName=g["logGroupName"]).get("tags", {}).get(TAG) == NAME:
            found.append("log group " + g["logGroupName"])
    return found


def test_build_and_an_awsbatch_pipeline_run_on_the_set_up_with_no_aws_options(aws_server, request, tmp_path):
    if aws_server.kind != "awsemu":
        pytest.skip("moto runs no Batch jobs: the emulator variant runs this test")
    aws = request.getfixturevalue("aws")  # only now: resetting moto takes seconds
    ferry(aws, "setup", "--name", NAME, "--disk", "50gib")
    bucket = bucket_name(aws)
    assert sorted(tagged_resources(aws)) == sorted([
        f"role ferry-{NAME}-instance", f"role ferry-{NAME}-job", f"instance profile ferry-{NAME}-instance",
        f"group ferry-{NAME}-users", f"bucket {bucket}", f"compute environment ferry-{NAME}",
        f"job queue ferry-{NAME}", f"job definition ferry-{NAME}:1", f"launch template ferry-{NAME}",
        "log group /aws/batch/job"])
    # No region, queue, bucket, job definition or role: only the keys and
    # where the emulator listens, which a real account would not need.
    env = aws.env(AWS_REGION=None, FERRY_BUILD_POLL_MS="150", FERRY_BUILD_LOG_POLL_MS="100")
    batch = aws.client("batch")

    project = tmp_path / "make"
    (project / "data").mkdir(parents=True)
    (project / "data" / "a.txt").write_text("one two\n")
    (project / "Makefile").write_text(MAKEFILE)
    built = ferry(aws, "build", "--aws-batch", project, command=None, env=env)
    assert "Job SUCCEEDED after" in built.stdout + built.stderr
    assert (project / "out" / "upper.txt").read_text() == "ONE TWO\n"
    assert f"s3://{bucket}/" in built.stdout, built.stdout

    pipeline = tmp_path / "pipeline"
    copy_example("chain", pipeline)
    # The pipeline's own settings; a fast poll only to keep the test short.
    (pipeline / "ferry.config").write_text(
        "process.executor = 'awsbatch'\nprocess.container = 'ubuntu:24.04'\nexecutor.pollInterval = '200ms'\n")
    ran = ferry(aws, "run", "pipeline.yml", "-with-trace", "trace.tsv", command=None, env=env, cwd=pipeline)
    trace = (pipeline / "trace.tsv").read_text().splitlines()
    assert len(trace) > 1 and all("\tawsbatch\t" in row and "COMPLETED" in row for row in trace[1:]), trace
    assert sorted(os.listdir(pipeline / "results")) == sorted(
        p.replace(".txt", ".clean.upper.chars") for p in os.listdir(pipeline / "data")), ran.stdout

    jobs = batch.list_jobs(jobQueue=f"ferry-{NAME}", filters=[{"name": "JOB_NAME", "values": ["*"]}])["jobSummaryList"]
    # The build's job and one per task, all on the set-up's queue.
    assert len(jobs) == 1 + (len(trace) - 1), jobs
    assert all(j["status"] == "SUCCEEDED" for j in jobs), jobs
    work = aws.client("s3").list_objects_v2(Bucket=bucket, Prefix="work/")
    assert work.get("KeyCount", 0) > 0, "the tasks' work dir is not the set-up's s3://BUCKET/work"

    # A job bigger than the shrunk compute environment waits in RUNNABLE:
    # check names it with the size it needs.
    batch.update_compute_environment(computeEnvironment=f"ferry-{NAME}", computeResources={"maxvCpus": 1})
    stuck = batch.submit_job(jobName="too-big", jobQueue=f"ferry-{NAME}", jobDefinition=f"ferry-{NAME}")["jobId"]
    deadline = time.time() + 30
    while batch.describe_jobs(jobs=[stuck])["jobs"][0]["status"] != "RUNNABLE":
        assert time.time() < deadline, "the job never became RUNNABLE"
        time.sleep(0.1)
    pieces, out = check_report(aws, 1)
    runnable = [p for (piece, verdict), p in pieces.items() if piece == "RUNNABLE job"]
    assert runnable and runnable[0]["resource"] == f"too-big ({stuck})", out
    assert "asks for 2 vCPUs" in runnable[0]["reason"] and "stay RUNNABLE" in runnable[0]["reason"], runnable
    assert "--max-vcpus 2" in runnable[0]["fix"], runnable
    batch.terminate_job(jobId=stuck, reason="test over")

    ferry(aws, "teardown", "--name", NAME, "--yes", "--delete-data")
    assert tagged_resources(aws) == []
    pieces, out = check_report(aws, 1)
    verdicts = {piece: verdict for piece, verdict in pieces}
    made = [p for p in verdicts if p not in ("Batch service-linked role", "test write", "simulated submit")]
    assert made and all(verdicts[p] == "missing" for p in made), out
