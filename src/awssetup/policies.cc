#include "awssetup/policies.h"

#include <algorithm>

namespace ferry::awssetup {

namespace {

using nlohmann::json;

json Trust(const std::string& service) {
  return {{"Version", "2012-10-17"},
          {"Statement", {{{"Effect", "Allow"}, {"Principal", {{"Service", service}}}, {"Action", "sts:AssumeRole"}}}}};
}

json Allow(std::vector<std::string> actions, json resource) {
  return {{"Effect", "Allow"}, {"Action", std::move(actions)}, {"Resource", std::move(resource)}};
}

json Document(json statements) { return {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}}; }

json BucketStatements(const Desired& d) {
  return {Allow({"s3:ListBucket", "s3:GetBucketLocation"}, d.BucketArn()),
          Allow({"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, d.BucketArn() + "/*")};
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// One form for comparison: one-element lists become their element, lists of
// strings are sorted (the order of actions does not matter to IAM).
json Normal(const json& j) {
  if (j.is_object()) {
    json o = json::object();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "Sid") continue;
      o[it.key()] = Normal(it.value());
    }
    return o;
  }
  if (j.is_array()) {
    if (j.size() == 1) return Normal(j[0]);
    json a = json::array();
    for (const auto& e : j) a.push_back(Normal(e));
    if (std::all_of(a.begin(), a.end(), [](const json& e) { return e.is_string(); })) std::sort(a.begin(), a.end());
    return a;
  }
  return j;
}

json AsArray(const json& j) { return j.is_array() ? j : json::array({j}); }

}  // namespace

json JobRoleTrust() { return Trust("ecs-tasks.amazonaws.com"); }
json InstanceRoleTrust() { return Trust("ec2.amazonaws.com"); }

NamedPolicy JobRoleBucketPolicy(const Desired& d) { return {"ferry-bucket", Document(BucketStatements(d))}; }

std::string InstanceRoleManagedPolicyArn(const Desired& d) {
  return "arn:" + d.partition + ":iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role";
}

std::vector<NamedPolicy> UserGroupPolicies(const Desired& d) {
  json batch = Document({Allow({"batch:DescribeComputeEnvironments",
                                "batch:DescribeJobDefinitions",
                                "batch:DescribeJobQueues",
                                "batch:DescribeJobs",
                                "batch:ListJobs",
                                "batch:RegisterJobDefinition",
                                "batch:SubmitJob",
                                "batch:CancelJob",
                                "batch:TerminateJob",
                                "batch:TagResource",
                                "ecs:DescribeTasks",
                                "ecs:DescribeContainerInstances",
                                "ec2:DescribeInstances",
                                "ec2:DescribeInstanceTypes",
                                "ec2:DescribeInstanceAttribute",
                                "ec2:DescribeInstanceStatus",
                                "ecr:GetAuthorizationToken",
                                "ecr:BatchCheckLayerAvailability",
                                "ecr:GetDownloadUrlForLayer",
                                "ecr:BatchGetImage",
                                "ecr:DescribeImages",
                                "ecr:DescribeRepositories",
                                "ecr:ListImages"},
                               "*")});
  json logs = Document({Allow({"logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams"},
                              "arn:" + d.partition + ":logs:*:" + d.account + ":log-group:" + d.log_group + ":*")});
  json pass = Document({Allow({"iam:PassRole"}, d.RoleArn(d.job_role))});
  return {{"ferry-batch", batch},
          {"ferry-logs", logs},
          {"ferry-pass-job-role", pass},
          {"ferry-bucket", Document(BucketStatements(d))}};
}

json TlsOnlyBucketPolicy(const Desired& d) {
  return Document({{{"Sid", "AllowSSLRequestsOnly"},
                    {"Effect", "Deny"},
                    {"Principal", "*"},
                    {"Action", "s3:*"},
                    {"Resource", {d.BucketArn(), d.BucketArn() + "/*"}},
                    {"Condition", {{"Bool", {{"aws:SecureTransport", "false"}}}}}}});
}

json BucketPolicyWithTlsOnly(const Desired& d, const std::string& existing, bool* has_it) {
  json want = TlsOnlyBucketPolicy(d);
  const json& ours = want["Statement"][0];
  json have = existing.empty() ? json() : json::parse(existing, nullptr, false);
  *has_it = false;
  if (have.is_discarded() || !have.is_object() || !have.contains("Statement")) return want;
  json merged = have;
  json statements = json::array();
  for (const json& st : AsArray(have["Statement"])) {
    if (Normal(st) == Normal(ours)) *has_it = true;
    // A statement of the same Sid is ours from an earlier set-up: replaced.
    if (st.is_object() && st.value("Sid", "") == ours.value("Sid", "")) continue;
    statements.push_back(st);
  }
  if (*has_it) return have;
  statements.push_back(ours);
  merged["Statement"] = statements;
  return merged;
}

bool ParsePolicyDocument(const std::string& text, json* out) {
  json h = json::parse(text, nullptr, false);
  if (h.is_discarded()) h = json::parse(PercentDecode(text), nullptr, false);
  if (h.is_discarded() || !h.is_object() || !h.contains("Statement")) return false;
  *out = std::move(h);
  return true;
}

bool SamePolicy(const std::string& have, const json& want) {
  json h;
  return ParsePolicyDocument(have, &h) && Normal(h) == Normal(want);
}

}  // namespace ferry::awssetup
