"""The build directory's trip to S3 and back: an unchanged directory is not
sent again, a changed file alone is; excluded files stay home; --download,
--exclude-from-download and --no-download choose what comes back."""

import os


def make_dir(tmp_path):
    d = tmp_path / "proj"
    (d / "data").mkdir(parents=True)
    for i in range(5):
        (d / "data" / f"in{i}.txt").write_text(f"input {i}\n" * 100)
    (d / "Makefile").write_text(
        "all:\n\tmkdir -p out\n\tcat data/*.txt | wc -l > out/lines.txt\n\techo log > out/run.log\n")
    return d


def build(batch, d, *extra):
    r = batch.ferry("build", "--aws-batch", *extra, d)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def test_second_build_uploads_nothing_and_a_change_only_itself(batch, tmp_path):
    d = make_dir(tmp_path)
    mark = batch.request_count()
    build(batch, d)
    count, size = batch.tree_uploads(mark)
    assert count == 6 and size > 0  # the Makefile and five inputs

    mark = batch.request_count()
    r = build(batch, d, "--no-download")
    assert batch.tree_uploads(mark) == (0, 0), r.stdout  # nothing changed, nothing sent

    (d / "data" / "in3.txt").write_text("changed\n")
    mark = batch.request_count()
    build(batch, d, "--no-download")
    assert batch.tree_uploads(mark) == (1, len("changed\n"))


def test_excluded_files_stay_home(batch, tmp_path):
    d = make_dir(tmp_path)
    (d / "secret.key").write_text("do not ship\n")
    (d / "big").mkdir()
    (d / "big" / "blob.bin").write_bytes(b"x" * 1000)
    (d / ".ferryignore").write_text("big/\n")
    build(batch, d, "--exclude-from-upload", "*.key", "--no-download")
    keys = [o["Key"] for o in batch.s3.list_objects_v2(Bucket=batch.bucket).get("Contents", [])]
    assert any(k.endswith("data/in0.txt") for k in keys)
    assert not any(k.endswith("secret.key") or "blob.bin" in k for k in keys)


def test_download_choices(batch, tmp_path):
    d = make_dir(tmp_path)
    build(batch, d, "--no-download")
    assert not (d / "out").exists()

    build(batch, d, "--download", "out/*.txt")
    assert (d / "out" / "lines.txt").read_text().strip() == "500"
    assert not (d / "out" / "run.log").exists()

    build(batch, d, "--exclude-from-download", "out/lines.txt")
    assert (d / "out" / "run.log").exists()
    assert os.path.exists(d / "out" / "lines.txt")  # kept from before, not removed
