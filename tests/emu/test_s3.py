"""S3 through boto3 and the aws CLI against ferry-awsemu: every operation the
emulator serves, checked for the answers and errors real S3 gives."""

import base64
import hashlib
import http.client
import json
import os
import urllib.error
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.exceptions import ClientError

MIB = 1024 * 1024


def error_of(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def s3(emu):
    c = emu.client("s3")
    c.create_bucket(Bucket="bkt")
    return c


def test_bucket_lifecycle(emu):
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="alpha")
    s3.create_bucket(Bucket="beta", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert names == ["alpha", "beta"]
    assert s3.head_bucket(Bucket="alpha")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_location(Bucket="beta")["LocationConstraint"] == "eu-west-1"
    assert s3.get_bucket_location(Bucket="alpha")["LocationConstraint"] is None

    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="alpha")
    assert error_of(e) == ("BucketAlreadyOwnedByYou", 409)

    s3.put_object(Bucket="alpha", Key="x", Body=b"1")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket="alpha")
    assert error_of(e) == ("BucketNotEmpty", 409)
    s3.delete_object(Bucket="alpha", Key="x")
    s3.delete_bucket(Bucket="alpha")

    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="alpha")
    assert error_of(e) == ("404", 404)
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket="alpha")
    assert error_of(e) == ("NoSuchBucket", 404)
    assert e.value.response["Error"]["BucketName"] == "alpha"
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="ab")
    assert error_of(e) == ("InvalidBucketName", 400)


def test_put_get_head_object(s3):
    body = b"hello, ferry\n" * 1000
    put = s3.put_object(Bucket="bkt", Key="dir/hello.txt", Body=body, ContentType="text/plain",
                        Metadata={"Sample": "s1"}, CacheControl="no-cache")
    md5 = hashlib.md5(body).hexdigest()
    assert put["ETag"] == f'"{md5}"'

    got = s3.get_object(Bucket="bkt", Key="dir/hello.txt")
    assert got["Body"].read() == body
    assert got["ContentLength"] == len(body)
    assert got["ContentType"] == "text/plain"
    assert got["ETag"] == f'"{md5}"'
    assert got["Metadata"] == {"sample": "s1"}
    assert got["CacheControl"] == "no-cache"

    head = s3.head_object(Bucket="bkt", Key="dir/hello.txt")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == f'"{md5}"'
    assert head["LastModified"] == got["LastModified"]

    # An empty object and a default content type.
    s3.put_object(Bucket="bkt", Key="empty", Body=b"")
    got = s3.get_object(Bucket="bkt", Key="empty")
    assert got["Body"].read() == b""
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert got["ContentType"] == "binary/octet-stream"

    # Overwrite replaces.
    s3.put_object(Bucket="bkt", Key="dir/hello.txt", Body=b"v2")
    assert s3.get_object(Bucket="bkt", Key="dir/hello.txt")["Body"].read() == b"v2"


def test_missing_objects(s3):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="nope")
    assert error_of(e) == ("NoSuchKey", 404)
    assert e.value.response["Error"]["Key"] == "nope"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket="bkt", Key="nope")
    assert error_of(e) == ("404", 404)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="other", Key="nope")
    assert error_of(e) == ("NoSuchBucket", 404)
    # Deleting a missing key succeeds, as in S3.
    assert s3.delete_object(Bucket="bkt", Key="nope")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_ranges(s3):
    body = bytes(range(256)) * 4
    s3.put_object(Bucket="bkt", Key="r", Body=body)
    r = s3.get_object(Bucket="bkt", Key="r", Range="bytes=10-19")
    assert r["Body"].read() == body[10:20]
    assert r["ContentRange"] == f"bytes 10-19/{len(body)}"
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert s3.get_object(Bucket="bkt", Key="r", Range="bytes=1000-")["Body"].read() == body[1000:]
    assert s3.get_object(Bucket="bkt", Key="r", Range="bytes=-5")["Body"].read() == body[-5:]
    assert s3.get_object(Bucket="bkt", Key="r", Range="bytes=1020-5000")["Body"].read() == body[1020:]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="r", Range="bytes=5000-")
    assert error_of(e) == ("InvalidRange", 416)


def test_conditional_get(s3):
    etag = s3.put_object(Bucket="bkt", Key="c", Body=b"abc")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="c", IfNoneMatch=etag)
    assert error_of(e)[1] == 304
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="bkt", Key="c", IfMatch='"0000"')
    assert error_of(e) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket="bkt", Key="c", IfMatch=etag)["Body"].read() == b"abc"


def test_content_md5_checked(s3):
    good = base64.b64encode(hashlib.md5(b"data").digest()).decode()
    s3.put_object(Bucket="bkt", Key="m", Body=b"data", ContentMD5=good)
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="bkt", Key="m2", Body=b"data", ContentMD5=wrong)
    assert error_of(e) == ("BadDigest", 400)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="bkt", Key="m2", Body=b"data", ContentMD5="not-base64!")
    assert error_of(e) == ("InvalidDigest", 400)
    with pytest.raises(ClientError):
        s3.head_object(Bucket="bkt", Key="m2")


ODD_KEYS = ["a b+c.txt", "ünï/cødé ✓.txt", "x/../y//z", "q?x=1&y=%20", "~tilde*star'quote\"(1)"]


def test_odd_keys_roundtrip_and_list_encoding(s3):
    for k in ODD_KEYS:
        s3.put_object(Bucket="bkt", Key=k, Body=k.encode())
    for k in ODD_KEYS:
        assert s3.get_object(Bucket="bkt", Key=k)["Body"].read() == k.encode()
    # boto3 asks for encoding-type=url and decodes the answer.
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket="bkt")["Contents"]]
    assert listed == sorted(ODD_KEYS, key=lambda s: s.encode())
    raw = s3.list_objects_v2(Bucket="bkt", EncodingType="url")
    assert raw["EncodingType"] == "url"


def test_copy_object(s3):
    src = "src dir/ünï+1.txt"
    s3.put_object(Bucket="bkt", Key=src, Body=b"payload", ContentType="text/x-a",
                  Metadata={"k": "v"})
    s3.create_bucket(Bucket="dst")
    r = s3.copy_object(Bucket="dst", Key="copy", CopySource={"Bucket": "bkt", "Key": src})
    assert r["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    got = s3.get_object(Bucket="dst", Key="copy")
    assert got["Body"].read() == b"payload"
    assert got["ContentType"] == "text/x-a"
    assert got["Metadata"] == {"k": "v"}

    s3.copy_object(Bucket="dst", Key="copy2", CopySource=f"bkt/{src}",
                   MetadataDirective="REPLACE", ContentType="text/y", Metadata={"n": "2"})
    got = s3.head_object(Bucket="dst", Key="copy2")
    assert got["ContentType"] == "text/y" and got["Metadata"] == {"n": "2"}

    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket="bkt", Key=src, CopySource={"Bucket": "bkt", "Key": src})
    assert error_of(e) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket="dst", Key="x", CopySource={"Bucket": "bkt", "Key": "missing"})
    assert error_of(e) == ("NoSuchKey", 404)


def test_anonymous_copy_is_judged_by_each_buckets_own_policy(emu, s3):
    """An unsigned CopyObject reads its source under the source bucket's
    policy and writes under the destination's. The emulator once judged both
    against the destination: a public drop box then let anyone copy out of
    a private bucket, and a public source could not be copied from."""

    def public(bucket, *actions):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": list(actions), "Resource": f"arn:aws:s3:::{bucket}/*"}]}))

    public("anon-readable", "s3:GetObject")
    public("anon-drop", "s3:PutObject", "s3:GetObject")
    s3.put_object(Bucket="anon-readable", Key="in.txt", Body=b"open")
    s3.put_object(Bucket="bkt", Key="secret.txt", Body=b"private")

    def unsigned_copy(source, dest_key):
        req = urllib.request.Request(f"{emu.endpoint}/anon-drop/{dest_key}", data=b"", method="PUT",
                                     headers={"x-amz-copy-source": source})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    assert unsigned_copy("/bkt/secret.txt", "stolen.txt") == 403
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket="anon-drop", Key="stolen.txt")
    assert error_of(e)[1] == 404
    assert unsigned_copy("/anon-readable/in.txt", "copied.txt") == 200
    assert s3.get_object(Bucket="anon-drop", Key="copied.txt")["Body"].read() == b"open"


def test_delete_objects(s3):
    for k in ["a", "b", "c"]:
        s3.put_object(Bucket="bkt", Key=k, Body=b"1")
    r = s3.delete_objects(Bucket="bkt", Delete={"Objects": [{"Key": "a"}, {"Key": "b"},
                                                            {"Key": "missing"}]})
    assert sorted(d["Key"] for d in r["Deleted"]) == ["a", "b", "missing"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="bkt")["Contents"]] == ["c"]
    r = s3.delete_objects(Bucket="bkt", Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in r
    assert s3.list_objects_v2(Bucket="bkt")["KeyCount"] == 0


def test_list_objects_v2(s3):
    keys = ["a/1", "a/2", "a/b/3", "b/4", "c", "d"]
    for k in keys:
        s3.put_object(Bucket="bkt", Key=k, Body=k.encode())
    r = s3.list_objects_v2(Bucket="bkt")
    assert [o["Key"] for o in r["Contents"]] == keys
    assert r["KeyCount"] == 6 and r["IsTruncated"] is False
    assert r["Contents"][0]["Size"] == 3
    assert r["Contents"][0]["ETag"] == f'"{hashlib.md5(b"a/1").hexdigest()}"'
    assert r["Contents"][0]["StorageClass"] == "STANDARD"

    r = s3.list_objects_v2(Bucket="bkt", Prefix="a/")
    assert [o["Key"] for o in r["Contents"]] == ["a/1", "a/2", "a/b/3"]

    r = s3.list_objects_v2(Bucket="bkt", Delimiter="/")
    assert [o["Key"] for o in r["Contents"]] == ["c", "d"]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/", "b/"]
    assert r["KeyCount"] == 4

    r = s3.list_objects_v2(Bucket="bkt", Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in r["Contents"]] == ["a/1", "a/2"]
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/b/"]

    r = s3.list_objects_v2(Bucket="bkt", StartAfter="b/4")
    assert [o["Key"] for o in r["Contents"]] == ["c", "d"]

    # Pagination by hand: common prefixes count towards MaxKeys.
    seen, token = [], None
    while True:
        kw = {"ContinuationToken": token} if token else {}
        r = s3.list_objects_v2(Bucket="bkt", Delimiter="/", MaxKeys=1, **kw)
        seen += [o["Key"] for o in r.get("Contents", [])]
        seen += [p["Prefix"] for p in r.get("CommonPrefixes", [])]
        if not r["IsTruncated"]:
            break
        token = r["NextContinuationToken"]
    assert seen == ["a/", "b/", "c", "d"]

    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket="bkt",
                                                               PaginationConfig={"PageSize": 4}))
    assert len(pages) == 2
    assert [o["Key"] for p in pages for o in p["Contents"]] == keys

    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket="bkt", ContinuationToken="garbage")
    assert error_of(e) == ("InvalidArgument", 400)


def test_list_objects_v1(s3):
    for k in ["a/1", "a/2", "b", "c"]:
        s3.put_object(Bucket="bkt", Key=k, Body=b"")
    r = s3.list_objects(Bucket="bkt", MaxKeys=2, Delimiter="/")
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/"]
    assert [o["Key"] for o in r["Contents"]] == ["b"]
    assert r["IsTruncated"] is True and r["NextMarker"] == "b"
    r = s3.list_objects(Bucket="bkt", Marker="b")
    assert [o["Key"] for o in r["Contents"]] == ["c"]
    assert r["Contents"][0]["Owner"]["DisplayName"]


def test_multipart_upload(s3):
    p1 = os.urandom(5 * MIB)
    p2 = os.urandom(1234)
    up = s3.create_multipart_upload(Bucket="bkt", Key="big/file.bin", ContentType="application/x-big",
                                    Metadata={"m": "1"})
    uid = up["UploadId"]
    assert up["Bucket"] == "bkt" and up["Key"] == "big/file.bin"
    e1 = s3.upload_part(Bucket="bkt", Key="big/file.bin", UploadId=uid, PartNumber=1, Body=p1)["ETag"]
    e2 = s3.upload_part(Bucket="bkt", Key="big/file.bin", UploadId=uid, PartNumber=2, Body=p2)["ETag"]
    assert e1 == f'"{hashlib.md5(p1).hexdigest()}"'

    parts = s3.list_parts(Bucket="bkt", Key="big/file.bin", UploadId=uid)
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in parts["Parts"]] == [
        (1, len(p1), e1), (2, len(p2), e2)]
    page = s3.list_parts(Bucket="bkt", Key="big/file.bin", UploadId=uid, MaxParts=1)
    assert page["IsTruncated"] is True and page["NextPartNumberMarker"] == 1

    uploads = s3.list_multipart_uploads(Bucket="bkt")["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("big/file.bin", uid)]

    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket="bkt", Key="big/file.bin", UploadId=uid,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e2}]})
    assert error_of(e) == ("InvalidPart", 400)
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket="bkt", Key="big/file.bin", UploadId=uid,
                                     MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": e2},
                                                                {"PartNumber": 1, "ETag": e1}]})
    assert error_of(e) == ("InvalidPartOrder", 400)

    done = s3.complete_multipart_upload(
        Bucket="bkt", Key="big/file.bin", UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    want = hashlib.md5(hashlib.md5(p1).digest() + hashlib.md5(p2).digest()).hexdigest() + "-2"
    assert done["ETag"] == f'"{want}"'
    got = s3.get_object(Bucket="bkt", Key="big/file.bin")
    assert got["Body"].read() == p1 + p2
    assert got["ETag"] == f'"{want}"'
    assert got["ContentType"] == "application/x-big" and got["Metadata"] == {"m": "1"}
    assert s3.list_multipart_uploads(Bucket="bkt").get("Uploads", []) == []
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket="bkt", Key="big/file.bin", UploadId=uid)
    assert error_of(e) == ("NoSuchUpload", 404)


def test_multipart_errors_and_abort(s3):
    uid = s3.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
    e1 = s3.upload_part(Bucket="bkt", Key="k", UploadId=uid, PartNumber=1, Body=b"small")["ETag"]
    e2 = s3.upload_part(Bucket="bkt", Key="k", UploadId=uid, PartNumber=2, Body=b"small")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket="bkt", Key="k", UploadId=uid,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1},
                                                                {"PartNumber": 2, "ETag": e2}]})
    assert error_of(e) == ("EntityTooSmall", 400)
    s3.abort_multipart_upload(Bucket="bkt", Key="k", UploadId=uid)
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket="bkt", Key="k", UploadId=uid, PartNumber=3, Body=b"x")
    assert error_of(e) == ("NoSuchUpload", 404)
    # A large refused body does not upset the next request on the client.
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket="bkt", Key="k", UploadId="bogus", PartNumber=1,
                       Body=os.urandom(12 * MIB))
    assert error_of(e) == ("NoSuchUpload", 404)
    s3.put_object(Bucket="bkt", Key="after", Body=b"fine")
    assert s3.get_object(Bucket="bkt", Key="after")["Body"].read() == b"fine"
    with pytest.raises(ClientError) as e:
        s3.abort_multipart_upload(Bucket="bkt", Key="k", UploadId="bogus")
    assert error_of(e) == ("NoSuchUpload", 404)
    with pytest.raises(ClientError):
        s3.head_object(Bucket="bkt", Key="k")


def test_upload_part_copy(s3):
    data = os.urandom(6 * MIB)
    s3.put_object(Bucket="bkt", Key="src", Body=data)
    uid = s3.create_multipart_upload(Bucket="bkt", Key="dst")["UploadId"]
    a = s3.upload_part_copy(Bucket="bkt", Key="dst", UploadId=uid, PartNumber=1,
                            CopySource={"Bucket": "bkt", "Key": "src"},
                            CopySourceRange=f"bytes=0-{5 * MIB - 1}")["CopyPartResult"]["ETag"]
    b = s3.upload_part_copy(Bucket="bkt", Key="dst", UploadId=uid, PartNumber=2,
                            CopySource={"Bucket": "bkt", "Key": "src"},
                            CopySourceRange=f"bytes={5 * MIB}-{6 * MIB - 1}")["CopyPartResult"]["ETag"]
    assert a == f'"{hashlib.md5(data[:5 * MIB]).hexdigest()}"'
    s3.complete_multipart_upload(Bucket="bkt", Key="dst", UploadId=uid,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": a},
                                                            {"PartNumber": 2, "ETag": b}]})
    assert s3.get_object(Bucket="bkt", Key="dst")["Body"].read() == data


def test_presigned_urls(emu, s3):
    s3.put_object(Bucket="bkt", Key="p q.txt", Body=b"presigned body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "p q.txt"},
                                    ExpiresIn=300)
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.read() == b"presigned body"
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "bkt", "Key": "up"},
                                        ExpiresIn=300)
    req = urllib.request.Request(put_url, data=b"uploaded", method="PUT")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
    assert s3.get_object(Bucket="bkt", Key="up")["Body"].read() == b"uploaded"
    # A tampered URL is refused.
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url.replace("p%20q.txt", "other.txt"), timeout=10)
    assert e.value.code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in e.value.read()


def signed_raw_request(emu, method, url, host, body=b""):
    """Signs with botocore's own S3 signer for `host`, sends to 127.0.0.1."""
    creds = botocore.credentials.Credentials(emu.access_key, emu.secret_key)
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body,
                                         headers={"Host": host})
    botocore.auth.S3SigV4Auth(creds, "s3", emu.region).add_auth(req)
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    path = url.split(host, 1)[1]
    conn.request(method, path, body=body, headers=dict(req.headers.items()))
    r = conn.getresponse()
    return r.status, r.read()


def test_virtual_host_addressing(emu, s3):
    host = f"bkt.localhost:{emu.port}"
    status, _ = signed_raw_request(emu, "PUT", f"http://{host}/v/key.txt", host, b"vhost")
    assert status == 200
    assert s3.get_object(Bucket="bkt", Key="v/key.txt")["Body"].read() == b"vhost"
    status, body = signed_raw_request(emu, "GET", f"http://{host}/v/key.txt", host)
    assert (status, body) == (200, b"vhost")
    status, body = signed_raw_request(emu, "GET", f"http://{host}/?list-type=2", host)
    assert status == 200 and b"<Key>v/key.txt</Key>" in body
    ops = [r["operation"] for r in emu.requests()][-4:]
    assert ops == ["PutObject", "GetObject", "GetObject", "ListObjectsV2"]


def test_objects_persist_in_data_dir(emu_factory, tmp_path):
    first = emu_factory()
    s3 = first.client("s3")
    s3.create_bucket(Bucket="keep")
    s3.put_object(Bucket="keep", Key="k", Body=b"still here")
    files = [os.path.join(d, f) for d, _, fs in os.walk(first.data_dir) for f in fs]
    assert any(open(f, "rb").read() == b"still here" for f in files)


def test_object_tagging(s3):
    s3.put_object(Bucket="bkt", Key="t", Body=b"x", Tagging="team=data&stage=raw")
    assert s3.get_object(Bucket="bkt", Key="t")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket="bkt", Key="t")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("stage", "raw"), ("team", "data")]
    s3.put_object_tagging(Bucket="bkt", Key="t", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert s3.get_object_tagging(Bucket="bkt", Key="t")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.copy_object(Bucket="bkt", Key="t2", CopySource="bkt/t")
    assert s3.get_object_tagging(Bucket="bkt", Key="t2")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.delete_object_tagging(Bucket="bkt", Key="t")
    assert s3.get_object_tagging(Bucket="bkt", Key="t")["TagSet"] == []
    with pytest.raises(ClientError) as e:
        s3.get_object_tagging(Bucket="bkt", Key="missing")
    assert error_of(e) == ("NoSuchKey", 404)


@pytest.fixture
def tree(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("alpha\n")
    (src / "sub" / "b.txt").write_text("beta\n")
    (src / "big.bin").write_bytes(os.urandom(17 * MIB))  # above the CLI's 8 MiB multipart threshold
    return src


def test_aws_cli_cp_and_ls(emu, s3, tree, tmp_path):
    big = tree / "big.bin"
    r = emu.aws("s3", "cp", str(tree / "a.txt"), "s3://bkt/one/a.txt")
    assert r.returncode == 0, r.stderr
    r = emu.aws("s3", "cp", str(big), "s3://bkt/big.bin")
    assert r.returncode == 0, r.stderr
    etag = s3.head_object(Bucket="bkt", Key="big.bin")["ETag"]
    assert etag.endswith('-3"'), etag  # 8 + 8 + 1 MiB parts
    ops = [x["operation"] for x in emu.requests()]
    assert ops.count("UploadPart") == 3 and "CompleteMultipartUpload" in ops

    r = emu.aws("s3", "ls", "s3://bkt/")
    assert r.returncode == 0, r.stderr
    assert "PRE one/" in r.stdout and "big.bin" in r.stdout
    r = emu.aws("s3", "ls", "--recursive", "s3://bkt/")
    assert "one/a.txt" in r.stdout

    r = emu.aws("s3", "cp", "s3://bkt/big.bin", str(tmp_path / "down.bin"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "down.bin").read_bytes() == big.read_bytes()
    # Server-side copy of a multipart-sized object: UploadPartCopy with ranges.
    r = emu.aws("s3", "cp", "s3://bkt/big.bin", "s3://bkt/copies/big.bin")
    assert r.returncode == 0, r.stderr
    assert "UploadPartCopy" in [x["operation"] for x in emu.requests()]
    assert s3.get_object(Bucket="bkt", Key="copies/big.bin")["Body"].read() == big.read_bytes()
    r = emu.aws("s3", "cp", "s3://bkt/one/a.txt", "-")
    assert r.stdout == "alpha\n"
    r = emu.aws("s3", "cp", "s3://bkt/missing.txt", str(tmp_path / "x"))
    assert r.returncode != 0 and "404" in r.stderr


def test_aws_cli_sync_rm_rb(emu, s3, tree, tmp_path):
    r = emu.aws("s3", "sync", str(tree), "s3://bkt/synced/")
    assert r.returncode == 0, r.stderr
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="bkt", Prefix="synced/")["Contents"])
    assert keys == ["synced/a.txt", "synced/big.bin", "synced/sub/b.txt"]
    # A second sync has nothing to do.
    before = len(emu.requests())
    r = emu.aws("s3", "sync", str(tree), "s3://bkt/synced/")
    assert r.returncode == 0 and r.stdout == ""
    assert all(x["operation"] == "ListObjectsV2" for x in emu.requests()[before:])

    dst = tmp_path / "dst"
    r = emu.aws("s3", "sync", "s3://bkt/synced/", str(dst))
    assert r.returncode == 0, r.stderr
    assert (dst / "sub" / "b.txt").read_text() == "beta\n"
    assert (dst / "big.bin").read_bytes() == (tree / "big.bin").read_bytes()

    r = emu.aws("s3", "rm", "--recursive", "s3://bkt/synced/")
    assert r.returncode == 0, r.stderr
    assert s3.list_objects_v2(Bucket="bkt", Prefix="synced/")["KeyCount"] == 0
    s3.put_object(Bucket="bkt", Key="left", Body=b"x")
    r = emu.aws("s3", "rb", "--force", "s3://bkt")
    assert r.returncode == 0, r.stderr
    assert s3.list_buckets()["Buckets"] == []


def test_concurrent_clients(emu, s3):
    """Many clients at once: every object arrives whole, and racing writers
    of one key leave exactly one of their versions."""
    import concurrent.futures
    payloads = {i: os.urandom(256 * 1024 + i) for i in range(40)}

    def work(i):
        c = emu.client("s3")
        c.put_object(Bucket="bkt", Key=f"obj/{i}", Body=payloads[i])
        c.put_object(Bucket="bkt", Key="shared", Body=payloads[i])
        return c.get_object(Bucket="bkt", Key=f"obj/{i}")["Body"].read() == payloads[i]

    with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
        assert all(pool.map(work, payloads))
    shared = s3.get_object(Bucket="bkt", Key="shared")
    body = shared["Body"].read()
    assert body in payloads.values()
    assert shared["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert s3.list_objects_v2(Bucket="bkt", Prefix="obj/")["KeyCount"] == 40
    # Replaced versions leave no files behind: 41 objects, 41 data files.
    objects = os.path.join(emu.data_dir, "s3", "buckets", "bkt", "objects")
    assert len([f for f in os.listdir(objects) if not f.endswith(".json")]) == 41
