"""A run on Batch whose own AWS credentials (an assumed role) last 3 s and
which takes over three times as long: ferry refreshes them before they
expire, so every upload, SubmitJob, DescribeJobs and download of the run
goes through, and the run finishes."""
import time

from .conftest import JOB_CLI, awsbatch_config, ok, output

ACCOUNT = "123456789012"
LIFETIME_S = 3

SLOW = """\
tasks:
  slow:
    output:
      o: out.txt
    publish: results
    script: sleep 10; echo done > {{ output.o }}
"""


def test_a_run_outlives_three_lifetimes_of_its_credentials(make_world):
    w = make_world(emu_args=("--min-role-duration", "1"))
    w.emu.add_role("runner")
    with open(w.emu.credentials_file, "w") as f:
        f.write(f"[base]\naws_access_key_id = {w.emu.access_key}\naws_secret_access_key = {w.emu.secret_key}\n")
    with open(w.emu.config_file, "w") as f:
        f.write(f"[profile runner]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/runner\nsource_profile = base\n"
                f"duration_seconds = {LIFETIME_S}\n")
    w.write("pipeline.yml", SLOW)
    w.write("batch.config", awsbatch_config(JOB_CLI))
    started = time.time()
    p = ok(w.run("run", ".", "-c", "batch.config", env={"AWS_PROFILE": "runner"},
                 drop_env=("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")))
    assert time.time() - started > 3 * LIFETIME_S
    assert w.read("results/out.txt") == "done\n"
    log = w.requests()
    assert len([r for r in log if r["operation"] == "AssumeRole"]) >= 4, output(p)
    assert not [r for r in log if r.get("error_code") in ("ExpiredToken", "ExpiredTokenException")], output(p)
    assert w.emu.secret_key not in output(p)
