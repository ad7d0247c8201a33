// aws/http.h over OpenSSL and plain sockets, for the static ferry-job binary
// only. It is hand-written because Debian ships no libcurl that links
// statically (its libcurl.a needs GSSAPI, SASL and p11-kit, which exist only
// as shared libraries), and a Batch job's image may have no /lib at all.
//
// What it does, matching the libcurl transport where ferry relies on it:
// HTTP/1.1 with keep-alive connections pooled per host, Content-Length,
// chunked and until-close reply bodies (parsed by aws/http_wire.h), request
// bodies streamed from a BodySource and 2xx reply bodies streamed into a
// BodySink, connect / whole-request / stall timeouts, the http(s)_proxy and
// no_proxy variables (plain http proxies; CONNECT for https), and TLS with
// SNI, the server's name checked against its certificate, verified with the
// CA bundle aws/ca_bundle.h finds. Failures carry the CURLcode numbers the
// retry rules (aws/retry.h) classify, so both transports retry alike.
//
// Concurrency: Submit queues a request; a pool of worker threads runs them
// with blocking-style I/O on non-blocking sockets. Calls into the caller's
// code (body reads, sink writes, done callbacks) of one transport are
// serialized, as the libcurl transport runs them all on its one thread.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "aws/ca_bundle.h"
#include "aws/env.h"
#include "aws/http.h"
#include "aws/http_wire.h"

namespace ferry::aws {

namespace {

using Clock = std::chrono::steady_clock;

// CURLcode numbers (aws/retry.cc classifies them; this file has no curl).
constexpr int kUrlMalformat = 3;
constexpr int kCouldntResolveProxy = 5;
constexpr int kCouldntResolve = 6;
constexpr int kCouldntConnect = 7;
constexpr int kWeirdReply = 8;
constexpr int kPartialFile = 18;
constexpr int kWriteError = 23;
constexpr int kReadError = 26;
constexpr int kTimedOut = 28;
constexpr int kSslConnect = 35;
constexpr int kGotNothing = 52;
constexpr int kSendError = 55;
constexpr int kRecvError = 56;
constexpr int kPeerVerify = 60;
constexpr int kCaBundle = 77;

struct Failure {
  int code = 0;
  std::string message;
  bool ok() const { return code == 0; }
};

Failure Fail(int code, std::string message) { return Failure{code, std::move(message)}; }

std::string GetEnv(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// The time limits of one request: the whole request, and the longest pause
// with no byte moving (the libcurl transport's low-speed limit).
struct Deadline {
  Clock::time_point end = Clock::time_point::max();
  std::chrono::milliseconds stall{0};
  long total_ms = 0;

  // Milliseconds poll() may wait, or -1 when the whole request is over.
  int WaitMs() const {
    long wait = stall.count() > 0 ? stall.count() : 3600 * 1000;
    if (end != Clock::time_point::max()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(end - Clock::now()).count();
      if (left <= 0) return -1;
      wait = std::min<long>(wait, left);
    }
    return static_cast<int>(wait);
  }
  Failure TimedOut() const {
    // The whole-request limit when it, not the stall window, bounded the
    // wait that just ran out.
    bool total = end != Clock::time_point::max() && (stall.count() <= 0 || end - Clock::now() < stall);
    if (total) return Fail(kTimedOut, "operation timed out after " + std::to_string(total_ms) + " milliseconds");
    return Fail(kTimedOut, "no data moved for " + std::to_string(stall.count() / 1000) + " seconds");
  }
};

// SIGPIPE off for the calling thread while it writes to sockets (OpenSSL
// writes with write(2), which raises it when the peer has gone); a pending
// one is swallowed before the old mask comes back.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &s, &old_);
  }
  ~SigpipeBlock() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    timespec zero{0, 0};
    while (sigtimedwait(&s, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
};

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// The one client TLS context, made on the first https request with the CA
// bundle found then. Until a bundle is found every https request fails.
Failure TlsContext(SSL_CTX** out) {
  static std::mutex mu;
  static SSL_CTX* ctx = nullptr;
  std::lock_guard<std::mutex> l(mu);
  if (ctx) {
    *out = ctx;
    return {};
  }
  std::string bundle;
  Status s = FindCaBundle(
      ProcessEnv(),
      [](const std::string& p) {
        struct stat st;
        return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
      },
      &bundle);
  if (!s.ok()) return Fail(kCaBundle, s.message());
  SSL_CTX* c = SSL_CTX_new(TLS_client_method());
  if (!c) return Fail(kSslConnect, "cannot create a TLS context: " + OpenSslError());
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  // A close without close_notify is an end of stream; the reply parser
  // knows whether the body was complete.
  SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(c, bundle.c_str(), nullptr) != 1) {
    std::string why = OpenSslError();
    SSL_CTX_free(c);
    return Fail(kCaBundle, "cannot read the CA bundle " + bundle + " (" + why +
                               "): it must hold PEM certificates; set AWS_CA_BUNDLE to another file");
  }
  ctx = c;
  *out = ctx;
  return {};
}

bool IsIpLiteral(const std::string& host) {
  in6_addr a6;
  in_addr a4;
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

// One connection: a socket, and TLS on it for https.
class Conn {
 public:
  ~Conn() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }

  Failure Connect(const std::string& host, int port, long timeout_ms, bool is_proxy) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port);
    int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
    if (rc != 0)
      return Fail(is_proxy ? kCouldntResolveProxy : kCouldntResolve,
                  "could not resolve " + std::string(is_proxy ? "proxy " : "host ") + host + ": " + gai_strerror(rc));
    std::string why = "no address";
    for (addrinfo* a = res; a; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) {
        why = std::strerror(errno);
        continue;
      }
      int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
      if (r != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        r = ::poll(&p, 1, static_cast<int>(timeout_ms));
        if (r == 0) {
          why = "timed out after " + std::to_string(timeout_ms) + " ms";
          ::close(fd);
          if (!a->ai_next) {
            freeaddrinfo(res);
            return Fail(kTimedOut, "could not connect to " + host + " port " + service + ": " + why);
          }
          continue;
        }
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        r = err ? -1 : 0;
        errno = err;
      }
      if (r != 0) {
        why = std::strerror(errno);
        ::close(fd);
        continue;
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
      fd_ = fd;
      break;
    }
    freeaddrinfo(res);
    if (fd_ < 0) return Fail(kCouldntConnect, "could not connect to " + host + " port " + service + ": " + why);
    return {};
  }

  Failure StartTls(const std::string& host, const Deadline& dl) {
    SSL_CTX* ctx = nullptr;
    Failure f = TlsContext(&ctx);
    if (!f.ok()) return f;
    ssl_ = SSL_new(ctx);
    if (!ssl_) return Fail(kSslConnect, "cannot start TLS: " + OpenSslError());
    SSL_set_fd(ssl_, fd_);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    if (IsIpLiteral(host)) {
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl_, host.c_str());
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    }
    while (true) {
      ERR_clear_error();
      int r = SSL_connect(ssl_);
      if (r == 1) return {};
      Failure w;
      if (WouldBlock(SSL_get_error(ssl_, r), dl, &w)) {
        if (!w.ok()) return w;
        continue;
      }
      long verify = SSL_get_verify_result(ssl_);
      if (verify != X509_V_OK)
        return Fail(kPeerVerify, "the TLS certificate of " + host +
                                     " failed verification: " + X509_verify_cert_error_string(verify) +
                                     " (AWS_CA_BUNDLE names the CA bundle to trust)");
      std::string why = OpenSslError();
      return Fail(kSslConnect, "TLS handshake with " + host + " failed" + (why.empty() ? "" : ": " + why));
    }
  }

  Failure WriteAll(const char* data, size_t n, const Deadline& dl) {
    while (n > 0) {
      ssize_t w;
      if (ssl_) {
        ERR_clear_error();
        int r = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(n, 1 << 30)));
        if (r <= 0) {
          Failure f;
          if (WouldBlock(SSL_get_error(ssl_, r), dl, &f)) {
            if (!f.ok()) return f;
            continue;
          }
          return Fail(kSendError, "TLS send failed: " + ErrnoOr(OpenSslError()));
        }
        w = r;
      } else {
        w = ::send(fd_, data, n, MSG_NOSIGNAL);
        Failure f;
        if (w < 0 && SocketWouldBlock(POLLOUT, dl, &f)) {
          if (!f.ok()) return f;
          continue;
        }
        if (w < 0) {
          return Fail(kSendError, std::string("send failed: ") + std::strerror(errno));
        }
      }
      data += w;
      n -= static_cast<size_t>(w);
    }
    return {};
  }

  // Bytes read into buf (0 = the peer closed), or a failure.
  Failure Read(char* buf, size_t n, size_t* got, const Deadline& dl) {
    while (true) {
      if (ssl_) {
        ERR_clear_error();
        int r = SSL_read(ssl_, buf, static_cast<int>(std::min<size_t>(n, 1 << 30)));
        if (r > 0) {
          *got = static_cast<size_t>(r);
          return {};
        }
        int e = SSL_get_error(ssl_, r);
        if (e == SSL_ERROR_ZERO_RETURN) {
          *got = 0;
          return {};
        }
        Failure f;
        if (WouldBlock(e, dl, &f)) {
          if (!f.ok()) return f;
          continue;
        }
        return Fail(kRecvError, "TLS receive failed: " + ErrnoOr(OpenSslError()));
      }
      ssize_t r = ::recv(fd_, buf, n, 0);
      if (r >= 0) {
        *got = static_cast<size_t>(r);
        return {};
      }
      Failure f;
      if (SocketWouldBlock(POLLIN, dl, &f)) {
        if (!f.ok()) return f;
        continue;
      }
      return Fail(kRecvError, std::string("receive failed: ") + std::strerror(errno));
    }
  }

  // Whether an idle pooled connection still looks usable: nothing to read
  // (a readable idle socket means the server closed it or sent junk).
  bool StillOpen() const {
    if (ssl_ && SSL_pending(ssl_) > 0) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

 private:
  // True when an SSL call's error `e` only asks for the socket to be ready;
  // *f then says whether waiting for it worked.
  bool WouldBlock(int e, const Deadline& dl, Failure* f) {
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return false;
    *f = Wait(e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, dl);
    return true;
  }
  // The same for a socket call that failed with errno: an interruption or
  // a full/empty socket buffer.
  bool SocketWouldBlock(short events, const Deadline& dl, Failure* f) {
    if (errno == EINTR) return true;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
    *f = Wait(events, dl);
    return true;
  }
  Failure Wait(short events, const Deadline& dl) {
    while (true) {
      int ms = dl.WaitMs();
      if (ms < 0) return dl.TimedOut();
      pollfd p{fd_, events, 0};
      int r = ::poll(&p, 1, ms);
      if (r > 0) return {};
      if (r == 0) return dl.TimedOut();
      if (errno != EINTR) return Fail(kRecvError, std::string("poll failed: ") + std::strerror(errno));
    }
  }
  static std::string ErrnoOr(const std::string& ssl_error) {
    if (!ssl_error.empty()) return ssl_error;
    return errno ? std::strerror(errno) : "the connection was closed";
  }

  int fd_ = -1;
  SSL* ssl_ = nullptr;
};

// Idle keep-alive connections by where they lead.
class ConnPool {
 public:
  explicit ConnPool(size_t per_key) : per_key_(per_key) {}
  std::unique_ptr<Conn> Take(const std::string& key) {
    std::lock_guard<std::mutex> l(mu_);
    auto& list = idle_[key];
    while (!list.empty()) {
      std::unique_ptr<Conn> c = std::move(list.back());
      list.pop_back();
      if (c->StillOpen()) return c;
    }
    return nullptr;
  }
  void Give(const std::string& key, std::unique_ptr<Conn> c) {
    std::lock_guard<std::mutex> l(mu_);
    auto& list = idle_[key];
    if (list.size() < per_key_) list.push_back(std::move(c));
  }

 private:
  size_t per_key_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Conn>>> idle_;
};

// Runs one request. `user_mu` (may be null) is held around every call into
// the caller's body source and sink.
class Exchange {
 public:
  Exchange(const HttpRequest& req, ConnPool* pool, std::mutex* user_mu) : req_(req), pool_(pool), user_mu_(user_mu) {}

  HttpResponse Run() {
    SigpipeBlock no_sigpipe;
    if (req_.sink) Locked([&] { req_.sink->Reset(); });
    Failure f = Prepare();
    for (int attempt = 0; f.ok(); ++attempt) {
      bool reused = false;
      f = Open(&reused);
      if (!f.ok()) break;
      ReplyParser parser(req_.method == "HEAD");
      f = Send();
      if (f.ok()) f = Receive(&parser);
      // A pooled connection the server closed meanwhile: try once more on a
      // new one, as long as no byte of a reply came back.
      if (!f.ok() && reused && !parser.started() && attempt == 0 && f.code != kTimedOut && f.code != kReadError) {
        f = {};
        conn_.reset();
        continue;
      }
      if (f.ok() && parser.keep_alive()) pool_->Give(key_, std::move(conn_));
      break;
    }
    if (!f.ok()) {
      resp_.curl_code = f.code;
      resp_.curl_error = f.message;
    }
    return std::move(resp_);
  }

 private:
  template <typename Fn>
  void Locked(Fn fn) {
    if (!user_mu_) return fn();
    std::lock_guard<std::mutex> l(*user_mu_);
    fn();
  }

  Failure Prepare() {
    Status s = ParseWireUrl(req_.url, &url_);
    if (!s.ok()) return Fail(kUrlMalformat, s.message());
    if (req_.use_proxy) {
      std::string proxy = ProxyForUrl(url_, GetEnv);
      if (!proxy.empty()) {
        if (proxy.find("://") == std::string::npos) proxy = "http://" + proxy;
        s = ParseWireUrl(proxy, &proxy_);
        if (!s.ok() || proxy_.scheme != "http")
          return Fail(kUrlMalformat, "proxy '" + proxy + "': only http:// proxies are supported");
        has_proxy_ = true;
      }
    }
    dl_.stall = std::chrono::seconds(req_.low_speed_seconds);
    dl_.total_ms = req_.timeout_ms;
    if (req_.timeout_ms > 0) dl_.end = Clock::now() + std::chrono::milliseconds(req_.timeout_ms);
    key_ = url_.scheme + "://" + url_.Authority() + (has_proxy_ ? " via " + proxy_.Authority() : "");
    return {};
  }

  Failure Open(bool* reused) {
    conn_ = pool_->Take(key_);
    *reused = conn_ != nullptr;
    if (conn_) return {};
    conn_ = std::make_unique<Conn>();
    const WireUrl& first = has_proxy_ ? proxy_ : url_;
    Failure f = conn_->Connect(first.host, first.port, req_.connect_timeout_ms, has_proxy_);
    if (!f.ok()) return f;
    if (url_.scheme != "https") return {};
    if (has_proxy_) {
      f = Tunnel();
      if (!f.ok()) return f;
    }
    return conn_->StartTls(url_.host, dl_);
  }

  // CONNECT through the proxy; TLS then runs inside the tunnel.
  Failure Tunnel() {
    std::string head = "CONNECT " + url_.host + ":" + std::to_string(url_.port) + " HTTP/1.1\r\nHost: " + url_.host +
                       ":" + std::to_string(url_.port) + "\r\n\r\n";
    Failure f = conn_->WriteAll(head.data(), head.size(), dl_);
    if (!f.ok()) return f;
    // A successful CONNECT reply has no body; read byte by byte so nothing
    // of the TLS stream is taken.
    ReplyParser parser(true);
    char c;
    while (!parser.done()) {
      size_t got = 0, used = 0;
      f = conn_->Read(&c, 1, &got, dl_);
      if (!f.ok()) return f;
      if (got == 0) return Fail(kCouldntConnect, "proxy " + proxy_.Authority() + " closed the connection on CONNECT");
      Status s = parser.Feed(&c, 1, &used, [](const char*, size_t) { return true; });
      if (!s.ok()) return Fail(kWeirdReply, "proxy " + proxy_.Authority() + ": " + s.message());
    }
    if (parser.status() / 100 != 2)
      return Fail(kCouldntConnect,
                  "proxy " + proxy_.Authority() + " refused CONNECT with HTTP " + std::to_string(parser.status()));
    return {};
  }

  Failure Send() {
    bool has_body = req_.body != nullptr;
    int64_t size = has_body ? req_.body->size() : 0;
    std::string target = has_proxy_ && url_.scheme == "http" ? req_.url : url_.target;
    std::string head = RequestHead(req_.method, target, url_.Authority(), req_.headers, has_body, size);
    Failure f = conn_->WriteAll(head.data(), head.size(), dl_);
    if (!f.ok()) return f;
    std::vector<char> buf(64 * 1024);
    for (int64_t off = 0; off < size;) {
      int64_t n = 0;
      size_t want = static_cast<size_t>(std::min<int64_t>(size - off, static_cast<int64_t>(buf.size())));
      Locked([&] { n = req_.body->ReadAt(off, buf.data(), want); });
      if (n <= 0) return Fail(kReadError, "could not read the request body at byte " + std::to_string(off));
      f = conn_->WriteAll(buf.data(), static_cast<size_t>(n), dl_);
      if (!f.ok()) return f;
      off += n;
    }
    return {};
  }

  Failure Receive(ReplyParser* parser) {
    std::vector<char> buf(64 * 1024);
    bool to_sink = false, checked = false;
    auto on_body = [&](const char* d, size_t n) {
      if (!checked) {
        to_sink = req_.sink && parser->status() >= 200 && parser->status() < 300;
        checked = true;
      }
      if (to_sink) {
        bool ok = true;
        Locked([&] { ok = req_.sink->Write(d, n); });
        if (!ok) resp_.sink_failed = true;
        return ok;
      }
      // Error bodies are small; cap them anyway.
      if (!req_.sink || resp_.body.size() < (1u << 20)) resp_.body.append(d, n);
      return true;
    };
    while (!parser->done()) {
      size_t got = 0;
      Failure f = conn_->Read(buf.data(), buf.size(), &got, dl_);
      if (!f.ok()) return f;
      Status s;
      if (got == 0) {
        s = parser->FinishAtEof();
        Publish(*parser);
        if (s.ok()) return {};
        return Fail(!parser->started() ? kGotNothing : parser->headers_done() ? kPartialFile : kRecvError, s.message());
      }
      size_t used = 0;
      s = parser->Feed(buf.data(), got, &used, on_body);
      Publish(*parser);
      if (!s.ok()) {
        if (resp_.sink_failed) return Fail(kWriteError, "failure writing the response body");
        return Fail(kWeirdReply, s.message());
      }
    }
    return {};
  }

  void Publish(const ReplyParser& p) {
    if (!p.headers_done()) return;
    resp_.status = p.status();
    resp_.headers = p.headers();
  }

  const HttpRequest& req_;
  ConnPool* pool_;
  std::mutex* user_mu_;
  WireUrl url_, proxy_;
  bool has_proxy_ = false;
  std::string key_;
  Deadline dl_;
  std::unique_ptr<Conn> conn_;
  HttpResponse resp_;
};

}  // namespace

struct HttpTransport::Impl {
  explicit Impl(TransportOptions o) : options(o), pool(static_cast<size_t>(std::max(1, o.max_connections))) {}

  struct Job {
    HttpRequest req;
    Done done;
  };

  void Worker() {
    std::unique_lock<std::mutex> l(mu);
    while (true) {
      if (pending.empty()) {
        if (stop) return;
        cv.wait(l);
        continue;
      }
      auto it = pending.begin();
      if (it->first > Clock::now()) {
        // A copy: wait_until reads its deadline while the lock is released,
        // and another worker may take (erase) this job meanwhile.
        const Clock::time_point when = it->first;
        cv.wait_until(l, when);
        continue;
      }
      Job job = std::move(it->second);
      pending.erase(it);
      l.unlock();
      HttpResponse resp = Exchange(job.req, &pool, &user_mu).Run();
      {
        std::lock_guard<std::mutex> u(user_mu);
        job.done(std::move(resp));
      }
      l.lock();
    }
  }

  TransportOptions options;
  ConnPool pool;
  std::mutex mu;  // guards pending and stop
  std::condition_variable cv;
  std::multimap<Clock::time_point, Job> pending;
  bool stop = false;
  std::mutex user_mu;  // held around every call into the caller's code
  std::vector<std::thread> workers;
};

HttpTransport::HttpTransport(TransportOptions options) : impl_(std::make_unique<Impl>(options)) {
  int n = std::clamp(options.max_connections, 1, 32);
  for (int i = 0; i < n; i++) impl_->workers.emplace_back([this] { impl_->Worker(); });
}

HttpTransport::~HttpTransport() {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  for (auto& t : impl_->workers) t.join();
}

void HttpTransport::Submit(HttpRequest req, Done done, std::chrono::milliseconds delay) {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->pending.emplace(Clock::now() + delay, Impl::Job{std::move(req), std::move(done)});
  }
  impl_->cv.notify_one();
}

HttpResponse PerformOnce(const HttpRequest& req) {
  ConnPool pool(0);  // a private connection, closed afterwards
  return Exchange(req, &pool, nullptr).Run();
}

}  // namespace ferry::aws
