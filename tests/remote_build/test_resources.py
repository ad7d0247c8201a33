"""What the Batch job carries: the requested size as resourceRequirements
(MiB for memory), the workflow command, and never an AWS secret, also when
the user's credentials are forwarded to the job. Also the warning for a job
stuck in RUNNABLE."""

import json
import subprocess

from tests.conftest import ferry_bin

from .test_control import job_id_from, wait_status


def make_dir(tmp_path, recipe="echo ok > ok.txt"):
    d = tmp_path / "proj"
    d.mkdir(exist_ok=True)
    (d / "Makefile").write_text(f"all:\n\t{recipe}\n")
    return d


def secrets_of(batch):
    return [batch.emu.secret_key]


def test_cpus_and_memory_size_the_job(batch, tmp_path):
    d = make_dir(tmp_path, "@echo makeflags=$(MAKEFLAGS)")
    r = batch.ferry("build", "--aws-batch", "--cpus", "8", "--memory", "14gib", d)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[batch] makeflags=" in r.stdout and "j8" in r.stdout  # make was told too
    [job] = batch.jobs()
    req = {x["type"]: x["value"] for x in job["container"]["resourceRequirements"]}
    assert req == {"VCPU": "8", "MEMORY": "14336"}
    cmd = job["container"]["command"]
    assert cmd[:2] == ["sh", "-c"] and cmd[3:] == ["sh", "make", "-j8"]
    env = {e["name"]: e["value"] for e in job["container"]["environment"]}
    assert env["FERRY_BUILD_TREE_URL"].startswith(f"s3://{batch.bucket}/")


def test_no_secret_in_the_job(batch, tmp_path):
    d = make_dir(tmp_path)
    for extra in ([], ["--forward-aws-credentials"]):
        r = batch.ferry("build", "--aws-batch", *extra, d)
        assert r.returncode == 0, r.stdout + r.stderr
        for s in secrets_of(batch):
            assert s not in r.stdout + r.stderr
    jobs = batch.jobs()
    assert len(jobs) == 2
    text = json.dumps(jobs)
    for s in secrets_of(batch):
        assert s not in text
    # Nor in any request ferry sent to Batch.
    for req in batch.emu.requests():
        if req.get("service") == "batch":
            assert batch.emu.secret_key not in json.dumps(req)
    forwarded = [j for j in jobs if any(e["name"] == "FERRY_BUILD_CREDENTIALS_URL"
                                        for e in j["container"]["environment"])]
    assert len(forwarded) == 1
    # The job read the forwarded credentials and deleted them.
    url = next(e["value"] for e in forwarded[0]["container"]["environment"]
               if e["name"] == "FERRY_BUILD_CREDENTIALS_URL")
    key = url.split("/", 3)[3]
    listed = batch.s3.list_objects_v2(Bucket=batch.bucket, Prefix=key).get("Contents", [])
    assert listed == []


def test_runnable_too_long_warns(batch_factory, tmp_path):
    b = batch_factory(max_vcpus=4)  # a job asking for 8 vCPUs never fits
    d = make_dir(tmp_path)
    r = b.ferry("build", "--aws-batch", "--detach", "--cpus", "8", d)
    assert r.returncode == 0, r.stderr
    job_id = job_id_from(r.stdout)
    wait_status(b, job_id, ("RUNNABLE",))
    p = subprocess.Popen([ferry_bin(), "build", "--aws-batch", "--attach", job_id, "--no-download",
                          "--runnable-warning", "1s"], env=b.ferry_env(), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    out = ""
    while "waited in RUNNABLE" not in out:
        line = p.stdout.readline()
        assert line, out
        out += line
    p.terminate()
    p.wait()
    assert "ferry-job-queue" in out and "8 vCPUs" in out
    b.batch.terminate_job(jobId=job_id, reason="test over")
