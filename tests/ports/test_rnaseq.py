"""examples/rnaseq, the port of nextflow-io/rnaseq-nf: run locally and with
every task on emulated AWS Batch in the debian-ports image (conftest.py),
each sample's quant.sf is what salmon run by hand with the same arguments
gives, MultiQC reports on all four samples, and -resume after one sample's
reads changed re-runs exactly that sample's tasks and the report, in both.

salmon quant runs single-threaded (task.cpus is 1), where its output is the
same from run to run, so quant.sf files are compared byte for byte."""
import csv
import pathlib
import subprocess

import pytest

from .conftest import BUCKET_DIR, assert_ran_in_the_image, names_by_status, ok, ported_runs

SAMPLES = ["ggal_gut", "ggal_liver", "ggal_lung", "ggal_spleen"]
TRANSCRIPTOME = "data/ggal/ggal_1_48850000_49020000.Ggal71.500bpflank.fa"
TASKS = ["index", *[f"{step} ({s})" for step in ("fastqc", "quant", "sample") for s in SAMPLES], "multiqc"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    yield from ported_runs("rnaseq", tmp_path_factory)


def quant_sf(root, sample):
    return (root / "results" / "samples" / sample / f"quant_{sample}" / "quant.sf").read_bytes()


def general_stats(root):
    """MultiQC's general statistics table: {sample name: {column: value}}."""
    with open(root / "results" / "multiqc_report_data" / "multiqc_general_stats.txt", newline="") as f:
        return {r["Sample"]: r for r in csv.DictReader(f, delimiter="\t")}


def salmon_by_hand(workdir, data):
    """{sample: quant.sf bytes} from salmon index and quant run directly,
    with the arguments the pipeline's tasks give them."""
    workdir.mkdir()
    subprocess.run(["salmon", "index", "--threads", "1", "-t", str(data / TRANSCRIPTOME), "-i", "index"],
                   cwd=workdir, check=True, capture_output=True, timeout=120)
    out = {}
    for s in SAMPLES:
        subprocess.run(["salmon", "quant", "--threads", "1", "--libType=U", "-i", "index",
                        "-1", str(data / f"data/ggal/{s}_1.fq"), "-2", str(data / f"data/ggal/{s}_2.fq"),
                        "-o", f"quant_{s}"], cwd=workdir, check=True, capture_output=True, timeout=120)
        out[s] = (workdir / f"quant_{s}" / "quant.sf").read_bytes()
    return out


def test_local_run_quantifies_every_sample_as_salmon_by_hand(runs, tmp_path):
    rows = runs.local.trace("t1.tsv")
    assert names_by_status(rows) == {"COMPLETED": sorted(TASKS)}
    by_hand = salmon_by_hand(tmp_path / "by-hand", runs.local.path)
    for s in SAMPLES:
        assert quant_sf(runs.local.path, s) == by_hand[s], s
        # Each sample's QC sits beside its quantification, one zip and one page per read file.
        fastqc = runs.local.path / "results" / "samples" / s / f"fastqc_{s}_logs"
        assert sorted(p.name for p in fastqc.iterdir()) == sorted(
            f"{s}_{n}_fastqc.{ext}" for n in (1, 2) for ext in ("html", "zip"))


def test_multiqc_report_lists_all_four_samples(runs):
    stats = general_stats(runs.local.path)
    for s in SAMPLES:
        # FastQC's rows are per read file; salmon's per sample.
        assert {f"{s}_1", f"{s}_2"} <= set(stats), sorted(stats)
        assert f"quant_{s}" in stats, sorted(stats)
    html = (runs.local.path / "results" / "multiqc_report.html").read_text()
    assert all(s in html for s in SAMPLES)


def test_every_task_on_batch_gives_the_local_results(runs):
    batch = runs.on_batch()
    rows = batch.trace("t1.tsv")
    assert names_by_status(rows) == {"COMPLETED": sorted(TASKS)}
    assert {r["executor"] for r in rows} == {"awsbatch"}
    assert all(r["workdir"].startswith(BUCKET_DIR + "/") for r in rows)
    assert len(batch.jobs("SUCCEEDED")) == len(TASKS)
    assert_ran_in_the_image(batch, rows, runs.install)
    for s in SAMPLES:
        assert quant_sf(batch.path, s) == quant_sf(runs.local.path, s), s
        for n in (1, 2):
            rel = pathlib.Path("results/samples", s, f"fastqc_{s}_logs", f"{s}_{n}_fastqc.html")
            assert (batch.path / rel).exists(), rel
    assert general_stats(batch.path) == general_stats(runs.local.path)


def drop_last_read(path):
    """Removes the last FASTQ record (4 lines) of a read file."""
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-4]))


@pytest.mark.parametrize("where", ["local", "batch"])
def test_resume_after_one_sample_changed_reruns_that_sample_and_the_report(runs, where):
    ws = runs.local if where == "local" else runs.on_batch()
    before = general_stats(ws.path)
    liver_before = quant_sf(ws.path, "ggal_liver")
    for n in (1, 2):
        drop_last_read(ws.path / "data" / "ggal" / f"ggal_liver_{n}.fq")
    args = ["run", ".", "-resume", "-with-trace", "t2.tsv"] + (["-c", "batch.config"] if where == "batch" else [])
    p = ok(ws.run(*args))
    rows = ws.trace("t2.tsv")
    rerun = ["fastqc (ggal_liver)", "multiqc", "quant (ggal_liver)", "sample (ggal_liver)"]
    assert names_by_status(rows) == {"COMPLETED": rerun, "CACHED": sorted(set(TASKS) - set(rerun))}, p.stdout
    # The report counts one read fewer in each of liver's files, and nothing else moved.
    after = general_stats(ws.path)
    for n in (1, 2):
        key = f"ggal_liver_{n}"
        col = next(c for c in before[key] if c.endswith("total_sequences"))
        assert float(after[key][col]) == float(before[key][col]) - 1, (key, before[key], after[key])
    assert {k: v for k, v in after.items() if "liver" not in k} == {k: v for k, v in before.items()
                                                                    if "liver" not in k}
    assert quant_sf(ws.path, "ggal_liver") != liver_before
