"""Assumed roles and web identity through ferry's whole credential chain,
against ferry-awsemu's STS with trust policies: what `ferry aws whoami`
reports, what the emulator refuses, and the errors for profiles ferry
cannot use (exit 2, naming the profiles)."""
import datetime
import secrets
import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .conftest import ACCOUNT, Org, mint_token, trust_aws, trust_web

ROOT_USER = f"arn:aws:iam::{ACCOUNT}:user/ferry-awsemu"


def test_source_profile_chain_of_two_roles(org):
    org.add_role("mid", trust_aws(ROOT_USER))
    org.add_role("top", trust_aws(f"arn:aws:iam::{ACCOUNT}:role/mid"))
    org.base_keys()
    org.config(f"[profile mid]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/mid\nsource_profile = base\n"
               f"[profile top]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/top\nsource_profile = mid\n"
               "role_session_name = alice\nduration_seconds = 900\n")
    p = org.whoami("top")
    assert p.returncode == 0, p.stderr
    assert f"arn:         arn:aws:sts::{ACCOUNT}:assumed-role/top/alice" in p.stdout
    # The chain, outermost first, and when the credentials expire.
    assert f"credentials: profile 'top': role arn:aws:iam::{ACCOUNT}:role/top (session alice)" in p.stdout
    assert f"  from:      profile 'mid': role arn:aws:iam::{ACCOUNT}:role/mid" in p.stdout
    assert f"  from:      profile 'base' in {org.emu.credentials_file}" in p.stdout
    assert "expires:" in p.stdout and "session:     yes (temporary)" in p.stdout
    assert [r["operation"] for r in org.emu.requests() if r["service"] == "sts"] == \
        ["AssumeRole", "AssumeRole", "GetCallerIdentity"]


def test_trust_policy_and_external_id_are_checked(org):
    org.add_role("vendor", trust_aws(f"arn:aws:iam::{ACCOUNT}:root",
                                     condition={"StringEquals": {"sts:ExternalId": "tenant-7"}}))
    org.add_role("private", trust_aws("arn:aws:iam::999999999999:user/someone-else"))
    org.base_keys()
    org.config(f"[profile good]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/vendor\nsource_profile = base\n"
               "external_id = tenant-7\n"
               f"[profile wrong-id]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/vendor\nsource_profile = base\n"
               "external_id = tenant-8\n"
               f"[profile untrusted]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/private\nsource_profile = base\n"
               f"[profile unknown]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/nobody\nsource_profile = base\n")
    assert org.whoami("good").returncode == 0
    for profile, says in [("wrong-id", "AccessDenied"), ("untrusted", "AccessDenied"), ("unknown", "no role")]:
        p = org.whoami(profile)
        assert p.returncode != 0
        assert f"profile '{profile}': assuming role" in p.stderr and says in p.stderr, p.stderr
        assert "Traceback" not in p.stderr and "terminate" not in p.stderr


def test_credential_source_environment(org):
    org.add_role("from-env", trust_aws(ROOT_USER))
    org.config(f"[profile ci]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/from-env\ncredential_source = Environment\n")
    env = org.env(AWS_ACCESS_KEY_ID=org.emu.access_key, AWS_SECRET_ACCESS_KEY=org.emu.secret_key)
    p = org.whoami("ci", env=env)
    assert p.returncode == 0, p.stderr
    assert "assumed-role/from-env/" in p.stdout
    assert "credential_source Environment (environment (AWS_ACCESS_KEY_ID))" in p.stdout


def test_credential_source_ec2_instance_metadata(org):
    # The emulator's IMDS hands out its own instance role; that role assumes the target.
    org.add_role("from-ec2", trust_aws(f"arn:aws:iam::{ACCOUNT}:role/ferry-awsemu-role"))
    org.config(f"[profile box]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/from-ec2\n"
               "credential_source = Ec2InstanceMetadata\n")
    env = org.env(AWS_EC2_METADATA_DISABLED="false", AWS_EC2_METADATA_SERVICE_ENDPOINT=org.emu.imds_endpoint)
    p = org.whoami("box", env=env)
    assert p.returncode == 0, p.stderr
    assert "assumed-role/from-ec2/" in p.stdout and "EC2 instance role 'ferry-awsemu-role'" in p.stdout


def test_credential_source_ecs_container(emu_factory, tmp_path):
    # The emulator's ECS endpoint (its second port) hands out the task role
    # 'ecs-task'; only that role is trusted by the target, and nothing else in
    # the environment has credentials, so the whoami and the S3 copy succeed
    # only if the ECS credentials were the source of the AssumeRole.
    task_token = "Bearer ecs-" + secrets.token_hex(8)
    org = Org(emu_factory("--min-role-duration", "1", "--role-name", "ecs-task", "--ecs-auth-token", task_token))
    org.secrets.append(task_token)
    org.add_role("from-ecs", trust_aws(f"arn:aws:iam::{ACCOUNT}:role/ecs-task"))
    org.config(f"[profile task]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/from-ecs\n"
               "credential_source = EcsContainer\nrole_session_name = job-1\n")
    full_uri = org.emu.imds_endpoint + "/v2/credentials/task-1"
    token_file = tmp_path / "ecs-token"
    token_file.write_text(task_token + "\n")
    for auth in ({"AWS_CONTAINER_AUTHORIZATION_TOKEN": task_token},
                 {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)}):
        org.emu._admin("DELETE", "/_emu/requests")
        env = org.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=full_uri, **auth)
        p = org.whoami("task", env=env)
        assert p.returncode == 0, p.stderr
        assert f"arn:         arn:aws:sts::{ACCOUNT}:assumed-role/from-ecs/job-1" in p.stdout
        assert f"credentials: profile 'task': role arn:aws:iam::{ACCOUNT}:role/from-ecs (session job-1)" in p.stdout
        assert f"  from:      profile 'task' credential_source EcsContainer (ECS container endpoint ({full_uri}))" \
            in p.stdout
        log = [(r["service"], r["operation"], r["status"]) for r in org.emu.requests()]
        assert log == [("ecs", "GetCredentials", 200), ("sts", "AssumeRole", 200), ("sts", "GetCallerIdentity", 200)]

    org.emu.client("s3").create_bucket(Bucket="from-ecs")
    (tmp_path / "f").write_text("hello")
    org.emu._admin("DELETE", "/_emu/requests")
    env = org.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=full_uri, AWS_CONTAINER_AUTHORIZATION_TOKEN=task_token)
    p = org.ferry("s3", "cp", "--endpoint-url", org.emu.endpoint, "--profile", "task", str(tmp_path / "f"),
                  "s3://from-ecs/f", env=env)
    assert p.returncode == 0, p.stderr
    assert org.emu.client("s3").get_object(Bucket="from-ecs", Key="f")["Body"].read() == b"hello"
    assert [r["service"] for r in org.emu.requests()][:2] == ["ecs", "sts"]

    # Without the endpoint's variables, or with the wrong token, the error
    # names the profile's credential_source and what to set.
    p = org.whoami("task", env=org.env())
    assert p.returncode == 2, p.stderr
    assert "profile 'task': credential_source = EcsContainer" in p.stderr, p.stderr
    assert "AWS_CONTAINER_CREDENTIALS_FULL_URI" in p.stderr and "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" in p.stderr
    p = org.whoami("task", env=org.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=full_uri))
    assert p.returncode == 2, p.stderr
    assert "credential_source = EcsContainer" in p.stderr and "HTTP 401" in p.stderr, p.stderr
    assert "set AWS_CONTAINER_AUTHORIZATION_TOKEN" in p.stderr, p.stderr
    p = org.whoami("task", env=org.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=full_uri,
                                       AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer wrong"))
    assert p.returncode == 2 and "refused the token in AWS_CONTAINER_AUTHORIZATION_TOKEN" in p.stderr, p.stderr
    org.assert_no_secrets()


@pytest.mark.parametrize("config, says", [
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
     "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n", "a -> b -> a"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\ncredential_source = Environment\nmfa_serial = arn:aws:iam::1:mfa/x\n",
     "mfa_serial"),
    ("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n", "add source_profile, credential_source or web_identity_token_file"),
])
def test_unusable_profiles_exit_2(org, config, says):
    org.config(config)
    p = org.whoami("a")
    assert p.returncode == 2, p.stderr
    assert says in p.stderr, p.stderr
    assert org.emu.requests() == []  # refused before anything was sent


def test_web_identity_from_environment_and_profile(org, tmp_path):
    issuer = "https://token.actions.example.test"
    org.add_role("ci-deploy", trust_web(issuer, condition={
        "StringEquals": {"token.actions.example.test:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.example.test:sub": "repo:ferry:*"}}))
    token = mint_token(org.emu.secret_key, iss=issuer)
    org.secrets.append(token)
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    env = org.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(token_file), AWS_ROLE_ARN=f"arn:aws:iam::{ACCOUNT}:role/ci-deploy",
                  AWS_ROLE_SESSION_NAME="gha-42")
    p = org.whoami(env=env)
    assert p.returncode == 0, p.stderr
    assert f"assumed-role/ci-deploy/gha-42" in p.stdout
    assert f"web identity token {token_file}" in p.stdout
    sts = [r for r in org.emu.requests() if r["operation"] == "AssumeRoleWithWebIdentity"]
    assert len(sts) == 1 and sts[0]["status"] == 200

    org.config(f"[profile ci]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/ci-deploy\n"
               f"web_identity_token_file = {token_file}\nrole_session_name = from-profile\n")
    p = org.whoami("ci")
    assert p.returncode == 0, p.stderr
    assert "assumed-role/ci-deploy/from-profile" in p.stdout

    # A token of another subject, a forged one and an expired one are refused.
    for bad, code in [(mint_token(org.emu.secret_key, iss=issuer, sub="repo:other:ref:main"), "AccessDenied"),
                      (mint_token("not-the-key", iss=issuer), "InvalidIdentityToken"),
                      (mint_token(org.emu.secret_key, iss=issuer, exp=int(time.time()) - 5), "ExpiredTokenException")]:
        org.secrets.append(bad)
        token_file.write_text(bad)
        p = org.whoami("ci")
        assert p.returncode != 0 and code in p.stderr, p.stderr


def test_expired_temporary_credentials_are_refused_with_expired_token(org):
    org.add_role("short", trust_aws(ROOT_USER))
    # botocore would refuse DurationSeconds under 900 before sending it.
    sts = org.emu.client("sts", config=Config(parameter_validation=False))
    c = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/short", RoleSessionName="s1",
                        DurationSeconds=3)["Credentials"]
    s3 = org.emu.client("s3", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                        aws_session_token=c["SessionToken"])
    s3.list_buckets()
    time.sleep(max(0, (c["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 0.5)
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert e.value.response["Error"]["Code"] == "ExpiredToken"


def test_long_transfer_outlives_three_credential_lifetimes(org, tmp_path):
    # Role credentials live 3 s; the copy takes over 9 s (one request at a
    # time, each held 0.5 s), so ferry must refresh them at least three times.
    org.add_role("mover", trust_aws(ROOT_USER))
    org.base_keys()
    org.config(f"[profile mover]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/mover\nsource_profile = base\n"
               "duration_seconds = 3\n")
    org.emu.client("s3").create_bucket(Bucket="long")
    src = tmp_path / "src"
    src.mkdir()
    for i in range(20):
        (src / f"f{i:02d}").write_text(str(i))
    org.emu.set_faults({"latency_ms": 500})
    started = time.time()
    p = org.ferry("s3", "cp", "--endpoint-url", org.emu.endpoint, "--recursive", "--profile", "mover",
                  "--max-concurrent-requests", "1", str(src), "s3://long/in/", timeout=180)
    took = time.time() - started
    org.emu.set_faults({})
    assert p.returncode == 0, p.stderr
    assert took > 9
    keys = [o["Key"] for o in org.emu.client("s3").list_objects_v2(Bucket="long")["Contents"]]
    assert len(keys) == 20
    log = org.emu.requests()
    assert len([r for r in log if r["operation"] == "AssumeRole"]) >= 4
    assert not [r for r in log if r.get("error_code") in ("ExpiredToken", "ExpiredTokenException")]
