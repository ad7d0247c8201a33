// The OpenSSL transport against loopback servers: real HTTP/1.1 from
// cpp-httplib (bodies both ways, keep-alive, HEAD, concurrency) and canned
// replies from a raw socket (chunked, malformed, cut short, silent), each
// ending as a response or a clear failure with the CURLcode the retry rules
// expect.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <vector>

#include "aws/http.h"
#include "aws/test_server_util.h"

namespace ferry::aws {
namespace {

using testing::LoopbackServer;
using testing::ResettingServer;

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

TEST(OpenSslTransport, BodiesBothWaysOverKeptAliveConnections) {
  LoopbackServer s;
  std::mutex mu;
  std::set<std::string> peers;
  s.server().Put("/obj", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> l(mu);
    peers.insert(req.remote_addr + ":" + std::to_string(req.remote_port));
    res.set_content("got " + std::to_string(req.body.size()) + " " + req.get_header_value("X-Test"), "text/plain");
  });
  s.server().Get("/big", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(3 * 1024 * 1024 + 5, 'z'), "application/octet-stream");
  });
  s.Start();
  HttpTransport t(TransportOptions{4});
  std::string payload(1 << 20, 'p');
  for (int i = 0; i < 6; i++) {
    HttpRequest r = Get(s.url() + "/obj");
    r.method = "PUT";
    r.headers = {{"X-Test", "v" + std::to_string(i)}};
    r.body = std::make_shared<StringBody>(payload);
    HttpResponse resp = t.Perform(r);
    ASSERT_TRUE(resp.transport_ok()) << resp.curl_error;
    EXPECT_EQ(resp.status, 200);
    EXPECT_EQ(resp.body, "got 1048576 v" + std::to_string(i));
    EXPECT_EQ(resp.Header("content-type"), "text/plain");
  }
  EXPECT_EQ(peers.size(), 1u) << "one kept-alive connection for one request at a time";
  auto sink = std::make_shared<StringSink>();
  HttpRequest g = Get(s.url() + "/big");
  g.sink = sink;
  HttpResponse resp = t.Perform(g);
  ASSERT_TRUE(resp.transport_ok()) << resp.curl_error;
  EXPECT_EQ(sink->data().size(), 3u * 1024 * 1024 + 5);
  EXPECT_TRUE(resp.body.empty());
  HttpRequest h = Get(s.url() + "/big");
  h.method = "HEAD";
  resp = t.Perform(h);
  ASSERT_TRUE(resp.transport_ok()) << resp.curl_error;
  EXPECT_EQ(resp.Header("Content-Length"), std::to_string(3 * 1024 * 1024 + 5));
}

TEST(OpenSslTransport, ManyConcurrentRequestsAndDelays) {
  LoopbackServer s;
  s.server().Get(R"(/n/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.matches[1].str(), "text/plain");
  });
  s.Start();
  HttpTransport t(TransportOptions{8});
  std::vector<std::promise<HttpResponse>> done(40);
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < done.size(); i++)
    t.Submit(
        Get(s.url() + "/n/" + std::to_string(i)), [&done, i](HttpResponse r) { done[i].set_value(std::move(r)); },
        std::chrono::milliseconds(i == 0 ? 300 : 0));
  for (size_t i = 0; i < done.size(); i++) {
    HttpResponse r = done[i].get_future().get();
    ASSERT_TRUE(r.transport_ok()) << r.curl_error;
    EXPECT_EQ(r.body, std::to_string(i));
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));  // the delayed one waited
}

TEST(OpenSslTransport, ChunkedReplyIsDecoded) {
  ResettingServer s(0,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    "4\r\nWiki\r\n6;x=y\r\npedia \r\n0\r\n\r\n");
  HttpResponse r = PerformOnce(Get(s.url() + "/"));
  ASSERT_TRUE(r.transport_ok()) << r.curl_error;
  EXPECT_EQ(r.body, "Wikipedia ");
}

TEST(OpenSslTransport, MalformedRepliesFailClearly) {
  struct Case {
    std::string reply;
    int code;
    std::string says;
  };
  const Case cases[] = {
      {"SSH-2.0-OpenSSH_9.2\r\n", 8, "malformed HTTP reply: status line 'SSH-2.0-OpenSSH_9.2'"},
      {"HTTP/1.1 200 OK\r\n folded: x\r\n\r\n", 8, "obsolete line folding"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 8, "is not a hexadecimal size"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", 18, "before the end of the body"},
      {"HTTP/1.1 200 OK\r\nContent-Len", 56, "in the middle of the headers"},
      {"", 52, "without a reply"},
  };
  for (const Case& c : cases) {
    ResettingServer s(0, c.reply);
    HttpResponse r = PerformOnce(Get(s.url() + "/"));
    EXPECT_EQ(r.curl_code, c.code) << c.reply << ": " << r.curl_error;
    EXPECT_NE(r.curl_error.find(c.says), std::string::npos) << r.curl_error;
  }
}

TEST(OpenSslTransport, ResetAndRefusedConnections) {
  ResettingServer s(1, "HTTP/1.1 204 No Content\r\n\r\n");
  HttpResponse r = PerformOnce(Get(s.url() + "/"));
  EXPECT_TRUE(r.curl_code == 56 || r.curl_code == 52) << r.curl_code << " " << r.curl_error;
  r = PerformOnce(Get(s.url() + "/"));
  ASSERT_TRUE(r.transport_ok()) << r.curl_error;
  EXPECT_EQ(r.status, 204);
  r = PerformOnce(Get("http://127.0.0.1:9/"));
  EXPECT_EQ(r.curl_code, 7);
  EXPECT_NE(r.curl_error.find("could not connect to 127.0.0.1 port 9"), std::string::npos) << r.curl_error;
  r = PerformOnce(Get("ftp://127.0.0.1/"));
  EXPECT_EQ(r.curl_code, 3);
}

TEST(OpenSslTransport, StalledServerTimesOut) {
  LoopbackServer s;
  s.server().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    res.set_content("late", "text/plain");
  });
  s.Start();
  HttpRequest r = Get(s.url() + "/slow");
  r.low_speed_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  HttpResponse resp = PerformOnce(r);
  EXPECT_EQ(resp.curl_code, 28);
  EXPECT_NE(resp.curl_error.find("no data moved for 1 seconds"), std::string::npos) << resp.curl_error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2400));
  r.low_speed_seconds = 0;
  r.timeout_ms = 500;
  resp = PerformOnce(r);
  EXPECT_EQ(resp.curl_code, 28);
  EXPECT_NE(resp.curl_error.find("timed out after 500 milliseconds"), std::string::npos) << resp.curl_error;
}

// Accepts one connection, keeps what the client sent, answers `reply`.
class RecordingServer {
 public:
  explicit RecordingServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = testing::ListenOnLoopback(&port_);
    thread_ = std::thread([this] {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n > 0) got_.assign(buf, static_cast<size_t>(n));
      ssize_t w = send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      (void)w;
      close(c);
    });
  }
  ~RecordingServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // What arrived (call after the request finished).
  const std::string& got() const { return got_; }

 private:
  std::string reply_, got_;
  int fd_ = -1, port_ = 0;
  std::thread thread_;
};

TEST(OpenSslTransport, ProxiesFromTheEnvironment) {
  {
    RecordingServer proxy("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    setenv("http_proxy", ("http://" + proxy.address()).c_str(), 1);
    HttpResponse r = PerformOnce(Get("http://s3.example.invalid/b/k?x=1"));
    ASSERT_TRUE(r.transport_ok()) << r.curl_error;
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(proxy.got().substr(0, proxy.got().find("\r\n")), "GET http://s3.example.invalid/b/k?x=1 HTTP/1.1");
    EXPECT_NE(proxy.got().find("Host: s3.example.invalid\r\n"), std::string::npos) << proxy.got();
  }
  {
    RecordingServer proxy("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    setenv("https_proxy", proxy.address().c_str(), 1);  // no scheme: http:// is meant
    HttpResponse r = PerformOnce(Get("https://s3.example.invalid/b"));
    EXPECT_EQ(r.curl_code, 7);
    EXPECT_NE(r.curl_error.find("refused CONNECT with HTTP 403"), std::string::npos) << r.curl_error;
    EXPECT_EQ(proxy.got(), "CONNECT s3.example.invalid:443 HTTP/1.1\r\nHost: s3.example.invalid:443\r\n\r\n");
  }
  // no_proxy hosts and credential endpoints (use_proxy = false) go direct:
  // to a closed port here, where the proxy would have answered.
  RecordingServer proxy("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  setenv("http_proxy", ("http://" + proxy.address()).c_str(), 1);
  setenv("no_proxy", "localhost", 1);
  HttpResponse r = PerformOnce(Get("http://localhost:9/"));
  EXPECT_EQ(r.curl_code, 7) << r.curl_error;
  EXPECT_NE(r.curl_error.find("could not connect to localhost port 9"), std::string::npos) << r.curl_error;
  unsetenv("no_proxy");
  HttpRequest direct = Get("http://localhost:9/");
  direct.use_proxy = false;
  r = PerformOnce(direct);
  EXPECT_EQ(r.curl_code, 7) << r.curl_error;
  unsetenv("http_proxy");
  unsetenv("https_proxy");
  EXPECT_EQ(proxy.got(), "");
}

TEST(OpenSslTransport, SinkFailureStopsTheTransfer) {
  struct Refusing : BodySink {
    bool Write(const char*, size_t) override { return false; }
  };
  LoopbackServer s;
  s.server().Get("/x", [](const httplib::Request&, httplib::Response& res) { res.set_content("data", "text/plain"); });
  s.Start();
  HttpRequest r = Get(s.url() + "/x");
  r.sink = std::make_shared<Refusing>();
  HttpResponse resp = PerformOnce(r);
  EXPECT_TRUE(resp.sink_failed);
  EXPECT_EQ(resp.curl_code, 23);
}

}  // namespace
}  // namespace ferry::aws
