"""Each directive has an effect a user can see."""
import os
import time

from .conftest import ok, refused, statuses


def test_cpus_memory_time_container_queue_accelerator_visible_to_script(ws):
    ws.write("pipeline.yml", """
tasks:
  show:
    output:
      out: out.txt
    cpus: 2
    memory: 1.5 GB
    time: 90s
    container: quay.io/org/tool:1.0
    queue: small-queue
    accelerator: 1
    label: [alpha, beta]
    executor: local
    array: 10
    script: |
      echo "{{ task.cpus }}|{{ task.memory }}|{{ task.time }}|{{ task.container }}|{{ task.queue }}|{{ task.accelerator }}" > {{ output.out }}
""")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    row = ws.trace()[0]
    assert open(os.path.join(row["workdir"], "out.txt")).read().strip() == \
        "2|1.5 GB|1m 30s|quay.io/org/tool:1.0|small-queue|1"
    assert row["cpus"] == "2" and row["memory"] == "1.5 GB" and row["executor"] == "local"


def test_time_limit_kills_the_task(ws):
    ws.write("pipeline.yml", """
tasks:
  slow:
    output:
      out: out.txt
    time: 1s
    script: |
      sleep 30
      touch {{ output.out }}
""")
    start = time.time()
    p = ws.run("run", ".", "-with-trace", "trace.tsv")
    assert p.returncode == 1
    assert time.time() - start < 20
    assert "time limit" in p.stderr + p.stdout
    assert statuses(ws.trace()) == ["FAILED"]
    # Killed by the limit (TERM): not the exit 0 the wrapper's trap records
    # for the interrupted command, in the message, the trace and the history.
    assert "exceeded time limit of 1s (killed, exit status 143)" in p.stderr + p.stdout, p.stderr
    assert ws.trace()[0]["exit"] == "143"
    run_name = ok(ws.run("log")).stdout.splitlines()[1].split()[0]
    row = [l for l in ok(ws.run("log", run_name)).stdout.splitlines() if l.startswith("slow")]
    assert len(row) == 1 and row[0].split()[2] == "143", row


def test_retry_with_task_attempt(ws):
    ws.write("pipeline.yml", """
tasks:
  flaky:
    output:
      out: out.txt
    retry: 2
    memory: "{{ 100 * task.attempt }} MB"
    script: |
      echo "attempt {{ task.attempt }} memory {{ task.memory }}" > {{ output.out }}
      test {{ task.attempt }} -ge 3
""")
    p = ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    rows = ws.trace()
    assert [r["status"] for r in rows] == ["FAILED", "FAILED", "COMPLETED"]
    assert [r["attempt"] for r in rows] == ["1", "2", "3"]
    assert open(os.path.join(rows[-1]["workdir"], "out.txt")).read().strip() == "attempt 3 memory 300 MB"
    out = p.stdout + p.stderr
    assert "task 'flaky' attempt 1 of 3 failed" in out and "task 'flaky' attempt 2 of 3 failed" in out
    assert "; retrying" in out
    # Each failed attempt's dir is kept, so its .command.err can still be read.
    assert os.path.exists(os.path.join(rows[0]["workdir"], ".command.err"))


def test_retry_exhausted_fails_the_run(ws):
    ws.write("pipeline.yml", """
tasks:
  broken:
    errorStrategy: retry
    retry: 1
    script: |
      echo "nope" >&2
      exit 3
""")
    p = ws.run("run", ".", "-with-trace", "trace.tsv")
    assert p.returncode == 1
    assert [r["status"] for r in ws.trace()] == ["FAILED", "FAILED"]
    assert [r["exit"] for r in ws.trace()] == ["3", "3"]


def test_max_forks_limits_concurrency(ws):
    ws.write("pipeline.yml", """
tasks:
  nap:
    for_each: "{{ range(0, 6) }}"
    maxForks: 2
    script: |
      mkdir -p {{ params.dir }}
      touch {{ params.dir }}/running.{{ item }}
      n=$(ls {{ params.dir }} | wc -l)
      echo $n > {{ params.dir }}/../seen.{{ item }}
      sleep 0.5
      rm {{ params.dir }}/running.{{ item }}
params:
  dir: unset
""")
    lock = ws.path / "lock"
    ok(ws.run("run", ".", "--dir", str(lock), "-c", ws.write("c.config", "executor.cpus = 8\n")))
    seen = [int((ws.path / f"seen.{i}").read_text()) for i in range(6)]
    assert max(seen) <= 2
    assert max(seen) == 2  # and it did run two at once


def test_cpus_bound_by_executor_capacity(ws):
    ws.write("ferry.config", "executor {\n  cpus = 2\n}\n")
    ws.write("pipeline.yml", """
tasks:
  wide:
    for_each: "{{ range(0, 4) }}"
    cpus: 2
    script: |
      date +%s.%N > start
      sleep 0.4
      date +%s.%N > end
""")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    spans = []
    for r in ws.trace():
        d = r["workdir"]
        spans.append((float(open(d + "/start").read()), float(open(d + "/end").read())))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        assert b[0] >= a[1] - 0.05, "two 2-cpu tasks overlapped on a 2-cpu executor"


def test_task_needing_more_cpus_than_executor_is_refused(ws):
    ws.write("ferry.config", "executor.cpus = 2\n")
    ws.write("pipeline.yml", "tasks:\n  big:\n    cpus: 64\n    script: echo hi\n")
    p = refused(ws.run("run", "."))
    assert "64 cpus" in p.stderr and "executor.cpus" in p.stderr


def test_publish_is_atomic(ws):
    # A 40 MB output published while a watcher keeps looking at the publish
    # dir: the file is either absent or complete, never partial.
    ws.write("pipeline.yml", """
tasks:
  make:
    for_each: "{{ range(0, 3) }}"
    output:
      blob: "blob{{ item }}.bin"
    publish: out
    script: |
      head -c 41943040 /dev/zero > {{ output.blob }}
""")
    import threading
    partial = []
    stop = threading.Event()

    def watch():
        out = ws.path / "out"
        while not stop.is_set():
            if out.exists():
                for f in os.listdir(out):
                    if f.startswith("blob"):
                        try:
                            size = os.path.getsize(out / f)
                        except FileNotFoundError:
                            continue
                        if size != 41943040:
                            partial.append((f, size))
    t = threading.Thread(target=watch)
    t.start()
    try:
        ok(ws.run("run", "."))
    finally:
        stop.set()
        t.join()
    assert partial == []
    assert sorted(os.listdir(ws.path / "out")) == ["blob0.bin", "blob1.bin", "blob2.bin"]


def test_unknown_executor_is_named(ws):
    ws.write("pipeline.yml", "tasks:\n  t:\n    executor: lokal\n    script: echo hi\n")
    p = refused(ws.run("run", "."))
    assert "lokal" in p.stderr and "did you mean 'local'" in p.stderr


def test_selectors_with_alternatives_and_negation(ws):
    ws.write("ferry.config", """
process {
    withName: 'a|b' {
        cpus = 2
    }
    withName: '!a' {
        memory = '300 MB'
    }
    withLabel: 'fast' {
        time = '5m'
    }
}
""")
    ws.write("pipeline.yml", """
tasks:
  a:
    output: {o: o.txt}
    script: echo "{{ task.cpus }} {{ task.memory }} {{ task.time }}" > {{ output.o }}
  b:
    output: {o: o.txt}
    label: fast
    script: echo "{{ task.cpus }} {{ task.memory }} {{ task.time }}" > {{ output.o }}
  c:
    output: {o: o.txt}
    script: echo "{{ task.cpus }} {{ task.memory }} {{ task.time }}" > {{ output.o }}
""")
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    got = {r["name"]: open(r["workdir"] + "/o.txt").read().strip() for r in ws.trace()}
    assert got["a"] == "2"
    assert got["b"] == "2 300 MB 5m"
    assert got["c"] == "1 300 MB"


def test_weird_file_names_are_safe(ws):
    data = ws.path / "data"
    data.mkdir()
    names = ["it's $(touch PWNED).txt", 'a "quoted" name.txt', "sp ace.txt", "$HOME.txt", "back`tick`.txt"]
    for i, n in enumerate(names):
        (data / n).write_text("w " * (i + 1))
    ws.copy_example("wordcount")
    for f in ["alpha.txt", "beta.txt", "gamma.txt"]:
        os.remove(data / f)
    ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    assert ws.read("results/total.txt").strip() == str(sum(range(1, 6)))
    assert not list(ws.path.rglob("PWNED"))
    # Outputs are named after the inputs, odd characters and all.
    workdirs = [r["workdir"] for r in ws.trace() if r["name"].startswith("count")]
    produced = sorted(f for d in workdirs for f in os.listdir(d) if f.endswith(".count"))
    assert produced == sorted(n[:-4] + ".count" for n in names)


def test_unknown_config_key_warns_with_hint_and_still_runs(ws):
    ws.write("ferry.config", "executor {\n    queuSize = 10\n}\n")
    ws.write("pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
    p = ok(ws.run("run", "."))
    assert "ferry.config:2:5" in p.stderr
    assert "queuSize" in p.stderr and "did you mean 'queueSize'" in p.stderr



def _gone(pid):
    """True once the process has exited (gone, or a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_time_limit_kills_the_task_and_its_children(ws):
    ws.write("pipeline.yml", """
tasks:
  slow:
    time: 1s
    script: |
      sleep 60 &
      echo $! > child.pid
      wait
""")
    p = ws.run("run", ".", "-with-trace", "trace.tsv")
    assert p.returncode == 1
    assert "time limit" in p.stderr + p.stdout
    child = int(open(ws.trace()[0]["workdir"] + "/child.pid").read())
    deadline = time.time() + 5
    while time.time() < deadline and not _gone(child):
        time.sleep(0.05)
    assert _gone(child), "the task's child outlived its time limit"


def test_config_key_without_effect_warns_once_where_set(ws):
    ws.write("ferry.config", "aws.batch.fetchInstanceType = true\n"
                             "docker { tty = true }\n"
                             "aws { batch { fetchInstanceType = false } }\n")
    ws.write("pipeline.yml", "tasks:\n  t:\n    script: echo hi\n")
    p = ok(ws.run("run", "."))
    lines = [l for l in p.stderr.splitlines() if l.startswith("warning:")]
    assert "warning: ferry.config:1:11: 'aws.batch.fetchInstanceType' has no effect: ferry does not support it yet" \
        in lines, p.stderr
    assert sum("fetchInstanceType" in l for l in lines) == 1, p.stderr
    assert any(l.startswith("warning: ferry.config:2:10: 'docker.tty' has no effect") for l in lines), p.stderr


def test_resume_in_config_acts_as_the_flag(ws):
    ws.write("pipeline.yml", "tasks:\n  t:\n    output:\n      o: o.txt\n    script: echo hi > {{ output.o }}\n")
    ok(ws.run("run", "."))
    ws.write("ferry.config", "resume = true\n")
    p = ok(ws.run("run", ".", "-with-trace", "trace.tsv"))
    assert "warning" not in p.stderr, p.stderr
    assert statuses(ws.trace()) == ["CACHED"]


def test_local_executor_own_cpus_win(ws):
    ws.write("ferry.config", "executor.cpus = 64\nexecutor.$local.cpus = 2\n")
    ws.write("pipeline.yml", "tasks:\n  big:\n    cpus: 4\n    script: echo hi\n")
    p = refused(ws.run("run", "."))
    assert "asks for 4 cpus but the local executor has 2" in p.stderr, p.stderr
