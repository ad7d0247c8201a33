"""Fixtures of the slurm executor's tests: `cluster`, one real one-node
Slurm cluster per test file (cluster.py), and `world`, a workspace whose
ferry runs see it through SLURM_CONF. Jobs a test leaves are cancelled after
it."""
import pathlib
import shutil
import subprocess
import tempfile

import pytest

from tests.conftest import WorkspaceFiles, ferry_bin

from .cluster import Cluster, ClusterError

FERRY = ferry_bin()


@pytest.fixture(scope="module")
def cluster():
    for tool in ("munged", "slurmctld", "slurmd", "sbatch"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is not installed (scripts/install-deps.sh installs slurm-wlm and munge)")
    # munged insists that every directory above its socket is searchable by
    # all; pytest's own tmp dirs are private.
    root = pathlib.Path(tempfile.mkdtemp(prefix="ferry-slurm-"))
    root.chmod(0o755)
    c = Cluster(root)
    try:
        try:
            c.start()
        except ClusterError as e:
            pytest.fail(str(e))
        yield c
    finally:
        c.stop()
        shutil.rmtree(root, ignore_errors=True)


class World(WorkspaceFiles):
    """A workspace whose ferry runs see the test cluster (SLURM_CONF)."""

    def __init__(self, path, cluster):
        self.path = path
        self.cluster = cluster
        self.write("slurm.config", "executor.pollInterval = '200ms'\nexecutor.submitRateLimit = '200/s'\n")

    def env(self, extra=None):
        env = dict(self.cluster.env, HOME=str(self.path / "home"), AWS_EC2_METADATA_DISABLED="true")
        (self.path / "home").mkdir(exist_ok=True)
        env.pop("TERM", None)
        if extra:
            env.update(extra)
        return env

    def run(self, *args, timeout=240, env=None, cwd=None):
        return subprocess.run([FERRY, *map(str, args)], cwd=cwd or self.path, env=self.env(env),
                              capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def world(tmp_path, cluster):
    w = World(tmp_path, cluster)
    yield w
    cluster.cancel_all()
