"""examples/zika, the port of nextstrain/zika-tutorial: run locally and with
every task on emulated AWS Batch in the debian-ports image (conftest.py),
its auspice JSON has the same tips as the tutorial's build run by snakemake
on this machine (zika.smk: the original Snakefile's augur commands and
arguments) in the same test, and -resume after a colour was edited re-runs
only the export, in both. zika.smk also runs as one `ferry build
--aws-batch` job in that image, with the same tips.

Tip names are compared, not the trees: iqtree starts from a random seed, so
two runs may resolve the tree differently while keeping the same strains."""
import json
import pathlib
import shutil

import pytest

from tests.conftest import copy_example
from tests.job.images import batch_build

from .conftest import BUCKET_DIR, IMAGE, assert_ran_in_the_image, names_by_status, ok, ported_runs

SNAKEFILE = pathlib.Path(__file__).with_name("zika.smk")
TASKS = sorted(["index", "filter", "align", "tree", "refine", "ancestral", "translate", "traits", "export"])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    ref = tmp_path_factory.mktemp("zika-snakemake")
    copy_example("zika", ref)
    smk = shutil.which("snakemake")
    assert smk, "snakemake is not installed (scripts/install-deps.sh)"
    runs = ported_runs("zika", tmp_path_factory,
                       alongside=[([smk, "-s", str(SNAKEFILE), "-c1", "--quiet"], ref)])
    r = next(runs)
    r.snakemake_dir = ref
    yield r
    next(runs, None)


def auspice(root, rel):
    return json.loads((root / rel).read_text())


def tips(node):
    kids = node.get("children")
    return [t for k in kids for t in tips(k)] if kids else [node["name"]]


def test_local_run_has_the_tips_of_the_snakemake_build(runs):
    ok(runs.alongside[0])
    assert names_by_status(runs.local.trace("t1.tsv")) == {"COMPLETED": TASKS}
    expected = tips(auspice(runs.snakemake_dir, "auspice/zika.json")["tree"])
    got = tips(auspice(runs.local.path, "results/auspice/zika.json")["tree"])
    # Strains dropped by config/dropped_strains.txt or by refine's clock filter are not tips.
    assert len(expected) > 20 and len(got) == len(set(got))
    assert sorted(got) == sorted(expected)


def test_every_task_on_batch_gives_the_same_tips(runs):
    ws = runs.on_batch()
    rows = ws.trace("t1.tsv")
    assert names_by_status(rows) == {"COMPLETED": TASKS}
    assert {r["executor"] for r in rows} == {"awsbatch"}
    assert all(r["workdir"].startswith(BUCKET_DIR + "/") for r in rows)
    assert_ran_in_the_image(ws, rows, runs.install)
    local = auspice(runs.local.path, "results/auspice/zika.json")
    batch = auspice(ws.path, "results/auspice/zika.json")
    assert sorted(tips(batch["tree"])) == sorted(tips(local["tree"]))
    assert batch["meta"]["title"] == local["meta"]["title"] == "Tutorial Nextstrain build for Zika virus"


@pytest.mark.parametrize("where", ["local", "batch"])
def test_resume_after_a_colour_changed_reruns_only_the_export(runs, where):
    ws = runs.local if where == "local" else runs.on_batch()
    colors = ws.path / "config" / "colors.tsv"
    lines = colors.read_text().splitlines()
    # A new colour for the first country (thailand): only the export reads the colours.
    country = next(ln for ln in lines if ln.startswith("country\t"))
    new = "\t".join(country.split("\t")[:2] + ["#123456"])
    colors.write_text("\n".join(new if ln == country else ln for ln in lines) + "\n")
    args = ["run", ".", "-resume", "-with-trace", "t2.tsv"] + (["-c", "batch.config"] if where == "batch" else [])
    p = ok(ws.run(*args))
    assert names_by_status(ws.trace("t2.tsv")) == {"COMPLETED": ["export"],
                                                   "CACHED": sorted(set(TASKS) - {"export"})}, p.stdout
    out = auspice(ws.path, "results/auspice/zika.json")
    scales = {c["key"]: c.get("scale") for c in out["meta"]["colorings"]}
    # augur matches the colours' lower-case names to the metadata's spelling.
    assert [v for v, c in scales["country"] if c == "#123456"] == [country.split("\t")[1].title()]


def test_snakemake_build_of_the_tutorial_runs_in_the_tools_image(runs, tmp_path):
    """The Snakefile the host's snakemake ran (zika.smk), as one `ferry build
    --aws-batch` job: snakemake and augur from the image, staging with
    ferry-job mounted as for the pipeline's tasks."""
    runs.on_batch()
    ok(runs.alongside[0])
    project = tmp_path / "zika"
    copy_example("zika", project)
    # Without the port's pipeline.yml, which ferry build would run first.
    (project / "pipeline.yml").unlink()
    shutil.copy(SNAKEFILE, project / "Snakefile")
    cli = runs.install / "bin" / "aws"
    out = batch_build(runs.emu, project, IMAGE, tmp_path / "home", mounts=[runs.install], cli=str(cli))
    # snakemake ran in the job and logged its rules back.
    assert "[batch] " in out and "Finished job" in out, out
    expected = tips(auspice(runs.snakemake_dir, "auspice/zika.json")["tree"])
    assert sorted(tips(auspice(project, "auspice/zika.json")["tree"])) == sorted(expected)
