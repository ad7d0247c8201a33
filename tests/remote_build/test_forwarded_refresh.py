"""`ferry build --forward-aws-credentials` with credentials that expire
while the job runs: ferry, following the job (also after --detach and
--attach), hands it each refreshed set, so a build that outlives three
lifetimes of its credentials still sends its results back; and nothing of
them is left in the bucket."""

from tests.conftest import built_binary

from .conftest import _start
from .test_control import job_id_from
from .test_resources import make_dir

ACCOUNT = "123456789012"
LIFETIME_S = 5


def start_with_role(emu_factory, tmp_path):
    b = _start(emu_factory, tmp_path, extra_args=("--min-role-duration", "1"))
    b.emu.add_role("builder")
    with open(b.emu.credentials_file, "w") as f:
        f.write(f"[base]\naws_access_key_id = {b.emu.access_key}\naws_secret_access_key = {b.emu.secret_key}\n")
    with open(b.emu.config_file, "w") as f:
        f.write(f"[profile builder]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/builder\nsource_profile = base\n"
                f"duration_seconds = {LIFETIME_S}\n")
    # Only the role: the job has nothing else to send its results with.
    return b, b.ferry_env(AWS_PROFILE="builder", AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)


def test_a_build_outlives_three_lifetimes_of_forwarded_credentials(emu_factory, tmp_path):
    b, env = start_with_role(emu_factory, tmp_path)
    d = make_dir(tmp_path, f"sleep {3 * LIFETIME_S + 1}; echo ok > ok.txt")
    # ferry-job as the job's S3 CLI: its 10 ms start keeps the test's
    # lifetimes short (the Python aws CLI takes a second or more per call).
    cli = ["--aws-batch-cli", built_binary("FERRY_JOB_BIN")]
    # Submitted by one ferry that detaches at once, followed to the end by
    # another: the second takes up refreshing what the first forwarded.
    r = b.ferry("build", "--aws-batch", "--detach", *cli, "--forward-aws-credentials", d, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "forwarded to the job expire at" in r.stderr
    job_id = job_id_from(r.stdout)
    r = b.ferry("build", "--aws-batch", "--attach", job_id, d, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (d / "ok.txt").read_text() == "ok\n"
    log = b.emu.requests()
    assert len([x for x in log if x.get("operation") == "AssumeRole"]) >= 4
    # No call of the job's was refused for an expired set; its results went
    # back to the mirror after the first set had long expired.
    assert not [x for x in log if x.get("error_code") in ("ExpiredToken", "ExpiredTokenException")]
    [job] = b.jobs()
    sent = [x for x in log if x.get("operation") == "PutObject" and x["path"].endswith("/tree/ok.txt")]
    assert sent and sent[-1]["time_ms"] - job["startedAt"] > 3 * LIFETIME_S * 1000
    # Every set the job was handed is gone from the bucket.
    left = b.s3.list_objects_v2(Bucket=b.bucket).get("Contents", [])
    assert not [o["Key"] for o in left if "/credentials-" in o["Key"]]
    assert b.emu.secret_key not in r.stdout + r.stderr
    b.close()
