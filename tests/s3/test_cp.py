"""`ferry s3 cp`, `ls`, `rm`, `mb` against s3rver: single files, stdin and
stdout, awkward keys, aws CLI argument forms, errors, and interoperability
with Debian's aws CLI (objects written by one are read back by the other)."""
import os
import subprocess

from .conftest import FERRY, aws_cli, clean_env, random_file, sha256


def test_upload_download_single_file(ferry, bucket, tmp_path):
    src = tmp_path / "hello.txt"
    src.write_bytes(b"hello ferry\n")
    p = ferry("s3", "cp", str(src), f"s3://{bucket}/single/")
    assert p.stdout.decode() == f"upload: {src} to s3://{bucket}/single/hello.txt\n"
    dst = tmp_path / "back.txt"
    p = ferry("s3", "cp", f"s3://{bucket}/single/hello.txt", str(dst))
    assert p.stdout.decode() == f"download: s3://{bucket}/single/hello.txt to {dst}\n"
    assert dst.read_bytes() == b"hello ferry\n"
    # Into an existing directory: keeps the object's name.
    d = tmp_path / "dir"
    d.mkdir()
    ferry("s3", "cp", f"s3://{bucket}/single/hello.txt", str(d))
    assert (d / "hello.txt").read_bytes() == b"hello ferry\n"


def test_stdin_and_stdout_with_global_options_first(ferry, s3, bucket, tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17)
    ferry("s3", "cp", "-", f"s3://{bucket}/stream/small.bin", input=data)
    # `ferry --region R s3 cp --only-show-errors s3://b/k -` as a Batch job writes it.
    p = subprocess.run([FERRY, "--region", "us-east-1", "--endpoint-url", s3.url, "s3", "cp",
                        "--only-show-errors", f"s3://{bucket}/stream/small.bin", "-"],
                       capture_output=True, env=clean_env(), timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout == data
    assert p.stderr == b""


def test_stdin_multipart_stream(ferry, s3, bucket):
    data = os.urandom(21 * 1024 * 1024)  # 3 parts of 8 MiB
    ferry("s3", "cp", "-", f"s3://{bucket}/stream/big.bin", input=data)
    assert "partNumber=3" in s3.log_text()
    p = ferry("s3", "cp", f"s3://{bucket}/stream/big.bin", "-")
    assert p.stdout == data


def test_awkward_keys_round_trip(ferry, bucket, tmp_path):
    # s3rver mangles keys containing "//" or "/../" (its router normalises
    # paths), so those are covered by aws_test's
    # S3Keys.DoubleSlashAndDotsReachTheServerVerbatim instead.
    keys = ["with space.txt", "unicode-ሴ-é.txt", "plus+sign.txt", "percent%41%.txt",
            "equals=and&amp.txt", "tilde~star*.txt", "a/b/c/deep.txt"]
    for i, key in enumerate(keys):
        f = tmp_path / f"f{i}"
        f.write_bytes(key.encode() * 3)
        ferry("s3", "cp", str(f), f"s3://{bucket}/keys/{key}")
    listing = ferry("s3", "ls", "--recursive", f"s3://{bucket}/keys/").stdout.decode()
    for key in keys:
        assert f" keys/{key}\n" in listing, (key, listing)
    for i, key in enumerate(keys):
        out = ferry("s3", "cp", f"s3://{bucket}/keys/{key}", "-").stdout
        assert out == key.encode() * 3, key


def test_ls_forms(ferry, bucket, tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"12345")
    for key in ["ls/a.txt", "ls/sub/b.txt", "ls/sub/c.txt"]:
        ferry("s3", "cp", str(f), f"s3://{bucket}/{key}", "--quiet")
    assert bucket in ferry("s3", "ls").stdout.decode()
    out = ferry("s3", "ls", f"s3://{bucket}/ls/").stdout.decode().splitlines()
    assert out[0].endswith("PRE sub/") and out[0].startswith(" " * 27)
    assert out[1].endswith("          5 a.txt")
    out = ferry("s3", "ls", "--recursive", "--summarize", "--human-readable", f"s3://{bucket}/ls/").stdout.decode()
    assert "ls/sub/c.txt" in out and "Total Objects: 3" in out and "Total Size: 15 Bytes" in out
    p = ferry("s3", "ls", f"s3://{bucket}/nothing-here/", check=False)
    assert p.returncode == 1 and p.stdout == b""


def test_rm_single_and_recursive_with_filters(ferry, bucket, tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"x")
    for key in ["rm/a.log", "rm/b.txt", "rm/keep/c.log", "rmother/d.txt"]:
        ferry("s3", "cp", str(f), f"s3://{bucket}/{key}", "--quiet")
    p = ferry("s3", "rm", f"s3://{bucket}/rm/b.txt")
    assert p.stdout.decode() == f"delete: s3://{bucket}/rm/b.txt\n"
    p = ferry("s3", "rm", "--recursive", f"s3://{bucket}/rm", "--exclude", "keep/*")
    assert p.stdout.decode() == f"delete: s3://{bucket}/rm/a.log\n"
    left = ferry("s3", "ls", "--recursive", f"s3://{bucket}/rm").stdout.decode()
    assert "rm/keep/c.log" in left and "rmother/d.txt" in left and "rm/a.log" not in left


def test_s3_to_s3_copy(ferry, bucket, tmp_path):
    f = tmp_path / "x"
    random_file(f, 100000, seed=3)
    ferry("s3", "cp", str(f), f"s3://{bucket}/copy/src/one.bin", "--quiet")
    p = ferry("s3", "cp", f"s3://{bucket}/copy/src/one.bin", f"s3://{bucket}/copy/dst/")
    assert p.stdout.decode() == f"copy: s3://{bucket}/copy/src/one.bin to s3://{bucket}/copy/dst/one.bin\n"
    assert ferry("s3", "cp", f"s3://{bucket}/copy/dst/one.bin", "-").stdout == f.read_bytes()
    ferry("s3", "cp", "--recursive", f"s3://{bucket}/copy/src", f"s3://{bucket}/copy/tree", "--quiet")
    assert ferry("s3", "cp", f"s3://{bucket}/copy/tree/one.bin", "-").stdout == f.read_bytes()


def test_output_modes(ferry, bucket, tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"x")
    assert ferry("s3", "cp", str(f), f"s3://{bucket}/q/x", "--quiet").stdout == b""
    assert ferry("s3", "cp", str(f), f"s3://{bucket}/q/x", "--only-show-errors").stdout == b""
    p = ferry("s3", "cp", str(f), f"s3://{bucket}/q/y", "--dryrun")
    assert p.stdout.decode() == f"(dryrun) upload: {f} to s3://{bucket}/q/y\n"
    assert ferry("s3", "ls", f"s3://{bucket}/q/y", check=False).returncode == 1


def test_errors_are_clear_and_exit_codes_match_aws(ferry, bucket, tmp_path):
    p = ferry("s3", "cp", f"s3://{bucket}/no/such/key", str(tmp_path / "o"), check=False)
    assert p.returncode == 1
    err = p.stderr.decode()
    assert "download failed: s3://" in err and "HTTP 404" in err, err
    p = ferry("s3", "cp", "--only-show-errors", f"s3://no-such-bucket-x/k", "-", check=False)
    assert p.returncode == 1 and b"404" in p.stderr
    p = ferry("s3", "cp", str(tmp_path / "missing"), f"s3://{bucket}/k", check=False)
    assert p.returncode == 2 and b"does not exist" in p.stderr
    p = ferry("s3", "cp", "--recursiv", "a", f"s3://{bucket}/k", check=False)
    assert p.returncode == 2 and b"did you mean '--recursive'" in p.stderr, p.stderr
    p = ferry("s3", "ls", f"s3://{bucket}/", check=False, env={"AWS_ACCESS_KEY_ID": "NOT-A-KEY"})
    assert p.returncode == 1 and b"InvalidAccessKeyId" in p.stderr and b"whoami" in p.stderr


def test_missing_credentials_error(ferry, bucket):
    env = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    p = ferry("s3", "ls", f"s3://{bucket}/", check=False, env=env)
    assert p.returncode == 1
    err = p.stderr.decode()
    assert "no AWS credentials found" in err and "AWS_ACCESS_KEY_ID" in err and "Fix:" in err, err


def test_interop_with_aws_cli(ferry, s3, bucket, tmp_path):
    # ferry writes (multipart), the aws CLI reads; the aws CLI writes (multipart), ferry reads.
    a = tmp_path / "a.bin"
    random_file(a, 20 * 1024 * 1024 + 5, seed=7)
    ferry("s3", "cp", str(a), f"s3://{bucket}/interop/by-ferry.bin")
    aws_cli(s3, "s3", "cp", f"s3://{bucket}/interop/by-ferry.bin", str(tmp_path / "a2.bin"))
    assert sha256(tmp_path / "a2.bin") == sha256(a)
    aws_cli(s3, "s3", "cp", str(a), f"s3://{bucket}/interop/by-aws.bin")
    ferry("s3", "cp", f"s3://{bucket}/interop/by-aws.bin", str(tmp_path / "a3.bin"))
    assert sha256(tmp_path / "a3.bin") == sha256(a)
