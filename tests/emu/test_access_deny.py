"""The `deny` fault: S3 requests that need a denied IAM action answer 403
AccessDenied with S3's XML error, for the named bucket only; set at start-up
(--fault deny=ACTION[:BUCKET]) or through /_emu/faults. Also the request
log's arrival time (time_ms)."""

import json
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError


def make_buckets(emu, *names):
    s3 = emu.client("s3")
    for n in names:
        s3.create_bucket(Bucket=n)
        s3.put_object(Bucket=n, Key="seed.txt", Body=b"seed")
    return s3


def error_code(call):
    with pytest.raises(ClientError) as e:
        call()
    return e.value.response["Error"]["Code"], e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_put_denied_on_one_bucket_only(emu):
    s3 = make_buckets(emu, "locked", "open")
    emu.set_faults({"deny": [{"action": "s3:PutObject", "bucket": "locked"}]})
    assert error_code(lambda: s3.put_object(Bucket="locked", Key="k", Body=b"x")) == ("AccessDenied", 403)
    # Reads on the same bucket and writes elsewhere still work.
    assert s3.get_object(Bucket="locked", Key="seed.txt")["Body"].read() == b"seed"
    s3.put_object(Bucket="open", Key="k", Body=b"x")
    entry = [r for r in emu.requests() if r["operation"] == "PutObject" and r["status"] == 403][-1]
    assert entry["error_code"] == "AccessDenied" and entry["fault"] == "deny"
    # The object was not written.
    assert error_code(lambda: s3.head_object(Bucket="locked", Key="k"))[1] == 404


def test_error_body_is_s3_xml(emu):
    make_buckets(emu, "locked")
    emu.set_faults({"deny": [{"action": "s3:GetObject", "bucket": "locked"}]})
    r = emu.aws("s3api", "get-object", "--bucket", "locked", "--key", "seed.txt", "/dev/null")
    assert r.returncode != 0
    assert "AccessDenied" in r.stderr and "Access Denied" in r.stderr


def test_wildcard_action_and_copy_checks_both_buckets(emu):
    s3 = make_buckets(emu, "src", "dst")
    emu.set_faults({"deny": [{"action": "s3:GetObject", "bucket": "src"}]})
    # CopyObject reads the source: denied although the destination is writable.
    assert error_code(lambda: s3.copy_object(Bucket="dst", Key="c", CopySource="src/seed.txt"))[0] == "AccessDenied"
    emu.set_faults({"deny": [{"action": "s3:*", "bucket": "dst"}]})
    assert error_code(lambda: s3.list_objects_v2(Bucket="dst"))[0] == "AccessDenied"
    assert error_code(lambda: s3.head_bucket(Bucket="dst"))[1] == 403
    assert error_code(lambda: s3.delete_object(Bucket="dst", Key="seed.txt"))[0] == "AccessDenied"
    assert s3.list_objects_v2(Bucket="src")["KeyCount"] == 1
    # Clearing the rules lifts the denial.
    emu.set_faults({})
    assert s3.list_objects_v2(Bucket="dst")["KeyCount"] == 1


def test_startup_flag_and_round_trip(emu_factory):
    emu = emu_factory("--fault", "deny=s3:PutObject:locked", "--fault", "deny=s3:ListBucket")
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="locked")
    assert emu.faults()["deny"] == [{"action": "s3:PutObject", "bucket": "locked"}, {"action": "s3:ListBucket"}]
    assert error_code(lambda: s3.put_object(Bucket="locked", Key="k", Body=b"x"))[0] == "AccessDenied"
    assert error_code(lambda: s3.list_objects_v2(Bucket="locked"))[0] == "AccessDenied"
    # GET /_emu/faults output is accepted back by POST.
    assert emu.set_faults(emu.faults()) == emu.faults()
    emu.reset()  # back to the start-up rules
    assert len(emu.faults()["deny"]) == 2


def test_bad_deny_rule_is_rejected(emu):
    req = urllib.request.Request(emu.endpoint + "/_emu/faults", method="POST",
                                 data=json.dumps({"deny": [{"action": "PutObject"}]}).encode())
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 400
    assert "not an S3 action" in json.loads(e.value.read())["error"]


def test_request_log_has_arrival_time_in_epoch_millis(emu):
    before = int(time.time() * 1000)
    emu.client("sts").get_caller_identity()
    emu.client("batch").describe_job_queues()
    after = int(time.time() * 1000)
    entries = emu.requests()
    assert len(entries) == 2
    times = [e["time_ms"] for e in entries]
    assert all(before - 5 <= t <= after + 5 for t in times), (before, times, after)
    assert times == sorted(times)
