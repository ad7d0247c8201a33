"""`ferry s3` and `ferry aws whoami` against ferry-awsemu, which verifies
SigV4 signatures and serves STS and IMDSv2: keys s3rver cannot store ("//",
"/../"), credentials and region from instance metadata, and the STS caller
identity."""
import re
import subprocess

import pytest

from tests.conftest import awsemu_bin

from .conftest import FERRY, clean_env



@pytest.fixture(scope="module")
def emu(tmp_path_factory):
    data = tmp_path_factory.mktemp("emu")
    p = subprocess.Popen([awsemu_bin(), "--port", "0", "--data-dir", str(data), "--access-key", "AKIDEMUTEST",
                          "--secret-key", "EMU-SECRET-KEY-42", "--region", "eu-west-1", "--host-jobs"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    m = re.match(r"ready port=(\d+) imds_port=(\d+)", line)
    if not m:
        p.terminate()
        pytest.fail(f"ferry-awsemu did not start: {line!r}")
    yield {"url": f"http://127.0.0.1:{m.group(1)}", "imds": f"http://127.0.0.1:{m.group(2)}"}
    p.terminate()
    p.wait(timeout=10)


def run(emu, *args, env=None, input=None):
    e = clean_env({"AWS_ACCESS_KEY_ID": "AKIDEMUTEST", "AWS_SECRET_ACCESS_KEY": "EMU-SECRET-KEY-42",
                   "AWS_ENDPOINT_URL": emu["url"]})
    e.update(env or {})
    e = {k: v for k, v in e.items() if v is not None}
    p = subprocess.run([FERRY, *args], capture_output=True, env=e, input=input, timeout=60)
    assert b"EMU-SECRET-KEY-42" not in p.stdout + p.stderr
    return p


def test_keys_with_double_slash_and_dot_segments(emu, tmp_path):
    assert run(emu, "s3", "mb", "s3://emu-keys").returncode == 0
    keys = ["a//b.txt", "dots/../x.txt", "./lead.txt", "sp ace+%2F.txt"]
    for i, key in enumerate(keys):
        p = run(emu, "s3", "cp", "-", f"s3://emu-keys/{key}", input=f"content {i}".encode())
        assert p.returncode == 0, p.stderr
    listing = run(emu, "s3", "ls", "--recursive", "s3://emu-keys/").stdout.decode()
    for i, key in enumerate(keys):
        assert f" {key}\n" in listing, (key, listing)
        assert run(emu, "s3", "cp", f"s3://emu-keys/{key}", "-").stdout == f"content {i}".encode()


def test_wrong_secret_is_rejected_with_a_clear_error(emu):
    p = run(emu, "s3", "ls", "s3://", env={"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
    assert p.returncode == 1
    assert b"SignatureDoesNotMatch" in p.stderr and b"ferry aws whoami" in p.stderr


def test_whoami_with_environment_keys(emu):
    p = run(emu, "--region", "eu-west-1", "aws", "whoami")
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "credentials: environment (AWS_ACCESS_KEY_ID)" in out
    assert "access key:  *******TEST" in out
    assert "region:      eu-west-1 (from --region)" in out
    assert re.search(r"account:\s+\d{12}", out), out


def test_whoami_with_instance_role_from_imds(emu):
    p = run(emu, "aws", "whoami", env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
                                       "AWS_DEFAULT_REGION": None,
                                       "AWS_EC2_METADATA_DISABLED": None,
                                       "AWS_EC2_METADATA_SERVICE_ENDPOINT": emu["imds"]})
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "credentials: EC2 instance role" in out, out
    assert "session:     yes (temporary)" in out and "expires:" in out
    assert "region:      eu-west-1 (from instance metadata" in out
    assert "assumed-role" in out
    # The temporary keys work for S3 too.
    p = run(emu, "s3", "ls", env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
                                  "AWS_EC2_METADATA_DISABLED": None,
                                  "AWS_EC2_METADATA_SERVICE_ENDPOINT": emu["imds"]})
    assert p.returncode == 0, p.stderr


def test_missing_region_error_for_whoami(emu):
    p = run(emu, "aws", "whoami", env={"AWS_DEFAULT_REGION": None})
    assert p.returncode == 2
    err = p.stderr.decode()
    assert "no AWS region configured" in err and "AWS_REGION" in err and "Fix:" in err, err


def aws(emu, *args):
    """Debian's aws CLI against the emulator, with the same keys as ferry."""
    e = clean_env({"AWS_ACCESS_KEY_ID": "AKIDEMUTEST", "AWS_SECRET_ACCESS_KEY": "EMU-SECRET-KEY-42"})
    return subprocess.run(["/usr/bin/aws", "--endpoint-url", emu["url"], *args], capture_output=True, env=e,
                          timeout=120)


def files_under(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_recursive_download_of_keys_whose_rest_starts_with_a_slash_matches_the_aws_cli(emu, tmp_path):
    assert run(emu, "s3", "mb", "s3://emu-slash").returncode == 0
    for key, body in [("p/y", b"y"), ("p//x", b"x"), ("p///w", b"w"), ("p//d/z", b"z")]:
        assert run(emu, "s3", "cp", "-", f"s3://emu-slash/{key}", input=body).returncode == 0
    theirs = aws(emu, "s3", "cp", "--recursive", "s3://emu-slash/p/", str(tmp_path / "aws") + "/")
    assert theirs.returncode == 0, theirs.stderr
    ours = run(emu, "s3", "cp", "--recursive", "s3://emu-slash/p/", str(tmp_path / "ferry") + "/")
    assert ours.returncode == 0, ours.stderr
    expected = {"y": b"y", "x": b"x", "w": b"w", "d/z": b"z"}
    assert files_under(tmp_path / "aws") == expected
    assert files_under(tmp_path / "ferry") == expected
    # sync finds them where cp put them: nothing to fetch, nothing deleted.
    again = run(emu, "s3", "sync", "--delete", "s3://emu-slash/p/", str(tmp_path / "ferry"))
    assert again.returncode == 0, again.stderr
    assert files_under(tmp_path / "ferry") == expected


def whoami_in(emu, tmp_path, *args, cwd=None, env=None):
    """ferry aws whoami with only a ferry.config to find the emulator by: no
    AWS_ENDPOINT_URL, no region in the environment, an empty HOME."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    e = clean_env({"AWS_ACCESS_KEY_ID": "AKIDEMUTEST", "AWS_SECRET_ACCESS_KEY": "EMU-SECRET-KEY-42",
                   "HOME": str(home)})
    e.pop("AWS_DEFAULT_REGION", None)
    e.update(env or {})
    p = subprocess.run([FERRY, "aws", "whoami", *map(str, args)], capture_output=True, text=True, env=e,
                       cwd=cwd, timeout=60)
    assert "EMU-SECRET-KEY-42" not in p.stdout + p.stderr
    return p


def pipeline_dir_with_config(emu, tmp_path):
    d = tmp_path / "pipe"
    d.mkdir()
    (d / "ferry.config").write_text(f"aws.client.endpoint = '{emu['url']}'\naws.region = 'eu-west-1'\n")
    return d


def test_whoami_reads_the_named_pipeline_dirs_config(emu, tmp_path):
    d = pipeline_dir_with_config(emu, tmp_path)
    p = whoami_in(emu, tmp_path, d)
    assert p.returncode == 0, p.stderr
    assert "region:      eu-west-1 (from aws.region" in p.stdout, p.stdout
    assert f"endpoint:    {emu['url']}" in p.stdout and "aws.client.endpoint" in p.stdout, p.stdout
    assert re.search(r"account:\s+\d{12}", p.stdout), p.stdout


def test_whoami_reads_the_current_dirs_config_and_flags_win(emu, tmp_path):
    d = pipeline_dir_with_config(emu, tmp_path)
    p = whoami_in(emu, tmp_path, cwd=d)
    assert p.returncode == 0, p.stderr
    assert "region:      eu-west-1 (from aws.region" in p.stdout, p.stdout
    p = whoami_in(emu, tmp_path, "--region", "us-west-2", cwd=d)
    assert p.returncode == 0, p.stderr
    assert "region:      us-west-2 (from --region)" in p.stdout, p.stdout


def test_whoami_rejects_a_missing_pipeline_dir(emu, tmp_path):
    p = whoami_in(emu, tmp_path, tmp_path / "nope")
    assert p.returncode == 2, p.stdout + p.stderr
    assert "is not a directory" in p.stderr and "nope" in p.stderr
