"""CloudWatch Logs in ferry-awsemu, driven through boto3 and the aws CLI:
log groups and streams, PutLogEvents, GetLogEvents paging with tokens that
behave like AWS's, FilterLogEvents, retention, and AWS's error shapes."""

import json
import time

import botocore.exceptions
import pytest


@pytest.fixture
def logs(emu):
    c = emu.client("logs")
    yield c
    c.close()  # no idle keep-alive connection to delay the emulator's shutdown


def now_ms():
    return int(time.time() * 1000)


def error_of(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def put(logs, group, stream, messages, start=None):
    t = start if start is not None else now_ms()
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": t + i, "message": m} for i, m in enumerate(messages)])
    return t


def test_log_groups_create_describe_retention_delete(logs):
    for name in ("/app/a", "/app/b", "/app/c", "/other/x"):
        logs.create_log_group(logGroupName=name)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.create_log_group(logGroupName="/app/a")
    assert error_of(err) == ("ResourceAlreadyExistsException", 400)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.create_log_group(logGroupName="no spaces allowed")
    assert error_of(err) == ("InvalidParameterException", 400)

    groups = logs.describe_log_groups(logGroupNamePrefix="/app/")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/app/a", "/app/b", "/app/c"]
    assert all(g["arn"].endswith(f"log-group:{g['logGroupName']}:*") for g in groups)

    pages = list(logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix="/app/", PaginationConfig={"PageSize": 2}))
    assert [[g["logGroupName"] for g in p["logGroups"]] for p in pages] == [["/app/a", "/app/b"], ["/app/c"]]

    logs.put_retention_policy(logGroupName="/app/b", retentionInDays=7)
    b = logs.describe_log_groups(logGroupNamePrefix="/app/b")["logGroups"][0]
    assert b["retentionInDays"] == 7
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.put_retention_policy(logGroupName="/app/b", retentionInDays=8)
    assert error_of(err) == ("InvalidParameterException", 400)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.put_retention_policy(logGroupName="/missing", retentionInDays=7)
    assert error_of(err) == ("ResourceNotFoundException", 400)

    logs.delete_retention_policy(logGroupName="/app/b")
    assert "retentionInDays" not in logs.describe_log_groups(logGroupNamePrefix="/app/b")["logGroups"][0]

    logs.delete_log_group(logGroupName="/app/a")
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert "/app/a" not in names and "/other/x" in names
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.delete_log_group(logGroupName="/app/a")
    assert error_of(err) == ("ResourceNotFoundException", 400)


def test_log_group_tags_from_create_tag_and_untag(logs):
    # `ferry aws setup` tags its log group and finds it again by the tag.
    logs.create_log_group(logGroupName="/t/tagged", tags={"ferry:setup": "lab", "team": "x"})
    assert logs.list_tags_log_group(logGroupName="/t/tagged")["tags"] == {"ferry:setup": "lab", "team": "x"}
    logs.tag_log_group(logGroupName="/t/tagged", tags={"team": "y", "cost": "c1"})
    logs.untag_log_group(logGroupName="/t/tagged", tags=["cost"])
    assert logs.list_tags_log_group(logGroupName="/t/tagged")["tags"] == {"ferry:setup": "lab", "team": "y"}
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.list_tags_log_group(logGroupName="/t/missing")
    assert error_of(err) == ("ResourceNotFoundException", 400)


def test_retention_hides_expired_events(logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    old = now_ms() - 3 * 86400 * 1000
    put(logs, "g", "s", ["old"], start=old)
    put(logs, "g", "s", ["new"])
    logs.put_retention_policy(logGroupName="g", retentionInDays=1)
    events = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["new"]


def test_log_streams_describe_order_prefix_and_pages(logs):
    logs.create_log_group(logGroupName="g")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.create_log_stream(logGroupName="missing", logStreamName="s")
    assert error_of(err) == ("ResourceNotFoundException", 400)
    t = now_ms()
    for i, name in enumerate(["job/b", "job/a", "job/c", "other"]):
        logs.create_log_stream(logGroupName="g", logStreamName=name)
        put(logs, "g", name, [f"m{i}"], start=t + 1000 * i)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.create_log_stream(logGroupName="g", logStreamName="job/a")
    assert error_of(err) == ("ResourceAlreadyExistsException", 400)

    by_name = logs.describe_log_streams(logGroupName="g")["logStreams"]
    assert [s["logStreamName"] for s in by_name] == ["job/a", "job/b", "job/c", "other"]
    a = by_name[0]
    assert a["firstEventTimestamp"] == a["lastEventTimestamp"] == t + 1000
    assert a["storedBytes"] == 2

    newest_first = logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", descending=True)
    assert [s["logStreamName"] for s in newest_first["logStreams"]] == ["other", "job/c", "job/a", "job/b"]

    prefixed = logs.describe_log_streams(logGroupName="g", logStreamNamePrefix="job/", descending=True)
    assert [s["logStreamName"] for s in prefixed["logStreams"]] == ["job/c", "job/b", "job/a"]

    pages = list(logs.get_paginator("describe_log_streams").paginate(
        logGroupName="g", PaginationConfig={"PageSize": 3}))
    assert [len(p["logStreams"]) for p in pages] == [3, 1]

    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", logStreamNamePrefix="job/")
    assert error_of(err) == ("InvalidParameterException", 400)

    logs.delete_log_stream(logGroupName="g", logStreamName="other")
    assert [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="g")["logStreams"]] == [
        "job/a", "job/b", "job/c"]
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.delete_log_stream(logGroupName="g", logStreamName="other")
    assert error_of(err) == ("ResourceNotFoundException", 400)


def test_get_log_events_tokens_behave_like_aws(logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    t = put(logs, "g", "s", [f"line {i}" for i in range(5)])

    # From the head, two at a time.
    page = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True, limit=2)
    got = [e["message"] for e in page["events"]]
    token = page["nextForwardToken"]
    while True:
        page = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=token, limit=2)
        if page["nextForwardToken"] == token:
            assert page["events"] == []
            break
        got += [e["message"] for e in page["events"]]
        token = page["nextForwardToken"]
    assert got == [f"line {i}" for i in range(5)]
    assert token.startswith("f/")

    # Nothing new: the same forward token comes back, again and again.
    again = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=token)
    assert again["events"] == [] and again["nextForwardToken"] == token
    # New events appear behind the token a poller holds.
    put(logs, "g", "s", ["line 5", "line 6"], start=t + 10)
    fresh = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=token)
    assert [e["message"] for e in fresh["events"]] == ["line 5", "line 6"]
    assert fresh["nextForwardToken"] != token

    # Without startFromHead the newest events come first; backward tokens page back.
    tail = logs.get_log_events(logGroupName="g", logStreamName="s", limit=3)
    assert [e["message"] for e in tail["events"]] == ["line 4", "line 5", "line 6"]
    back = logs.get_log_events(logGroupName="g", logStreamName="s", limit=3, nextToken=tail["nextBackwardToken"])
    assert [e["message"] for e in back["events"]] == ["line 1", "line 2", "line 3"]
    assert back["nextBackwardToken"].startswith("b/")

    # A time window.
    window = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True,
                                 startTime=t + 1, endTime=t + 3)
    assert [e["message"] for e in window["events"]] == ["line 1", "line 2"]
    assert all("ingestionTime" in e and "timestamp" in e for e in window["events"])

    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.get_log_events(logGroupName="g", logStreamName="missing")
    assert error_of(err) == ("ResourceNotFoundException", 400)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.get_log_events(logGroupName="g", logStreamName="s", nextToken="garbage")
    assert error_of(err) == ("InvalidParameterException", 400)


def test_put_log_events_checks_order_and_reports_rejected(logs):
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    t = now_ms()
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": t, "message": "b"}, {"timestamp": t - 5, "message": "a"}])
    assert error_of(err) == ("InvalidParameterException", 400)
    r = logs.put_log_events(logGroupName="g", logStreamName="s", logEvents=[
        {"timestamp": t - 20 * 86400 * 1000, "message": "ancient"},
        {"timestamp": t, "message": "ok"},
        {"timestamp": t + 5 * 3600 * 1000, "message": "future"}])
    assert r["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2}
    events = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in events] == ["ok"]
    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.put_log_events(logGroupName="g", logStreamName="nope", logEvents=[{"timestamp": t, "message": "x"}])
    assert error_of(err) == ("ResourceNotFoundException", 400)


def test_filter_log_events_streams_time_pattern_and_pages(logs):
    logs.create_log_group(logGroupName="g")
    t = now_ms() - 10000
    for name in ("a", "b", "c"):
        logs.create_log_stream(logGroupName="g", logStreamName=name)
    put(logs, "g", "a", ["ERROR one", "info two", "ERROR three"], start=t)
    put(logs, "g", "b", ["ERROR four", "info five"], start=t + 10)
    put(logs, "g", "c", ["ERROR six"], start=t + 20)

    r = logs.filter_log_events(logGroupName="g", filterPattern="ERROR")
    assert [e["message"] for e in r["events"]] == ["ERROR one", "ERROR three", "ERROR four", "ERROR six"]
    assert [e["logStreamName"] for e in r["events"]] == ["a", "a", "b", "c"]
    assert len({e["eventId"] for e in r["events"]}) == 4
    assert "nextToken" not in r

    only_ab = logs.filter_log_events(logGroupName="g", logStreamNames=["a", "b"], filterPattern="ERROR",
                                     startTime=t + 2)
    assert [e["message"] for e in only_ab["events"]] == ["ERROR three", "ERROR four"]
    assert {s["logStreamName"] for s in only_ab["searchedLogStreams"]} == {"a", "b"}

    both_terms = logs.filter_log_events(logGroupName="g", filterPattern='info "five"')
    assert [e["message"] for e in both_terms["events"]] == ["info five"]

    pages = list(logs.get_paginator("filter_log_events").paginate(
        logGroupName="g", PaginationConfig={"PageSize": 2}))
    assert [len(p["events"]) for p in pages] == [2, 2, 2]
    assert [e["message"] for p in pages for e in p["events"]] == [
        "ERROR one", "info two", "ERROR three", "ERROR four", "info five", "ERROR six"]

    with pytest.raises(botocore.exceptions.ClientError) as err:
        logs.filter_log_events(logGroupName="missing")
    assert error_of(err) == ("ResourceNotFoundException", 400)


def test_cli_get_log_events_and_errors(emu, logs):
    logs.create_log_group(logGroupName="/cli")
    logs.create_log_stream(logGroupName="/cli", logStreamName="s")
    put(logs, "/cli", "s", ["hello from the cli test"])
    proc = emu.aws("logs", "get-log-events", "--log-group-name", "/cli", "--log-stream-name", "s",
                   "--start-from-head")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [e["message"] for e in out["events"]] == ["hello from the cli test"]
    assert out["nextForwardToken"].startswith("f/")
    proc = emu.aws("logs", "get-log-events", "--log-group-name", "/cli", "--log-stream-name", "missing")
    assert proc.returncode != 0
    assert "(ResourceNotFoundException)" in proc.stderr
