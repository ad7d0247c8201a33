"""Fault injection in ferry-awsemu: throttling with each service's real error,
5xx answers, connection resets and latency, set at start-up or through
/_emu/faults, and visible in the request log; plus /_emu/reset."""

import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.conftest import awsemu_bin

CALLS = {
    "s3": lambda c: c.list_buckets(),
    "sts": lambda c: c.get_caller_identity(),
    "logs": lambda c: c.describe_log_groups(),
    "batch": lambda c: c.describe_job_queues(),
}


@pytest.mark.parametrize("service,code,status", [
    ("s3", "SlowDown", 503),
    ("sts", "Throttling", 400),
    ("logs", "ThrottlingException", 400),
    ("batch", "TooManyRequestsException", 429),
])
def test_throttling_uses_each_services_error(emu, service, code, status):
    emu.set_faults({"throttle": {service: 1.0}})
    with pytest.raises(ClientError) as e:
        CALLS[service](emu.client(service))
    assert e.value.response["Error"]["Code"] == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    entry = emu.requests()[-1]
    assert entry["fault"] == "throttle" and entry["status"] == status
    # Other services are untouched.
    other = "sts" if service != "sts" else "s3"
    CALLS[other](emu.client(other))


@pytest.mark.parametrize("kind,status,code", [("error_500", 500, "InternalError"),
                                              ("error_503", 503, "ServiceUnavailable")])
def test_server_errors(emu, kind, status, code):
    emu.set_faults({kind: 1.0})
    with pytest.raises(ClientError) as e:
        emu.client("s3").list_buckets()
    assert e.value.response["Error"]["Code"] == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_connection_reset(emu):
    emu.set_faults({"connection_reset": {"s3": 1.0}})
    with pytest.raises(BotoCoreError) as e:
        emu.client("s3").list_buckets()
    assert "Connection" in type(e.value).__name__
    assert emu.requests()[-1]["fault"] == "connection_reset"


def test_latency(emu):
    s3 = emu.client("s3")
    s3.list_buckets()
    emu.set_faults({"latency_ms": 400})
    t = time.monotonic()
    s3.list_buckets()
    assert time.monotonic() - t >= 0.4


def test_sdk_retries_through_faults(emu):
    emu.set_faults({"throttle": {"s3": 0.5}, "seed": 7})
    s3 = emu.client("s3", config=Config(s3={"addressing_style": "path"},
                                        retries={"max_attempts": 20, "mode": "standard"}))
    s3.create_bucket(Bucket="bkt")
    for i in range(10):
        s3.put_object(Bucket="bkt", Key=f"k{i}", Body=b"x")
    log = emu.requests()
    throttled = [x for x in log if x.get("fault") == "throttle"]
    assert throttled, "with p=0.5 some of the ~20 requests must have been throttled"
    assert all(x["error_code"] == "SlowDown" for x in throttled)
    assert sum(1 for x in log if x["operation"] == "PutObject" and x["status"] == 200) == 10


def test_aws_cli_retries_throttling(emu):
    emu.client("s3").create_bucket(Bucket="bkt")
    emu.set_faults({"throttle": {"s3": 0.4}, "seed": 3})
    r = emu.aws("s3", "ls", "s3://bkt", env=emu.env(AWS_MAX_ATTEMPTS="20"))
    assert r.returncode == 0, r.stderr
    assert any(x.get("fault") == "throttle" for x in emu.requests())


def test_faults_endpoint_roundtrip_and_errors(emu):
    got = emu.set_faults({"throttle": {"batch": 0.25, "*": 0.1}, "hold_runnable": True,
                          "host_termination": 0.5, "host_termination_per_attempt": 0.1,
                          "latency_ms": 5})
    assert got == emu.faults()
    assert got["throttle"] == {"batch": 0.25, "*": 0.1}
    assert got["hold_runnable"] is True and got["host_termination"] == 0.5
    assert got["host_termination_per_attempt"] == 0.1
    for bad, words in [({"throttle": 2}, "between 0 and 1"),
                       ({"throtle": 0.1}, "did you mean 'throttle'"),
                       ({"throttle": {"s4": 0.1}}, "unknown service 's4'"),
                       ({"hold_runnable": "yes"}, "true or false")]:
        req = urllib.request.Request(emu.endpoint + "/_emu/faults", data=json.dumps(bad).encode(),
                                     method="POST")
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        assert e.value.code == 400
        assert words in json.loads(e.value.read())["error"]
    assert emu.faults() == got  # refused settings change nothing


def test_startup_fault_flags(emu_factory):
    emu = emu_factory("--fault", "throttle.s3=1", "--fault", "hold_runnable=true",
                      "--fault", "seed=5")
    f = emu.faults()
    assert f["throttle"] == {"s3": 1.0} and f["hold_runnable"] is True and f["seed"] == 5
    with pytest.raises(ClientError) as e:
        emu.client("s3").list_buckets()
    assert e.value.response["Error"]["Code"] == "SlowDown"
    # Reset returns to the start-up settings, and forgets the log and data.
    emu.set_faults({})
    emu.client("s3").create_bucket(Bucket="gone")
    emu.reset()
    assert emu.requests() == []
    assert emu.faults()["throttle"] == {"s3": 1.0}
    emu.set_faults({})
    assert emu.client("s3").list_buckets()["Buckets"] == []


def test_bad_fault_flag_is_a_usage_error(tmp_path):
    r = subprocess.run([awsemu_bin(), "--port", "0", "--data-dir", str(tmp_path),
                        "--access-key", "AK", "--secret-key", "SK", "--fault", "throttle.s3=abc"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "'abc' is not a number" in r.stderr
    assert "SK" not in r.stderr.replace("SKIP", "")


def test_admin_endpoints_are_not_logged_or_faulted(emu):
    emu.set_faults({"error_500": 1.0, "connection_reset": 0.0})
    emu.faults()
    assert emu.requests() == []
