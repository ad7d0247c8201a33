"""Fixtures for ferry's S3 integration tests: a private s3rver per test module
(third-party S3 server from npm, pinned in package-lock.json) and helpers to
run the ferry binary against it."""
import hashlib
import os
import socket
import subprocess
import time

import pytest

from tests.conftest import ferry_bin, stop_server

HERE = os.path.dirname(os.path.abspath(__file__))
S3RVER = os.path.join(HERE, "node_modules", ".bin", "s3rver")
FERRY = ferry_bin()
SECRET = "S3RVER"  # s3rver's built-in account: key id and secret are both S3RVER


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3rver:
    def __init__(self, tmp):
        if not os.path.exists(S3RVER):
            pytest.fail("s3rver is not installed; run: npm ci --prefix tests/s3")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = os.path.join(tmp, "s3rver-data")
        self.log_path = os.path.join(tmp, "s3rver.log")
        os.makedirs(self.data)
        env = dict(os.environ)
        # s3rver's continuation tokens use a cipher OpenSSL 3 keeps in its legacy provider.
        env["NODE_OPTIONS"] = "--openssl-legacy-provider"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [S3RVER, "-d", self.data, "-p", str(self.port), "-a", "127.0.0.1"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail("s3rver did not start; see " + self.log_path)

    def log_text(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def stop(self):
        stop_server(self.proc, timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = S3rver(str(tmp_path_factory.mktemp("s3rver")))
    yield server
    server.stop()


def clean_env(extra=None):
    """The environment ferry and aws run in: s3rver's keys, never a real IMDS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "S3RVER",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_DEFAULT_REGION": "us-east-1",
    })
    env.update(extra or {})
    return env


class Ferry:
    def __init__(self, s3):
        self.s3 = s3

    def __call__(self, *args, input=None, check=True, env=None, endpoint=True):
        argv = [FERRY]
        if endpoint:
            argv += ["--endpoint-url", self.s3.url]
        argv += list(args)
        p = subprocess.run(argv, input=input, capture_output=True, env=clean_env(env), timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"{argv} exited {p.returncode}\nstdout: {p.stdout[-2000:]!r}\n"
                                 f"stderr: {p.stderr[-2000:]!r}")
        # The secret must never be printed.
        assert b"S3RVERSECRET" not in p.stdout + p.stderr
        return p


@pytest.fixture(scope="module")
def ferry(s3):
    return Ferry(s3)


@pytest.fixture(scope="module")
def bucket(ferry):
    name = "ferry-test"
    ferry("s3", "mb", "s3://" + name)
    return name


def aws_cli(s3, *args, check=True):
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", s3.url, *args], capture_output=True,
                       env=clean_env(), timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"aws {args} exited {p.returncode}: {p.stderr[-2000:]!r}")
    return p


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def random_file(path, size, seed=0):
    """Deterministic pseudo-random content, fast enough for hundreds of MB."""
    block = hashlib.sha256(str(seed).encode()).digest() * 32768  # 1 MiB
    rnd = os.urandom(4096)
    with open(path, "wb") as f:
        left = size
        i = 0
        while left > 0:
            chunk = (rnd + i.to_bytes(8, "little") + block)[: min(left, 1 << 20)]
            f.write(chunk)
            left -= len(chunk)
            i += 1
