"""SSO profiles (sso-session and legacy sso_start_url) through ferry's
credential chain: the token `aws sso login` cached, GetRoleCredentials at
the emulated portal, and the errors that tell the user to log in again."""
import time

from .conftest import ACCOUNT

START_URL = "https://corp.awsapps.example/start"


def sso_config(org):
    org.config("[sso-session corp]\n"
               f"sso_start_url = {START_URL}\nsso_region = us-east-1\n"
               "[profile dev]\nsso_session = corp\n"
               f"sso_account_id = {ACCOUNT}\nsso_role_name = Developer\n"
               "[profile legacy]\n"
               f"sso_start_url = {START_URL}\nsso_region = us-east-1\n"
               f"sso_account_id = {ACCOUNT}\nsso_role_name = Developer\n")


def test_sso_session_profile(org):
    sso_config(org)
    org.sso_login("corp", "sso-token-A1", roles=[(ACCOUNT, "Developer")])
    p = org.whoami("dev")
    assert p.returncode == 0, p.stderr
    assert f"arn:         arn:aws:sts::{ACCOUNT}:assumed-role/Developer/" in p.stdout
    assert f"SSO role Developer in account {ACCOUNT}" in p.stdout and "sso-session 'corp'" in p.stdout
    portal = [r for r in org.emu.requests() if r["service"] == "sso"]
    assert [(r["operation"], r["status"]) for r in portal] == [("GetRoleCredentials", 200)]


def test_legacy_sso_profile_uses_the_start_url_cache(org):
    sso_config(org)
    org.sso_login(START_URL, "sso-token-L1", roles=[(ACCOUNT, "Developer")])
    p = org.whoami("legacy")
    assert p.returncode == 0, p.stderr
    assert f"sso_start_url {START_URL}" in p.stdout


def test_missing_or_expired_token_says_to_log_in(org):
    sso_config(org)
    p = org.whoami("dev")
    assert p.returncode == 2
    assert "not logged in" in p.stderr and "aws sso login --profile dev" in p.stderr
    org.sso_login("corp", "sso-token-old", expires_at="2020-01-01T00:00:00Z", roles=[(ACCOUNT, "Developer")])
    p = org.whoami("dev")
    assert p.returncode == 2
    assert "expired at 2020-01-01T00:00:00Z" in p.stderr and "aws sso login --profile dev" in p.stderr
    assert org.emu.requests() == []  # nothing sent with a stale token


def test_token_the_portal_no_longer_honours_and_role_not_assigned(org):
    sso_config(org)
    org.sso_login("corp", "sso-token-revoked")  # cached, but the portal does not know it
    p = org.whoami("dev")
    assert p.returncode == 2, p.stderr
    assert "UnauthorizedException" in p.stderr and "aws sso login --profile dev" in p.stderr
    org.sso_login("corp", "sso-token-B2", roles=[(ACCOUNT, "ReadOnly")])
    p = org.whoami("dev")
    assert p.returncode != 0 and "ForbiddenException" in p.stderr, p.stderr


def test_sso_credentials_are_refreshed_during_a_transfer(org, tmp_path):
    sso_config(org)
    org.sso_login("corp", "sso-token-C3", roles=[(ACCOUNT, "Developer")], credential_seconds=2)
    org.emu.client("s3").create_bucket(Bucket="sso-long")
    src = tmp_path / "src"
    src.mkdir()
    for i in range(8):
        (src / f"f{i}").write_text(str(i))
    org.emu.set_faults({"latency_ms": 500})
    started = time.time()
    p = org.ferry("s3", "cp", "--endpoint-url", org.emu.endpoint, "--recursive", "--profile", "dev",
                  "--max-concurrent-requests", "1", str(src), "s3://sso-long/", timeout=120)
    org.emu.set_faults({})
    assert p.returncode == 0, p.stderr
    assert time.time() - started > 4
    portal = [r for r in org.emu.requests() if r["operation"] == "GetRoleCredentials"]
    assert len(portal) >= 3
