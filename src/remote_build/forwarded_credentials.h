// Forwarded credentials: how `ferry build --forward-aws-credentials` hands
// the user's AWS credentials to the Batch job, and keeps handing them on
// while the job outlives them (SSO and assumed-role credentials last an hour
// or less; a build can run for many).
//
// The job never sees them in its environment or command (DescribeJobs shows
// both to anyone allowed to list jobs). Instead ferry writes one S3 object,
// s3://.../ferry-build/<dir id>/credentials-<random>, that the job reads into
// a credentials file of its own scratch dir (AWS_SHARED_CREDENTIALS_FILE,
// profile `ferry-forwarded`) and deletes at once. Every process the job
// starts reads that file, so replacing the file refreshes them all. While
// ferry follows the job, each time its own credentials are refreshed it
// writes the new set to `<that URL>-<ms since epoch>`; the job lists that
// prefix every RefreshSeconds(), loads the newest object and deletes what it
// listed. Long-lived keys have no expiry and are never refreshed.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "aws/credential_chain.h"
#include "aws/credentials.h"
#include "aws/s3_client.h"
#include "util/status.h"

namespace ferry::remote_build {

// The profile the job's credentials file holds.
inline constexpr const char* kForwardedProfile = "ferry-forwarded";

// The credentials as a shared credentials file (INI) holding one profile,
// kForwardedProfile. Pure.
std::string ForwardedCredentialsFile(const aws::Credentials& c);

// How often the job looks for refreshed credentials, for credentials that
// live `lifetime`: a sixth of it (ferry refreshes its own when a twelfth to a
// half of the lifetime is left, see aws/credential_chain.h), at least 1 s and
// at most 60 s. 0 when they never expire. Pure.
int RefreshSeconds(std::optional<std::chrono::system_clock::duration> lifetime);

// Writes credentials for one job and keeps them fresh while ferry follows
// it. Not thread safe; used by the build driver's watch loop.
class CredentialForwarder {
 public:
  CredentialForwarder(aws::S3Client* s3, aws::CredentialSource* source) : s3_(s3), source_(source) {}

  // Writes the first set to `url` (the job's FERRY_BUILD_CREDENTIALS_URL).
  // Sets *lifetime to how long they last (nullopt: they do not expire).
  Status Start(const std::string& url, std::optional<std::chrono::system_clock::duration>* lifetime);

  // Picks up a job forwarded to by an earlier ferry (--attach): refreshes go
  // beside `url`, the first at the next Refresh().
  void Resume(const std::string& url) { url_ = url, sent_key_.clear(); }

  // When ferry's credentials changed since the last set sent, writes the new
  // set beside the first one for the job to load. A failure is returned for
  // the caller to warn about; the next call tries again.
  Status Refresh();

  // Deletes what the job has not read (its job ended or was never started).
  void Cleanup();

  // When the credentials sent last expire (nullopt: never, or nothing sent).
  std::optional<std::chrono::system_clock::time_point> expiration() const { return expiration_; }

 private:
  Status Put(const std::string& url, const aws::Credentials& c);

  aws::S3Client* s3_;
  aws::CredentialSource* source_;
  std::string url_;
  std::string sent_key_;  // access key + token of the last set sent, to see a refresh
  std::optional<std::chrono::system_clock::time_point> expiration_;
};

}  // namespace ferry::remote_build
