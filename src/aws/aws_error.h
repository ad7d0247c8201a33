// The one error shape for every AWS call: service, operation, HTTP status,
// AWS error code, message and request id, parsed from whichever body the
// service speaks (S3/STS XML, Batch/Logs JSON) or from headers when there is
// no body (HEAD). ToStatus() turns it into ferry's Status with a message a
// user can act on and the AWS error code, which is what callers match on.
#pragma once

#include <string>

#include "aws/http.h"
#include "util/status.h"

namespace ferry::aws {

struct AwsError {
  std::string service;    // "s3"
  std::string operation;  // "GetObject"
  int http_status = 0;    // 0: no HTTP response (see transport_error)
  std::string code;       // "NoSuchKey"
  std::string message;
  std::string request_id;
  std::string transport_error;  // curl's message when the connection failed
  std::string target;           // what was addressed, e.g. "s3://bucket/key"
  int attempts = 1;

  std::string ToString() const;
  // 404-style codes map to NotFound, the rest to Failed; the status carries
  // `code` (Status::aws_code()).
  Status ToStatus() const;
};

// Whether a status is AWS refusing the call for lack of permission
// (AccessDenied from S3/STS, AccessDeniedException from JSON services).
// Decided by the error code the service sent, never by message text.
bool IsAccessDenied(const Status& s);
// Whether a status is S3 saying the bucket does not exist.
bool IsNoSuchBucket(const Status& s);

// Fills code/message/request id from an error response (XML, JSON or bare).
AwsError ParseAwsError(const std::string& service, const std::string& operation, const HttpResponse& resp);

}  // namespace ferry::aws
