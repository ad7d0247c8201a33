"""SigV4 checks of ferry-awsemu: bad signatures, unknown keys, expired or
skewed requests, temporary credentials and aws-chunked uploads, each answered
with the error code and HTTP status the real service uses."""

import datetime
import hashlib
import hmac
import http.client
import time
import urllib.error
import urllib.request
from unittest import mock

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def error_of(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


# service -> (boto3 call, code for bad signature, code for unknown key, status)
CASES = {
    "s3": (lambda c: c.list_buckets(), "SignatureDoesNotMatch", "InvalidAccessKeyId", 403),
    "sts": (lambda c: c.get_caller_identity(), "SignatureDoesNotMatch", "InvalidClientTokenId", 403),
    "logs": (lambda c: c.describe_log_groups(), "InvalidSignatureException",
             "UnrecognizedClientException", 400),
    "batch": (lambda c: c.describe_job_queues(), "InvalidSignatureException",
              "UnrecognizedClientException", 403),
}


@pytest.mark.parametrize("service", sorted(CASES))
def test_bad_signature(emu, service):
    call, code, _, status = CASES[service]
    client = emu.client(service, aws_secret_access_key=emu.secret_key + "x")
    with pytest.raises(ClientError) as e:
        call(client)
    assert error_of(e) == (code, status)
    log = emu.requests()[-1]
    assert (log["service"], log["status"], log["error_code"]) == (service, status, code)


@pytest.mark.parametrize("service", sorted(CASES))
def test_unknown_access_key(emu, service):
    call, _, code, status = CASES[service]
    client = emu.client(service, aws_access_key_id="AKIAUNKNOWN000000000")
    with pytest.raises(ClientError) as e:
        call(client)
    assert error_of(e) == (code, status)


def test_s3_error_document_names_the_problem(emu):
    s3 = emu.client("s3", aws_access_key_id="AKIAUNKNOWN000000000")
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert "does not exist in our records" in e.value.response["Error"]["Message"]


def test_unsigned_requests_are_refused(emu):
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(emu.endpoint + "/", timeout=10)
    assert e.value.code == 403
    assert b"<Code>AccessDenied</Code>" in e.value.read()
    req = urllib.request.Request(emu.endpoint + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 403
    assert b"<Code>MissingAuthenticationToken</Code>" in e.value.read()


def test_expired_presigned_url(emu):
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=1)
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.read() == b"v"
    time.sleep(2.1)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url, timeout=10)
    assert e.value.code == 403
    body = e.value.read()
    assert b"<Code>AccessDenied</Code>" in body
    assert b"<Message>Request has expired</Message>" in body


_REAL_DATETIME = datetime.datetime


class _Clock(datetime.datetime):
    """botocore's signing clock, shifted by `offset`."""
    offset = datetime.timedelta(0)

    @classmethod
    def utcnow(cls):
        return _REAL_DATETIME.utcnow() + cls.offset


@pytest.mark.parametrize("service,code,status", [
    ("s3", "RequestTimeTooSkewed", 403),
    ("sts", "SignatureDoesNotMatch", 403),
    ("logs", "InvalidSignatureException", 400),
])
def test_clock_skew_is_refused(emu, service, code, status):
    call = CASES[service][0]
    client = emu.client(service)
    _Clock.offset = datetime.timedelta(minutes=-20)
    with mock.patch.object(botocore.auth.datetime, "datetime", _Clock):
        with pytest.raises(ClientError) as e:
            call(client)
    assert error_of(e) == (code, status)
    if service != "s3":
        assert "Signature expired" in e.value.response["Error"]["Message"]
    # Ten minutes off is within AWS's fifteen.
    _Clock.offset = datetime.timedelta(minutes=-10)
    with mock.patch.object(botocore.auth.datetime, "datetime", _Clock):
        call(client)


def test_temporary_credentials(emu):
    emu.add_role("worker")
    creds = emu.client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/worker",
                                          RoleSessionName="tests")["Credentials"]
    good = dict(aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"])
    assert emu.client("s3", **good).list_buckets()["Buckets"] == []
    # Without its session token a temporary key is unknown.
    s3 = emu.client("s3", aws_access_key_id=good["aws_access_key_id"],
                    aws_secret_access_key=good["aws_secret_access_key"])
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert error_of(e) == ("InvalidAccessKeyId", 403)
    # With a wrong one it is an invalid token.
    s3 = emu.client("s3", **dict(good, aws_session_token="AQoDYXdzEJr" + "x" * 40))
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert error_of(e) == ("InvalidToken", 400)
    sts = emu.client("sts", **dict(good, aws_session_token="bogus"))
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    assert error_of(e) == ("InvalidClientTokenId", 403)


def test_request_log_and_stderr_hold_no_secrets(emu):
    emu.add_role("r")
    creds = emu.client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/r",
                                          RoleSessionName="sess")["Credentials"]
    s3 = emu.client("s3", aws_access_key_id=creds["AccessKeyId"],
                    aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"secret-free body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    urllib.request.urlopen(url, timeout=10).read()
    with pytest.raises(ClientError):
        emu.client("s3", aws_secret_access_key="wrong").list_buckets()
    log = urllib.request.urlopen(emu.endpoint + "/_emu/requests", timeout=10).read().decode()
    assert len(emu.requests()) == 5
    emu.stop()
    for text in (log, emu.stderr()):
        for secret in (emu.secret_key, creds["SecretAccessKey"], creds["SessionToken"],
                       "secret-free body", "X-Amz-Signature", "Security-Token"):
            assert secret not in text


class _FixedPayloadAuth(botocore.auth.S3SigV4Auth):
    """botocore's S3 signer with a chosen x-amz-content-sha256 value."""

    def __init__(self, creds, region, payload_hash):
        super().__init__(creds, "s3", region)
        self._payload_hash = payload_hash

    def payload(self, request):
        return self._payload_hash


def _sign_chunked(emu, host, path, chunks, tamper=False):
    """Builds an aws-chunked (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) upload the
    way the SDKs do: botocore signs the headers, each chunk signs its data
    chained from the previous signature."""
    data = b"".join(chunks)
    creds = botocore.credentials.Credentials(emu.access_key, emu.secret_key)
    req = botocore.awsrequest.AWSRequest(method="PUT", url=f"http://{host}{path}", headers={
        "Host": host,
        "Content-Encoding": "aws-chunked",
        "X-Amz-Decoded-Content-Length": str(len(data)),
    })
    _FixedPayloadAuth(creds, emu.region, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD").add_auth(req)
    amz_date = req.headers["X-Amz-Date"]
    seed = req.headers["Authorization"].rsplit("Signature=", 1)[1]
    scope = f"{amz_date[:8]}/{emu.region}/s3/aws4_request"

    def h(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()
    key = h(h(h(h(("AWS4" + emu.secret_key).encode(), amz_date[:8]), emu.region), "s3"), "aws4_request")
    body, prev = b"", seed
    for chunk in list(chunks) + [b""]:
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev,
                         hashlib.sha256(b"").hexdigest(), hashlib.sha256(chunk).hexdigest()])
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        if tamper and chunk:
            sig = "0" * 64
        body += f"{len(chunk):x};chunk-signature={sig}\r\n".encode() + chunk + b"\r\n"
        prev = sig
    headers = dict(req.headers.items())
    headers["Content-Length"] = str(len(body))
    return headers, body


def _send(emu, method, path, headers, body):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, r.read()


def test_aws_chunked_upload(emu):
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="bkt")
    host = f"127.0.0.1:{emu.port}"
    chunks = [b"a" * 65536, b"b" * 65536, b"tail"]
    headers, body = _sign_chunked(emu, host, "/bkt/chunked.bin", chunks)
    status, answer = _send(emu, "PUT", "/bkt/chunked.bin", headers, body)
    assert status == 200, answer
    got = s3.get_object(Bucket="bkt", Key="chunked.bin")
    data = b"".join(chunks)
    assert got["Body"].read() == data
    assert got["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert "ContentEncoding" not in got  # aws-chunked is not part of the object

    headers, body = _sign_chunked(emu, host, "/bkt/bad.bin", chunks, tamper=True)
    status, answer = _send(emu, "PUT", "/bkt/bad.bin", headers, body)
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in answer
    with pytest.raises(ClientError):
        s3.head_object(Bucket="bkt", Key="bad.bin")


def test_payload_hash_mismatch(emu):
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="bkt")
    host = f"127.0.0.1:{emu.port}"
    creds = botocore.credentials.Credentials(emu.access_key, emu.secret_key)
    req = botocore.awsrequest.AWSRequest(method="PUT", url=f"http://{host}/bkt/k", data=b"real",
                                         headers={"Host": host})
    _FixedPayloadAuth(creds, emu.region, hashlib.sha256(b"fake").hexdigest()).add_auth(req)
    status, answer = _send(emu, "PUT", "/bkt/k", dict(req.headers.items()), b"real")
    assert status == 400 and b"XAmzContentSHA256Mismatch" in answer


def test_virtual_host_signature_uses_host(emu):
    """A request signed for one bucket host cannot be replayed at another."""
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="one")
    s3.create_bucket(Bucket="two")
    creds = botocore.credentials.Credentials(emu.access_key, emu.secret_key)
    host = f"one.localhost:{emu.port}"
    req = botocore.awsrequest.AWSRequest(method="GET", url=f"http://{host}/?list-type=2",
                                         headers={"Host": host})
    botocore.auth.S3SigV4Auth(creds, "s3", emu.region).add_auth(req)
    headers = dict(req.headers.items())
    assert _send(emu, "GET", "/?list-type=2", headers, b"")[0] == 200
    headers["Host"] = f"two.localhost:{emu.port}"
    assert _send(emu, "GET", "/?list-type=2", headers, b"")[0] == 403


def test_retries_disabled_config_is_respected(emu):
    # The fixture's clients do not retry, so an auth failure is one request.
    with pytest.raises(ClientError):
        emu.client("s3", aws_secret_access_key="nope",
                   config=Config(retries={"max_attempts": 1})).list_buckets()
    assert len(emu.requests()) == 1


def test_sigv2_presigned_urls(emu):
    """boto3 1.26 presigns S3 URLs with SigV2 unless told otherwise."""
    s3 = emu.client("s3", config=Config(s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="a b.txt", Body=b"v2 body")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "a b.txt",
                                                          "ResponseContentType": "text/x-v2"})
    assert "AWSAccessKeyId=" in url and "X-Amz-" not in url
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.read() == b"v2 body"
        assert r.headers["Content-Type"] == "text/x-v2"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url.replace("text%2Fx-v2", "text%2Fother"), timeout=10)
    assert e.value.code == 403 and b"SignatureDoesNotMatch" in e.value.read()
    expired = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "a b.txt"},
                                        ExpiresIn=-10)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(expired, timeout=10)
    assert e.value.code == 403 and b"<Message>Request has expired</Message>" in e.value.read()


def test_debug_output_masks_session_tokens(emu_factory, monkeypatch):
    monkeypatch.setenv("FERRY_AWSEMU_DEBUG", "1")
    emu = emu_factory()
    emu.add_role("r")
    c = emu.client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/r",
                                      RoleSessionName="sess")["Credentials"]
    bad = emu.client("s3", aws_access_key_id=c["AccessKeyId"],
                     aws_secret_access_key=c["SecretAccessKey"] + "x",
                     aws_session_token=c["SessionToken"])
    with pytest.raises(ClientError):
        bad.list_buckets()
    url = bad.generate_presigned_url("list_buckets")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(url, timeout=10)
    emu.stop()
    err = emu.stderr()
    assert "x-amz-security-token:<redacted>" in err  # the canonical request is shown...
    assert "X-Amz-Security-Token=<redacted>" in err
    assert c["SessionToken"] not in err  # ...without the token
    assert c["SecretAccessKey"] not in err and emu.secret_key not in err


def test_unsigned_streaming_trailer_upload(emu):
    """STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked without chunk
    signatures and with a checksum trailer, as newer SDKs send it."""
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="bkt")
    host = f"127.0.0.1:{emu.port}"
    data = b"x" * 70000 + b"end"
    creds = botocore.credentials.Credentials(emu.access_key, emu.secret_key)
    req = botocore.awsrequest.AWSRequest(method="PUT", url=f"http://{host}/bkt/trailer.bin", headers={
        "Host": host, "Content-Encoding": "aws-chunked", "X-Amz-Trailer": "x-amz-checksum-crc32",
        "X-Amz-Decoded-Content-Length": str(len(data))})
    _FixedPayloadAuth(creds, emu.region, "STREAMING-UNSIGNED-PAYLOAD-TRAILER").add_auth(req)
    body = b""
    for chunk in (data[:65536], data[65536:]):
        body += f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    body += b"0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"
    headers = dict(req.headers.items())
    headers["Content-Length"] = str(len(body))
    status, answer = _send(emu, "PUT", "/bkt/trailer.bin", headers, body)
    assert status == 200, answer
    assert s3.get_object(Bucket="bkt", Key="trailer.bin")["Body"].read() == data
    # A body shorter than the declared decoded length is refused.
    headers["X-Amz-Decoded-Content-Length"] = str(len(data) + 1)
    req2 = botocore.awsrequest.AWSRequest(method="PUT", url=f"http://{host}/bkt/short.bin",
                                          headers={k: v for k, v in headers.items()
                                                   if k not in ("Authorization", "X-Amz-Date",
                                                                "X-Amz-Content-SHA256")})
    _FixedPayloadAuth(creds, emu.region, "STREAMING-UNSIGNED-PAYLOAD-TRAILER").add_auth(req2)
    status, answer = _send(emu, "PUT", "/bkt/short.bin", dict(req2.headers.items()), body)
    assert status == 400 and b"IncompleteBody" in answer
