"""`ferry build` runs a directory's workflow the same way here (--local) and
as an AWS Batch job (--aws-batch): a Snakefile, a Makefile and a ferry
pipeline each leave the same files behind either way."""

import os

import pytest

from tests.conftest import copy_example

SNAKEFILE = """\
rule all:
    input: "results/summary.txt"

rule count:
    input: "data/{name}.txt"
    output: "results/{name}.count"
    shell: "wc -w < {input} > {output}"

rule summary:
    input: expand("results/{name}.count", name=["a", "b"])
    output: "results/summary.txt"
    shell: "cat {input} > {output}"
"""

MAKEFILE = """\
all: out/upper.txt out/lines.txt

out/upper.txt: data/a.txt
\tmkdir -p out
\ttr a-z A-Z < data/a.txt > $@

out/lines.txt: data/a.txt data/b.txt
\tmkdir -p out
\tcat data/a.txt data/b.txt | wc -l > $@
"""


def make_dir(root, kind):
    d = root / kind
    if kind == "pipeline":
        copy_example("chain", d)
        return d
    (d / "data").mkdir(parents=True)
    (d / "data" / "a.txt").write_text("one two three\nfour\n")
    (d / "data" / "b.txt").write_text("five six\n")
    if kind == "snakemake":
        (d / "Snakefile").write_text(SNAKEFILE)
    else:
        (d / "Makefile").write_text(MAKEFILE)
    return d


def results(d, kind):
    """The workflow's output files (not inputs, not tool state) and their contents."""
    sub = {"snakemake": "results", "make": "out", "pipeline": "results"}[kind]
    out = {}
    for root, _, files in os.walk(d / sub):
        for f in files:
            p = os.path.join(root, f)
            out[os.path.relpath(p, d)] = open(p, "rb").read()
    return out


@pytest.mark.parametrize("kind", ["snakemake", "make", "pipeline"])
def test_batch_build_matches_local_build(batch, tmp_path, kind):
    local = make_dir(tmp_path / "local", kind)
    remote = make_dir(tmp_path / "remote", kind)

    r = batch.ferry("build", "--local", local)
    assert r.returncode == 0, r.stdout + r.stderr
    expected = results(local, kind)
    assert expected, f"the {kind} workflow wrote nothing locally"

    r = batch.ferry("build", "--aws-batch", remote)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Job SUCCEEDED after" in out
    assert "Job is " in out and "Job now RUNNING" in out
    assert "[batch] " in out  # the job's log streamed back
    assert results(remote, kind) == expected


def test_local_exit_code_is_the_workflows(batch, tmp_path):
    d = tmp_path / "failing"
    d.mkdir()
    (d / "Makefile").write_text("all:\n\texit 7\n")
    r = batch.ferry("build", "--local", d)
    assert r.returncode == 2  # make reports a failed recipe with 2
    assert "exit 7" in r.stdout + r.stderr


def test_batch_exit_code_is_the_jobs(batch, tmp_path):
    d = tmp_path / "failing"
    d.mkdir()
    (d / "Makefile").write_text("all:\n\t@echo about to fail\n\texit 7\n")
    r = batch.ferry("build", "--aws-batch", d, "--exec", "sh -c 'echo about to fail; exit 7'")
    out = r.stdout + r.stderr
    assert r.returncode == 7, out
    assert "Job FAILED after" in out and "exited 7" in out
    assert "[batch] about to fail" in out


def test_cpus_and_memory_reach_make(batch, tmp_path):
    d = tmp_path / "jobs"
    d.mkdir()
    (d / "Makefile").write_text("all:\n\t@echo makeflags=$(MAKEFLAGS) > flags.txt\n")
    r = batch.ferry("build", "--local", d, "--cpus", "3")
    assert r.returncode == 0, r.stderr
    assert "j3" in (d / "flags.txt").read_text()
    r = batch.ferry("build", "--local", d, "--cpus", "3", "--", "-j2")
    assert r.returncode == 0
    assert "already set -j" in r.stderr


@pytest.mark.parametrize("kind", ["snakemake", "pipeline"])
def test_cpus_and_memory_accepted_by_snakemake_and_ferry_run(batch, tmp_path, kind):
    d = make_dir(tmp_path, kind)
    r = batch.ferry("build", "--local", "--cpus", "2", "--memory", "1gib", d)
    assert r.returncode == 0, r.stdout + r.stderr
    assert results(d, kind)
    if kind == "snakemake":
        assert "Provided cores: 2" in r.stdout + r.stderr
        assert "mem_mb=1024" in r.stdout + r.stderr


def test_executable_scripts_run_in_the_job_and_executables_come_back(batch, tmp_path):
    # S3 keeps no permission bits: the job must restore the user's (so the
    # Makefile can run ./gen.sh) and the download must bring back the ones
    # the job set (a built tool stays runnable), and take away the ones it
    # cleared.
    d = tmp_path / "tools"
    d.mkdir()
    (d / "gen.sh").write_text("#!/bin/sh\necho generated\n")
    os.chmod(d / "gen.sh", 0o755)
    (d / "was-exec.sh").write_text("#!/bin/sh\n")
    os.chmod(d / "was-exec.sh", 0o755)
    (d / "Makefile").write_text(
        "all:\n"
        "\t./gen.sh > out.txt\n"
        "\tprintf '#!/bin/sh\\necho built tool\\n' > tool.sh\n"
        "\tchmod 755 tool.sh\n"
        "\techo plain > plain.txt\n"
        "\tprintf '#!/bin/sh\\necho rewritten\\n' > was-exec.sh && chmod 644 was-exec.sh\n")
    r = batch.ferry("build", "--aws-batch", d)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert (d / "out.txt").read_text() == "generated\n"
    assert os.stat(d / "tool.sh").st_mode & 0o777 == 0o755
    assert os.access(d / "tool.sh", os.X_OK)
    assert not os.stat(d / "plain.txt").st_mode & 0o111
    assert (d / "was-exec.sh").read_text() == "#!/bin/sh\necho rewritten\n"
    assert not os.stat(d / "was-exec.sh").st_mode & 0o111
    assert os.stat(d / "gen.sh").st_mode & 0o777 == 0o755
