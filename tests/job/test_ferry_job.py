"""ferry-job, the static S3 CLI of Batch jobs (aws.batch.cliPath).

It must be one static binary that works in an image with nothing but a
shell: here a chroot holding only busybox and ferry-job (no /lib, no CA
bundle, no aws CLI). In there it runs the `s3 cp/ls/rm/sync` forms the
job wrappers use against ferry-awsemu, and what it leaves in S3 is what
`ferry s3` (ferry's own code, over libcurl) sees; it finds credentials
from the ECS container endpoint and from IMDS as a job does; and it
verifies TLS (a loopback TLS front of the emulator with a CA made here).
"""
import hashlib
import http.client
import os
import pathlib
import shutil
import socketserver
import ssl
import subprocess
import threading

import pytest

from tests.conftest import built_binary, exited, ferry_bin, ok

BUSYBOX = "/bin/busybox"
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"  # looked up here: the jail's PATH is /bin
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chroot needs root")


def job_bin():
    return built_binary("FERRY_JOB_BIN")


def test_ferry_job_is_fully_static():
    ldd = subprocess.run(["ldd", job_bin()], capture_output=True, text=True)
    assert "not a dynamic executable" in ldd.stdout + ldd.stderr, ldd
    info = subprocess.run(["file", "-L", job_bin()], capture_output=True, text=True, check=True).stdout
    assert "statically linked" in info, info
    # ferry itself stays dynamic (libcurl): the static one is a separate binary.
    assert "not a dynamic executable" not in subprocess.run(["ldd", ferry_bin()], capture_output=True,
                                                            text=True).stdout


def test_unknown_command_is_refused_with_what_it_has():
    p = exited(subprocess.run([job_bin(), "run", "x"], capture_output=True, text=True), 2)
    assert "unknown command 'run'" in p.stderr and "ferry-job s3 cp|ls|rm|sync|mb" in p.stderr, p.stderr
    assert ok(subprocess.run([job_bin(), "version"], capture_output=True, text=True)).stdout.startswith("ferry-job ")


def usage_fields(path):
    return dict(line.split(": ", 1) for line in path.read_text().splitlines())


def test_measure_runs_the_task_as_it_is_and_writes_what_it_used(tmp_path):
    """`measure` (what Batch jobs run their tasks under): the command's own
    output and exit code, and a report of what it used for the job's id."""
    report = tmp_path / "usage"
    env = dict(os.environ, AWS_BATCH_JOB_ID="0f3c:2", AWS_EC2_METADATA_DISABLED="true")
    script = "echo out; echo err >&2; head -c 3145728 /dev/zero > /dev/null; exit 3"
    p = exited(subprocess.run([job_bin(), "measure", str(report), "--", "sh", "-c", script], capture_output=True,
                              text=True, env=env), 3)
    assert (p.stdout, p.stderr) == ("out\n", "err\n")
    fields = usage_fields(report)
    assert fields["job_id"] == "0f3c:2"
    assert int(fields["rchar"]) >= 3 << 20 and int(fields["wchar"]) >= 3 << 20
    assert int(fields["peak_rss"]) > 0 and int(fields["realtime_ms"]) >= 0 and int(fields["peak_procs"]) >= 1
    assert "instance_type" not in fields  # instance metadata is disabled: unknown, not made up
    assert ok(subprocess.run([job_bin(), "measure", "--check"], capture_output=True, text=True)).stdout == \
        "ferry measure: ready\n"


@pytest.mark.parametrize("args,says,code", [
    (["u"], "no COMMAND after --", 2),
    (["--", "true"], "name one FILE", 2),
    (["u", "--bogus", "--", "true"], "--bogus", 2),
    (["u", "--", "/nonexistent/tool"], "cannot run /nonexistent/tool", 127),
])
def test_measure_says_what_is_wrong(tmp_path, args, says, code):
    p = exited(subprocess.run([job_bin(), "measure", *args], cwd=tmp_path, capture_output=True, text=True), code)
    assert says in p.stderr, p.stderr
    assert not (tmp_path / "u").exists()


@pytest.fixture
def jail(tmp_path):
    """A directory with only busybox (as /bin/sh and friends), ferry-job at
    /ferry-job, /tmp, and an /etc/hosts naming localhost: no /lib, no
    /etc/ssl, no aws CLI."""
    root = tmp_path / "jail"
    (root / "bin").mkdir(parents=True)
    shutil.copy(BUSYBOX, root / "bin" / "busybox")
    for tool in ("sh", "ls", "cat", "mkdir", "rm"):
        os.symlink("busybox", root / "bin" / tool)
    shutil.copy(job_bin(), root / "ferry-job")
    (root / "tmp").mkdir()
    (root / "work").mkdir()
    (root / "etc").mkdir()
    (root / "etc" / "hosts").write_text("127.0.0.1 localhost\n")
    assert not (root / "lib").exists() and not (root / "lib64").exists()
    return root


def jail_env(emu, **extra):
    env = {"PATH": "/bin", "HOME": "/tmp", "AWS_ACCESS_KEY_ID": emu.access_key,
           "AWS_SECRET_ACCESS_KEY": emu.secret_key, "AWS_REGION": emu.region,
           "AWS_EC2_METADATA_DISABLED": "true"}
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def in_jail(jail, emu, script, env=None, input=None):
    """Runs `script` with busybox sh inside the chroot, as a job's wrapper would."""
    return subprocess.run([CHROOT, str(jail), "/bin/sh", "-c", script], capture_output=True,
                          env=env or jail_env(emu), input=input, timeout=180)


def ferry_s3(emu, *args, input=None):
    return subprocess.run([ferry_bin(), "s3", *args, "--endpoint-url", emu.endpoint], capture_output=True,
                          env=emu.env(), input=input, timeout=180)


def digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def files_under(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(pathlib.Path(root).rglob("*")) if p.is_file()}


@needs_root
def test_s3_forms_of_the_wrappers_in_a_busybox_only_chroot(jail, emu, tmp_path):
    ep = f"--endpoint-url {emu.endpoint}"
    ok(ferry_s3(emu, "mb", "s3://jobs"))
    # The tree a job uploads: a big file (multipart, parallel ranged
    # download), odd names, an empty file, a nested directory.
    tree = jail / "work" / "out"
    (tree / "sub" / "deeper").mkdir(parents=True)
    big = os.urandom(21 * 1024 * 1024 + 17)
    (tree / "big.bin").write_bytes(big)
    (tree / "name with spaces.txt").write_text("spaces\n")
    (tree / "empty").write_bytes(b"")
    (tree / "sub" / "deeper" / "x.txt").write_text("x\n")
    (tree / "skip.tmp").write_text("excluded\n")

    # batch_wrapper: ferry_cp (s3 cp --only-show-errors) up and down.
    p = in_jail(jail, emu, f"cd /work && /ferry-job s3 cp --only-show-errors {ep} out/big.bin s3://jobs/w/big.bin")
    assert p.returncode == 0, p.stderr
    assert p.stdout == b"" and p.stderr == b""
    ok(ferry_s3(emu, "cp", "s3://jobs/w/big.bin", str(tmp_path / "by-ferry.bin")))
    assert (tmp_path / "by-ferry.bin").read_bytes() == big
    ok(ferry_s3(emu, "cp", "-", "s3://jobs/w/.command.run", input=b"#!/bin/bash\necho hi\n"))
    p = in_jail(jail, emu, f"cd /work && /ferry-job s3 cp --only-show-errors {ep} s3://jobs/w/.command.run .command.run"
                           f" && /ferry-job s3 cp --only-show-errors {ep} s3://jobs/w/big.bin back.bin")
    assert p.returncode == 0, p.stderr
    assert (jail / "work" / ".command.run").read_bytes() == b"#!/bin/bash\necho hi\n"
    assert digest(jail / "work" / "back.bin") == hashlib.sha256(big).hexdigest()

    # job_script: sync up with --delete and filters, sync down, cp, rm.
    ok(ferry_s3(emu, "cp", "-", "s3://jobs/tree/stale.txt", input=b"old\n"))
    p = in_jail(jail, emu, f"cd /work/out && /ferry-job s3 sync --delete . s3://jobs/tree/ --exclude '*.tmp'"
                           f" --only-show-errors {ep}")
    assert p.returncode == 0, p.stderr
    theirs = ok(ferry_s3(emu, "ls", "--recursive", "s3://jobs/tree/")).stdout.decode()
    ours = in_jail(jail, emu, f"/ferry-job s3 ls --recursive s3://jobs/tree/ {ep}")
    assert ours.returncode == 0, ours.stderr
    keys = sorted(line.split(None, 3)[3] for line in theirs.splitlines())
    assert keys == ["tree/big.bin", "tree/empty", "tree/name with spaces.txt", "tree/sub/deeper/x.txt"], theirs
    # Same listing from both binaries (times, sizes, keys).
    assert ours.stdout.decode() == theirs

    p = in_jail(jail, emu, f"mkdir /work/down && cd /work/down && /ferry-job s3 sync s3://jobs/tree/ . {ep}")
    assert p.returncode == 0, p.stderr
    assert b"download: s3://jobs/tree/big.bin to ./big.bin" in p.stdout, p.stdout
    expected = {k: v for k, v in files_under(tree).items() if k != "skip.tmp"}
    assert files_under(jail / "work" / "down") == expected
    ok(ferry_s3(emu, "sync", "s3://jobs/tree/", str(tmp_path / "by-ferry")))
    assert files_under(tmp_path / "by-ferry") == expected

    p = in_jail(jail, emu, f"/ferry-job s3 rm s3://jobs/tree/empty {ep} && /ferry-job s3 rm --recursive"
                           f" s3://jobs/tree/sub/ {ep}")
    assert p.returncode == 0, p.stderr
    assert b"delete: s3://jobs/tree/empty" in p.stdout
    left = ok(ferry_s3(emu, "ls", "--recursive", "s3://jobs/tree/")).stdout.decode()
    assert sorted(line.split(None, 3)[3] for line in left.splitlines()) == ["tree/big.bin",
                                                                          "tree/name with spaces.txt"]
    # stdin and stdout, as `s3 cp - URL` and `s3 cp URL -`.
    p = in_jail(jail, emu, f"echo piped | /ferry-job s3 cp --quiet - s3://jobs/p.txt {ep} && /ferry-job s3 cp"
                           f" s3://jobs/p.txt - {ep}")
    assert p.returncode == 0 and p.stdout == b"piped\n", p


@needs_root
def test_errors_in_the_chroot_are_the_aws_cli_ones(jail, emu):
    ep = f"--endpoint-url {emu.endpoint}"
    p = in_jail(jail, emu, f"/ferry-job s3 cp s3://nobucket/k /tmp/k {ep}")
    assert p.returncode == 1
    assert b"download failed: s3://nobucket/k" in p.stderr and b"404" in p.stderr, p.stderr
    p = in_jail(jail, emu, f"/ferry-job s3 cp /tmp/missing s3://b/k {ep}")
    assert p.returncode != 0 and b"/tmp/missing" in p.stderr, p.stderr
    # Nothing listens there: a connection error, not a hang or a crash.
    p = in_jail(jail, emu, "/ferry-job s3 ls s3://b/ --endpoint-url http://127.0.0.1:9")
    assert p.returncode == 1 and b"127.0.0.1" in p.stderr and b"connect" in p.stderr, p.stderr


@needs_root
def test_credentials_from_the_ecs_container_endpoint(jail, emu):
    ok(ferry_s3(emu, "mb", "s3://ecs"))
    env = jail_env(emu, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None,
                   AWS_CONTAINER_CREDENTIALS_FULL_URI=f"{emu.imds_endpoint}/v2/credentials/job-1")
    p = in_jail(jail, emu, f"/ferry-job aws whoami --endpoint-url {emu.endpoint}", env=env)
    assert p.returncode == 0, p.stderr
    assert b"credentials: ECS container endpoint" in p.stdout, p.stdout
    assert b"session:     yes (temporary)" in p.stdout
    p = in_jail(jail, emu, f"echo via-ecs | /ferry-job s3 cp - s3://ecs/k --endpoint-url {emu.endpoint}", env=env)
    assert p.returncode == 0, p.stderr
    assert ok(ferry_s3(emu, "cp", "s3://ecs/k", "-")).stdout == b"via-ecs\n"
    # The request went to the ECS endpoint, not IMDS.
    services = [r.get("service") for r in emu.requests()]
    assert "ecs" in services and "imds" not in services, services


@needs_root
def test_credentials_from_instance_metadata(jail, emu):
    ok(ferry_s3(emu, "mb", "s3://imds"))
    env = jail_env(emu, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None, AWS_EC2_METADATA_DISABLED=None,
                   AWS_EC2_METADATA_SERVICE_ENDPOINT=emu.imds_endpoint)
    p = in_jail(jail, emu, f"/ferry-job aws whoami --endpoint-url {emu.endpoint}", env=env)
    assert p.returncode == 0, p.stderr
    assert b"credentials: EC2 instance role" in p.stdout, p.stdout
    p = in_jail(jail, emu, f"/ferry-job s3 ls --endpoint-url {emu.endpoint}", env=env)
    assert p.returncode == 0 and b" imds\n" in p.stdout, p
    # No credentials anywhere: a clear error, exit 1, no hang.
    env = jail_env(emu, AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    p = in_jail(jail, emu, f"/ferry-job s3 ls s3://imds/ --endpoint-url {emu.endpoint}", env=env)
    assert p.returncode != 0 and b"credentials" in p.stderr, p.stderr


@needs_root
def test_measure_in_a_busybox_only_chroot_asks_the_instance_metadata(jail, emu):
    env = jail_env(emu, AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=emu.imds_endpoint,
                   AWS_BATCH_JOB_ID="job-9")
    p = in_jail(jail, emu, "/ferry-job measure /tmp/u -- /bin/sh -c 'cat /bin/busybox > /tmp/b'; r=$?; "
                "cat /tmp/u; exit $r", env=env)
    assert p.returncode == 0, p.stderr
    fields = dict(line.split(": ", 1) for line in p.stdout.decode().splitlines())
    assert fields["job_id"] == "job-9" and fields["instance_type"] == "m5.large", fields
    assert int(fields["peak_rss"]) > 0 and "cpu_user_ms" in fields and "realtime_ms" in fields, fields
    # No /proc in this chroot (a container has one): its counters are unknown, not 0.
    assert "rchar" not in fields and "peak_procs" not in fields, fields


# --- TLS ---------------------------------------------------------------------

def make_ca(d, name):
    """A CA key and certificate (PEM) made with openssl in d."""
    key, crt = d / f"{name}.key", d / f"{name}.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "2", "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign"], check=True, capture_output=True)
    return key, crt


def make_server_cert(d, ca_key, ca_crt, dns):
    key, csr, crt, ext = d / "server.key", d / "server.csr", d / "server.crt", d / "server.ext"
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", f"/CN={dns}"], check=True, capture_output=True)
    ext.write_text(f"subjectAltName=DNS:{dns}\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
                    "-out", crt, "-days", "2", "-extfile", ext], check=True, capture_output=True)
    return key, crt


class TlsFront:
    """Terminates TLS on loopback and passes each request, Host header and
    all (it is signed), to the emulator over plain http."""

    def __init__(self, backend_port, key, crt):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        backend = backend_port
        self.sni = []
        ctx.sni_callback = lambda sock, name, c: self.sni.append(name)

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                try:
                    conn = ctx.wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client refused our certificate
                f = conn.makefile("rb")
                while True:
                    line = f.readline()
                    if not line:
                        break
                    method, target, _ = line.decode().split(" ", 2)
                    headers = []
                    length = 0
                    while True:
                        h = f.readline().decode()
                        if h in ("\r\n", "\n", ""):
                            break
                        k, v = h.split(":", 1)
                        headers.append((k.strip(), v.strip()))
                        if k.strip().lower() == "content-length":
                            length = int(v)
                    body = f.read(length) if length else None
                    up = http.client.HTTPConnection("127.0.0.1", backend, timeout=60)
                    up.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                    for k, v in headers:
                        up.putheader(k, v)
                    up.endheaders(body)
                    r = up.getresponse()
                    data = r.read()
                    out = f"HTTP/1.1 {r.status} {r.reason}\r\n"
                    for k, v in r.getheaders():
                        if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                            out += f"{k}: {v}\r\n"
                    out += f"Content-Length: {len(data)}\r\n\r\n"
                    conn.sendall(out.encode() + (b"" if method == "HEAD" else data))
                    up.close()
                conn.close()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tls(emu, tmp_path):
    d = tmp_path / "pki"
    d.mkdir()
    ca_key, ca_crt = make_ca(d, "ferry-test-ca")
    _, other_crt = make_ca(d, "some-other-ca")
    key, crt = make_server_cert(d, ca_key, ca_crt, "localhost")
    front = TlsFront(emu.port, key, crt)
    yield {"ca": ca_crt, "other_ca": other_crt, "front": front, "url": f"https://localhost:{front.port}"}
    front.close()


@needs_root
def test_tls_with_the_ca_given_by_aws_ca_bundle(jail, emu, tls):
    ok(ferry_s3(emu, "mb", "s3://tls"))
    shutil.copy(tls["ca"], jail / "ca.pem")
    env = jail_env(emu, AWS_CA_BUNDLE="/ca.pem")
    p = in_jail(jail, emu, f"echo over-tls | /ferry-job s3 cp - s3://tls/k --endpoint-url {tls['url']}"
                           f" && /ferry-job s3 ls s3://tls/ --endpoint-url {tls['url']}", env=env)
    assert p.returncode == 0, p.stderr
    assert b" k\n" in p.stdout, p.stdout
    assert ok(ferry_s3(emu, "cp", "s3://tls/k", "-")).stdout == b"over-tls\n"
    assert "localhost" in tls["front"].sni  # SNI names the host


@needs_root
def test_tls_with_the_bundle_at_a_usual_path(jail, emu, tls):
    ok(ferry_s3(emu, "mb", "s3://tls"))
    (jail / "etc" / "pki" / "tls" / "certs").mkdir(parents=True)
    shutil.copy(tls["ca"], jail / "etc" / "pki" / "tls" / "certs" / "ca-bundle.crt")  # Amazon Linux's place
    p = in_jail(jail, emu, f"/ferry-job s3 ls --endpoint-url {tls['url']}")
    assert p.returncode == 0 and b" tls\n" in p.stdout, p


@needs_root
def test_tls_without_any_ca_bundle_is_refused_clearly(jail, emu, tls):
    p = in_jail(jail, emu, f"/ferry-job s3 ls s3://tls/ --endpoint-url {tls['url']}")
    assert p.returncode != 0
    err = p.stderr.decode()
    assert "no CA bundle found" in err and "/etc/ssl/certs/ca-certificates.crt" in err, err
    assert "AWS_CA_BUNDLE" in err, err
    # A variable naming a file that is not there says so.
    p = in_jail(jail, emu, f"/ferry-job s3 ls s3://tls/ --endpoint-url {tls['url']}",
                env=jail_env(emu, AWS_CA_BUNDLE="/nope.pem"))
    assert p.returncode != 0 and b"AWS_CA_BUNDLE=/nope.pem is not a file" in p.stderr, p.stderr


@needs_root
def test_tls_with_the_wrong_ca_or_the_wrong_name_fails_verification(jail, emu, tls):
    shutil.copy(tls["other_ca"], jail / "other.pem")
    p = in_jail(jail, emu, f"/ferry-job s3 ls s3://tls/ --endpoint-url {tls['url']}",
                env=jail_env(emu, AWS_CA_BUNDLE="/other.pem"))
    assert p.returncode != 0
    err = p.stderr.decode()
    assert "TLS certificate of localhost failed verification" in err, err
    assert "unable to get local issuer certificate" in err, err
    # The right CA but a name the certificate does not carry (127.0.0.1).
    shutil.copy(tls["ca"], jail / "ca.pem")
    p = in_jail(jail, emu, f"/ferry-job s3 ls s3://tls/ --endpoint-url https://127.0.0.1:{tls['front'].port}",
                env=jail_env(emu, AWS_CA_BUNDLE="/ca.pem"))
    assert p.returncode != 0
    err = p.stderr.decode()
    assert "failed verification" in err and "mismatch" in err, err
