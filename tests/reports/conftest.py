"""Fixtures of the report tests: a workspace running ferry (as in tests/run),
the pipelines the pages are made of, and the page checker that drives
chromium (check_page.js)."""
import json
import os
import pathlib
import re
import subprocess

import pytest

from tests.conftest import WorkspaceFiles, ferry_bin, ok, refused  # noqa: F401 (for the tests)

FERRY = ferry_bin()
HERE = pathlib.Path(__file__).resolve().parent
PLAYWRIGHT = HERE / "node_modules" / "playwright-core"
CHROMIUM = "/usr/bin/chromium"
# Screenshots land beside the CTest entry's working folder (the build tree).
ARTIFACTS = pathlib.Path.cwd() / "artifacts"


class Workspace(WorkspaceFiles):
    def __init__(self, path):
        self.path = path

    def run(self, *args, timeout=240):
        env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true", HOME=str(self.path / "home"))
        env.pop("TERM", None)
        return subprocess.run([FERRY, *map(str, args)], cwd=self.path, env=env,
                              capture_output=True, text=True, timeout=timeout)

    def page_data(self, rel):
        """The JSON a report or timeline page draws from."""
        m = re.search(r'<script id="ferry-data" type="application/json">(.*?)</script>', self.read(rel), re.S)
        assert m, f"{rel} has no embedded data"
        return json.loads(m.group(1))


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path)


def many_tasks_pipeline(n):
    """n `work` tasks (a fan-out; task i asks for i+1 MB, so sorting by memory
    has something to order) and one `gather`, plus a task that fails."""
    return f"""tasks:
  work:
    for_each: "{{{{ range(0, {n}) }}}}"
    memory: "{{{{ item + 1 }}}} MB"
    output:
      o: "out{{{{ item }}}}.txt"
    script: echo {{{{ item }}}} > {{{{ output.o }}}}
  gather:
    input:
      all: "{{{{ work.output.o }}}}"
    output:
      t: total.txt
    script: cat {{{{ input.all }}}} | wc -l > {{{{ output.t }}}}
  broken:
    errorStrategy: ignore
    script: |
      echo "no such sample: S42" >&2
      exit 3
"""


def check_pages(*pages):
    """What chromium shows of each (page, screenshot name) (see
    check_page.js): one dict per page, all opened by one browser."""
    if not PLAYWRIGHT.exists():
        pytest.fail("playwright-core is not installed; run: npm ci --prefix tests/reports")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail("chromium is not installed; run: bash scripts/install-deps.sh")
    ARTIFACTS.mkdir(exist_ok=True)
    args = ["node", str(HERE / "check_page.js")]
    for page, shot in pages:
        args += [str(page), str(ARTIFACTS / shot)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)
