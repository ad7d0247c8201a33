"""`ferry aws setup`, `check` and `teardown` against a fresh AWS (see
conftest.py): the dry run changes nothing, setup creates every piece and a
second run changes nothing, check passes, each piece broken with boto3 is
named by check and repaired by setup, teardown leaves nothing tagged."""
import json
import os
import re
import subprocess

import pytest

from tests.conftest import ferry_bin

TAG = "ferry:setup"
NAME = "t1"


def ferry(aws, *args, code=0, input=None):
    proc = subprocess.run([ferry_bin(), "aws", *args], env=aws.env(), capture_output=True, text=True,
                          timeout=300, input=input)
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
    assert out["ok"] and ("test write", "ok") in pieces
    # the test object is gone again
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_check_names_each_broken_piece_and_setup_repairs_it(aws):
    ferry(aws, "setup", "--name", NAME)
    bucket = bucket_name(aws)
    s3, batch, iam = aws.client("s3"), aws.client("batch"), aws.client("iam")
    breakages = [
        ("bucket lifecycle rule", lambda: s3.delete_bucket_lifecycle(Bucket=bucket)),
        ("job queue", lambda: batch.update_job_queue(jobQueue="ferry-t1", state="DISABLED")),
        ("job role policy", lambda: iam.delete_role_policy(RoleName="ferry-t1-job", PolicyName="ferry-bucket")),
        ("compute environment", lambda: batch.update_compute_environment(
            computeEnvironment="ferry-t1", computeResources={"maxvCpus": 1})),
        ("bucket policy (TLS only)", lambda: s3.delete_bucket_policy(Bucket=bucket)),
    ]
    for piece, breaking in breakages:
        breaking()
        if piece == "compute environment" and batch.describe_compute_environments(
                computeEnvironments=["ferry-t1"])["computeEnvironments"][0]["computeResources"]["maxvCpus"] != 1:
            continue  # moto 5 ignores a new maxvCpus: nothing was broken
        pieces, out = check_report(aws, 1)
        broken = [p for (name, verdict), p in pieces.items() if verdict != "ok"]
        assert [p["piece"] for p in broken] == [piece], broken
        assert broken[0]["fix"].startswith("run ferry aws setup --name t1")
        if piece == "compute environment":
            assert "can never start and stays RUNNABLE" in broken[0]["reason"]
        text = ferry(aws, "check", "--name", NAME, code=1).stdout
        assert f"{piece} " in text and "not ready" in text
        repaired = ferry(aws, "setup", "--name", NAME)
        assert re.search(f"^(create|change) {re.escape(piece)} ", repaired.stdout, re.M), repaired.stdout
        check_report(aws, 0)


def test_teardown_asks_then_leaves_no_tagged_resource(aws):
    ferry(aws, "setup", "--name", NAME)
    assert counts(aws)["roles"] == 2
    # Not on a terminal and no --yes: nothing removed, told how.
    refused = ferry(aws, "teardown", "--name", NAME, code=2)
    assert "--yes" in refused.stderr
    assert counts(aws)["queues"] == 1
    ferry(aws, "teardown", "--name", NAME, "--yes")
    after = counts(aws)
    assert after["roles"] == 0 and after["ces"] == 0 and after["queues"] == 0
    assert after["buckets"] == 1  # the data stays without --delete-data
    assert not aws.client("iam").list_instance_profiles()["InstanceProfiles"]
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
