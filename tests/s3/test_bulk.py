"""The acceptance sizes: a 200 MB file through multipart upload and parallel
ranged download, and 2,000 small files through recursive cp and sync, all
verified byte for byte."""
import filecmp
import os

from .conftest import random_file, sha256


def test_200mb_multipart_round_trip(ferry, s3, bucket, tmp_path):
    src = tmp_path / "big.bin"
    random_file(src, 200 * 1000 * 1000, seed=1)
    ferry("s3", "cp", str(src), f"s3://{bucket}/big/big.bin")
    log = s3.log_text()
    assert "uploads" in log and "partNumber=24" in log, "expected a 24-part multipart upload"
    listing = ferry("s3", "ls", f"s3://{bucket}/big/").stdout.decode()
    assert " 200000000 big.bin" in listing
    dst = tmp_path / "big.out"
    ferry("s3", "cp", f"s3://{bucket}/big/big.bin", str(dst))
    assert os.path.getsize(dst) == os.path.getsize(src)
    assert sha256(dst) == sha256(src)
    assert not [p for p in os.listdir(tmp_path) if ".ferry-" in p], "temporary files left behind"


def make_tree(root, n, size, seed):
    for i in range(n):
        sub = root / f"d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        random_file(sub / f"file-{i:04d}.dat", size + (i % 7), seed=seed + i)


def assert_same_tree(a, b):
    names_a = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    names_b = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    assert names_a == names_b
    for n in names_a:
        assert filecmp.cmp(a / n, b / n, shallow=False), n


def test_2000_small_files_cp_recursive(ferry, bucket, tmp_path):
    src = tmp_path / "src"
    make_tree(src, 2000, 4096, seed=100)
    p = ferry("s3", "cp", "--recursive", str(src), f"s3://{bucket}/many/")
    assert p.stdout.decode().count("\nupload: ") + p.stdout.decode().startswith("upload: ") == 2000
    listing = ferry("s3", "ls", "--recursive", f"s3://{bucket}/many/").stdout.decode().splitlines()
    assert len(listing) == 2000  # more than one ListObjectsV2 page (1,000 per page)
    dst = tmp_path / "dst"
    ferry("s3", "cp", "--recursive", "--only-show-errors", f"s3://{bucket}/many", str(dst))
    assert_same_tree(src, dst)


def test_sync_up_down_delete_and_filters(ferry, bucket, tmp_path):
    src = tmp_path / "src"
    make_tree(src, 200, 1000, seed=500)
    p = ferry("s3", "sync", str(src), f"s3://{bucket}/sync", "--only-show-errors")
    assert p.stdout == b""
    # Nothing changed: nothing to do.
    assert ferry("s3", "sync", str(src), f"s3://{bucket}/sync").stdout == b""
    # Change one file's size, add one, remove one.
    (src / "d0" / "file-0000.dat").write_bytes(b"changed")
    (src / "d1" / "new.txt").write_bytes(b"new")
    os.remove(src / "d2" / "file-0002.dat")
    out = ferry("s3", "sync", str(src), f"s3://{bucket}/sync", "--delete").stdout.decode().splitlines()
    assert sorted(out) == sorted([
        f"upload: {src}/d0/file-0000.dat to s3://{bucket}/sync/d0/file-0000.dat",
        f"upload: {src}/d1/new.txt to s3://{bucket}/sync/d1/new.txt",
        f"delete: s3://{bucket}/sync/d2/file-0002.dat",
    ])
    # Down, then again: the second sync has nothing to do (mtimes were set from S3).
    dst = tmp_path / "dst"
    ferry("s3", "sync", f"s3://{bucket}/sync", str(dst), "--only-show-errors")
    assert_same_tree(src, dst)
    assert ferry("s3", "sync", f"s3://{bucket}/sync", str(dst)).stdout == b""
    # --delete downwards removes local extras; filters decide what is considered.
    (dst / "extra.log").write_bytes(b"x")
    (dst / "keep.tmp").write_bytes(b"x")
    out = ferry("s3", "sync", f"s3://{bucket}/sync", str(dst), "--delete", "--exclude", "*.tmp").stdout.decode()
    assert out == f"delete: {dst}/extra.log\n"
    assert (dst / "keep.tmp").exists()
    # --exclude everything but --include one pattern.
    only = tmp_path / "only"
    ferry("s3", "sync", f"s3://{bucket}/sync", str(only), "--exclude", "*", "--include", "d1/*", "--quiet")
    files = sorted(str(p.relative_to(only)) for p in only.rglob("*") if p.is_file())
    assert files and all(f.startswith("d1/") for f in files)
