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
#include "aws/profile_chain.h"
#include "aws/profile_files.h"
#include "aws/region_chain.h"
#include "aws/sso_credentials.h"
#include "aws/sts_roles.h"
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

// Two environment variables that only mean something together: NotFound
// when neither is set, Invalid when one is.
Status BothOrNeither(const Env& env, const std::string& a, const std::string& b, const std::string& what,
                     std::optional<std::string>* va, std::optional<std::string>* vb) {
  *va = env.Get(a);
  *vb = env.Get(b);
  if (!*va && !*vb) return Status::NotFound(what + ": " + a + " not set");
  if (!*va || !*vb)
    return Status::Invalid("environment: " + (*va ? a : b) + " is set but " + (*va ? b : a) +
                           " is not; set both or unset both");
  return Status::Ok();
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
    std::optional<std::string> id, secret;
    FERRY_RETURN_IF_ERROR(
        BothOrNeither(env_, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "environment", &id, &secret));
    *out = Credentials{*id, *secret, env_.GetOr("AWS_SESSION_TOKEN", ""), std::nullopt};
    *source = "environment (AWS_ACCESS_KEY_ID)";
    return Status::Ok();
  }

 private:
  const Env& env_;
};

// The STS endpoint and region the role steps of a chain use: the region
// ferry resolves for everything else, us-east-1 when there is none (as STS's
// global endpoint).
StsTarget StsTargetFor(const AwsSettings& s, const Env& env) {
  StsTarget t;
  t.settings = s;
  // The providers borrow the session's Env, which outlives them.
  t.env = std::shared_ptr<const Env>(&env, [](const Env*) {});
  RegionResult region;
  t.region = ResolveRegion(s, env, &region).ok() ? region.region : "us-east-1";
  return t;
}

Status ReadTokenFile(const std::string& path, const std::string& where, std::string* token) {
  std::ifstream in(path);
  if (!in) return Status::Invalid(where + ": cannot read the web identity token file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  *token = std::string(Trim(ss.str()));
  if (token->empty()) return Status::Invalid(where + ": the web identity token file " + path + " is empty");
  return Status::Ok();
}

// Exchanges the token in `token_file` for credentials of `role`; `where`
// names the setting for errors.
Status WebIdentityCredentials(const AwsSettings& s, const Env& env, const std::string& token_file,
                              const RoleRequest& role, const std::string& where, Credentials* out,
                              std::string* assumed_arn) {
  std::string token;
  FERRY_RETURN_IF_ERROR(ReadTokenFile(token_file, where, &token));
  RoleCredentials rc;
  Status st = AssumeRoleWithWebIdentity(StsTargetFor(s, env), role, token, &rc);
  if (!st.ok()) return st.WithPrefix(where + ": exchanging the web identity token for role " + role.role_arn);
  *out = rc.credentials;
  *assumed_arn = rc.assumed_role_arn;
  return Status::Ok();
}

// What to set when a profile's credential_source finds nothing: the
// provider's own reason says what is missing, not how to provide it.
std::string CredentialSourceAdvice(const std::string& source) {
  if (source == "Environment") return "; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)";
  if (source == "EcsContainer")
    return "; set AWS_CONTAINER_CREDENTIALS_FULL_URI (with AWS_CONTAINER_AUTHORIZATION_TOKEN or _FILE when the "
           "endpoint wants a token) or AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, as ECS and EKS set them in a task";
  return "; run on an EC2 instance with an instance profile, or point AWS_EC2_METADATA_SERVICE_ENDPOINT at one "
         "(and unset AWS_EC2_METADATA_DISABLED)";
}

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
    ProfilePlan plan;
    FERRY_RETURN_IF_ERROR(PlanProfile(files, p.name, DefaultRoleSessionName(), &plan));
    Credentials c;
    std::string chain;
    FERRY_RETURN_IF_ERROR(LoadBase(plan, where, &c, &chain));
    for (const ProfilePlan::Role& role : plan.roles) {
      RoleCredentials rc;
      Status st = AssumeRole(StsTargetFor(s_, env_), c, role.request, &rc);
      if (!st.ok())
        return st.WithPrefix("profile '" + role.profile + "': assuming role " + role.request.role_arn +
                             " with credentials from " + chain);
      c = rc.credentials;
      chain = "profile '" + role.profile + "': role " + role.request.role_arn + " (session " +
              role.request.session_name + ") <- " + chain;
    }
    *out = c;
    *source = chain;
    return Status::Ok();
  }

 private:
  // The first credentials of the plan and their description.
  Status LoadBase(const ProfilePlan& plan, const std::string& where, Credentials* c, std::string* chain) {
    const std::string base = "profile '" + plan.base_profile + "'";
    switch (plan.base) {
      case ProfilePlan::Base::kNone: return Status::NotFound(where + ": has no aws_access_key_id");
      case ProfilePlan::Base::kStaticKeys:
        *c = plan.static_keys;
        *chain = base + " in " + plan.base_file;
        return Status::Ok();
      case ProfilePlan::Base::kCredentialProcess:
        FERRY_RETURN_IF_ERROR(RunCredentialProcess(plan.credential_process, base, c));
        *chain = base + " credential_process";
        return Status::Ok();
      case ProfilePlan::Base::kCredentialSource: {
        std::unique_ptr<CredentialsProvider> from = plan.credential_source == "Environment" ? MakeEnvProvider(env_)
                                                    : plan.credential_source == "Ec2InstanceMetadata"
                                                        ? MakeImdsProvider(env_)
                                                        : MakeEcsProvider(env_);
        std::string what;
        Status st = from->Load(c, &what);
        if (!st.ok())
          return Status::Invalid(
              base + ": credential_source = " + plan.credential_source + " has no credentials: " + st.message() +
              (st.kind() == Status::Kind::kNotFound ? CredentialSourceAdvice(plan.credential_source) : ""));
        *chain = base + " credential_source " + plan.credential_source + " (" + what + ")";
        return Status::Ok();
      }
      case ProfilePlan::Base::kWebIdentity: {
        std::string arn;
        FERRY_RETURN_IF_ERROR(
            WebIdentityCredentials(s_, env_, plan.web_identity_token_file, plan.web_identity_role, base, c, &arn));
        *chain = base + ": role " + plan.web_identity_role.role_arn + " (session " +
                 plan.web_identity_role.session_name + ") <- web identity token " + plan.web_identity_token_file;
        return Status::Ok();
      }
      case ProfilePlan::Base::kSso: {
        auto env = std::shared_ptr<const Env>(&env_, [](const Env*) {});
        FERRY_RETURN_IF_ERROR(GetSsoRoleCredentials(plan.sso, s_, env, c));
        *chain = base + ": SSO role " + plan.sso.role_name + " in account " + plan.sso.account_id + " <- " +
                 (plan.sso.session.empty() ? "sso_start_url " + plan.sso.start_url
                                           : "sso-session '" + plan.sso.session + "'") +
                 " (token in " + SsoTokenCachePath(plan.sso, env_) + ")";
        return Status::Ok();
      }
    }
    return Status::Failed(where + ": unknown credential plan");
  }

  AwsSettings s_;
  const Env& env_;
};

// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME), as
// EKS and CI systems set them.
class WebIdentityEnvProvider : public CredentialsProvider {
 public:
  WebIdentityEnvProvider(AwsSettings s, const Env& env) : s_(std::move(s)), env_(env) {}
  std::string Name() const override { return "web-identity"; }
  Status Load(Credentials* out, std::string* source) override {
    std::optional<std::string> file, arn;
    FERRY_RETURN_IF_ERROR(
        BothOrNeither(env_, "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "web identity", &file, &arn));
    RoleRequest role;
    role.role_arn = *arn;
    role.session_name = env_.GetOr("AWS_ROLE_SESSION_NAME", DefaultRoleSessionName());
    std::string assumed;
    FERRY_RETURN_IF_ERROR(WebIdentityCredentials(s_, env_, *file, role, "AWS_WEB_IDENTITY_TOKEN_FILE", out, &assumed));
    *source =
        "environment: role " + role.role_arn + " (session " + role.session_name + ") <- web identity token " + *file;
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
    else
      return Status::NotFound(
          "ECS container credentials: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
          "AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
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
    // The endpoint refuses a request without the task's token (or with another).
    if (resp.status == 401 || resp.status == 403)
      return Status::Failed("ECS container credentials endpoint " + url + " answered HTTP " +
                            std::to_string(resp.status) +
                            (token.empty() ? "; set AWS_CONTAINER_AUTHORIZATION_TOKEN (or _FILE) to the task's token"
                                           : ": it refused the token in AWS_CONTAINER_AUTHORIZATION_TOKEN (or _FILE)"));
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
std::unique_ptr<CredentialsProvider> MakeWebIdentityEnvProvider(const AwsSettings& s, const Env& env) {
  return std::make_unique<WebIdentityEnvProvider>(s, env);
}
std::unique_ptr<CredentialsProvider> MakeEcsProvider(const Env& env) { return std::make_unique<EcsProvider>(env); }
std::unique_ptr<CredentialsProvider> MakeImdsProvider(const Env& env) { return std::make_unique<ImdsProvider>(env); }

std::vector<std::unique_ptr<CredentialsProvider>> DefaultProviders(const AwsSettings& s, const Env& env) {
  std::vector<std::unique_ptr<CredentialsProvider>> v;
  v.push_back(MakeConfigKeysProvider(s));
  if (s.profile_overrides_env) {
    v.push_back(MakeProfileProvider(s, env));
    v.push_back(MakeEnvProvider(env));
    v.push_back(MakeWebIdentityEnvProvider(s, env));
  } else {
    v.push_back(MakeEnvProvider(env));
    v.push_back(MakeWebIdentityEnvProvider(s, env));
    v.push_back(MakeProfileProvider(s, env));
  }
  v.push_back(MakeEcsProvider(env));
  v.push_back(MakeImdsProvider(env));
  return v;
}

}  // namespace ferry::aws
