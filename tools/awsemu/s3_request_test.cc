// S3RequestFromWire: the bucket and key ferry-awsemu reads from a request's
// path and Host, in path style and virtual-host style.
#include <gtest/gtest.h>

#include "awsemu/s3_service.h"
#include "awsemu/s3_xml.h"

namespace awsemu {
namespace {

TEST(S3RequestFromWireTest, KeepsMethodHeadersAndQuery) {
  bool vhost = true;
  S3Request r =
      S3RequestFromWire("PUT", "/data/k", {{"list-type", "2"}}, {{"HOST", "127.0.0.1"}, {"X-Amz-Date", "d"}}, &vhost);
  EXPECT_FALSE(vhost);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.Header("x-amz-date"), "d");  // names lower-cased
  EXPECT_EQ(r.Query("list-type"), "2");
}

TEST(S3RequestFromWireTest, BucketAndKeyFromPathOrHost) {
  struct Case {
    const char* path;
    const char* host;
    bool vhost;
    const char* bucket;
    const char* key;
  };
  const Case cases[] = {
      {"/data/runs/a%20b//c", "127.0.0.1:9000", false, "data", "runs/a b//c"},  // decoded once, slashes kept
      {"/runs/x", "data.localhost:9000", true, "data", "runs/x"},
      {"/data", "127.0.0.1", false, "data", ""},
      {"/", "127.0.0.1", false, "", ""},
      {"", "127.0.0.1", false, "", ""},
      {"/b/k", "[::1]:9000", false, "b", "k"},  // an IPv6 host keeps its colons
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.path) + " on " + c.host);
    bool vhost = false;
    S3Request r = S3RequestFromWire("GET", c.path, {}, {{"Host", c.host}}, &vhost);
    EXPECT_EQ(vhost, c.vhost);
    EXPECT_EQ(r.bucket, c.bucket);
    EXPECT_EQ(r.key, c.key);
  }
}

// If-Modified-Since carries a year strptime accepts up to 9999; adding a
// second to such a TimePoint overflowed its nanoseconds. Such a header (and
// 31 February) is now malformed, so the condition is ignored as S3 does.
TEST(S3HttpTimeTest, RoundTripsAndRefusesYearsTimePointCannotHold) {
  TimePoint t;
  ASSERT_TRUE(ParseHttpTime("Mon, 12 Oct 2009 17:50:00 GMT", &t));
  EXPECT_EQ(HttpTime(t), "Mon, 12 Oct 2009 17:50:00 GMT");
  EXPECT_FALSE(ParseHttpTime("Fri, 31 Dec 9999 23:59:59 GMT", &t));
  EXPECT_FALSE(ParseHttpTime("Mon, 31 Feb 2026 00:00:00 GMT", &t));
}

}  // namespace
}  // namespace awsemu
