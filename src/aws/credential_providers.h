// The sources of AWS credentials, one small provider each, in the order the
// chain (credential_chain.h) asks them: config keys, environment, web
// identity from the environment, profile (keys, credential_process, roles,
// web identity, SSO: profile_chain.h), ECS container endpoint, EC2 instance
// role (IMDSv2).
//
// Load() returns Ok with credentials when the source answered, NotFound (with
// the reason, which the missing-credentials error lists) when the source has
// nothing, and any other error when the source is configured but broken (the
// chain stops there rather than silently using another identity).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/env.h"
#include "aws/settings.h"
#include "util/status.h"

namespace ferry::aws {

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual std::string Name() const = 0;  // "environment", "profile", ...
  // `source` describes exactly where the credentials came from, e.g.
  // "profile 'dev' in /home/me/.aws/credentials".
  virtual Status Load(Credentials* out, std::string* source) = 0;
};

std::unique_ptr<CredentialsProvider> MakeConfigKeysProvider(const AwsSettings& settings);
std::unique_ptr<CredentialsProvider> MakeEnvProvider(const Env& env);
std::unique_ptr<CredentialsProvider> MakeProfileProvider(const AwsSettings& settings, const Env& env);
std::unique_ptr<CredentialsProvider> MakeWebIdentityEnvProvider(const AwsSettings& settings, const Env& env);
std::unique_ptr<CredentialsProvider> MakeEcsProvider(const Env& env);
std::unique_ptr<CredentialsProvider> MakeImdsProvider(const Env& env);

// The providers in chain order for these settings (--profile moves the
// profile provider ahead of the environment, as the aws CLI does).
std::vector<std::unique_ptr<CredentialsProvider>> DefaultProviders(const AwsSettings& settings, const Env& env);

// Parses the JSON both the ECS endpoint and IMDS return (AccessKeyId,
// SecretAccessKey, Token, Expiration in ISO 8601).
Status ParseCredentialsJson(const std::string& body, const std::string& where, Credentials* out);

}  // namespace ferry::aws
