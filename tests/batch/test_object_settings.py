"""S3 as regulated accounts need it, against ferry-awsemu (which stores and
returns what S3 does): aws.client.storageEncryption / storageKmsKeyId /
storageClass / s3Acl on every object a Batch run writes (what ferry uploads,
what the job's CLI uploads, staged inputs, published copies), the same
through `ferry s3 cp` for a 100 MB multipart upload and a server-side copy,
requester-pays buckets, and anonymous reads of public buckets. One emulator
for the module; every test uses its own bucket."""
import json
import os
import shutil
import subprocess
import tempfile

import botocore
import pytest

from tests.conftest import Emu

from .conftest import BUCKET, FERRY, JOB_CLI, World, awsbatch_config, ok, output

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    d = tempfile.mkdtemp(prefix="ferry-s3-settings-emu-")
    emu = Emu(d)
    w = World(tmp_path_factory.mktemp("ws"), emu)
    yield w
    emu.stop()
    err = emu.stderr()
    shutil.rmtree(d, ignore_errors=True)
    assert "Sanitizer" not in err and "runtime error:" not in err, err[-4000:]


def ferry_s3(world, *args, env=None, drop=()):
    full = [FERRY, "s3", *map(str, args), "--endpoint-url", world.emu.endpoint]
    return subprocess.run(full, cwd=world.path, env=world.env(env, drop), capture_output=True, text=True,
                          timeout=120)


def every_object(world, bucket):
    out = []
    for page in world.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        out += page.get("Contents", [])
    return out


RUN = """\
tasks:
  shout:
    input:
      words: data/words.txt
    output:
      loud: loud.txt
    publish: s3://ferry-work/published
    script: |
      tr '[:lower:]' '[:upper:]' < {{ input.words }} > {{ output.loud }}
"""


def test_every_object_of_a_batch_run_carries_kms_class_and_acl(world):
    world.write("data/words.txt", "quiet words\n")
    world.write("pipeline.yml", RUN)
    world.write("batch.config", awsbatch_config(JOB_CLI, extra=f"""
aws.client.storageEncryption = 'aws:kms'
aws.client.storageKmsKeyId = '{KEY_ID}'
aws.client.storageClass = 'STANDARD_IA'
aws.client.s3Acl = 'BucketOwnerFullControl'
"""))
    p = ok(world.run("run", ".", "-c", "batch.config"))
    objects = every_object(world, BUCKET)
    keys = [o["Key"] for o in objects]
    # What ferry uploads (scripts, the staged input), what the job's CLI
    # uploads (outputs, logs, exit code) and the published copy.
    for suffix in ("/.command.run", "/.command.sh", "/.exitcode", "/.command.out", "/loud.txt", "published/loud.txt"):
        assert any(k.endswith(suffix) for k in keys), (suffix, keys, output(p))
    assert any(world.s3.get_object(Bucket=BUCKET, Key=k)["Body"].read() == b"quiet words\n" for k in keys), keys
    for o in objects:
        head = world.s3.head_object(Bucket=BUCKET, Key=o["Key"])
        assert head.get("ServerSideEncryption") == "aws:kms", o["Key"]
        assert head.get("SSEKMSKeyId") == KEY_ARN, o["Key"]
        assert head.get("StorageClass") == "STANDARD_IA", o["Key"]
        assert o["StorageClass"] == "STANDARD_IA", o
    assert world.s3.get_object(Bucket=BUCKET, Key="published/loud.txt")["Body"].read() == b"QUIET WORDS\n"


def test_bad_settings_are_refused_before_anything_runs(world):
    world.write("pipeline.yml", RUN)
    world.write("bad.config", awsbatch_config(JOB_CLI, extra="aws.client.s3Acl = 'BucketOwnerFullControll'\n"))
    before = len(world.emu.requests())
    p = world.run("run", ".", "-c", "bad.config")
    assert p.returncode == 2, output(p)
    assert "bad.config:5:" in p.stderr and "aws.client.s3Acl 'BucketOwnerFullControll' is not a canned ACL" \
        in p.stderr and "did you mean" in p.stderr, p.stderr
    assert len(world.emu.requests()) == before


def test_multipart_upload_and_copy_with_kms(world, tmp_path):
    world.s3.create_bucket(Bucket="enc")
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(100 << 20)  # sparse: nothing to write, nothing much to read
    p = ferry_s3(world, "cp", big, "s3://enc/big.bin", "--sse", "aws:kms", "--sse-kms-key-id", KEY_ID)
    assert p.returncode == 0, p.stderr
    head = world.s3.head_object(Bucket="enc", Key="big.bin")
    assert head["ContentLength"] == 100 << 20
    assert head["ETag"].endswith('-13"'), head["ETag"]  # a multipart upload (8 MiB parts)
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", KEY_ARN)
    # A server-side copy is encrypted as its own request says: ferry sends it.
    p = ferry_s3(world, "cp", "s3://enc/big.bin", "s3://enc/copy.bin", "--sse-kms-key-id", "alias/archive",
                 "--storage-class", "glacier_ir")
    assert p.returncode == 0, p.stderr
    copy = world.s3.head_object(Bucket="enc", Key="copy.bin")
    assert copy["SSEKMSKeyId"] == "arn:aws:kms:us-east-1:123456789012:alias/archive"
    assert copy["StorageClass"] == "GLACIER_IR"
    # Under SSE-KMS a single-part object's ETag is not its MD5: a download
    # (ranged, 9 MiB) must not take it for one.
    world.s3.put_object(Bucket="enc", Key="one-part.bin", Body=b"k" * (9 << 20), ServerSideEncryption="aws:kms")
    p = ferry_s3(world, "cp", "s3://enc/one-part.bin", tmp_path / "one-part.bin")
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "one-part.bin").read_bytes() == b"k" * (9 << 20)
    p = ferry_s3(world, "cp", big, "s3://enc/aes.bin", "--sse", "AES256")
    assert p.returncode == 0, p.stderr
    aes = world.s3.head_object(Bucket="enc", Key="aes.bin")
    assert aes["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in aes


def test_storage_class_and_acl(world, tmp_path):
    world.s3.create_bucket(Bucket="acl")
    f = tmp_path / "f.txt"
    f.write_text("shared\n")
    p = ferry_s3(world, "cp", f, "s3://acl/f.txt", "--acl", "PublicRead", "--storage-class", "ONEZONE_IA")
    assert p.returncode == 0, p.stderr
    grants = world.s3.get_object_acl(Bucket="acl", Key="f.txt")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ"} in grants, grants
    assert [o["StorageClass"] for o in every_object(world, "acl")] == ["ONEZONE_IA"]
    p = ferry_s3(world, "cp", f, "s3://acl/g.txt", "--acl", "everyone")
    assert p.returncode == 2 and "--acl 'everyone' is not a canned ACL" in p.stderr, p.stderr
    # The emulator refuses what S3 refuses, whoever sends it.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        world.s3.put_object(Bucket="acl", Key="g.txt", Body=b"x", ACL="BucketOwnerFullControl")
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        world.s3.put_object(Bucket="acl", Key="g.txt", Body=b"x", StorageClass="COLD")
    assert e.value.response["Error"]["Code"] == "InvalidStorageClass"


PUBLISH = """\
tasks:
  note:
    output:
      o: note.txt
    publish: s3://{bucket}/out
    script: echo noted > {{{{ output.o }}}}
"""


def test_requester_pays(world, tmp_path):
    world.s3.create_bucket(Bucket="payer")
    world.s3.put_bucket_request_payment(Bucket="payer", RequestPaymentConfiguration={"Payer": "Requester"})
    f = tmp_path / "f.txt"
    f.write_text("paid\n")
    p = ferry_s3(world, "cp", f, "s3://payer/f.txt")
    assert p.returncode == 1 and "AccessDenied" in p.stderr, p.stderr
    p = ferry_s3(world, "cp", f, "s3://payer/f.txt", "--request-payer", "requester")
    assert p.returncode == 0, p.stderr
    with pytest.raises(botocore.exceptions.ClientError) as e:
        world.s3.head_object(Bucket="payer", Key="f.txt")
    assert e.value.response["Error"]["Code"] in ("403", "AccessDenied")
    assert world.s3.head_object(Bucket="payer", Key="f.txt", RequestPayer="requester")["ContentLength"] == 5
    p = ferry_s3(world, "ls", "s3://payer/", "--request-payer", "requester")
    assert p.returncode == 0 and "f.txt" in p.stdout, p.stderr
    # A local run publishing there: refused without the setting, done with it.
    world.write("pipeline.yml", PUBLISH.format(bucket="payer"))
    world.write("local.config", f"aws.client.endpoint = '{world.emu.endpoint}'\naws.client.s3PathStyleAccess = true\n")
    p = world.run("run", ".", "-c", "local.config", emu_config=False, bucket_dir=False)
    assert p.returncode != 0 and "AccessDenied" in output(p), output(p)
    world.write("payer.config", "aws.client.requesterPays = true\n")
    ok(world.run("run", ".", "-c", "local.config", "-c", "payer.config", emu_config=False, bucket_dir=False))
    got = world.s3.get_object(Bucket="payer", Key="out/note.txt", RequestPayer="requester")
    assert got["Body"].read() == b"noted\n"


READ_PUBLIC = """\
tasks:
  count:
    input:
      data: s3://open-data/genes.txt
    output:
      n: n.txt
    publish: results
    script: wc -l < {{ input.data }} > {{ output.n }}
"""


def test_anonymous_reads_public_buckets_only(world, tmp_path):
    for bucket in ("open-data", "closed-data"):
        world.s3.create_bucket(Bucket=bucket)
        world.s3.put_object(Bucket=bucket, Key="genes.txt", Body=b"a\nb\nc\n")
    world.s3.put_bucket_policy(Bucket="open-data", Policy=json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::open-data", "arn:aws:s3:::open-data/*"]}]}))
    no_keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    p = ferry_s3(world, "cp", "--no-sign-request", "s3://open-data/genes.txt", "-", drop=no_keys)
    assert p.returncode == 0 and p.stdout == "a\nb\nc\n", p.stderr
    p = ferry_s3(world, "ls", "--no-sign-request", "s3://open-data/", drop=no_keys)
    assert p.returncode == 0 and "genes.txt" in p.stdout, p.stderr
    p = ferry_s3(world, "cp", "--no-sign-request", "s3://closed-data/genes.txt", "-", drop=no_keys)
    assert p.returncode == 1 and "403 Forbidden" in p.stderr, p.stderr  # a HEAD's error has no body
    f = tmp_path / "f.txt"
    f.write_text("x\n")
    before = len(world.emu.requests())
    p = ferry_s3(world, "cp", "--no-sign-request", f, "s3://open-data/f.txt", drop=no_keys)
    assert p.returncode == 2 and "--no-sign-request only reads public buckets" in p.stderr, p.stderr
    assert len(world.emu.requests()) == before
    # An unsigned write that reaches the emulator is refused as S3 does.
    import urllib.error
    import urllib.request
    req = urllib.request.Request(f"{world.emu.endpoint}/open-data/f.txt", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 403
    # A run without credentials stages a public input.
    world.write("pipeline.yml", READ_PUBLIC)
    world.write("anon.config", f"aws.client.endpoint = '{world.emu.endpoint}'\naws.client.s3PathStyleAccess = true\n"
                "aws.client.anonymous = true\n")
    ok(world.run("run", ".", "-c", "anon.config", emu_config=False, bucket_dir=False, drop_env=no_keys))
    assert world.read("results/n.txt").strip() == "3"
    # On Batch the work dirs are written: refused before anything starts.
    world.write("anon-batch.config", awsbatch_config(JOB_CLI, extra="aws.client.anonymous = true\n"))
    p = world.run("run", ".", "-c", "anon-batch.config", drop_env=no_keys)
    assert p.returncode == 2 and "aws.client.anonymous" in p.stderr, output(p)
