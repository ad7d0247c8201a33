"""A 200-task run completes with the right answer while a fifth of Batch and
S3 calls fail (throttling, 500s, connection resets) and hosts are reclaimed
under running jobs (spot-style), with aws.batch.maxSpotAttempts = 10 (the emulator may end a host in any second of a job, so long jobs lose several).

Jobs stage with ferry's own S3 client (aws.batch.cliPath = build/ferry): the
same faults hit it, and 200 jobs of the Python aws CLI would need minutes of
CPU on a small machine."""
import collections
import subprocess
import time

from .conftest import JOB_CLI, awsbatch_config, ok, output

N = 200

PIPELINE = f"""\
tasks:
  piece:
    for_each: "{{{{ range(1, {N + 1}) }}}}"
    output:
      o: "piece{{{{ item }}}}.txt"
    script: |
      echo {{{{ item }}}} > {{{{ output.o }}}}

  gather:
    input:
      all: "{{{{ piece.output.o }}}}"
    output:
      total: total.txt
    publish: results
    script: |
      cat {{{{ input.all }}}} | awk '{{ s += $1; n++ }} END {{ print n, s }}' > {{{{ output.total }}}}
"""

FAULTS = {
    "throttle": {"batch": 0.07, "s3": 0.07},
    "error_500": {"batch": 0.07, "s3": 0.07},
    "connection_reset": {"batch": 0.06, "s3": 0.06},
    # 10% of job attempts lose their host soon after they start running,
    # however long they run (a per-second rate would end most attempts of a
    # gather job slowed down by a sanitizer build on a busy machine).
    "host_termination_per_attempt": 0.1,
}


# A stall guard, not a speed target: a Debug build here takes about 100 s, a
# sanitizer build on a loaded 2-core machine took over 300 s once (200 of 201
# jobs done, still polling), so the limit leaves room below ctest's 600 s.
TIME_LIMIT = 480


def stall_report(world):
    """Why a run did not finish in time, from the emulator's request log."""
    now_ms = time.time() * 1000
    batch = world.requests("batch")
    ops = collections.Counter((r["operation"], r.get("fault") or r["status"]) for r in batch)
    recent = [r for r in batch if now_ms - r.get("time_ms", 0) < 60_000]
    last = max((r.get("time_ms", 0) for r in batch), default=0)
    return (f"ferry run did not finish within {TIME_LIMIT}s: {len(world.submitted_jobs())} of {N + 1} tasks "
            f"submitted, {len(world.jobs('SUCCEEDED'))} jobs succeeded; {len(recent)} Batch calls in the last "
            f"60 s, the last {(now_ms - last) / 1000:.0f} s ago; Batch calls by (operation, fault/status): "
            f"{dict(ops)}")


def test_200_tasks_complete_under_api_faults_and_host_terminations(world):
    world.write("pipeline.yml", PIPELINE)
    world.write("batch.config", awsbatch_config(cli_path=JOB_CLI, extra="aws.batch.maxSpotAttempts = 10\naws.batch.maxTransferAttempts = 3\naws.batch.delayBetweenAttempts = '1s'\n"))
    world.emu.set_faults(FAULTS)
    try:
        # Fault-free, this run takes well under a minute on 2 cores.
        p = world.run("run", ".", "-c", "batch.config", "-with-trace", "trace.tsv", timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        world.emu.set_faults({})
        raise AssertionError(stall_report(world)) from None
    world.emu.set_faults({})
    ok(p)

    assert world.read("results/total.txt").split() == [str(N), str(N * (N + 1) // 2)]
    rows = world.trace()
    completed = [r for r in rows if r["status"] == "COMPLETED"]
    assert len({r["name"] for r in completed}) == N + 1, output(p)
    assert {r["executor"] for r in rows} == {"awsbatch"}
    # Host terminations were retried by Batch and show in the trace.
    spot = sum(int(r["spot_retries"]) for r in rows if r["spot_retries"] not in ("", "-"))
    # About 10% of ~220 attempts: 22 expected; fewer than 5 means the
    # terminations were not retried or not counted.
    assert spot >= 5, f"only {spot} spot retries recorded although 10% of hosts were terminated"
    # The faults really fired on both services.
    log = world.requests()
    for service in ("batch", "s3"):
        kinds = {r.get("fault") for r in log if r["service"] == service and r.get("fault")}
        assert {"throttle", "error_500", "connection_reset"} <= kinds, (service, kinds)
