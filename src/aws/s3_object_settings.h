// What ferry puts on every object it writes to S3, and how it addresses
// buckets, as regulated accounts need it: server-side encryption (SSE-S3 or
// SSE-KMS with a key), a storage class, a canned ACL, requester pays (the
// x-amz-request-payer header on every request to a bucket), and anonymous
// (unsigned) access to public buckets, reads only. One struct carried in
// AwsSettings, so `ferry run`, `ferry build`, `ferry s3` and `ferry-job` apply
// the same rule; the same settings become the aws CLI's flags for the copies
// a Batch job makes (S3CliFlags). Pure: no I/O.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aws/sigv4.h"
#include "util/status.h"

namespace ferry::aws {

struct S3ObjectSettings {
  std::string encryption;     // "", "AES256" or "aws:kms"
  std::string kms_key_id;     // with aws:kms: the key's id, ARN or alias; "": the account's aws/s3 key
  std::string storage_class;  // "" (S3's default, STANDARD) or one of kStorageClasses
  std::string acl;            // "" or a canned ACL in S3's header form ("bucket-owner-full-control")
  bool requester_pays = false;
  bool anonymous = false;  // unsigned requests: reads of public buckets only
};

// The storage classes S3 accepts in x-amz-storage-class.
const std::vector<std::string>& StorageClasses();

// Checks one setting and gives its wire form; `what` names the setting in
// the error ("config aws.client.s3Acl", "--acl"). Canned ACLs are accepted as
// S3 writes them (bucket-owner-full-control) and as the SDKs' enum names
// (BucketOwnerFullControl), in any case.
Status ParseEncryption(const std::string& text, const std::string& what, std::string* out);
Status ParseStorageClass(const std::string& text, const std::string& what, std::string* out);
Status ParseCannedAcl(const std::string& text, const std::string& what, std::string* out);
// A key without an algorithm means aws:kms (S3 needs both); a key with
// AES256 is a contradiction. `key_what` names the key setting.
Status CheckKmsKey(S3ObjectSettings* s, const std::string& key_what);

// The aws.client.* keys of ferry.config and ~/.ferry/config
// (storageEncryption, storageKmsKeyId, storageClass or its older name
// uploadStorageClass, s3Acl, requesterPays, anonymous), read through `get`:
// the value of "aws.client.<name>" as text ("" when unset; "true"/"false" for
// the two flags), or an error (a wrong type). On a bad value *bad_key names
// the key, so the caller can say where it was set.
using ConfigText = std::function<Status(const std::string& key, std::string* text)>;
Status S3ObjectSettingsFromConfig(const ConfigText& get, S3ObjectSettings* out, std::string* bad_key);

// True for the S3 operations that create an object (PutObject,
// CreateMultipartUpload, CopyObject): the ones that carry ObjectHeaders.
bool CreatesObject(const std::string& operation);
// True for every S3 operation that changes a bucket or object, which an
// anonymous client refuses to send.
bool WritesS3(const std::string& operation);
// x-amz-server-side-encryption (+ -aws-kms-key-id), x-amz-storage-class and
// x-amz-acl for an object-creating request.
void AddObjectHeaders(const S3ObjectSettings& s, HeaderList* headers);

// The same settings as `aws s3 cp` and `sync` flags (which `ferry s3` and
// ferry-job accept too): --sse, --sse-kms-key-id, --storage-class, --acl,
// --request-payer requester, --no-sign-request. With copies false, only the
// last two, which `s3 rm` and `ls` take as well.
std::vector<std::string> S3CliFlags(const S3ObjectSettings& s, bool copies = true);

}  // namespace ferry::aws
