#include "aws/credential_providers.h"

#include <sys/wait.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/http.h"
#include "aws/imds.h"
#include "aws/iso_time.h"
#include "aws/profile_files.h"
#include "util/text.h"

namespace ferry::aws {

namespace {

bool ParseIso8601(const std::string& s, std::chrono::system_clock::time_point* t) {
  int64_t seconds;
  if (!ParseIsoTime(s, &seconds)) return false;
  *t = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(seconds));
  return true;
}

// Runs a profile's credential_process (through /bin/sh, as the aws CLI does)
// and reads the JSON it prints. Its stderr passes through to the user.
Status RunCredentialProcess(const std::string& command, const std::string& where, Credentials* out) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return Status::Failed(where + ": cannot run credential_process `" + command + "`");
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  int status = ::pclose(pipe);
  if (status != 0)
    return Status::Failed(where + ": credential_process `" + command + "` failed (exit status " +
                          std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : status) + ")");
  return ParseCredentialsJson(output, where + " credential_process", out);
}

class ConfigKeysProvider : public CredentialsProvider {
 public:
  explicit ConfigKeysProvider(AwsSettings s) : s_(std::move(s)) {}
  std::string Name() const override { return "config"; }
  Status Load(Credentials* out, std::string* source) override {
    if (s_.access_key.empty() && s_.secret_key.empty()) return Status::NotFound(s_.keys_origin + ": not set");
    if (s_.access_key.empty() || s_.secret_key.empty())
      return Status::Invalid(s_.keys_origin + ": both the access key and the secret key must be set");
    *out = Credentials{s_.access_key, s_.secret_key, s_.session_token, std::nullopt};
    *source = s_.keys_origin;
    return Status::Ok();
  }

 private:
  AwsSettings s_;
};

class EnvProvider : public CredentialsProvider {
 public:
  explicit EnvProvider(const Env& env) : env_(env) {}
  std::string Name() const override { return "environment"; }
  Status Load(Credentials* out, std::string* source) override {
    auto id = env_.Get("AWS_ACCESS_KEY_ID");
    auto secret = env_.Get("AWS_SECRET_ACCESS_KEY");
    if (!id && !secret) return Status::NotFound("environment: AWS_ACCESS_KEY_ID not set");
    if (!id || !secret)
      return Status::Invalid(std::string("environment: ") +
                             (id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                                 : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not") +
                             "; set both or unset both");
    *out = Credentials{*id, *secret, env_.GetOr("AWS_SESSION_TOKEN", ""), std::nullopt};
    *source = "environment (AWS_ACCESS_KEY_ID)";
    return Status::Ok();
  }

 private:
  const Env& env_;
};

class ProfileProvider : public CredentialsProvider {
 public:
  ProfileProvider(AwsSettings s, const Env& env) : s_(std::move(s)), env_(env) {}
  std::string Name() const override { return "profile"; }
  Status Load(Credentials* out, std::string* source) override {
    ProfileFiles files;
    FERRY_RETURN_IF_ERROR(LoadProfileFiles(env_, &files));
    ProfileChoice p = ChooseProfile(s_, env_);
    std::string where = "profile '" + p.name + "' (from " + p.origin + ")";
    if (!files.HasProfile(p.name)) {
      std::string files_desc = files.credentials_path + (files.credentials_exists ? "" : " (missing)") + " and " +
                               files.config_path + (files.config_exists ? "" : " (missing)");
      if (p.explicit_choice)
        return Status::Invalid(where + " not found in " + files_desc + "; add a [" + p.name +
                               "] section or choose another profile");
      return Status::NotFound("profile 'default': not found in " + files_desc);
    }
    auto m = files.Merged(p.name);
    auto get = [&](const char* k) {
      auto it = m.find(k);
      return it == m.end() ? std::string() : it->second;
    };
    std::string id = get("aws_access_key_id"), secret = get("aws_secret_access_key");
    if (id.empty() && secret.empty() && !get("credential_process").empty()) {
      FERRY_RETURN_IF_ERROR(RunCredentialProcess(get("credential_process"), where, out));
      *source = "profile '" + p.name + "' credential_process";
      return Status::Ok();
    }
    if (id.empty() && secret.empty()) {
      for (const char* unsupported : {"role_arn", "sso_start_url", "sso_session"})
        if (!get(unsupported).empty())
          return Status::Invalid(where + " uses " + unsupported +
                                 ", which ferry does not support yet; export keys with "
                                 "`eval $(aws configure export-credentials --profile " +
                                 p.name + " --format env)` instead");
      return Status::NotFound(where + ": has no aws_access_key_id");
    }
    if (id.empty() || secret.empty())
      return Status::Invalid(where + ": aws_access_key_id and aws_secret_access_key must both be set");
    *out = Credentials{id, secret, get("aws_session_token"), std::nullopt};
    bool in_creds = files.credentials.Section(p.name) && files.credentials.Section(p.name)->count("aws_access_key_id");
    *source = "profile '" + p.name + "' in " + (in_creds ? files.credentials_path : files.config_path);
    return Status::Ok();
  }

 private:
  AwsSettings s_;
  const Env& env_;
};

class EcsProvider : public CredentialsProvider {
 public:
  explicit EcsProvider(const Env& env) : env_(env) {}
  std::string Name() const override { return "ecs"; }
  Status Load(Credentials* out, std::string* source) override {
    std::string url;
    if (auto rel = env_.Get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) url = "http://169.254.170.2" + *rel;
    else if (auto full = env_.Get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) url = *full;
    else return Status::NotFound("ECS container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI not set");
    HttpRequest r;
    r.url = url;
    r.connect_timeout_ms = 2000;
    r.timeout_ms = 5000;
    r.use_proxy = false;
    std::string token;
    if (auto file = env_.Get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      std::ifstream in(*file);
      if (!in)
        return Status::Invalid("ECS container credentials: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " +
                               *file);
      std::stringstream ss;
      ss << in.rdbuf();
      token = std::string(Trim(ss.str()));
    } else {
      token = env_.GetOr("AWS_CONTAINER_AUTHORIZATION_TOKEN", "");
    }
    if (!token.empty()) r.headers.emplace_back("Authorization", token);
    HttpResponse resp;
    for (int attempt = 0; attempt < 3; ++attempt) {
      resp = PerformOnce(r);
      if (resp.transport_ok() && resp.status < 500) break;
    }
    if (!resp.transport_ok())
      return Status::Failed("ECS container credentials endpoint " + url + " did not answer: " + resp.curl_error);
    if (resp.status != 200)
      return Status::Failed("ECS container credentials endpoint " + url + " answered HTTP " +
                            std::to_string(resp.status));
    FERRY_RETURN_IF_ERROR(ParseCredentialsJson(resp.body, "ECS container endpoint " + url, out));
    *source = "ECS container endpoint (" + url + ")";
    return Status::Ok();
  }

 private:
  const Env& env_;
};

class ImdsProvider : public CredentialsProvider {
 public:
  explicit ImdsProvider(const Env& env) : env_(env) {}
  std::string Name() const override { return "imds"; }
  Status Load(Credentials* out, std::string* source) override {
    ImdsClient imds(env_);
    std::string roles;
    Status s = imds.Get("meta-data/iam/security-credentials/", &roles);
    if (!s.ok()) return Status::NotFound("EC2 instance role: " + s.message());
    std::string role(Trim(Split(roles, '\n').front()));
    if (role.empty()) return Status::NotFound("EC2 instance role: the instance has no IAM role attached");
    std::string body;
    s = imds.Get("meta-data/iam/security-credentials/" + role, &body);
    if (!s.ok()) return Status::NotFound("EC2 instance role '" + role + "': " + s.message());
    FERRY_RETURN_IF_ERROR(ParseCredentialsJson(body, "instance metadata role " + role, out));
    *source = "EC2 instance role '" + role + "' (" + imds.endpoint() + ")";
    return Status::Ok();
  }

 private:
  const Env& env_;
};

}  // namespace

Status ParseCredentialsJson(const std::string& body, const std::string& where, Credentials* out) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::Failed(where + " returned something that is not JSON credentials");
  if (j.contains("Code") && j["Code"].is_string() && j["Code"] != "Success")
    return Status::Failed(where + " reported " + j["Code"].get<std::string>());
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  Credentials c;
  c.access_key_id = str("AccessKeyId");
  c.secret_access_key = str("SecretAccessKey");
  c.session_token = str("Token");
  if (c.session_token.empty()) c.session_token = str("SessionToken");
  if (c.empty()) return Status::Failed(where + " returned credentials without AccessKeyId/SecretAccessKey");
  std::string exp = str("Expiration");
  if (!exp.empty()) {
    std::chrono::system_clock::time_point t;
    if (!ParseIso8601(exp, &t)) return Status::Failed(where + " returned an unreadable Expiration '" + exp + "'");
    c.expiration = t;
  }
  *out = c;
  return Status::Ok();
}

std::unique_ptr<CredentialsProvider> MakeConfigKeysProvider(const AwsSettings& s) {
  return std::make_unique<ConfigKeysProvider>(s);
}
std::unique_ptr<CredentialsProvider> MakeEnvProvider(const Env& env) { return std::make_unique<EnvProvider>(env); }
std::unique_ptr<CredentialsProvider> MakeProfileProvider(const AwsSettings& s, const Env& env) {
  return std::make_unique<ProfileProvider>(s, env);
}
std::unique_ptr<CredentialsProvider> MakeEcsProvider(const Env& env) { return std::make_unique<EcsProvider>(env); }
std::unique_ptr<CredentialsProvider> MakeImdsProvider(const Env& env) { return std::make_unique<ImdsProvider>(env); }

std::vector<std::unique_ptr<CredentialsProvider>> DefaultProviders(const AwsSettings& s, const Env& env) {
  std::vector<std::unique_ptr<CredentialsProvider>> v;
  v.push_back(MakeConfigKeysProvider(s));
  if (s.profile_overrides_env) {
    v.push_back(MakeProfileProvider(s, env));
    v.push_back(MakeEnvProvider(env));
  } else {
    v.push_back(MakeEnvProvider(env));
    v.push_back(MakeProfileProvider(s, env));
  }
  v.push_back(MakeEcsProvider(env));
  v.push_back(MakeImdsProvider(env));
  return v;
}

}  // namespace ferry::aws
