// Access denial for ferry-awsemu's S3: which IAM actions an S3 operation
// needs (so a test can deny "s3:PutObject" on one bucket and see ferry's
// "access denied" error), and whether a deny rule covers one of them. Pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace awsemu {

// Denies `action` ("s3:PutObject", or "s3:*" for every S3 action) on
// `bucket` ("" or "*": every bucket).
struct DenyRule {
  std::string action;
  std::string bucket;

  bool Matches(const std::string& action, const std::string& bucket) const;
  nlohmann::json ToJson() const;
  // {"action": "s3:PutObject", "bucket": "name"}; bucket may be left out.
  static ferry::Status FromJson(const nlohmann::json& j, DenyRule* out);
  // Start-up flag value "ACTION[:BUCKET]" after "deny=", e.g.
  // "s3:PutObject:my-bucket" or "s3:*" (bucket names cannot hold ':').
  static ferry::Status FromFlag(const std::string& value, DenyRule* out);
};

struct IamAction {
  std::string action;  // "s3:GetObject"
  std::string bucket;  // the bucket it applies to ("" for ListBuckets)
  std::string key;     // the object it applies to ("" for a bucket action)

  // "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/key": what a policy's
  // Resource is matched against.
  std::string Arn() const;
};

// The IAM actions S3 checks for `operation` (as S3Service::OperationName
// names it) on `bucket` and `key`; copies also read `copy_source` (the
// x-amz-copy-source header value), an action on the source's own bucket
// and key.
std::vector<IamAction> S3ActionsFor(const std::string& operation, const std::string& bucket, const std::string& key,
                                    const std::string& copy_source);

// The first of `actions` some rule denies, or nullptr.
const IamAction* FirstDenied(const std::vector<DenyRule>& rules, const std::vector<IamAction>& actions);

}  // namespace awsemu
