"""Ctrl-C during a run on Slurm cancels every job of the run: none is left
queued or running in squeue."""
import signal
import subprocess
import time

from .conftest import FERRY

ON_SLURM = "process.executor = 'slurm'\n"


def test_ctrl_c_with_50_jobs_leaves_none_in_squeue(world):
    world.write("pipeline.yml", """\
tasks:
  wait:
    for_each: "{{ range(1, 51) }}"
    output:
      out: "w{{ item }}.txt"
    script: |
      sleep 120
      echo {{ item }} > {{ output.out }}
""")
    world.write("on-slurm.config", ON_SLURM)
    proc = subprocess.Popen([FERRY, "run", ".", "-c", "slurm.config", "-c", "on-slurm.config"], cwd=world.path,
                            env=world.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # All 50 submitted, and the scheduler has started some of them (its
        # first pass can come a few seconds after the last sbatch).
        end = time.time() + 60
        active = []
        while time.time() < end:
            active = world.cluster.active_jobs()
            if len(active) == 50 and any(j[2] == "RUNNING" for j in active):
                break
            time.sleep(0.2)
        assert len(active) == 50, active
        assert any(j[2] == "RUNNING" for j in active) and any(j[2] == "PENDING" for j in active), active
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, out + err
    assert world.cluster.active_jobs() == [], "jobs left in squeue after Ctrl-C"
