#include "remote_build/forwarded_credentials.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "aws/s3_types.h"

namespace ferry::remote_build {

namespace {

// The value the job's shared credentials file can hold: one line.
bool OneLine(const std::string& v) { return v.find_first_of("\r\n") == std::string::npos; }

}  // namespace

std::string ForwardedCredentialsFile(const aws::Credentials& c) {
  std::string s = std::string("[") + kForwardedProfile + "]\n";
  s += "aws_access_key_id = " + c.access_key_id + "\n";
  s += "aws_secret_access_key = " + c.secret_access_key + "\n";
  if (!c.session_token.empty()) s += "aws_session_token = " + c.session_token + "\n";
  return s;
}

int RefreshSeconds(std::optional<std::chrono::system_clock::duration> lifetime) {
  if (!lifetime) return 0;
  auto sixth = std::chrono::duration_cast<std::chrono::seconds>(*lifetime / 6).count();
  return static_cast<int>(std::clamp<int64_t>(sixth, 1, 60));
}

Status CredentialForwarder::Put(const std::string& url, const aws::Credentials& c) {
  // A line break would end the file's line early and let the rest be read
  // as another key; no AWS credential has one.
  if (!OneLine(c.access_key_id) || !OneLine(c.secret_access_key) || !OneLine(c.session_token))
    return Status::Invalid("the AWS credentials to forward hold a line break; they cannot be forwarded");
  aws::S3Location loc;
  FERRY_RETURN_IF_ERROR(aws::ParseS3Uri(url, &loc));
  Status s = s3_->PutSmall(loc.bucket, loc.key, ForwardedCredentialsFile(c));
  // The message names the URL only, never the values.
  if (!s.ok()) return Status::Failed("cannot store forwarded credentials at " + url + ": " + s.message());
  sent_key_ = c.access_key_id + "\n" + c.session_token;
  expiration_ = c.expiration;
  return Status::Ok();
}

Status CredentialForwarder::Start(const std::string& url,
                                  std::optional<std::chrono::system_clock::duration>* lifetime) {
  url_ = url;
  aws::Credentials c;
  FERRY_RETURN_IF_ERROR(source_->Get(&c));
  FERRY_RETURN_IF_ERROR(Put(url, c));
  lifetime->reset();
  if (c.expiration) *lifetime = *c.expiration - std::chrono::system_clock::now();
  return Status::Ok();
}

Status CredentialForwarder::Refresh() {
  if (url_.empty()) return Status::Ok();
  aws::Credentials c;
  FERRY_RETURN_IF_ERROR(source_->Get(&c));
  // Long-lived keys need no refresh; nor does a set the job already has.
  if (!c.expiration || c.access_key_id + "\n" + c.session_token == sent_key_) return Status::Ok();
  int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  char suffix[32];
  // Fixed width, so the job's listing (in key order) ends with the newest.
  std::snprintf(suffix, sizeof suffix, "-%015" PRId64, ms);
  return Put(url_ + suffix, c);
}

void CredentialForwarder::Cleanup() {
  if (url_.empty()) return;
  aws::S3Location loc;
  if (!aws::ParseS3Uri(url_, &loc).ok()) return;
  std::vector<std::string> keys;
  // Best effort: what is left here expires with the credentials anyway.
  Status listed = s3_->ListAll(loc.bucket, loc.key, [&](const aws::S3Object& o) {
    keys.push_back(o.key);
    return Status::Ok();
  });
  if (listed.ok() && !keys.empty()) (void)s3_->DeleteObjects(loc.bucket, keys);
}

}  // namespace ferry::remote_build
