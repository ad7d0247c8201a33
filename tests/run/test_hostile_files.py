"""Pipeline, config and params paths that name something other than a small
regular file: ferry must refuse them at once with exit 2 and say what the path
is, instead of reading a device forever, blocking on a FIFO or aborting."""
import os

import pytest

from .conftest import refused

VALID_PIPELINE = """tasks:
  t:
    script: echo hi
"""


def assert_clean_refusal(ws, p, *expected):
    for e in expected:
        assert e in p.stderr, f"expected {e!r} in:\n{p.stderr}"
    assert "terminate called" not in p.stderr and "what():" not in p.stderr
    assert not (ws.path / "work").exists()


def test_device_as_pipeline(ws):
    p = refused(ws.run("run", "/dev/zero", timeout=10))
    assert_clean_refusal(ws, p, "/dev/zero", "character device")


def test_fifo_as_pipeline_does_not_block(ws):
    os.mkfifo(ws.path / "fifo.yml")
    p = refused(ws.run("run", "fifo.yml", timeout=5))
    assert_clean_refusal(ws, p, "fifo.yml", "FIFO")


def test_directory_named_as_pipeline_file(ws):
    (ws.path / "pipeline.yml").mkdir()
    p = refused(ws.run("run", "pipeline.yml", timeout=10))
    assert_clean_refusal(ws, p, "pipeline.yml")


def test_huge_sparse_pipeline(ws):
    with open(ws.path / "huge.yml", "wb") as f:
        f.truncate(20 * 1024 ** 3)
    p = refused(ws.run("run", "huge.yml", timeout=10))
    assert_clean_refusal(ws, p, "huge.yml", "larger than the 16 MB")


@pytest.mark.parametrize("option", ["-c", "-params-file"])
def test_fifo_as_config_or_params(ws, option):
    ws.write("pipeline.yml", VALID_PIPELINE)
    os.mkfifo(ws.path / "side.in")
    p = refused(ws.run("run", "pipeline.yml", option, "side.in", timeout=5))
    assert_clean_refusal(ws, p, "side.in", "FIFO")


def test_device_as_config(ws):
    ws.write("pipeline.yml", VALID_PIPELINE)
    p = refused(ws.run("run", "pipeline.yml", "-c", "/dev/zero", timeout=10))
    assert_clean_refusal(ws, p, "/dev/zero", "character device")


def test_fifo_as_the_pipelines_own_config(ws):
    ws.write("pipeline.yml", VALID_PIPELINE)
    os.mkfifo(ws.path / "ferry.config")
    p = refused(ws.run("run", "pipeline.yml", timeout=5))
    assert_clean_refusal(ws, p, "ferry.config", "FIFO")


def test_params_file_with_a_second_document(ws):
    ws.write("pipeline.yml", VALID_PIPELINE)
    ws.write("params.yml", "a: 1\n---\nb: 2\n")
    p = refused(ws.run("run", "pipeline.yml", "-params-file", "params.yml", timeout=10))
    assert_clean_refusal(ws, p, "params.yml:3:1", "a second YAML document")


def test_params_file_with_a_tag(ws):
    ws.write("pipeline.yml", VALID_PIPELINE)
    ws.write("params.yml", "a: !secret xyz\n")
    p = refused(ws.run("run", "pipeline.yml", "-params-file", "params.yml", timeout=10))
    assert_clean_refusal(ws, p, "params.yml:1:4", "YAML tag '!secret'")


@pytest.mark.parametrize("length", [246, 250, 255])
def test_publishing_an_output_with_a_long_name(ws, length):
    # The publish temp beside the output once passed NAME_MAX for names from
    # 246 bytes up, and the exception it raised ended ferry with a crash.
    name = ("n" * (length - 4)) + ".txt"
    ws.write("pipeline.yml", f"""
tasks:
  make:
    output:
      f: "{name}"
    publish: out
    script: |
      echo content > {{{{ output.f }}}}
""")
    p = ws.run("run", ".", timeout=60)
    assert p.returncode == 0, p.stderr
    assert (ws.path / "out" / name).read_text() == "content\n"
    assert [f for f in os.listdir(ws.path / "out") if f != name] == []
