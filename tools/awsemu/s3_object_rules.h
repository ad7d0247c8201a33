// The rules ferry-awsemu's S3 applies to what a request asks to be stored
// with an object besides its bytes, as S3 checks them: server-side
// encryption (AES256, or aws:kms with an optional key, stored as the key's
// ARN), the storage class and the canned ACL; and the two bucket rules about
// who calls: requester pays (a request without `x-amz-request-payer:
// requester` is refused) and public access for unsigned requests (a bucket
// policy that allows Principal "*" the action). Pure: S3Service applies them.
#pragma once

#include <string>

#include "awsemu/emu_error.h"

namespace awsemu {

struct ObjectSettings {
  std::string sse;            // "", "AES256", "aws:kms"
  std::string kms_key_id;     // the key's ARN when sse is aws:kms
  std::string storage_class;  // "" means STANDARD
  std::string acl;            // canned ACL, "" means private
};

// Checks the values of x-amz-server-side-encryption, -aws-kms-key-id,
// x-amz-storage-class and x-amz-acl ("" when absent) as S3 does
// (InvalidArgument, InvalidStorageClass) and gives what is stored.
EmuError CheckObjectSettings(const std::string& sse, const std::string& kms_key, const std::string& storage_class,
                             const std::string& acl, const std::string& region, ObjectSettings* out);

// A RequestPaymentConfiguration document's payer: true for Requester.
bool RequesterPays(const std::string& request_payment_document);

// Whether `policy` (a bucket policy's JSON) lets anyone, unsigned, do
// `action` ("s3:GetObject") on `resource` ("arn:aws:s3:::bucket/key"): an
// Allow statement for Principal "*" whose Action and Resource match (with
// '*' and '?' wildcards), and no such Deny.
bool PolicyAllowsAnyone(const std::string& policy, const std::string& action, const std::string& resource);

}  // namespace awsemu
