"""examples/zika, the port of nextstrain/zika-tutorial: run locally and with
every task on emulated AWS Batch, its auspice JSON has the same tips as the
tutorial's build run by snakemake (zika.smk: the original Snakefile's augur
commands and arguments) in the same test, and -resume after a colour was
edited re-runs only the export.

Tip names are compared, not the trees: iqtree starts from a random seed, so
two runs may resolve the tree differently while keeping the same strains."""
import json
import pathlib
import shutil

import pytest

from tests.conftest import copy_example

from .conftest import BUCKET_DIR, names_by_status, ok, ported_runs

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
    rows = runs.batch.trace("t1.tsv")
    assert names_by_status(rows) == {"COMPLETED": TASKS}
    assert {r["executor"] for r in rows} == {"awsbatch"}
    assert all(r["workdir"].startswith(BUCKET_DIR + "/") for r in rows)
    local = auspice(runs.local.path, "results/auspice/zika.json")
    batch = auspice(runs.batch.path, "results/auspice/zika.json")
    assert sorted(tips(batch["tree"])) == sorted(tips(local["tree"]))
    assert batch["meta"]["title"] == local["meta"]["title"] == "Tutorial Nextstrain build for Zika virus"


def test_resume_after_a_colour_changed_reruns_only_the_export(runs):
    ws = runs.local
    colors = ws.path / "config" / "colors.tsv"
    lines = colors.read_text().splitlines()
    # A new colour for the first country (thailand): only the export reads the colours.
    country = next(ln for ln in lines if ln.startswith("country\t"))
    new = "\t".join(country.split("\t")[:2] + ["#123456"])
    colors.write_text("\n".join(new if ln == country else ln for ln in lines) + "\n")
    p = ok(ws.run("run", ".", "-resume", "-with-trace", "t2.tsv"))
    assert names_by_status(ws.trace("t2.tsv")) == {"COMPLETED": ["export"],
                                                   "CACHED": sorted(set(TASKS) - {"export"})}, p.stdout
    out = auspice(ws.path, "results/auspice/zika.json")
    scales = {c["key"]: c.get("scale") for c in out["meta"]["colorings"]}
    # augur matches the colours' lower-case names to the metadata's spelling.
    assert [v for v, c in scales["country"] if c == "#123456"] == [country.split("\t")[1].title()]
