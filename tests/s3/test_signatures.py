"""Every kind of request `ferry s3` sends carries a SigV4 signature that an
independent implementation (botocore) computes identically: s3rver does not
verify V4 signatures, so these tests put a botocore-checking proxy in front
of it."""
import os

import pytest

from . import sigcheck_proxy
from .conftest import SECRET, Ferry, random_file


@pytest.fixture(scope="module")
def checked(s3):
    server, verdicts = sigcheck_proxy.start(s3.port, SECRET)

    class Proxied:
        url = f"http://127.0.0.1:{server.server_address[1]}"

        def log_text(self):
            return s3.log_text()

    yield Ferry(Proxied()), verdicts
    server.shutdown()


def test_all_operations_are_signed_as_botocore_signs(checked, tmp_path):
    ferry, verdicts = checked
    ferry("s3", "mb", "s3://sig-bucket")
    small = tmp_path / "small file+ሴ.txt"
    small.write_bytes(b"x" * 1000)
    big = tmp_path / "big.bin"
    random_file(big, 17 * 1024 * 1024, seed=9)  # 3-part multipart upload
    tree = tmp_path / "tree"
    (tree / "a b").mkdir(parents=True)
    for i in range(5):
        (tree / "a b" / f"f{i}%.txt").write_bytes(os.urandom(100))
    ferry("s3", "cp", str(small), "s3://sig-bucket/k/")
    ferry("s3", "cp", str(big), "s3://sig-bucket/big.bin")
    ferry("s3", "cp", "-", "s3://sig-bucket/stdin.bin", input=os.urandom(9 * 1024 * 1024))
    ferry("s3", "sync", str(tree), "s3://sig-bucket/tree")
    ferry("s3", "ls", "--recursive", "s3://sig-bucket/")
    ferry("s3", "ls", "s3://sig-bucket/tree/")
    ferry("s3", "cp", "s3://sig-bucket/big.bin", str(tmp_path / "big.out"))
    assert (tmp_path / "big.out").read_bytes() == big.read_bytes()
    ferry("s3", "cp", f"s3://sig-bucket/k/{small.name}", "-")
    ferry("s3", "cp", "s3://sig-bucket/big.bin", "s3://sig-bucket/copy.bin")
    ferry("s3", "rm", "s3://sig-bucket/copy.bin")
    ferry("s3", "rm", "--recursive", "s3://sig-bucket/tree")
    assert verdicts.bad == [], verdicts.bad[0]
    assert verdicts.ok >= 20
