"""A ferry killed (SIGKILL) while its Slurm jobs run does not make them run
twice: the next -resume adopts what is still queued or running and reuses
what finished meanwhile, from the job journal; `ferry kill RUN` cancels a
killed run's jobs with scancel and waits until none is left in squeue."""
import signal
import subprocess
import time

from tests.conftest import ok, statuses

from .conftest import FERRY

ON_SLURM = "process.executor = 'slurm'\n"

PIPELINE = """\
tasks:
  step:
    for_each: "{{ range(1, 7) }}"
    output:
      out: "s{{ item }}.txt"
    script: |
      echo ran >> LEDGER/{{ item }}
      sleep SECONDS
      echo {{ item }} > {{ output.out }}
"""


def start(world, seconds):
    ledger = world.path / "ledger"
    ledger.mkdir()
    world.write("pipeline.yml", PIPELINE.replace("LEDGER", str(ledger)).replace("SECONDS", str(seconds)))
    world.write("on-slurm.config", ON_SLURM)
    proc = subprocess.Popen([FERRY, "run", ".", "-c", "slurm.config", "-c", "on-slurm.config"], cwd=world.path,
                            env=world.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, ledger


def wait_until(cond, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sigkill(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_resume_after_sigkill_adopts_the_jobs_and_runs_each_task_once(world):
    before = {j[0] for j in world.cluster.jobs()}
    proc, ledger = start(world, 2)
    try:
        # Two tasks at a time on the node's two cpus: kill once the first
        # have finished and the next are running, the rest still queued.
        wait_until(lambda: len(list(ledger.iterdir())) >= 3, "three tasks started")
    finally:
        sigkill(proc)
    assert world.cluster.active_jobs(), "no job was left running by the killed ferry"
    p = ok(world.run("run", ".", "-c", "slurm.config", "-c", "on-slurm.config", "-resume", "-with-trace", "t.tsv"))
    assert "-resume: Slurm jobs earlier runs left:" in p.stdout, p.stdout
    assert "watched, not submitted again" in p.stdout, p.stdout
    assert set(statuses(world.trace("t.tsv"))) <= {"COMPLETED", "CACHED"}, p.stdout
    # Each task ran exactly once, and only the first run submitted jobs.
    runs = {f.name: f.read_text().count("ran") for f in ledger.iterdir()}
    assert runs == {str(i): 1 for i in range(1, 7)}, runs
    new = [j for j in world.cluster.jobs() if j[0] not in before]
    assert len(new) == 6, new
    assert world.cluster.active_jobs() == []
    for i in range(1, 7):
        assert list(world.path.glob(f"work/*/*/s{i}.txt")), f"no output of task {i}"


def test_ferry_kill_cancels_the_slurm_jobs_a_killed_run_left(world):
    proc, ledger = start(world, 120)
    try:
        wait_until(lambda: len(world.cluster.active_jobs()) == 6, "six jobs in squeue")
    finally:
        sigkill(proc)
    p = ok(world.run("kill", "last"))
    assert "cancelling Slurm job" in p.stdout, p.stdout
    assert "6 Slurm job(s) cancelled and ended" in p.stdout, p.stdout
    assert world.cluster.active_jobs() == []
    p = ok(world.run("kill", "last"))
    assert "no AWS Batch job left active" in p.stdout, p.stdout
