// What the emulated S3 accepts and stores for an object's encryption, class
// and ACL, and which bucket policies make a bucket readable without signing.
#include "awsemu/s3_object_rules.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

TEST(S3ObjectRules, KmsKeysAreStoredAsArns) {
  ObjectSettings s;
  ASSERT_TRUE(CheckObjectSettings("aws:kms", "1234abcd", "", "", "eu-west-1", &s).ok());
  EXPECT_EQ(s.kms_key_id, "arn:aws:kms:eu-west-1:123456789012:key/1234abcd");
  ASSERT_TRUE(CheckObjectSettings("aws:kms", "alias/ferry", "", "", "eu-west-1", &s).ok());
  EXPECT_EQ(s.kms_key_id, "arn:aws:kms:eu-west-1:123456789012:alias/ferry");
  ASSERT_TRUE(CheckObjectSettings("aws:kms", "", "STANDARD", "", "eu-west-1", &s).ok());
  EXPECT_EQ(s.kms_key_id, "arn:aws:kms:eu-west-1:123456789012:alias/aws/s3");
  EXPECT_EQ(s.storage_class, "");  // STANDARD is the default S3 does not name
  ASSERT_TRUE(CheckObjectSettings("AES256", "", "GLACIER_IR", "bucket-owner-full-control", "eu-west-1", &s).ok());
  EXPECT_EQ(s.kms_key_id, "");
  EXPECT_EQ(s.storage_class, "GLACIER_IR");
  EXPECT_EQ(s.acl, "bucket-owner-full-control");
}

TEST(S3ObjectRules, RefusesWhatS3Refuses) {
  ObjectSettings s;
  EXPECT_EQ(CheckObjectSettings("aws:kmz", "", "", "", "r", &s).code, "InvalidArgument");
  EXPECT_EQ(CheckObjectSettings("AES256", "k", "", "", "r", &s).code, "InvalidArgument");
  EXPECT_EQ(CheckObjectSettings("", "", "COLD", "", "r", &s).code, "InvalidStorageClass");
  EmuError acl = CheckObjectSettings("", "", "", "BucketOwnerFullControl", "r", &s);
  EXPECT_EQ(acl.code, "InvalidArgument");  // S3 takes the header form only
  EXPECT_EQ(acl.status, 400);
}

TEST(S3ObjectRules, PublicReadPolicyAndRequesterPays) {
  const std::string policy = R"({"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::pub/*"},
    {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:List*","Resource":"arn:aws:s3:::pub"},
    {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/secret/*"}]})";
  EXPECT_TRUE(PolicyAllowsAnyone(policy, "s3:GetObject", "arn:aws:s3:::pub/data/x.txt"));
  EXPECT_TRUE(PolicyAllowsAnyone(policy, "s3:ListBucket", "arn:aws:s3:::pub"));
  EXPECT_FALSE(PolicyAllowsAnyone(policy, "s3:PutObject", "arn:aws:s3:::pub/data/x.txt"));
  EXPECT_FALSE(PolicyAllowsAnyone(policy, "s3:GetObject", "arn:aws:s3:::pub/secret/k"));
  EXPECT_FALSE(PolicyAllowsAnyone(policy, "s3:GetObject", "arn:aws:s3:::other/k"));
  const std::string for_a_role =
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/r"},"Action":"s3:*","Resource":"*"}})";
  EXPECT_FALSE(PolicyAllowsAnyone(for_a_role, "s3:GetObject", "arn:aws:s3:::pub/k"));
  EXPECT_TRUE(RequesterPays("<RequestPaymentConfiguration><Payer>Requester</Payer></RequestPaymentConfiguration>"));
  EXPECT_FALSE(RequesterPays("<RequestPaymentConfiguration><Payer>BucketOwner</Payer></RequestPaymentConfiguration>"));
}

}  // namespace
}  // namespace awsemu
