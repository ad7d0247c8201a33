"""The bad-input corpus: every broken pipeline file, config file and command
line in bad_input/ must give exit code 2 and a message that says where
(file:line:col for files) and what is wrong. Expectations live in each
case's leading comment lines (`# expect: A && B`) or in bad_input/cli.txt."""
import pathlib
import re
import shlex

import pytest

from .conftest import refused

CORPUS = pathlib.Path(__file__).parent / "bad_input"
VALID_PIPELINE = """params:
  samples: "*.txt"
tasks:
  t:
    script: echo hi
"""
VALID_CONFIG = """profiles {
    small {
        process.cpus = 1
    }
}
"""


def expectations(path):
    # Every `expect:` comment line at the top of the case counts, not only the first.
    out = []
    for line in path.read_text().splitlines():
        if "expect:" not in line or not line.lstrip().startswith(("#", "//")):
            break
        out += [e.strip() for e in line.split("expect:", 1)[1].split("&&")]
    return out


# Described params for the params-file cases (bad_input/*.params, given as
# params.yml with -params-file).
PARAMS_PIPELINE = """params:
  threads: {type: integer, default: 1}
  mode: {type: boolean, default: false}
  outdir: {type: path, default: results}
tasks:
  t:
    script: echo {{ params.threads }}
"""

FILE_CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".yml", ".config"))
PARAMS_CASES = sorted(p for p in CORPUS.iterdir() if p.suffix == ".params")
CLI_CASES = [l for l in (CORPUS / "cli.txt").read_text().splitlines() if l.strip() and not l.startswith("#")]


def test_corpus_is_large_enough():
    assert len(FILE_CASES) + len(PARAMS_CASES) + len(CLI_CASES) >= 40


# The file each kind of case is written to, as the message names it.
CASE_FILE = {".yml": "pipeline.yml", ".config": "ferry.config", ".params": "params.yml"}


@pytest.mark.parametrize("case", FILE_CASES + PARAMS_CASES, ids=lambda p: p.name)
def test_every_file_case_asserts_line_and_column(case):
    # A message that lost its column (or its line) must fail its case, so
    # each expectation holds the whole "FILE:LINE:COL:" prefix, not a line alone.
    loc = re.compile(re.escape(CASE_FILE[case.suffix]) + r":[1-9][0-9]*:[1-9][0-9]*:")
    assert any(loc.fullmatch(e) for e in expectations(case)), (
        f"{case.name}: its first line must expect {CASE_FILE[case.suffix]}:LINE:COL: (the column too), "
        f"got {expectations(case)}")


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda p: p.name)
def test_broken_file(ws, case):
    if case.suffix == ".yml":
        ws.write("pipeline.yml", case.read_text())
        ws.write("data.txt", "some words\n")
    else:
        ws.write("pipeline.yml", VALID_PIPELINE)
        ws.write("ferry.config", case.read_text())
    p = refused(ws.run("run", "pipeline.yml"))
    for e in expectations(case):
        assert e in p.stderr, f"expected {e!r} in:\n{p.stderr}"
    # Clear message, not a crash dump.
    assert "terminate called" not in p.stderr and "Traceback" not in p.stderr
    assert "what():" not in p.stderr
    # Nothing half-written: no work dir, no history.
    assert not (ws.path / "work").exists()


@pytest.mark.parametrize("case", PARAMS_CASES, ids=lambda p: p.name)
def test_broken_params_file(ws, case):
    ws.write("pipeline.yml", PARAMS_PIPELINE)
    ws.write("params.yml", case.read_text())
    p = refused(ws.run("run", "pipeline.yml", "-params-file", "params.yml"))
    for e in expectations(case):
        assert e in p.stderr, f"expected {e!r} in:\n{p.stderr}"
    assert not (ws.path / "work").exists()


@pytest.mark.parametrize("line", CLI_CASES)
def test_broken_command_line(ws, line):
    args, expected = line.split("|", 1)
    ws.write("pipeline.yml", VALID_PIPELINE)
    ws.write("ferry.config", VALID_CONFIG)
    p = refused(ws.run(*shlex.split(args)))
    for e in expected.split("&&"):
        assert e.strip() in p.stderr, f"expected {e.strip()!r} in:\n{p.stderr}"
    assert not (ws.path / "work").exists()
