#include "aws/http_wire.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "aws/ca_bundle.h"

namespace ferry::aws {
namespace {

struct Parsed {
  Status status;
  std::string body;
  size_t consumed = 0;
  bool done = false;
  int code = 0;
  HeaderList headers;
  bool keep_alive = false;
};

// Feeds `reply` in pieces of `step` bytes (0: all at once), then the end of
// the connection when `eof`.
Parsed Parse(const std::string& reply, size_t step = 0, bool eof = false, bool head = false,
             ReplyParser::Limits limits = {}) {
  ReplyParser p(head, limits);
  Parsed out;
  size_t pos = 0;
  while (pos < reply.size() && !p.done()) {
    size_t n = step ? std::min(step, reply.size() - pos) : reply.size() - pos;
    size_t used = 0;
    out.status = p.Feed(reply.data() + pos, n, &used, [&](const char* d, size_t k) {
      out.body.append(d, k);
      return true;
    });
    pos += used;
    if (!out.status.ok()) break;
    if (used < n) break;  // the reply ended inside this piece
  }
  if (out.status.ok() && eof) out.status = p.FinishAtEof();
  out.consumed = pos;
  out.done = p.done();
  out.code = p.status();
  out.headers = p.headers();
  out.keep_alive = p.keep_alive();
  return out;
}

TEST(ReplyParser, ContentLengthBodyInOneByteReads) {
  std::string r = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"x\"\r\n\r\nhello";
  for (size_t step : {size_t(0), size_t(1), size_t(7)}) {
    Parsed p = Parse(r, step);
    ASSERT_TRUE(p.status.ok()) << p.status.message();
    EXPECT_TRUE(p.done);
    EXPECT_EQ(p.code, 200);
    EXPECT_EQ(p.body, "hello");
    EXPECT_TRUE(p.keep_alive);
    ASSERT_EQ(p.headers.size(), 2u);
    EXPECT_EQ(p.headers[1].first, "ETag");
    EXPECT_EQ(p.headers[1].second, "\"x\"");
  }
}

TEST(ReplyParser, StopsAtTheEndOfTheReply) {
  Parsed p = Parse("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200");
  ASSERT_TRUE(p.status.ok());
  EXPECT_TRUE(p.done);
  EXPECT_EQ(p.body, "");  // 204 has no body whatever the headers say
  EXPECT_EQ(p.consumed, std::string("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n").size());
}

TEST(ReplyParser, ChunkedBodyWithExtensionsAndTrailers) {
  std::string r =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n";
  for (size_t step : {size_t(0), size_t(1), size_t(3)}) {
    Parsed p = Parse(r, step);
    ASSERT_TRUE(p.status.ok()) << p.status.message();
    EXPECT_TRUE(p.done);
    EXPECT_EQ(p.body, "helloabcdefghijklmnopqrstuvwxyz");
    EXPECT_EQ(p.consumed, r.size());
  }
}

TEST(ReplyParser, SkipsInterimRepliesAndHonoursHead) {
  Parsed p = Parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.code, 200);
  EXPECT_EQ(p.body, "ok");
  Parsed h = Parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 0, false, /*head=*/true);
  ASSERT_TRUE(h.status.ok());
  EXPECT_TRUE(h.done);
  EXPECT_EQ(h.body, "");
}

TEST(ReplyParser, KeepAliveRules) {
  EXPECT_FALSE(Parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_TRUE(Parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keep_alive);
  // No length and not chunked: the body runs until the server closes.
  Parsed p = Parse("HTTP/1.1 200 OK\r\n\r\nall of it", 0, /*eof=*/true);
  ASSERT_TRUE(p.status.ok());
  EXPECT_FALSE(p.keep_alive);
  EXPECT_EQ(p.body, "all of it");
}

TEST(ReplyParser, BareLineFeedsAreAccepted) {
  Parsed p = Parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok");
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.body, "ok");
}

// Each malformed reply is an error that says what is wrong, never a crash
// or a body made up from the bytes.
TEST(ReplyParser, MalformedRepliesAreClearErrors) {
  struct Case {
    std::string reply;
    std::string says;
  };
  const Case cases[] = {
      {"FTP/1.0 200 OK\r\n\r\n", "is not 'HTTP/1.x NNN reason'"},
      {"HTTP/2 200 OK\r\n\r\n", "is not 'HTTP/1.x NNN reason'"},
      {"HTTP/1.1 2O0 OK\r\n\r\n", "no three-digit status"},
      {"HTTP/1.1 2000 OK\r\n\r\n", "no three-digit status"},
      {"HTTP/1.1 099 Odd\r\n\r\n", "has status 99"},
      {std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\n", 12), "is not 'HTTP/1.x NNN reason'"},
      {"HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\n\r\n", "obsolete line folding is not accepted"},
      {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "has no 'name:'"},
      {"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", "has no 'name:'"},
      {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "a character names cannot have"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "two different Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "is not a number"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n", "is not a number"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "is not a hexadecimal size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "is not a hexadecimal size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", "is not a hexadecimal size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "longer than its size"},
  };
  for (const Case& c : cases) {
    for (size_t step : {size_t(0), size_t(1)}) {
      Parsed p = Parse(c.reply, step);
      ASSERT_FALSE(p.status.ok()) << c.reply;
      EXPECT_NE(p.status.message().find("malformed HTTP reply"), std::string::npos) << p.status.message();
      EXPECT_NE(p.status.message().find(c.says), std::string::npos) << c.reply << " -> " << p.status.message();
      EXPECT_FALSE(p.done);
    }
  }
}

TEST(ReplyParser, HeaderLimits) {
  ReplyParser::Limits small;
  small.max_line = 64;
  small.max_header_bytes = 200;
  small.max_headers = 3;
  Parsed line = Parse("HTTP/1.1 200 OK\r\nX-Long: " + std::string(100, 'a') + "\r\n\r\n", 1, false, false, small);
  EXPECT_NE(line.status.message().find("a line is longer than 64 bytes"), std::string::npos) << line.status.message();
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 4; i++) many += "X-" + std::to_string(i) + ": v\r\n";
  Parsed count = Parse(many + "\r\n", 0, false, false, small);
  EXPECT_NE(count.status.message().find("more than 3 header lines"), std::string::npos) << count.status.message();
  ReplyParser::Limits roomy = small;
  roomy.max_headers = 100;
  std::string big = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 4; i++) big += "X-" + std::to_string(i) + ": " + std::string(50, 'b') + "\r\n";
  Parsed bytes = Parse(big + "\r\n", 0, false, false, roomy);
  EXPECT_NE(bytes.status.message().find("headers are longer than 200 bytes"), std::string::npos)
      << bytes.status.message();
  // An endless line without a newline is refused once past the limit, not buffered.
  Parsed endless = Parse("HTTP/1.1 200 OK\r\nX: " + std::string(10000, 'c'), 100, false, false, small);
  EXPECT_FALSE(endless.status.ok());
}

TEST(ReplyParser, ConnectionEndingEarly) {
  ReplyParser none(false);
  EXPECT_NE(none.FinishAtEof().message().find("without a reply"), std::string::npos);
  Parsed headers = Parse("HTTP/1.1 200 OK\r\nContent-Le", 0, true);
  EXPECT_NE(headers.status.message().find("in the middle of the headers"), std::string::npos);
  Parsed body = Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, true);
  EXPECT_NE(body.status.message().find("before the end of the body"), std::string::npos);
  Parsed chunk = Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 0, true);
  EXPECT_NE(chunk.status.message().find("before the end of the body"), std::string::npos);
}

TEST(ReplyParser, BodyCallbackCanStopTheTransfer) {
  ReplyParser p(false);
  std::string r = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  size_t used = 0;
  Status s = p.Feed(r.data(), r.size(), &used, [](const char*, size_t) { return false; });
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(p.done());
}

TEST(WireUrl, Parts) {
  WireUrl u;
  ASSERT_TRUE(ParseWireUrl("https://s3.eu-west-1.amazonaws.com/b/k%20x?uploads", &u).ok());
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/b/k%20x?uploads");
  EXPECT_EQ(u.Authority(), "s3.eu-west-1.amazonaws.com");
  ASSERT_TRUE(ParseWireUrl("http://127.0.0.1:8123", &u).ok());
  EXPECT_EQ(u.port, 8123);
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(u.Authority(), "127.0.0.1:8123");
  ASSERT_TRUE(ParseWireUrl("http://[::1]:9000/x", &u).ok());
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.Authority(), "[::1]:9000");
  for (const char* bad : {"s3://b/k", "example.com/x", "http://:80/", "http://h:99999/", "http://h:8x/",
                          "http://user@h/", "http://[::1/"}) {
    Status s = ParseWireUrl(bad, &u);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find(bad), std::string::npos) << s.message();
  }
}

TEST(WireProxy, VariablesAndNoProxy) {
  std::map<std::string, std::string> vars = {{"https_proxy", "http://proxy:3128"},
                                             {"HTTP_PROXY", "proxy2:8080"},
                                             {"no_proxy", "localhost, .internal.example,169.254.170.2"}};
  auto get = [&](const char* k) { return vars.count(k) ? vars[k] : std::string(); };
  WireUrl u;
  ASSERT_TRUE(ParseWireUrl("https://s3.amazonaws.com/", &u).ok());
  EXPECT_EQ(ProxyForUrl(u, get), "http://proxy:3128");
  ASSERT_TRUE(ParseWireUrl("http://s3.amazonaws.com/", &u).ok());
  EXPECT_EQ(ProxyForUrl(u, get), "proxy2:8080");
  for (const char* bypass : {"http://localhost:1/", "https://a.internal.example/", "http://169.254.170.2/v2"}) {
    ASSERT_TRUE(ParseWireUrl(bypass, &u).ok());
    EXPECT_EQ(ProxyForUrl(u, get), "") << bypass;
  }
  ASSERT_TRUE(ParseWireUrl("https://notinternal.example/", &u).ok());
  EXPECT_EQ(ProxyForUrl(u, get), "http://proxy:3128");
  vars["no_proxy"] = "*";
  EXPECT_EQ(ProxyForUrl(u, get), "");
}

TEST(WireRequest, HeadAddsHostLengthAndAgent) {
  std::string h = RequestHead("PUT", "/b/k", "127.0.0.1:9", {{"X-Amz-Date", "d"}, {"Content-Length", "99"}}, true, 5);
  EXPECT_EQ(h,
            "PUT /b/k HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-Amz-Date: d\r\nContent-Length: 5\r\n"
            "User-Agent: ferry/0.1\r\n\r\n");
  std::string g = RequestHead("GET", "/", "h", {{"Host", "given"}}, false, 0);
  EXPECT_EQ(g, "GET / HTTP/1.1\r\nHost: given\r\nUser-Agent: ferry/0.1\r\n\r\n");
}

TEST(CaBundle, VariableThenWellKnownPlaces) {
  std::set<std::string> files;
  auto is_file = [&](const std::string& p) { return files.count(p) > 0; };
  MapEnv env;
  std::string path;
  Status none = FindCaBundle(env, is_file, &path);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find("no CA bundle found"), std::string::npos);
  EXPECT_NE(none.message().find("/etc/ssl/certs/ca-certificates.crt"), std::string::npos);
  EXPECT_NE(none.message().find("set AWS_CA_BUNDLE"), std::string::npos);
  files = {"/etc/ssl/cert.pem", "/etc/pki/tls/certs/ca-bundle.crt"};
  ASSERT_TRUE(FindCaBundle(env, is_file, &path).ok());
  EXPECT_EQ(path, "/etc/pki/tls/certs/ca-bundle.crt");
  env.Set("AWS_CA_BUNDLE", "/mine.pem");
  Status missing = FindCaBundle(env, is_file, &path);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("AWS_CA_BUNDLE=/mine.pem is not a file"), std::string::npos);
  files.insert("/mine.pem");
  ASSERT_TRUE(FindCaBundle(env, is_file, &path).ok());
  EXPECT_EQ(path, "/mine.pem");
}

}  // namespace
}  // namespace ferry::aws
