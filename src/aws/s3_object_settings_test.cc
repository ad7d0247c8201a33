// The S3 object settings as users write them: canned ACLs in both the
// header form and the SDKs' names, storage classes, the KMS key rules, the
// config keys (uploadStorageClass as the older name) and the aws CLI flags a
// Batch job's copies get.
#include "aws/s3_object_settings.h"

#include <gtest/gtest.h>

#include <map>

namespace ferry::aws {
namespace {

TEST(S3ObjectSettings, CannedAclInEitherForm) {
  std::string acl;
  ASSERT_TRUE(ParseCannedAcl("BucketOwnerFullControl", "aws.client.s3Acl", &acl).ok());
  EXPECT_EQ(acl, "bucket-owner-full-control");
  ASSERT_TRUE(ParseCannedAcl("bucket-owner-full-control", "aws.client.s3Acl", &acl).ok());
  EXPECT_EQ(acl, "bucket-owner-full-control");
  ASSERT_TRUE(ParseCannedAcl("PublicRead", "--acl", &acl).ok());
  EXPECT_EQ(acl, "public-read");
  Status bad = ParseCannedAcl("BucketOwnerFullControll", "aws.client.s3Acl", &acl);
  EXPECT_EQ(bad.exit_code(), 2);
  EXPECT_NE(bad.message().find("aws.client.s3Acl 'BucketOwnerFullControll' is not a canned ACL"), std::string::npos)
      << bad.message();
  EXPECT_NE(bad.message().find("bucket-owner-full-control"), std::string::npos) << bad.message();
  Status bucket_only = ParseCannedAcl("LogDeliveryWrite", "aws.client.s3Acl", &acl);
  EXPECT_NE(bucket_only.message().find("for buckets, not objects"), std::string::npos) << bucket_only.message();
}

TEST(S3ObjectSettings, StorageClassAndEncryption) {
  std::string out;
  ASSERT_TRUE(ParseStorageClass("standard_ia", "--storage-class", &out).ok());
  EXPECT_EQ(out, "STANDARD_IA");
  Status bad = ParseStorageClass("STANDARD_IAA", "aws.client.storageClass", &out);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("did you mean 'STANDARD_IA'"), std::string::npos) << bad.message();
  ASSERT_TRUE(ParseEncryption("aws:kms", "--sse", &out).ok());
  EXPECT_EQ(out, "aws:kms");
  EXPECT_FALSE(ParseEncryption("kms", "--sse", &out).ok());

  S3ObjectSettings key_only;
  key_only.kms_key_id = "alias/ferry";
  ASSERT_TRUE(CheckKmsKey(&key_only, "k").ok());
  EXPECT_EQ(key_only.encryption, "aws:kms");  // S3 needs both headers: the key implies the algorithm
  S3ObjectSettings contradiction;
  contradiction.encryption = "AES256";
  contradiction.kms_key_id = "alias/ferry";
  Status c = CheckKmsKey(&contradiction, "aws.client.storageKmsKeyId");
  EXPECT_NE(c.message().find("aws.client.storageKmsKeyId names a KMS key but the encryption is AES256"),
            std::string::npos)
      << c.message();
}

Status FromMap(const std::map<std::string, std::string>& keys, S3ObjectSettings* out, std::string* bad_key) {
  return S3ObjectSettingsFromConfig(
      [&](const std::string& key, std::string* text) {
        auto it = keys.find(key);
        *text = it == keys.end() ? "" : it->second;
        return Status::Ok();
      },
      out, bad_key);
}

TEST(S3ObjectSettings, ConfigKeysWithTheOlderStorageClassName) {
  S3ObjectSettings s;
  std::string bad;
  ASSERT_TRUE(FromMap({{"aws.client.storageEncryption", "aws:kms"},
                       {"aws.client.storageKmsKeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"},
                       {"aws.client.uploadStorageClass", "ONEZONE_IA"},
                       {"aws.client.s3Acl", "BucketOwnerFullControl"},
                       {"aws.client.requesterPays", "true"}},
                      &s, &bad)
                  .ok());
  EXPECT_EQ(s.encryption, "aws:kms");
  EXPECT_EQ(s.kms_key_id, "1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(s.storage_class, "ONEZONE_IA");
  EXPECT_EQ(s.acl, "bucket-owner-full-control");
  EXPECT_TRUE(s.requester_pays);
  EXPECT_FALSE(s.anonymous);

  Status st =
      FromMap({{"aws.client.storageClass", "STANDARD_IA"}, {"aws.client.uploadStorageClass", "GLACIER"}}, &s, &bad);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(bad, "aws.client.uploadStorageClass");
  st = FromMap({{"aws.client.s3Acl", "everyone"}}, &s, &bad);
  EXPECT_EQ(bad, "aws.client.s3Acl");
}

TEST(S3ObjectSettings, JobCopiesGetTheAwsCliFlags) {
  S3ObjectSettings s;
  s.encryption = "aws:kms";
  s.kms_key_id = "alias/ferry";
  s.storage_class = "STANDARD_IA";
  s.acl = "bucket-owner-full-control";
  s.requester_pays = true;
  EXPECT_EQ(S3CliFlags(s), (std::vector<std::string>{"--sse", "aws:kms", "--sse-kms-key-id", "alias/ferry",
                                                     "--storage-class", "STANDARD_IA", "--acl",
                                                     "bucket-owner-full-control", "--request-payer", "requester"}));
  // `s3 rm` takes no object settings: only the payer (and --no-sign-request).
  EXPECT_EQ(S3CliFlags(s, false), (std::vector<std::string>{"--request-payer", "requester"}));
  EXPECT_TRUE(S3CliFlags(S3ObjectSettings{}).empty());
}

TEST(S3ObjectSettings, WhichOperationsCarryTheHeaders) {
  HeaderList h;
  S3ObjectSettings s;
  s.encryption = "AES256";
  s.storage_class = "GLACIER_IR";
  AddObjectHeaders(s, &h);
  EXPECT_EQ(h, (HeaderList{{"x-amz-server-side-encryption", "AES256"}, {"x-amz-storage-class", "GLACIER_IR"}}));
  for (const char* op : {"PutObject", "CreateMultipartUpload", "CopyObject"}) EXPECT_TRUE(CreatesObject(op)) << op;
  for (const char* op : {"UploadPart", "GetObject", "CompleteMultipartUpload"}) EXPECT_FALSE(CreatesObject(op)) << op;
  EXPECT_TRUE(WritesS3("DeleteObjects"));
  EXPECT_FALSE(WritesS3("HeadObject"));
}

}  // namespace
}  // namespace ferry::aws
