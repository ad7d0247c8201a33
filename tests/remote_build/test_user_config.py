"""One user config, one language: the file FERRY_CONFIG names (else
~/.ferry/config) holds `ferry run`'s settings and `ferry build`'s side by
side, and every command reads it; the old `[aws-batch]` INI form is an
error that shows the same settings rewritten."""

import os
import shutil
import subprocess

from tests.conftest import ferry_bin

HERE = os.path.dirname(os.path.abspath(__file__))
CHAIN = os.path.join(HERE, "..", "..", "examples", "chain")

CONFIG = """\
process {
    cpus = 1
    errorStrategy = 'terminate'
}
params.outdir = 'published'
build {
    bucket = 'ferry-builds'
    queue = 'ferry-job-queue'
    jobDefinition = 'ferry-job'
    cpus = 1
    memory = '2 GB'
}
"""


def pipeline_dir(tmp_path):
    d = tmp_path / "proj"
    shutil.copytree(CHAIN, d)
    return d


def test_one_config_serves_ferry_run_and_ferry_build(batch, tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text(CONFIG)
    env = batch.ferry_env(FERRY_CONFIG=str(cfg), FERRY_AWS_BATCH_S3_BUCKET=None)

    d = pipeline_dir(tmp_path)
    r = subprocess.run([ferry_bin(), "run", "pipeline.yml"], cwd=d, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "warning" not in r.stderr, r.stderr
    assert os.listdir(d / "published"), "ferry run did not read params.outdir from the config"

    d = pipeline_dir(tmp_path / "local")
    r = batch.ferry("build", "--local", d, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert os.listdir(d / "published")

    # The bucket comes from the config alone (the variable is unset).
    d = pipeline_dir(tmp_path / "batch")
    r = batch.ferry("build", "--aws-batch", d, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "warning" not in r.stderr, r.stderr
    assert "s3://ferry-builds/" in r.stdout, r.stdout
    job = batch.jobs()[-1]
    assert {"type": "MEMORY", "value": "2048"} in job["container"]["resourceRequirements"], job["container"]


def test_old_ini_form_is_an_error_showing_the_new_form(batch, tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("# mine\n[aws-batch]\ns3-bucket = ferry-builds\nqueue = ferry-job-queue\n")
    env = batch.ferry_env(FERRY_CONFIG=str(cfg))
    d = pipeline_dir(tmp_path)
    for args in (["build", "--aws-batch", str(d)], ["run", str(d / "pipeline.yml")]):
        r = subprocess.run([ferry_bin(), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, r.stdout + r.stderr
        assert f"{cfg}:2: '[aws-batch]' is the old INI form" in r.stderr, r.stderr
        assert "build {\n    bucket = 'ferry-builds'\n    queue = 'ferry-job-queue'\n}" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and "unexpected '['" not in r.stderr
    assert not batch.jobs()
    assert not (d / "results").exists() and not (d / "published").exists()


def test_ferry_build_takes_the_aws_settings_ferry_run_takes_from_the_config(batch, tmp_path):
    # No AWS_ENDPOINT_URL: only aws.client.endpoint in the user config says where AWS is.
    cfg = tmp_path / "config"
    cfg.write_text(CONFIG + f"aws {{\n    region = 'us-east-1'\n    client.endpoint = '{batch.emu.endpoint}'\n}}\n")
    env = batch.ferry_env(FERRY_CONFIG=str(cfg), FERRY_AWS_BATCH_S3_BUCKET=None, AWS_ENDPOINT_URL=None)
    d = pipeline_dir(tmp_path)
    r = batch.ferry("build", "--aws-batch", d, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "s3://ferry-builds/" in r.stdout, r.stdout
    assert batch.jobs(), "no job reached the emulator"


def test_build_mirror_and_results_carry_the_configs_encryption(batch, tmp_path):
    # The objects ferry uploads into the mirror and those the job sends back
    # (its results, their times) are encrypted with the user config's key.
    cfg = tmp_path / "config"
    cfg.write_text(CONFIG + "aws.client.storageEncryption = 'aws:kms'\naws.client.storageKmsKeyId = 'alias/builds'\n"
                   "aws.client.storageClass = 'STANDARD_IA'\n")
    env = batch.ferry_env(FERRY_CONFIG=str(cfg))
    d = pipeline_dir(tmp_path)
    r = batch.ferry("build", "--aws-batch", d, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    keys = [o["Key"] for page in batch.s3.get_paginator("list_objects_v2").paginate(Bucket=batch.bucket)
            for o in page.get("Contents", [])]
    assert any("/tree/.ferry/" in k for k in keys), keys  # written by the workflow in the job, sent back
    assert any(k.endswith("/results-mtimes") for k in keys), keys
    for k in keys:
        head = batch.s3.head_object(Bucket=batch.bucket, Key=k)
        assert head.get("SSEKMSKeyId") == "arn:aws:kms:us-east-1:123456789012:alias/builds", k
        assert head.get("StorageClass") == "STANDARD_IA", k
