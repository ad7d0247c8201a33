"""Setup mistakes `ferry build` users make, each answered with a message
that says what is wrong and where to look, and a documented exit code
(1: an AWS-side problem, 2: bad input), never a crash dump."""

import pytest

CRASH_SIGNS = ("Traceback", "terminate called", "what():", "Segmentation", "Aborted", "core dumped")


def make_dir(tmp_path):
    d = tmp_path / "proj"
    d.mkdir()
    (d / "Makefile").write_text("all:\n\techo ok > ok.txt\n")
    return d


def check(r, code, *phrases):
    out = r.stdout + r.stderr
    assert r.returncode == code, out
    for p in phrases:
        assert p in out, f"{p!r} not in:\n{out}"
    for s in CRASH_SIGNS:
        assert s not in out, out


def no_uploads(batch):
    return batch.uploads() == 0


def test_missing_bucket(batch, tmp_path):
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=batch.ferry_env(FERRY_AWS_BATCH_S3_BUCKET="no-such-bucket"))
    check(r, 1, "no-such-bucket", "FERRY_AWS_BATCH_S3_BUCKET", "exists")
    assert no_uploads(batch)


def test_unreadable_bucket(batch, tmp_path):
    batch.emu.set_faults({"error_500": {"s3": 1.0}})
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=batch.ferry_env(AWS_MAX_ATTEMPTS="1"))
    check(r, 1, batch.bucket, "s3:GetObject")
    assert not batch.jobs()  # nothing submitted


def test_no_bucket_configured(batch, tmp_path):
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=batch.ferry_env(FERRY_AWS_BATCH_S3_BUCKET=None))
    check(r, 2, "--aws-batch-s3-bucket", "FERRY_AWS_BATCH_S3_BUCKET", "build.bucket")


def test_no_credentials(batch, tmp_path):
    env = batch.ferry_env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=env)
    check(r, 1, "no AWS credentials", "AWS_ACCESS_KEY_ID")
    assert not batch.jobs()


def test_missing_job_definition_is_found_before_uploading(batch, tmp_path):
    r = batch.ferry("build", "--aws-batch", "--aws-batch-job", "no-such-def", make_dir(tmp_path))
    check(r, 1, "job definition 'no-such-def'", "us-east-1", "--aws-batch-job")
    assert no_uploads(batch)


def test_missing_queue_is_found_before_uploading(batch, tmp_path):
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=batch.ferry_env(FERRY_AWS_BATCH_QUEUE="no-such-queue"))
    check(r, 1, "job queue 'no-such-queue'", "us-east-1", "FERRY_AWS_BATCH_QUEUE")
    assert no_uploads(batch)


def test_config_file_settings_and_precedence(batch, tmp_path):
    cfg = tmp_path / "ferry.conf"
    cfg.write_text("build {\n    queue = 'queue-from-config'\n}\n")
    env = batch.ferry_env(FERRY_CONFIG=str(cfg))
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=env)
    check(r, 1, "queue-from-config", str(cfg))  # the config file is read...
    env["FERRY_AWS_BATCH_QUEUE"] = "queue-from-env"
    r = batch.ferry("build", "--aws-batch", tmp_path / "proj", env=env)
    check(r, 1, "queue-from-env")  # ...the environment beats it...
    r = batch.ferry("build", "--aws-batch", "--aws-batch-queue", "ferry-job-queue", tmp_path / "proj", env=env)
    check(r, 0, "Job SUCCEEDED")  # ...and the option beats both


def test_bad_config_file(batch, tmp_path):
    cfg = tmp_path / "ferry.conf"
    cfg.write_text("build {\n    cpus = 'many'\n}\n")
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=batch.ferry_env(FERRY_CONFIG=str(cfg)))
    check(r, 2, f"{cfg}:2:", "build.cpus", "many")


def test_attach_to_unknown_job(batch, tmp_path):
    r = batch.ferry("build", "--aws-batch", "--attach", "00000000-dead-beef-0000-000000000000", "--no-download")
    check(r, 1, "00000000-dead-beef-0000-000000000000", "us-east-1", "--list")


@pytest.mark.parametrize("opt", [["--attach", "some-id"], ["--detach"], ["--cancel"]])
def test_batch_options_without_aws_batch(batch, tmp_path, opt):
    r = batch.ferry("build", *opt, make_dir(tmp_path))
    check(r, 2, "did you forget --aws-batch?", opt[0])


def test_bad_arguments(batch, tmp_path):
    check(batch.ferry("build", "--aws-batch", tmp_path / "missing"), 2, "missing", "does not exist")
    empty = tmp_path / "empty"
    empty.mkdir()
    check(batch.ferry("build", "--local", empty), 2, "Snakefile", "--exec")
    check(batch.ferry("build", "--local", "--memroy", "2gib", empty), 2, "unknown option '--memroy'", "--memory")
    check(batch.ferry("build", "--local", "--memory", "2 parsecs", make_dir(tmp_path)), 2, "--memory", "gib")


def test_no_credentials_is_said_once(batch, tmp_path):
    env = batch.ferry_env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
                          AWS_CONFIG_FILE="/nonexistent", AWS_EC2_METADATA_DISABLED="true")
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path), env=env)
    check(r, 1, "no AWS credentials found", "--profile or AWS_PROFILE")
    assert (r.stdout + r.stderr).count("no AWS credentials found") == 1, r.stderr


def test_wrong_queue_lists_the_queues_that_exist(batch, tmp_path):
    r = batch.ferry("build", "--aws-batch", "--aws-batch-queue", "ferry-job-queu", make_dir(tmp_path))
    check(r, 1, "job queue 'ferry-job-queu'", "the queues there: ferry-job-queue", "--aws-batch-queue")
    assert no_uploads(batch)


def test_disabled_queue_is_an_error_before_uploading(batch, tmp_path):
    batch.batch.update_job_queue(jobQueue="ferry-job-queue", state="DISABLED")
    r = batch.ferry("build", "--aws-batch", make_dir(tmp_path))
    check(r, 1, "job queue 'ferry-job-queue'", "DISABLED", "--state ENABLED")
    assert no_uploads(batch)
    assert not batch.jobs()


def test_job_that_ran_nothing_fails(batch, tmp_path):
    # A "CLI" that does nothing: the job fetches nothing, runs `true`, sends
    # nothing back, and Batch reports SUCCEEDED.
    r = batch.ferry("build", "--aws-batch", "--aws-batch-cli", "/bin/true", "--exec", "true", make_dir(tmp_path))
    check(r, 1, "SUCCEEDED but ran nothing", "results-mtimes", "job definition 'ferry-job'")
    assert "Downloading results" not in r.stdout
