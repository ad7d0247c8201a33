// Endpoint resolution: --endpoint-url / aws.client.endpoint beat the
// per-service variable, which beats AWS_ENDPOINT_URL, which beats the public
// AWS endpoint; bad URLs are explained.
#include "aws/endpoint.h"

#include <gtest/gtest.h>

namespace ferry::aws {
namespace {

TEST(Endpoint, PrecedenceAndPerServiceVariables) {
  MapEnv env;
  AwsSettings s;
  Endpoint e;
  ASSERT_TRUE(ResolveEndpoint("batch", "eu-west-1", s, env, &e).ok());
  EXPECT_EQ(e.Url(), "https://batch.eu-west-1.amazonaws.com");
  EXPECT_FALSE(e.custom);
  ASSERT_TRUE(ResolveEndpoint("s3", "cn-north-1", s, env, &e).ok());
  EXPECT_EQ(e.host, "s3.cn-north-1.amazonaws.com.cn");

  env.Set("AWS_ENDPOINT_URL", "http://127.0.0.1:9000");
  ASSERT_TRUE(ResolveEndpoint("logs", "eu-west-1", s, env, &e).ok());
  EXPECT_EQ(e.Url(), "http://127.0.0.1:9000");
  EXPECT_EQ(e.source, "AWS_ENDPOINT_URL");
  EXPECT_TRUE(e.custom);

  env.Set("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:9001/");
  env.Set("AWS_ENDPOINT_URL_BATCH", "http://127.0.0.1:9002");
  env.Set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9003");
  env.Set("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9004/prefix/");
  ASSERT_TRUE(ResolveEndpoint("logs", "eu-west-1", s, env, &e).ok());
  EXPECT_EQ(e.Url(), "http://127.0.0.1:9001");
  ASSERT_TRUE(ResolveEndpoint("batch", "eu-west-1", s, env, &e).ok());
  EXPECT_EQ(e.host, "127.0.0.1:9002");
  ASSERT_TRUE(ResolveEndpoint("sts", "eu-west-1", s, env, &e).ok());
  EXPECT_EQ(e.host, "127.0.0.1:9003");
  ASSERT_TRUE(ResolveEndpoint("s3", "eu-west-1", s, env, &e).ok());
  EXPECT_EQ(e.base_path, "/prefix");
  EXPECT_EQ(e.source, "AWS_ENDPOINT_URL_S3");

  s.endpoint_url = "https://override.example:8443";
  s.endpoint_origin = "--endpoint-url";
  ASSERT_TRUE(ResolveEndpoint("s3", "eu-west-1", s, env, &e).ok());
  EXPECT_EQ(e.Url(), "https://override.example:8443");
  EXPECT_EQ(e.source, "--endpoint-url");
}

TEST(Endpoint, BadUrlsAreExplained) {
  MapEnv env;
  AwsSettings s;
  Endpoint e;
  s.endpoint_url = "127.0.0.1:9000";
  s.endpoint_origin = "aws.client.endpoint";
  Status st = ResolveEndpoint("s3", "us-east-1", s, env, &e);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(st.message().find("aws.client.endpoint"), std::string::npos);
  EXPECT_NE(st.message().find("has no scheme"), std::string::npos);
  s.endpoint_url = "ftp://x";
  EXPECT_FALSE(ResolveEndpoint("s3", "us-east-1", s, env, &e).ok());
}

}  // namespace
}  // namespace ferry::aws
