// The credentials chain: asks each provider in turn, keeps the first answer,
// and refreshes expiring credentials (assumed roles, web identity, SSO, ECS,
// IMDS) before they expire. Thread safe: every attempt of every request of a
// client calls Get(), so long runs and builds sign with fresh credentials;
// callers that do block while a refresh is under way.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/credential_providers.h"

namespace ferry::aws {

// What request signing needs: current credentials.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  virtual Status Get(Credentials* out) = 0;
};

// Fixed credentials (tests, tools).
class StaticCredentials : public CredentialSource {
 public:
  explicit StaticCredentials(Credentials c) : c_(std::move(c)) {}
  Status Get(Credentials* out) override {
    *out = c_;
    return Status::Ok();
  }

 private:
  Credentials c_;
};

class CredentialChain : public CredentialSource {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  explicit CredentialChain(std::vector<std::unique_ptr<CredentialsProvider>> providers, Clock clock = nullptr);

  // Current credentials; resolves on first use and refreshes when fewer than
  // refresh_margin (or half their lifetime, if that is less) remain before
  // expiry. If a refresh fails while the old credentials are still valid,
  // they are kept.
  Status Get(Credentials* out) override;

  // After a successful Get: which provider answered and the exact source.
  std::string provider_name() const;
  std::string source() const;
  // Number of times a provider was asked for credentials (for tests).
  int loads() const;

  std::chrono::seconds refresh_margin{300};
  // How the user chooses a profile, named in the missing-credentials
  // advice (AwsSettings::profile_hint).
  std::string profile_hint = kFlagProfileHint;

 private:
  Status Resolve();
  // Asks provider `i` (counted in loads_); on success its credentials and
  // source replace the cached ones. Callers hold mu_.
  Status LoadFrom(size_t i);
  std::chrono::system_clock::duration Margin() const;  // callers hold mu_
  std::vector<std::unique_ptr<CredentialsProvider>> providers_;
  Clock clock_;
  mutable std::mutex mu_;
  bool resolved_ = false;
  size_t index_ = 0;
  Credentials creds_;
  std::string source_;
  std::chrono::system_clock::time_point loaded_at_;
  int loads_ = 0;
};

}  // namespace ferry::aws
