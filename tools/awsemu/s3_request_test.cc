// S3RequestFromWire: the bucket and key ferry-awsemu reads from a request's
// path and Host, in path style and virtual-host style.
#include <gtest/gtest.h>

#include "awsemu/s3_service.h"

namespace awsemu {
namespace {

S3Request FromWire(const std::string& path, const std::string& host, bool* vhost) {
  *vhost = false;
  return S3RequestFromWire("GET", path, {{"list-type", "2"}}, {{"HOST", host}, {"X-Amz-Date", "d"}}, vhost);
}

TEST(S3RequestFromWireTest, PathStyleTakesTheBucketFromTheFirstSegment) {
  bool vhost = true;
  S3Request r = FromWire("/data/runs/a%20b//c", "127.0.0.1:9000", &vhost);
  EXPECT_FALSE(vhost);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.bucket, "data");
  EXPECT_EQ(r.key, "runs/a b//c");  // decoded once, slashes kept
  EXPECT_EQ(r.Header("x-amz-date"), "d");
  EXPECT_EQ(r.Query("list-type"), "2");
}

TEST(S3RequestFromWireTest, VirtualHostStyleTakesTheBucketFromTheHost) {
  bool vhost = false;
  S3Request r = FromWire("/runs/x", "data.localhost:9000", &vhost);
  EXPECT_TRUE(vhost);
  EXPECT_EQ(r.bucket, "data");
  EXPECT_EQ(r.key, "runs/x");
}

TEST(S3RequestFromWireTest, BucketOnlyAndRootPaths) {
  bool vhost = false;
  EXPECT_EQ(FromWire("/data", "127.0.0.1", &vhost).key, "");
  EXPECT_EQ(FromWire("/data", "127.0.0.1", &vhost).bucket, "data");
  EXPECT_EQ(FromWire("/", "127.0.0.1", &vhost).bucket, "");
  EXPECT_EQ(FromWire("", "127.0.0.1", &vhost).bucket, "");
  // An IPv6 host keeps its colons; it is no virtual host.
  EXPECT_EQ(FromWire("/b/k", "[::1]:9000", &vhost).bucket, "b");
  EXPECT_FALSE(vhost);
}

}  // namespace
}  // namespace awsemu
