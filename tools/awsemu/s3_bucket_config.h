// The bucket configurations ferry-awsemu's S3 keeps (lifecycle rules, the
// bucket policy, the public access block, bucket tags, who pays for requests): which operation
// reads or writes which one, what S3 accepts in each document, and the
// error S3 gives when one is absent. S3Service stores the checked document
// with S3Store::SetBucketConfig and returns it on GET. Pure logic.
#pragma once

#include <string>

#include "awsemu/emu_error.h"

namespace awsemu {

// What an S3 operation does with a bucket configuration.
struct BucketConfigOp {
  const char* operation;  // "PutBucketPolicy"
  const char* kind;       // the sub-resource in the query string: "policy"
  char verb;              // 'P'ut, 'G'et or 'D'elete
};

// The configuration operation named `operation`, or null.
const BucketConfigOp* FindBucketConfigOp(const std::string& operation);
// The operation for `method` on a bucket with sub-resource `kind` in its
// query ("lifecycle", "policy", "publicAccessBlock", "tagging"), or null.
const BucketConfigOp* BucketConfigOpFor(const std::string& method, const std::string& kind);

// Checks a PUT body of `kind` as S3 does and gives the document to store (and
// to return on GET): the XML re-serialized with S3's namespace, or the
// policy's JSON as sent. MalformedXML, MalformedPolicy, InvalidArgument or
// InvalidTag otherwise.
EmuError CheckBucketConfig(const std::string& kind, const std::string& body, std::string* document);

// The 404 S3 answers with when the bucket has no configuration of `kind`
// (NoSuchLifecycleConfiguration, NoSuchBucketPolicy, ...).
EmuError MissingBucketConfig(const std::string& kind, const std::string& bucket);

// The content type of a stored document of `kind` on GET.
const char* BucketConfigContentType(const std::string& kind);

}  // namespace awsemu
