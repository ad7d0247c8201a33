"""A real one-node Slurm cluster on this machine, for tests/slurm and
bench/slurm_overhead (no pytest here, so the benchmark can use it too).

Cluster(root).start() writes slurm.conf and cgroup.conf into root (which
must be searchable by all: munged checks every directory above its socket),
starts munged with a key of its own, slurmctld and slurmd on free loopback
ports, and waits until `sinfo` shows the node idle; stop() ends the three by
pid. The node is `localhost` with this machine's cpus and memory; partitions
`debug` (the default) and `big`. No slurmdbd: accounting is off, so `sacct`
has nothing and ferry reads squeue and each task's .exitcode.

Memory limits are enforced by jobacct_gather polling every second
(OverMemoryKill), which works without cgroup delegation; scheduler intervals
are short so that a test waits little for a job to start.
"""
import os
import signal
import socket
import subprocess
import time


class ClusterError(Exception):
    pass


ACTIVE = ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def host_memory_mb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 1024


class Cluster:
    def __init__(self, root):
        self.root = root
        self.cpus = os.cpu_count() or 1
        # What slurmd will find, less a margin it reserves for itself.
        self.memory_mb = max(256, host_memory_mb() - 256)
        self.procs = {}
        for d in ("state", "spool", "log", "run", "munge"):
            (root / d).mkdir()
        (root / "munge").chmod(0o700)
        key = root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o600)
        self.conf = root / "slurm.conf"
        self.write_conf()
        self.env = dict(os.environ, SLURM_CONF=str(self.conf))

    def write_conf(self):
        r = self.root
        (r / "cgroup.conf").write_text("CgroupPlugin=cgroup/v1\nConstrainRAMSpace=no\n")
        (r / "plugstack.conf").write_text("")
        self.conf.write_text(f"""# One-node test cluster (written by tests/slurm/conftest.py)
ClusterName=ferrytest
SlurmctldHost=localhost
SlurmctldAddr=127.0.0.1
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
AuthInfo=socket={r}/run/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/run/slurmctld.pid
SlurmdPidFile={r}/run/slurmd.pid
SlurmctldLogFile={r}/log/slurmctld.log
SlurmdLogFile={r}/log/slurmd.log
PlugStackConfig={r}/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1,sched_min_interval=100000
MinJobAge=600
MaxJobCount=20000
KillWait=2
InactiveLimit=0
MessageTimeout=20
SlurmdTimeout=60
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=big Nodes=localhost MaxTime=INFINITE State=UP
""")

    def start(self):
        r = self.root
        log = open(r / "log" / "daemons.out", "ab")
        self.procs["munged"] = subprocess.Popen(
            ["munged", "-F", f"--key-file={r}/munge/munge.key", f"--socket={r}/run/munge.sock",
             f"--pid-file={r}/run/munged.pid", f"--log-file={r}/munge/munged.log", f"--seed-file={r}/munge/seed"],
            stdout=log, stderr=log)
        self.wait_for(lambda: (r / "run" / "munge.sock").exists(), "munged's socket")
        self.procs["slurmctld"] = subprocess.Popen(["slurmctld", "-D", "-i"], env=self.env, stdout=log, stderr=log)
        self.wait_for(lambda: self.slurm("sinfo", check=False).returncode == 0, "slurmctld")
        self.procs["slurmd"] = subprocess.Popen(["slurmd", "-D", "-N", "localhost"], env=self.env, stdout=log,
                                                stderr=log)
        self.wait_for(lambda: "idle" in self.slurm("sinfo", "-h", "-o", "%T", check=False).stdout, "the node idle")

    def wait_for(self, cond, what, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise ClusterError(f"{name} exited ({p.returncode}) while waiting for {what}:\n{self.logs()}")
            if cond():
                return
            time.sleep(0.1)
        raise ClusterError(f"timed out waiting for {what}:\n{self.logs()}")

    def logs(self):
        out = []
        for f in sorted((self.root / "log").glob("*")):
            out.append(f"--- {f.name}\n" + f.read_text(errors="replace")[-3000:])
        return "\n".join(out)

    def stop(self):
        for name in ("slurmd", "slurmctld", "munged"):
            p = self.procs.get(name)
            if p and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def slurm(self, *args, check=True):
        p = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=60)
        if check:
            assert p.returncode == 0, f"{args} failed: {p.stderr}"
        return p

    def jobs(self, states="all"):
        """[(id, name, state)] of every job squeue lists."""
        out = self.slurm("squeue", "-h", "-r", "-t", states, "-o", "%i|%j|%T").stdout
        return [tuple(line.split("|")) for line in out.splitlines() if line]

    def active_jobs(self):
        return [j for j in self.jobs() if j[2] in ACTIVE]

    def cancel_all(self):
        self.slurm("scancel", "--me", check=False)
        end = time.time() + 30
        while self.active_jobs() and time.time() < end:
            time.sleep(0.2)
