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
    assert_clean_refusal(ws, p, "params.yml:2:1:", "a second YAML document")  # at its ---


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


def test_input_and_output_names_starting_with_a_dash(ws):
    # `cat -rf.txt` would be read as options: the script gets ./-rf.txt.
    ws.write("-rf.txt", "dash file\n")
    ws.write("-n", "dash n\n")
    ws.write("pipeline.yml", """
tasks:
  show:
    input:
      all: "{{ files('-*') }}"
    output:
      f: "-out.txt"
    publish: out
    script: |
      cat {{ input.all }} > {{ output.f }}
      cat {{ output.f }}
""")
    p = ws.run("run", ".", "-ansi-log", "false", timeout=60)
    assert p.returncode == 0, p.stderr
    assert (ws.path / "out" / "-out.txt").read_text() == "dash n\ndash file\n"


def test_bare_param_is_true_for_a_boolean_and_refused_otherwise(ws):
    ws.write("pipeline.yml", """
params:
  dry: false
  samples: "*.txt"
tasks:
  t:
    output:
      f: out.txt
    publish: out
    script: |
      echo "{{ params.dry }} {{ params.samples }}" > {{ output.f }}
""")
    p = ws.run("run", ".", "--dry", timeout=60)
    assert p.returncode == 0, p.stderr
    assert (ws.path / "out" / "out.txt").read_text() == "true *.txt\n"
    p = refused(ws.run("run", ".", "--samples", "--dry", timeout=10))
    assert "'--samples' was given without a value" in p.stderr, p.stderr


PUBLISH_OVER = """
tasks:
  t:
    input:
      data: data.txt
    output:
      f: "{name}"
    publish: "{publish}"
    script: |
      echo replaced > {{{{ output.f }}}}
"""


@pytest.mark.parametrize("name,what", [
    ("pipeline.yml", "the pipeline file"),
    ("ferry.config", "the config file"),
    ("params.yml", "the params file"),
    ("data.txt", "an input of task 't'"),
])
def test_publishing_over_the_pipelines_own_files_is_refused_up_front(ws, name, what):
    ws.write("pipeline.yml", PUBLISH_OVER.format(name=name, publish="."))
    ws.write("ferry.config", "process.cpus = 1\n")
    ws.write("params.yml", "{}\n")
    ws.write("data.txt", "the data\n")
    before = {f: (ws.path / f).read_text() for f in ("pipeline.yml", "ferry.config", "params.yml", "data.txt")}
    p = refused(ws.run("run", ".", "-params-file", "params.yml", timeout=30))
    assert f"would overwrite {what}" in p.stderr and str(ws.path / name) in p.stderr, p.stderr
    assert "pipeline.yml:3:3: task 't'" in p.stderr, p.stderr
    assert not (ws.path / "work").exists()
    assert {f: (ws.path / f).read_text() for f in before} == before


def test_publishing_over_the_pipeline_through_a_symlinked_dir_is_refused(ws):
    ws.write("pipeline.yml", PUBLISH_OVER.format(name="pipeline.yml", publish="results"))
    ws.write("data.txt", "the data\n")
    os.symlink(".", ws.path / "results")
    before = (ws.path / "pipeline.yml").read_text()
    p = refused(ws.run("run", ".", timeout=30))
    assert "would overwrite the pipeline file" in p.stderr, p.stderr
    assert (ws.path / "pipeline.yml").read_text() == before


def test_a_publish_dir_known_only_at_run_time_fails_the_task(ws):
    # The second attempt publishes into dir2, a link to the launch dir: only
    # the check before publishing can see it.
    ws.write("pipeline.yml", """
tasks:
  t:
    output:
      f: pipeline.yml
    retry: 1
    publish: "dir{{ task.attempt }}"
    script: |
      echo replaced > {{ output.f }}
      test {{ task.attempt }} -gt 1
""")
    os.symlink(".", ws.path / "dir2")
    before = (ws.path / "pipeline.yml").read_text()
    p = ws.run("run", ".", "-ansi-log", "false", timeout=60)
    assert p.returncode == 1, p.stderr
    assert "would overwrite the pipeline file " + str(ws.path / "pipeline.yml") in p.stderr, p.stderr
    assert (ws.path / "pipeline.yml").read_text() == before


def test_fifo_as_the_user_config_is_refused(ws):
    # FERRY_CONFIG naming a FIFO was once skipped without a word.
    ws.write("pipeline.yml", VALID_PIPELINE)
    os.mkfifo(ws.path / "user.config")
    p = refused(ws.run("run", "pipeline.yml", timeout=5, env={"FERRY_CONFIG": str(ws.path / "user.config")}))
    assert_clean_refusal(ws, p, str(ws.path / "user.config"), "FIFO")


def test_directory_as_the_home_config_is_refused(ws):
    ws.write("pipeline.yml", VALID_PIPELINE)
    (ws.path / "home" / ".ferry" / "config").mkdir(parents=True)
    p = refused(ws.run("run", "pipeline.yml", timeout=5))
    assert_clean_refusal(ws, p, str(ws.path / "home" / ".ferry" / "config"), "a directory")


@pytest.mark.parametrize("length", [246, 255])
def test_an_input_with_a_long_name_is_staged_and_read(ws, length):
    name = ("i" * (length - 4)) + ".txt"
    ws.write(name, "long input\n")
    ws.write("pipeline.yml", f"""
tasks:
  read:
    input:
      f: "{name}"
    output:
      copy: copy.txt
    publish: out
    script: |
      cat {{{{ input.f }}}} > {{{{ output.copy }}}}
""")
    p = ws.run("run", ".", "-ansi-log", "false", timeout=60)
    assert p.returncode == 0, p.stderr
    assert (ws.path / "out" / "copy.txt").read_text() == "long input\n"
