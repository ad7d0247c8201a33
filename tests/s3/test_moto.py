"""`ferry s3` against moto_server, an S3 implementation independent of ours
and of s3rver: behaviour that depends on how a server answers what it
cannot handle. Skipped where moto_server is not installed."""
import subprocess

import boto3
import pytest

from tests.conftest import start_moto_server, stop_server

from .conftest import FERRY, clean_env


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    proc, url = start_moto_server(tmp_path_factory.mktemp("moto") / "moto.log",
                                  why_skipped="aws_test S3Delete.* covers the same rule against a scripted server")
    yield url
    stop_server(proc, 10)


def ferry(url, *args, input=None):
    env = clean_env({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    return subprocess.run([FERRY, "--endpoint-url", url, *args], capture_output=True, env=env, timeout=300,
                          input=input)


def keys(url, bucket):
    s3 = boto3.client("s3", endpoint_url=url, aws_access_key_id="testing", aws_secret_access_key="testing",
                      region_name="us-east-1")
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        out += [o["Key"] for o in page.get("Contents", [])]
    return out


def test_rm_recursive_deletes_every_key_when_the_server_rejects_the_batch(moto, tmp_path):
    # moto answers DeleteObjects with a 500 when one key holds a control
    # character (real S3: MalformedXML); the other keys must still go.
    src = tmp_path / "many"
    src.mkdir()
    for i in range(1113):
        (src / f"f{i:04d}").write_text(str(i))
    (src / "ctl\x01name").write_text("control")
    assert ferry(moto, "s3", "mb", "s3://ferry-moto").returncode == 0
    up = ferry(moto, "s3", "cp", "--recursive", str(src), "s3://ferry-moto/many/")
    assert up.returncode == 0, up.stderr[-2000:]
    assert len(keys(moto, "ferry-moto")) == 1114
    rm = ferry(moto, "s3", "rm", "--recursive", "s3://ferry-moto/many/")
    assert rm.returncode == 0, rm.stderr[-2000:]
    assert keys(moto, "ferry-moto") == []


def files_under(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_keys_with_a_carriage_return_or_control_character_survive_listing(moto, tmp_path):
    # XML 1.0 turns a bare CR into LF and cannot carry \x01 at all: only a
    # URL-encoded listing names such keys right.
    assert ferry(moto, "s3", "mb", "s3://ferry-moto-ctl").returncode == 0
    names = ("plain", "cr\rkey", "ctl\x01key")
    for name in names:
        p = ferry(moto, "s3", "cp", "-", f"s3://ferry-moto-ctl/d/{name}", input=name.encode())
        assert p.returncode == 0, p.stderr
    got = ferry(moto, "s3", "cp", "--recursive", "s3://ferry-moto-ctl/d/", str(tmp_path / "out"))
    assert got.returncode == 0, got.stderr
    assert files_under(tmp_path / "out") == {n: n.encode() for n in names}
    listing = ferry(moto, "s3", "ls", "s3://ferry-moto-ctl/d/").stdout
    for name in names:
        assert b" " + name.encode() + b"\n" in listing, listing


def test_kms_encryption_and_storage_class_as_moto_stores_them(moto, tmp_path):
    # The same requests ferry-awsemu checks (tests/batch/test_object_settings.py)
    # against a server of other authors: a multipart upload and a plain one.
    s3 = boto3.client("s3", endpoint_url=moto, aws_access_key_id="testing", aws_secret_access_key="testing",
                      region_name="us-east-1")
    kms = boto3.client("kms", endpoint_url=moto, aws_access_key_id="testing", aws_secret_access_key="testing",
                       region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert ferry(moto, "s3", "mb", "s3://ferry-moto-kms").returncode == 0
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(20 << 20)
    small = tmp_path / "small.txt"
    small.write_text("small\n")
    for src, name in ((big, "big.bin"), (small, "small.txt")):
        p = ferry(moto, "s3", "cp", str(src), f"s3://ferry-moto-kms/{name}", "--sse", "aws:kms", "--sse-kms-key-id",
                  key, "--storage-class", "STANDARD_IA")
        assert p.returncode == 0, p.stderr[-2000:]
        head = s3.head_object(Bucket="ferry-moto-kms", Key=name)
        assert head["ServerSideEncryption"] == "aws:kms", (name, head)
        assert head["SSEKMSKeyId"].endswith(key), (name, head)
        assert head["StorageClass"] == "STANDARD_IA", (name, head)
