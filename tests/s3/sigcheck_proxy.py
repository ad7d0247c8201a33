"""A reverse proxy that checks every request's SigV4 signature with botocore
(an independent implementation) before forwarding it to s3rver, which does
not verify V4 signatures itself. Requests whose signature botocore computes
differently get 403 SignatureDoesNotMatch; the proxy records each verdict."""
import http.client
import http.server
import threading
import urllib.parse

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


class Verdicts:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = 0
        self.bad = []


def verify(method, path, headers, body, secret):
    """Returns None when botocore computes the same signature, else a reason."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "no SigV4 Authorization header"
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key, date, region, service, _ = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    # Only the headers the client signed, as a server reconstructs them.
    lower = {k.lower(): v for k, v in headers.items()}
    req_headers = {h: lower[h] for h in signed if h in lower}
    if len(req_headers) != len(signed):
        return "a signed header is missing"
    url = "http://" + lower["host"] + path
    request = AWSRequest(method=method, url=url, headers=req_headers, data=body)
    request.context["timestamp"] = lower["x-amz-date"]
    signer = S3SigV4Auth(Credentials(key, secret), service, region)
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    expected = signer.signature(string_to_sign, request)
    if expected != parts["Signature"]:
        return f"signature mismatch for {method} {path}\nbotocore canonical request:\n{canonical}"
    return None


def start(upstream_port, secret):
    verdicts = Verdicts()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_one(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reason = verify(self.command, self.path, self.headers, body, secret)
            with verdicts.lock:
                if reason:
                    verdicts.bad.append(reason)
                else:
                    verdicts.ok += 1
            if reason:
                msg = b"<Error><Code>SignatureDoesNotMatch</Code><Message>botocore disagrees</Message></Error>"
                self.send_response(403)
                self.send_header("Content-Length", str(len(msg)))
                self.end_headers()
                self.wfile.write(msg)
                return
            conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
            headers = {k: v for k, v in self.headers.items()}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            conn.close()

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_one

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, verdicts
