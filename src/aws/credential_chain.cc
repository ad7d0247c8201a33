#include "aws/credential_chain.h"

namespace ferry::aws {

CredentialChain::CredentialChain(std::vector<std::unique_ptr<CredentialsProvider>> providers, Clock clock)
    : providers_(std::move(providers)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

Status CredentialChain::LoadFrom(size_t i) {
  Credentials c;
  std::string source;
  ++loads_;
  Status s = providers_[i]->Load(&c, &source);
  if (s.ok()) {
    creds_ = c;
    source_ = source;
    loaded_at_ = clock_();
  }
  return s;
}

Status CredentialChain::Resolve() {
  std::vector<std::string> tried;
  for (size_t i = 0; i < providers_.size(); ++i) {
    Status s = LoadFrom(i);
    if (s.ok()) {
      index_ = i;
      resolved_ = true;
      return Status::Ok();
    }
    if (s.kind() != Status::Kind::kNotFound) return s;
    tried.push_back(s.message());
  }
  std::string msg = "no AWS credentials found. Tried, in order:\n";
  for (const std::string& t : tried) msg += "  - " + t + "\n";
  msg +=
      "Fix: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws configure` to write "
      "~/.aws/credentials, choose a profile with " +
      profile_hint + ", or set aws.accessKey/aws.secretKey in ferry.config";
  return Status::Failed(msg);
}

Status CredentialChain::Get(Credentials* out) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!resolved_) {
    FERRY_RETURN_IF_ERROR(Resolve());
  } else if (creds_.expiration && *creds_.expiration - clock_() < Margin()) {
    // Refresh from the provider that answered before.
    Status s = LoadFrom(index_);
    if (!s.ok() && *creds_.expiration <= clock_()) {
      return Status::Failed("AWS credentials from " + source_ + " expired and could not be refreshed: " + s.message());
    }
  }
  *out = creds_;
  return Status::Ok();
}

std::chrono::system_clock::duration CredentialChain::Margin() const {
  // Half the lifetime for credentials shorter than twice the margin, so
  // that short-lived ones (tests, tight role limits) are not fetched again
  // for every request.
  auto lifetime = *creds_.expiration - loaded_at_;
  return std::min<std::chrono::system_clock::duration>(refresh_margin, lifetime / 2);
}

std::string CredentialChain::provider_name() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resolved_ ? providers_[index_]->Name() : "";
}

std::string CredentialChain::source() const {
  std::lock_guard<std::mutex> lock(mu_);
  return source_;
}

int CredentialChain::loads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loads_;
}

}  // namespace ferry::aws
