"""What the credential suites share: a ferry-awsemu whose STS accepts short
role lifetimes, shared AWS files written per test, web identity tokens
minted as the emulator checks them (HS256 under its secret key), and a check
that no secret reached an output or the emulator's request log."""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import time

import pytest

from tests.conftest import ferry_bin

# What every temporary credential the emulator hands out starts with.
SESSION_TOKEN_PREFIX = "FwoGZXIvYXdzE"
ACCOUNT = "123456789012"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint_token(key, iss="https://oidc.example.test", sub="repo:ferry:ref:main", aud="sts.amazonaws.com", exp=None):
    """A JWT the emulator accepts: HS256 under its --secret-key."""
    claims = {"iss": iss, "sub": sub, "aud": aud}
    if exp is not None:
        claims["exp"] = exp
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = b64url(hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{sig}"


def trust_aws(*principals, condition=None):
    st = {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "sts:AssumeRole"}
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


def trust_web(issuer, condition=None):
    st = {"Effect": "Allow", "Principal": {"Federated": issuer}, "Action": "sts:AssumeRoleWithWebIdentity"}
    if condition:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


class Org:
    """One emulator plus the user's ~/.aws as a test writes it."""

    def __init__(self, emu):
        self.emu = emu
        self.home = emu.tmp
        self.outputs = []  # every stdout/stderr ferry printed, for the secrets check
        self.secrets = [emu.secret_key]

    def add_role(self, name, trust_policy):
        return self.emu.add_role(name, trust_policy)

    def config(self, text):
        with open(self.emu.config_file, "w") as f:
            f.write(text)

    def credentials(self, text):
        with open(self.emu.credentials_file, "w") as f:
            f.write(text)

    def base_keys(self, profile="base"):
        """The emulator's long-term keys as a profile in ~/.aws/credentials."""
        self.credentials(f"[{profile}]\naws_access_key_id = {self.emu.access_key}\n"
                         f"aws_secret_access_key = {self.emu.secret_key}\n")

    def sso_login(self, cache_key, token, expires_at="2099-01-01T00:00:00Z", roles=(), credential_seconds=3600):
        """What `aws sso login` leaves in the cache, and the portal told of the token."""
        d = os.path.join(self.home, ".aws", "sso", "cache")
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(cache_key.encode()).hexdigest() + ".json"
        with open(os.path.join(d, name), "w") as f:
            json.dump({"accessToken": token, "expiresAt": expires_at, "region": "us-east-1"}, f)
        self.secrets.append(token)
        if roles:
            self.emu._admin("POST", "/_emu/sso", {"access_token": token, "credential_seconds": credential_seconds,
                                                  "roles": [{"account_id": a, "role_name": r} for a, r in roles]})

    def env(self, **extra):
        env = self.emu.env(**extra)
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            if k not in extra:
                env.pop(k)
        return env

    def ferry(self, *args, env=None, timeout=120):
        p = subprocess.run([ferry_bin(), *args], capture_output=True, text=True, timeout=timeout,
                           env=env or self.env())
        self.outputs += [p.stdout, p.stderr]
        return p

    def whoami(self, profile=None, env=None):
        args = ["aws", "whoami", "--endpoint-url", self.emu.endpoint]
        if profile:
            args += ["--profile", profile]
        return self.ferry(*args, env=env)

    def assert_no_secrets(self):
        seen = "\n".join(self.outputs) + json.dumps(self.emu.requests()) + self.emu.stderr()
        for s in self.secrets:
            assert s not in seen, "a secret reached an output or the request log"
        assert SESSION_TOKEN_PREFIX not in seen, "a session token reached an output or the request log"


@pytest.fixture
def org(emu_factory):
    o = Org(emu_factory("--min-role-duration", "1"))
    yield o
    o.assert_no_secrets()


def wait_until(cond, timeout=10):
    deadline = time.time() + timeout
    while not cond():
        assert time.time() < deadline
        time.sleep(0.05)
