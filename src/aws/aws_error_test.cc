#include "aws/aws_error.h"

#include <gtest/gtest.h>

namespace ferry::aws {
namespace {

HttpResponse Response(int status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// The status an AWS error becomes carries the service's code, whichever
// wire format it came in, and keeps it through WithPrefix.
TEST(AwsErrorStatus, CarriesTheServicesErrorCode) {
  Status s3 = ParseAwsError("s3", "PutObject",
                            Response(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"))
                  .ToStatus();
  EXPECT_EQ(s3.aws_code(), "AccessDenied");
  EXPECT_TRUE(IsAccessDenied(s3));
  EXPECT_TRUE(IsAccessDenied(s3.WithPrefix("checking the work directory")));

  Status batch =
      ParseAwsError("batch", "SubmitJob",
                    Response(403, R"({"__type":"com.amazonaws.batch#AccessDeniedException","message":"no"})"))
          .ToStatus();
  EXPECT_EQ(batch.aws_code(), "AccessDeniedException");
  EXPECT_TRUE(IsAccessDenied(batch));

  Status bucket =
      ParseAwsError("s3", "PutObject", Response(404, "<Error><Code>NoSuchBucket</Code></Error>")).ToStatus();
  EXPECT_EQ(bucket.kind(), Status::Kind::kNotFound);
  EXPECT_TRUE(IsNoSuchBucket(bucket));
  EXPECT_FALSE(IsAccessDenied(bucket));

  Status head = ParseAwsError("s3", "HeadObject", Response(403, "")).ToStatus();
  EXPECT_EQ(head.aws_code(), "Forbidden");
}

// A message that merely mentions a code is not that code.
TEST(AwsErrorStatus, MessageTextIsNotTheCode) {
  Status s = ParseAwsError("s3", "PutObject",
                           Response(400,
                                    "<Error><Code>InvalidRequest</Code><Message>AccessDenied NoSuchBucket"
                                    "</Message></Error>"))
                 .ToStatus();
  EXPECT_EQ(s.aws_code(), "InvalidRequest");
  EXPECT_FALSE(IsAccessDenied(s));
  EXPECT_FALSE(IsNoSuchBucket(s));
  EXPECT_FALSE(IsAccessDenied(Status::Failed("AccessDenied")));
  EXPECT_TRUE(Status::Failed("x").aws_code().empty());
}

}  // namespace
}  // namespace ferry::aws
