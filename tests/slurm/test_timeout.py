"""A Slurm task over its time limit is reported as Slurm's TIMEOUT. Slurm
counts limits in whole minutes and checks them about every 30 s, so this
file takes over a minute: it runs beside the others."""
from tests.conftest import exited

ON_SLURM = "process.executor = 'slurm'\n"


def test_over_time_is_reported_as_timeout(world):
    # Slurm's limits are whole minutes: this task waits out one (and the
    # controller's check), the one slow test of the suite.
    world.write("pipeline.yml", """\
tasks:
  slow:
    time: 5s
    output:
      out: done.txt
    script: |
      sleep 300
      echo no > {{ output.out }}
""")
    world.write("on-slurm.config", ON_SLURM)
    p = exited(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config", timeout=300), 1)
    out = p.stdout + p.stderr
    assert "Slurm TIMEOUT" in out, out
    assert "--time=1" in out, out
