// S3's XML bodies, parsed and built (pure): ListObjectsV2, ListBuckets,
// InitiateMultipartUpload, CompleteMultipartUpload, DeleteObjects; and the
// date formats S3 uses (ISO 8601 in XML, RFC 1123 in headers).
#pragma once

#include <string>
#include <vector>

#include "aws/iso_time.h"
#include "aws/s3_types.h"

namespace ferry::aws {

Status ParseListObjectsV2(const std::string& xml, S3ListPage* out);
Status ParseListBuckets(const std::string& xml, std::vector<S3Bucket>* out);
Status ParseInitiateMultipart(const std::string& xml, std::string* upload_id);
std::string BuildCompleteMultipart(const std::vector<CompletedPart>& parts);
// CompleteMultipartUpload can answer 200 with an <Error> body.
Status CheckCompleteMultipart(const std::string& xml);
std::string BuildDeleteObjects(const std::vector<std::string>& keys);
// Keys DeleteObjects reported as failed, with their error codes.
Status ParseDeleteResult(const std::string& xml, std::vector<std::string>* failures);

bool ParseHttpDate(const std::string& text, int64_t* epoch_seconds);  // Wed, 12 Oct 2009 17:50:00 GMT
std::string StripQuotes(const std::string& etag);

}  // namespace ferry::aws
