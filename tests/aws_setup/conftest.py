"""The servers `ferry aws setup` is tested against: moto's server (which
implements IAM, EC2, S3, Logs and Batch from AWS's own models, so it checks
that ferry's requests have the right shape) and ferry-awsemu (whose Batch
jobs really run, as host processes). One server of each kind serves a whole
test module: starting moto with AWS's managed policies takes seconds, so
each test gets the shared one reset to a fresh account instead. The
parametrized `aws` fixture yields an object with

  .kind                     "moto" or "awsemu"
  .endpoint, .region
  .client(service)          boto3 client on the server
  .env(**extra)             environment for ferry: keys, region, endpoint,
                            no instance metadata, HOME and FERRY_CONFIG in
                            the test's own temporary directory (a value of
                            None drops that variable)
  .config_path              the user config ferry writes the set-up into
  .emu                      the tests/conftest.py Emu (awsemu only)
"""
import os
import shutil
import tempfile
import urllib.request

import boto3
import pytest
from botocore.config import Config

from tests.conftest import Emu, built_binary, ferry_bin, start_moto_server, start_with_job_path, stop_server


class Server:
    def __init__(self, kind, endpoint, access_key, secret_key, reset, emu=None, region="us-east-1"):
        self.kind = kind
        self.endpoint = endpoint
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region
        self.emu = emu
        self._reset = reset
        self.home = None

    def fresh(self, home):
        """Back to a new account, with `home` as the user's home."""
        self._reset()
        self.home = home
        self.config_path = os.path.join(home, "ferry-config")
        for name in ("aws-config", "aws-credentials"):
            open(os.path.join(home, name), "w").close()

    def client(self, service):
        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key, region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                          signature_version="s3v4" if service == "s3" else None))

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("FERRY_CONFIG")}
        env.update({
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(self.home, "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.home, "aws-credentials"),
            "AWS_MAX_ATTEMPTS": "2",
            "HOME": self.home,
            "FERRY_CONFIG": self.config_path,
            "FERRY_AWS_SETUP_POLL_MS": "50",
        })
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env


def _post(url):
    urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"), timeout=60).read()


def _start_moto(home):
    # AWS's managed policies (the instance role attaches one) are not loaded
    # unless asked; moto's reset loads them again.
    proc, endpoint = start_moto_server(os.path.join(home, "moto.log"), env={"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"},
                                       why_skipped="the moto variant is skipped")
    return proc, Server("moto", endpoint, "testing", "testing", lambda: _post(endpoint + "/moto-api/reset"))


def _start_emu(home):
    # Batch jobs run as host processes and inherit the emulator's PATH: the
    # ferry under test comes first, so a `ferry build` job's `ferry` is this
    # build's, and the jobs' `aws` is ferry-job (the S3 CLI ferry ships for
    # images, which takes the aws CLI's forms): Debian's Python aws CLI
    # spends seconds starting for each file a task stages.
    job_bin = os.path.join(home, "job-bin")
    os.mkdir(job_bin)
    os.symlink(built_binary("FERRY_JOB_BIN"), os.path.join(job_bin, "aws"))
    job_path = (job_bin + ":" + os.path.dirname(ferry_bin()) +
                ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    emu = start_with_job_path(job_path, lambda: Emu(home))
    return emu, Server("awsemu", emu.endpoint, emu.access_key, emu.secret_key, emu.reset, emu=emu)


@pytest.fixture(scope="module", params=["moto", "awsemu"])
def aws_server(request):
    home = tempfile.mkdtemp(prefix="ferry-aws-setup-server-")
    proc = emu = None
    try:
        if request.param == "moto":
            proc, server = _start_moto(home)
        else:
            emu, server = _start_emu(home)
        yield server
    finally:
        if proc:
            stop_server(proc, 10)
        problems = ""
        if emu:
            emu.stop()
            err = emu.stderr()
            # A sanitizer build reports memory errors on stderr; make them fail.
            if "Sanitizer" in err or "runtime error:" in err:
                problems = err[-4000:]
        shutil.rmtree(home, ignore_errors=True)
        if problems:
            pytest.fail("ferry-awsemu reported errors:\n" + problems)


@pytest.fixture
def aws(aws_server, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    aws_server.fresh(str(home))
    return aws_server
