"""The same STS requests ferry makes for assumed roles and web identity,
answered by moto_server, an STS independent of ferry-awsemu. Skipped where
moto_server is not installed."""
import os
import subprocess

import pytest

from tests.conftest import ferry_bin, start_moto_server, stop_server


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    proc, url = start_moto_server(tmp_path_factory.mktemp("moto") / "moto.log",
                                  why_skipped="credentials/test_roles.py covers the same chain against ferry-awsemu")
    yield url
    stop_server(proc, 10)


def env_for(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    config = tmp_path / "config"
    if not config.exists():
        config.write_text("")
    env.update({"AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1", "HOME": str(tmp_path),
                "AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")})
    env.update(extra)
    return env


def whoami(moto, env, *args):
    return subprocess.run([ferry_bin(), "aws", "whoami", "--endpoint-url", moto, *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_assume_role_chain_against_moto(moto, tmp_path):
    (tmp_path / "credentials").write_text("[base]\naws_access_key_id = AKIAMOTOBASE\n"
                                          "aws_secret_access_key = moto-secret-value\n")
    (tmp_path / "config").write_text("[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\n"
                                     "source_profile = base\nrole_session_name = moto-dev\nexternal_id = x-1\n"
                                     "duration_seconds = 900\n")
    p = whoami(moto, env_for(tmp_path), "--profile", "dev")
    assert p.returncode == 0, p.stderr
    assert "assumed-role/dev/moto-dev" in p.stdout
    assert "moto-secret-value" not in p.stdout + p.stderr


def test_web_identity_against_moto(moto, tmp_path):
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtb3RvIn0.c2ln")
    env = env_for(tmp_path, AWS_WEB_IDENTITY_TOKEN_FILE=str(token),
                  AWS_ROLE_ARN="arn:aws:iam::123456789012:role/ci", AWS_ROLE_SESSION_NAME="moto-ci")
    p = whoami(moto, env)
    assert p.returncode == 0, p.stderr
    assert "assumed-role/ci/moto-ci" in p.stdout
