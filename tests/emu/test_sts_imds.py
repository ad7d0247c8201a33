"""STS (query protocol), IMDSv2 and the ECS container credentials endpoint
of ferry-awsemu, driven by boto3 and by the aws CLI's own credential chain."""

import datetime
import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError, ParamValidationError


def test_get_caller_identity(emu):
    ident = emu.client("sts").get_caller_identity()
    assert ident["Account"] == "123456789012"
    assert ident["Arn"] == "arn:aws:iam::123456789012:user/ferry-awsemu"
    assert ident["UserId"].startswith("AIDA")
    r = emu.aws("sts", "get-caller-identity", "--output", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["Account"] == "123456789012"
    assert [x["operation"] for x in emu.requests()] == ["GetCallerIdentity"] * 2


def test_assume_role_credentials_are_accepted(emu):
    emu.add_role("batch-job", path="/path/")
    sts = emu.client("sts")
    r = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/path/batch-job",
                        RoleSessionName="sess-1", DurationSeconds=900)
    c = r["Credentials"]
    assert c["AccessKeyId"].startswith("ASIA") and c["SessionToken"]
    assert r["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/batch-job/sess-1"
    left = (c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 850 < left <= 900
    temp = dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                aws_session_token=c["SessionToken"])
    ident = emu.client("sts", **temp).get_caller_identity()
    assert ident["Arn"] == r["AssumedRoleUser"]["Arn"]
    s3 = emu.client("s3", **temp)
    s3.create_bucket(Bucket="from-role")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["from-role"]
    # The CLI accepts them too.
    env = emu.env(AWS_ACCESS_KEY_ID=c["AccessKeyId"], AWS_SECRET_ACCESS_KEY=c["SecretAccessKey"],
                  AWS_SESSION_TOKEN=c["SessionToken"])
    out = emu.aws("s3", "ls", env=env)
    assert out.returncode == 0 and "from-role" in out.stdout, out.stderr

    sess = emu.client("sts").get_session_token()["Credentials"]
    assert emu.client("s3", aws_access_key_id=sess["AccessKeyId"],
                      aws_secret_access_key=sess["SecretAccessKey"],
                      aws_session_token=sess["SessionToken"]).list_buckets()


def test_assume_role_validation(emu):
    sts = emu.client("sts")
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/x", RoleSessionName="ok-name",
                        DurationSeconds=100000)
    assert e.value.response["Error"]["Code"] == "ValidationError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn="not-an-arn-at-all-but-long", RoleSessionName="ok-name")
    assert e.value.response["Error"]["Code"] == "ValidationError"
    with pytest.raises(ParamValidationError):
        sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/x", RoleSessionName="a")


def imds(emu, path, token=None, method="GET", headers=None):
    h = dict(headers or {})
    if token:
        h["X-aws-ec2-metadata-token"] = token
    req = urllib.request.Request(emu.imds_endpoint + path, method=method, headers=h)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def test_imdsv2_requires_a_token(emu):
    with pytest.raises(urllib.error.HTTPError) as e:
        imds(emu, "/latest/meta-data/placement/region")
    assert e.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as e:
        imds(emu, "/latest/api/token", method="PUT")  # no TTL header
    assert e.value.code == 400
    token = imds(emu, "/latest/api/token", method="PUT",
                 headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"})
    assert imds(emu, "/latest/meta-data/placement/region", token) == emu.region
    # One instance type, also in the identity document (Batch jobs read it).
    assert imds(emu, "/latest/meta-data/instance-type", token) == "m5.large"
    doc = json.loads(imds(emu, "/latest/dynamic/instance-identity/document", token))
    assert doc["instanceType"] == "m5.large"
    role = imds(emu, "/latest/meta-data/iam/security-credentials/", token)
    assert role == "ferry-awsemu-role"
    creds = json.loads(imds(emu, f"/latest/meta-data/iam/security-credentials/{role}", token))
    assert creds["Code"] == "Success" and creds["Type"] == "AWS-HMAC"
    s3 = emu.client("s3", aws_access_key_id=creds["AccessKeyId"],
                    aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["Token"])
    assert s3.list_buckets()["Buckets"] == []
    with pytest.raises(urllib.error.HTTPError) as e:
        imds(emu, "/latest/meta-data/placement/region", "wrong-token")
    assert e.value.code == 401


def test_aws_cli_uses_instance_role(emu):
    env = emu.env()
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(k)
    env["AWS_EC2_METADATA_DISABLED"] = "false"
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = emu.imds_endpoint + "/"
    r = emu.aws("sts", "get-caller-identity", "--output", "json", env=env)
    assert r.returncode == 0, r.stderr
    assert ":assumed-role/ferry-awsemu-role/i-" in json.loads(r.stdout)["Arn"]
    ops = [(x["service"], x["operation"]) for x in emu.requests()]
    assert ("imds", "PutToken") in ops and ops[-1] == ("sts", "GetCallerIdentity")


def test_ecs_container_credentials(emu_factory):
    emu = emu_factory("--ecs-auth-token", "Bearer let-me-in")
    env = emu.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=emu.imds_endpoint + "/v2/credentials/task-1",
                  AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer let-me-in")
    env.pop("AWS_ACCESS_KEY_ID")
    env.pop("AWS_SECRET_ACCESS_KEY")
    r = emu.aws("sts", "get-caller-identity", "--output", "json", env=env)
    assert r.returncode == 0, r.stderr
    assert ":assumed-role/ferry-awsemu-role/" in json.loads(r.stdout)["Arn"]
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(emu.imds_endpoint + "/v2/credentials/task-1", timeout=10)
    assert e.value.code == 401
