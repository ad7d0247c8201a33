// Every request ferry's set-up commands build, checked against botocore's
// service models (Debian's python3-botocore): the operation exists, every
// member ferry sends is one the input shape has, with the model's type (and
// an allowed value of an enum), and every required member is there. EC2's
// query names are checked against the model's locationName too. The
// headers of S3 object requests (encryption, storage class, ACL, payer) are
// checked against the members' header names and enums. The credential
// chain's own calls (STS AssumeRole, AssumeRoleWithWebIdentity and
// GetCallerIdentity, the SSO portal's GetRoleCredentials) are checked as they
// go on the wire: method, path, where each member travels (form field,
// query string, header, URI), its type and limits, the required members and
// whether the call is signed. Skips when the models are not installed.
#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "aws/api_call.h"
#include "aws/profile_chain.h"
#include "aws/s3_client.h"
#include "aws/s3_object_settings.h"
#include "aws/sigv4.h"
#include "aws/sso_credentials.h"
#include "aws/sts.h"
#include "aws/sts_roles.h"
#include "awsbatch/job_definitions.h"
#include "awsbatch/job_request.h"
#include "awssetup/observed.h"
#include "awssetup/planner.h"
#include "awssetup/test_account.h"
#include "util/text.h"

namespace ferry::awssetup {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* kModels = "/usr/lib/python3/dist-packages/botocore/data";

// Answers every read with an empty object and keeps every call.
class RecordingApi : public aws::AwsApi {
 public:
  Status Call(const aws::ApiCall& call, json* response, aws::AwsError*) override {
    calls.push_back(call);
    json r = json::object();
    // Enough for the reads that follow another read to be made too.
    if (call.operation == "DescribeVpcs") r = {{"vpcSet", {{{"vpcId", "vpc-1"}}}}};
    if (call.operation == "ListRolePolicies" || call.operation == "ListGroupPolicies") r = {{"PolicyNames", {"p"}}};
    if (response) *response = r;
    return Status::Ok();
  }
  std::vector<aws::ApiCall> calls;
};

json LoadModel(const std::string& service, const std::string& data = kModels) {
  fs::path dir = fs::path(data) / service;
  std::string newest;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && e.path().filename().string() > newest) newest = e.path().filename().string();
  fs::path file = dir / newest / "service-2.json";
  if (fs::exists(file)) {
    std::ifstream in(file);
    return json::parse(in);
  }
  // pip's botocore ships its models gzipped.
  std::string text;
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_raw(a);
  archive_entry* entry = nullptr;
  if (archive_read_open_filename(a, (file.string() + ".gz").c_str(), 1 << 16) == ARCHIVE_OK &&
      archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    char buf[1 << 16];
    for (la_ssize_t n; (n = archive_read_data(a, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  }
  archive_read_free(a);
  return json::parse(text, nullptr, false);
}

class Validator {
 public:
  void Check(const aws::ApiCall& call, std::vector<std::string>* errors) {
    json& model = Model(call.service);
    std::string where = call.service + " " + call.operation;
    if (!model["operations"].contains(call.operation)) {
      errors->push_back(where + ": no such operation");
      return;
    }
    const json& op = model["operations"][call.operation];
    if (!op.contains("input")) return;
    Value(model, op["input"]["shape"], call.params, where, call.service == "ec2", errors);
  }

 private:
  json& Model(const std::string& service) {
    if (!models_.count(service)) models_[service] = LoadModel(service);
    return models_[service];
  }

  void Value(const json& model, const std::string& shape_name, const json& v, const std::string& where, bool ec2,
             std::vector<std::string>* errors) {
    const json& shape = model["shapes"][shape_name];
    std::string type = shape["type"];
    auto bad = [&](const std::string& why) { errors->push_back(where + ": " + why + " (" + shape_name + ")"); };
    if (type == "structure") {
      if (!v.is_object()) return bad("not an object");
      for (const auto& r : shape.value("required", json::array()))
        if (!v.contains(r.get<std::string>())) bad("required member " + r.get<std::string>() + " missing");
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!shape["members"].contains(it.key())) {
          bad("no member " + it.key());
          continue;
        }
        const json& m = shape["members"][it.key()];
        if (ec2) {
          std::string want = m.value("queryName", "");
          if (want.empty()) want = m.value("locationName", it.key());
          want[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(want[0])));
          if (aws::Ec2QueryName(it.key()) != want)
            bad("member " + it.key() + " is sent as " + aws::Ec2QueryName(it.key()) + ", EC2 wants " + want);
        }
        Value(model, m["shape"], it.value(), where + "." + it.key(), ec2, errors);
      }
    } else if (type == "list") {
      if (!v.is_array()) return bad("not a list");
      for (const auto& e : v) Value(model, shape["member"]["shape"], e, where + "[]", ec2, errors);
    } else if (type == "map") {
      if (!v.is_object()) return bad("not a map");
      for (auto it = v.begin(); it != v.end(); ++it)
        Value(model, shape["value"]["shape"], it.value(), where + "{" + it.key() + "}", ec2, errors);
    } else if (type == "string") {
      if (!v.is_string()) return bad("not a string");
      if (shape.contains("enum")) {
        std::set<std::string> allowed(shape["enum"].begin(), shape["enum"].end());
        if (!allowed.count(v.get<std::string>())) bad("'" + v.get<std::string>() + "' is not an allowed value");
      }
    } else if (type == "integer" || type == "long") {
      if (!v.is_number_integer()) return bad("not an integer");
    } else if (type == "boolean") {
      if (!v.is_boolean()) return bad("not a boolean");
    } else if (type == "blob") {
      if (!v.is_string()) return bad("not a blob (string)");
    }
  }

  std::map<std::string, json> models_;

 public:
  // Checks against `model` instead of Debian's, for the service it is of.
  void UseModel(const std::string& service, json model) { models_[service] = std::move(model); }
};

std::vector<aws::ApiCall> EveryCall() {
  std::vector<aws::ApiCall> calls;
  SetupOptions opts;
  opts.disk_gib = 100;
  opts.nvme = true;
  opts.spot = true;
  Desired d = TestDesired(opts);
  RecordingApi reads;
  Observed seen;
  EXPECT_TRUE(Observe(reads, d, &seen).ok());
  calls = reads.calls;
  for (const auto& observed : {EmptyAccount(), CompleteAccount(d)}) {
    Plan p;
    EXPECT_TRUE(PlanSetup(d, observed, &p).ok());
    for (const Step& s : p.steps) calls.insert(calls.end(), s.calls.begin(), s.calls.end());
  }
  // Everything wrong at once: every repair call.
  Observed wrong = CompleteAccount(d);
  wrong.bucket.expire_days = 1;
  wrong.bucket.tags.clear();
  wrong.bucket.blocks_public = false;
  wrong.bucket.policy.clear();
  wrong.job_role.trust = "{}";
  wrong.job_role.tags.clear();
  wrong.instance_role.attached.clear();
  wrong.instance_profile.roles.clear();
  wrong.log_group.retention_days = 0;
  wrong.compute_env.state = "DISABLED";
  wrong.compute_env.max_vcpus = 1;
  wrong.queue.state = "DISABLED";
  wrong.queue.compute_envs.clear();
  wrong.job_definition.image = "other";
  Plan repair;
  EXPECT_TRUE(PlanSetup(d, wrong, &repair).ok());
  for (const Step& s : repair.steps) calls.insert(calls.end(), s.calls.begin(), s.calls.end());
  Observed full = CompleteAccount(d);
  full.group.users = {"alice"};
  Plan down = PlanTeardown(d, full, true);
  for (const Step& s : down.steps) calls.insert(calls.end(), s.calls.begin(), s.calls.end());
  return calls;
}

TEST(RequestModels, EveryRequestOfSetupCheckAndTeardownMatchesBotocoresModels) {
  if (!fs::exists(kModels)) GTEST_SKIP() << "botocore's models are not installed (apt-get install python3-botocore)";
  Validator v;
  std::vector<std::string> errors;
  std::set<std::string> operations;
  for (const aws::ApiCall& c : EveryCall()) {
    v.Check(c, &errors);
    operations.insert(c.service + ":" + c.operation);
  }
  for (const auto& e : errors) ADD_FAILURE() << e;
  // The check covers every kind of call, not a few.
  EXPECT_GE(operations.size(), 50u);
  EXPECT_TRUE(operations.count("batch:CreateComputeEnvironment"));
  EXPECT_TRUE(operations.count("iam:CreateRole"));
  EXPECT_TRUE(operations.count("ec2:CreateLaunchTemplate"));
  EXPECT_TRUE(operations.count("s3:PutBucketLifecycleConfiguration"));
  EXPECT_TRUE(operations.count("logs:PutRetentionPolicy"));
}

// The botocore data of the python3 the integration tests run (pip's, often
// newer than Debian's); "" when it has none.
std::string PythonBotocoreData() {
  FILE* p = popen("python3 -c 'import botocore, os; print(os.path.dirname(botocore.__file__))' 2>/dev/null", "r");
  if (!p) return "";
  char buf[4096] = {0};
  std::string dir = fgets(buf, sizeof buf, p) ? buf : "";
  pclose(p);
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  return dir.empty() || !fs::exists(dir + "/data/batch") ? "" : dir + "/data";
}

// The botocore models at hand, newest first: pip's botocore of the python3
// the integration tests run, then Debian's.
std::vector<std::string> ModelSources() {
  std::vector<std::string> sources;
  if (std::string py = PythonBotocoreData(); !py.empty()) sources.push_back(py);
  if (fs::exists(kModels)) sources.push_back(kModels);
  return sources;
}

// Every request shape the awsbatch executor sends: job definitions for EC2
// and Fargate, SubmitJob with arrays, timeouts, spot retries, fair share and
// tags, on the newest Batch model at hand. Debian's python3-botocore predates
// ephemeralStorage (2022): with only that model, the Fargate definition is
// checked without its ephemeral storage, and the test prints a note.
TEST(RequestModels, EveryBatchRequestOfTheAwsbatchExecutorMatchesBotocoresModel) {
  std::vector<std::string> sources = ModelSources();
  if (sources.empty()) GTEST_SKIP() << "no botocore models are installed (apt-get install python3-botocore)";
  json model = LoadModel("batch", sources[0]);
  ASSERT_TRUE(model.is_object()) << "cannot read the Batch model in " << sources[0];
  bool has_storage = model["shapes"]["ContainerProperties"]["members"].contains("ephemeralStorage");
  Validator v;
  v.UseModel("batch", model);

  std::vector<aws::ApiCall> calls;
  JobDefinitionSettings ec2;
  ec2.cli_path = "/opt/ferry-job/bin/aws";
  ec2.volumes = {"/scratch", "/data:/mnt/data:ro"};
  ec2.job_role = "arn:aws:iam::1:role/job";
  ec2.logs_group = "/ferry/jobs";
  JobDefinitionSettings fargate;
  fargate.fargate = true;
  fargate.execution_role = "arn:aws:iam::1:role/exec";
  fargate.job_role = "arn:aws:iam::1:role/job";
  fargate.logs_group = "/ferry/jobs";
  json req;
  ASSERT_TRUE(JobDefinitionRequest("debian:12", ec2, &req).ok());
  calls.push_back({"batch", "RegisterJobDefinition", req});
  ASSERT_TRUE(JobDefinitionRequest("debian:12", fargate, &req, has_storage ? 50 : 0).ok());
  EXPECT_EQ(req["platformCapabilities"], json::array({"FARGATE"}));
  calls.push_back({"batch", "RegisterJobDefinition", req});

  TaskRun run;
  run.process = "align";
  run.queue = "q";
  run.cpus = 3;
  run.memory_bytes = int64_t{5} << 30;
  run.accelerators = 1;
  run.time_limit_ms = 3600000;
  run.resource_labels = {{"team", "genomics"}};
  SubmitSettings s;
  s.max_spot_attempts = 3;
  s.run_name = "happy_turing";
  s.pipeline = "rnaseq";
  calls.push_back({"batch", "SubmitJob", SubmitJobRequest(run, "d:1", {"sh", "-c", "x"}, s, 10)});
  run.accelerators = 0;
  s.fargate = true;
  s.share_identifier = "genomics";
  s.scheduling_priority = 5;
  req = SubmitJobRequest(run, "d:1", {"sh"}, s);
  EXPECT_TRUE(req.contains("shareIdentifier") && req.contains("schedulingPriorityOverride") && req.contains("tags"));
  calls.push_back({"batch", "SubmitJob", req});

  std::vector<std::string> errors;
  for (const auto& c : calls) v.Check(c, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e;
  if (!has_storage)
    std::printf("note: checked without ephemeralStorage: the Batch model in %s predates it\n", sources[0].c_str());
}

TEST(RequestModels, AWrongRequestIsCaught) {
  if (!fs::exists(kModels)) GTEST_SKIP() << "botocore's models are not installed";
  Validator v;
  std::vector<std::string> errors;
  v.Check({"batch", "CreateJobQueue", {{"jobQueueName", "q"}, {"priority", "1"}}}, &errors);
  v.Check({"iam", "CreateRoles", {}}, &errors);
  v.Check({"ec2", "DescribeVpcs", {{"Filters", {{{"Name", "x"}, {"Values", {"y"}}}}}, {"Bogus", 1}}}, &errors);
  EXPECT_EQ(errors.size(), 4u);  // priority's type, computeEnvironmentOrder missing, no CreateRoles, no Bogus
}

// Each x-amz-* header an object request carries under every S3 object
// setting is a header member of the operation's input shape, with a value
// of the member's enum, for every storage class and canned ACL ferry takes.
TEST(RequestModels, S3ObjectRequestHeadersMatchBotocoresModels) {
  if (!fs::exists(kModels)) GTEST_SKIP() << "botocore's models are not installed";
  json model = LoadModel("s3");
  std::vector<aws::S3ObjectSettings> variants;
  for (const std::string& cls : aws::StorageClasses()) {
    aws::S3ObjectSettings s;
    s.encryption = variants.size() % 2 ? "AES256" : "aws:kms";
    if (s.encryption == "aws:kms") s.kms_key_id = "alias/k";
    s.storage_class = cls;
    s.acl = "bucket-owner-full-control";
    s.requester_pays = true;
    variants.push_back(s);
  }
  for (const char* acl : {"private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
                          "bucket-owner-read", "bucket-owner-full-control"}) {
    aws::S3ObjectSettings s;
    ASSERT_TRUE(aws::ParseCannedAcl(acl, "acl", &s.acl).ok()) << acl;
    variants.push_back(s);
  }
  int checked = 0;
  for (const aws::S3ObjectSettings& settings : variants) {
    auto env = std::make_shared<aws::MapEnv>();
    env->Set("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1");
    aws::AwsClient::Options o;
    o.region = "eu-west-1";
    o.env = env;
    o.settings.s3 = settings;
    std::unique_ptr<aws::S3Client> s3;
    ASSERT_TRUE(aws::S3Client::Create(std::make_shared<aws::AwsClient>(std::move(o)), &s3).ok());
    for (const char* op : {"PutObject", "CreateMultipartUpload", "CopyObject", "UploadPart", "GetObject", "HeadObject",
                           "CompleteMultipartUpload", "ListObjectsV2", "DeleteObject"}) {
      const json& shape = model["shapes"][model["operations"][op]["input"]["shape"].get<std::string>()];
      for (const auto& [name, value] : s3->Request(op, "PUT", "b", "k").headers) {
        bool found = false;
        for (const auto& [member, ref] : shape["members"].items()) {
          if (ref.value("location", "") != "header" || ToLower(ref.value("locationName", "")) != name) continue;
          found = true;
          const json& type = model["shapes"][ref["shape"].get<std::string>()];
          if (type.contains("enum")) {
            std::set<std::string> allowed(type["enum"].begin(), type["enum"].end());
            EXPECT_TRUE(allowed.count(value)) << op << " " << name << ": '" << value << "' not in " << member;
          }
          checked++;
        }
        EXPECT_TRUE(found) << op << " has no header member " << name;
      }
    }
  }
  EXPECT_GE(checked, 100);
}

// A request as ferry puts it on the wire, against the model of its service.
// Only the protocols the credential chain speaks: query (STS: a form POST of
// Action, Version and the members) and rest-json without a body (the SSO
// portal: members in the URI, the query string and headers).
class WireValidator {
 public:
  explicit WireValidator(std::string data) : data_(std::move(data)) {}

  void Check(const aws::ServiceRequest& r, const std::string& region, std::vector<std::string>* errors) {
    json& model = Model(r.service);
    std::string where = r.service + " " + r.operation + " (" + data_ + ")";
    auto bad = [&](const std::string& why) { errors->push_back(where + ": " + why); };
    if (!model.is_object() || !model.contains("operations")) return bad("no model of the service");
    if (!model["operations"].contains(r.operation)) return bad("no such operation");
    const json& meta = model["metadata"];
    const json& op = model["operations"][r.operation];
    if (r.method != op["http"]["method"])
      bad("sent as " + r.method + ", the model says " + op["http"]["method"].dump());
    CheckSigning(meta, op, r, bad);
    if (!r.endpoint.host.empty() && !r.endpoint.custom) {
      std::string want = meta["endpointPrefix"].get<std::string>() + "." + region + ".amazonaws.com";
      if (r.endpoint.host != want) bad("sent to " + r.endpoint.host + ", the service's endpoint is " + want);
    }
    const json& shape = model["shapes"][op["input"]["shape"].get<std::string>()];
    std::string body = Body(r);
    // Where each member was found on the wire: its name -> its value.
    std::map<std::string, std::string> sent;
    if (meta["protocol"] == "query") {
      CheckQuery(meta, op, shape, r, body, &sent, bad);
    } else if (meta["protocol"] == "rest-json") {
      CheckRest(op, shape, r, body, &sent, bad);
    } else {
      return bad("protocol " + meta["protocol"].dump() + " is not one this check reads");
    }
    for (const auto& req : shape.value("required", json::array()))
      if (!sent.count(req.get<std::string>())) bad("required member " + req.get<std::string>() + " missing");
    for (const auto& [member, value] : sent)
      Scalar(model, shape["members"][member]["shape"].get<std::string>(), value, member, bad);
  }

 private:
  json& Model(const std::string& service) {
    if (!models_.count(service)) models_[service] = LoadModel(service, data_);
    return models_[service];
  }

  static std::string Body(const aws::ServiceRequest& r) {
    std::string text;
    if (!r.body) return text;
    text.resize(static_cast<size_t>(r.body->size()));
    if (r.body->ReadAt(0, text.data(), text.size()) != r.body->size()) return "<unreadable body>";
    return text;
  }

  // A call the model marks as taking no signature must go unsigned, and an
  // unsigned one must be marked so, where the model says how each call is
  // authorised (newer models list "auth"; older ones only mark some calls).
  template <typename Bad>
  static void CheckSigning(const json& meta, const json& op, const aws::ServiceRequest& r, Bad bad) {
    bool no_auth = op.value("authtype", "") == "none";
    for (const auto& a : op.value("auth", json::array())) no_auth |= a == "smithy.api#noAuth";
    if (no_auth && !r.anonymous) bad("signed, but the model says the call takes no signature");
    if (r.anonymous && !no_auth && (meta.contains("auth") || op.contains("authtype")))
      bad("sent unsigned, but the model wants it signed");
    if (!r.anonymous) {
      std::string signing = meta.value("signingName", meta.value("endpointPrefix", ""));
      if (r.service != signing) bad("signed for service " + r.service + ", the model signs for " + signing);
    }
  }

  template <typename Bad>
  static void CheckQuery(const json& meta, const json& op, const json& shape, const aws::ServiceRequest& r,
                         const std::string& body, std::map<std::string, std::string>* sent, Bad bad) {
    if (r.path != op["http"]["requestUri"])
      bad("sent to path " + r.path + ", the model says " + op["http"]["requestUri"].dump());
    if (!r.query.empty()) bad("carries a query string; the query protocol sends its members in the body");
    bool form = false;
    for (const auto& [name, value] : r.headers)
      form |= ToLower(name) == "content-type" && StartsWith(value, "application/x-www-form-urlencoded");
    if (!form) bad("the body is not sent as application/x-www-form-urlencoded");
    std::set<std::string> seen;
    for (const auto& [key, value] : aws::ParseQueryString(body)) {
      if (!seen.insert(key).second) bad("field " + key + " sent twice");
      if (key == "Action") {
        if (value != r.operation) bad("Action=" + value + " in a request for " + r.operation);
      } else if (key == "Version") {
        if (value != meta["apiVersion"])
          bad("Version=" + value + ", the model's API version is " + meta["apiVersion"].dump());
      } else if (!shape["members"].contains(key)) {
        bad("no member " + key);
      } else if (shape["members"][key].contains("location")) {
        bad("member " + key + " does not travel in the form");
      } else {
        (*sent)[key] = value;
      }
    }
    if (!seen.count("Action") || !seen.count("Version")) bad("the form lacks Action or Version");
  }

  template <typename Bad>
  static void CheckRest(const json& op, const json& shape, const aws::ServiceRequest& r, const std::string& body,
                        std::map<std::string, std::string>* sent, Bad bad) {
    if (!body.empty()) bad("carries a body; this check reads calls without one");
    // The members by where they travel: location -> wire name -> member.
    std::map<std::string, std::map<std::string, std::string>> at;
    for (const auto& [member, ref] : shape["members"].items()) {
      std::string name = ref.value("locationName", member);
      at[ref.value("location", "body")][ref.value("location", "") == "header" ? ToLower(name) : name] = member;
    }
    // The path: the request URI with each {label} filled in.
    std::string uri = op["http"]["requestUri"];
    std::string path = r.path.substr(std::min(r.path.size(), r.endpoint.base_path.size()));
    if (!StartsWith(r.path, r.endpoint.base_path))
      bad("the path " + r.path + " is outside the endpoint's " + r.endpoint.base_path);
    std::vector<std::string> want = Split(uri.substr(0, uri.find('?')), '/'), got = Split(path, '/');
    if (want.size() != got.size()) {
      bad("sent to path " + path + ", the model says " + uri);
    } else {
      for (size_t i = 0; i < want.size(); ++i) {
        std::string label = want[i].size() > 2 && want[i].front() == '{' ? want[i].substr(1, want[i].size() - 2) : "";
        if (label.empty()) {
          if (want[i] != got[i]) bad("sent to path " + path + ", the model says " + uri);
        } else if (label.back() == '+') {
          bad("greedy label " + label + " is not one this check reads");
        } else if (!at["uri"].count(label)) {
          bad("the model's URI label " + label + " is no member");
        } else {
          (*sent)[at["uri"][label]] = aws::UriDecode(got[i]);
        }
      }
    }
    for (const auto& [key, value] : r.query) {
      if (!at["querystring"].count(key)) bad("query parameter " + key + " is no querystring member");
      else if (!sent->emplace(at["querystring"][key], value).second) bad("query parameter " + key + " sent twice");
    }
    for (const auto& [name, value] : r.headers) {
      std::string h = ToLower(name);
      if (at["header"].count(h)) {
        if (!sent->emplace(at["header"][h], value).second) bad("header " + name + " sent twice");
      } else if (StartsWith(h, "x-amz-")) {
        bad("header " + name + " is no header member");
      }
    }
  }

  // One member's wire text against its shape: type, enum, limits, pattern.
  template <typename Bad>
  static void Scalar(const json& model, const std::string& shape_name, const std::string& v, const std::string& member,
                     Bad bad) {
    const json& shape = model["shapes"][shape_name];
    std::string type = shape["type"];
    std::string what = member + " = '" + (shape.value("sensitive", false) ? std::string("<secret>") : v) + "'";
    if (type == "integer" || type == "long") {
      if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
        return bad(what + " is not an integer (" + shape_name + ")");
      int64_t n = std::stoll(v);
      if (shape.contains("min") && n < shape["min"].get<int64_t>()) bad(what + " is below " + shape["min"].dump());
      if (shape.contains("max") && n > shape["max"].get<int64_t>()) bad(what + " is above " + shape["max"].dump());
    } else if (type == "boolean") {
      if (v != "true" && v != "false") bad(what + " is not a boolean (" + shape_name + ")");
    } else if (type == "string") {
      int64_t n = static_cast<int64_t>(v.size());
      if (shape.contains("min") && n < shape["min"].get<int64_t>())
        bad(what + " is shorter than " + shape["min"].dump() + " (" + shape_name + ")");
      if (shape.contains("max") && n > shape["max"].get<int64_t>())
        bad(what + " is longer than " + shape["max"].dump() + " (" + shape_name + ")");
      if (shape.contains("enum")) {
        std::set<std::string> allowed(shape["enum"].begin(), shape["enum"].end());
        if (!allowed.count(v)) bad(what + " is not an allowed value (" + shape_name + ")");
      }
      // Patterns of plain ASCII classes only: std::regex has no \uXXXX ranges
      // beyond the BMP, which the others use.
      std::string pattern = shape.value("pattern", "");
      if (!pattern.empty() && pattern.find("\\u") == std::string::npos &&
          !std::regex_match(v, std::regex(pattern, std::regex::ECMAScript)))
        bad(what + " does not match " + pattern + " (" + shape_name + ")");
    } else {
      bad(member + " is a " + type + ", which travels as more than one field (" + shape_name + ")");
    }
  }

  std::string data_;
  std::map<std::string, json> models_;
};

// The STS and SSO requests of every credential form, planned from profiles
// as a user writes them (profile_chain.h) and built by sts_roles.cc,
// sso_credentials.cc and sts.cc.
std::vector<aws::ServiceRequest> EveryCredentialRequest() {
  aws::ProfileFiles f;
  f.config_path = "/h/.aws/config";
  EXPECT_TRUE(aws::ParseIni("[profile vendor]\nrole_arn = arn:aws:iam::123456789012:role/vendor\n"
                            "source_profile = base\nexternal_id = tenant-7\nrole_session_name = alice@example.com\n"
                            "duration_seconds = 3600\n"
                            "[profile plain]\nrole_arn = arn:aws:iam::123456789012:role/plain\n"
                            "credential_source = EcsContainer\n"
                            "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci-deploy\n"
                            "web_identity_token_file = /var/run/token\nduration_seconds = 900\n"
                            "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n"
                            "sso_role_name = PowerUser\n"
                            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n"
                            "sso_region = eu-west-1\n",
                            f.config_path, &f.config)
                  .ok());
  f.credentials_path = "/h/.aws/credentials";
  EXPECT_TRUE(aws::ParseIni("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n", f.credentials_path,
                            &f.credentials)
                  .ok());
  auto plan = [&](const std::string& profile) {
    aws::ProfilePlan p;
    Status s = aws::PlanProfile(f, profile, aws::DefaultRoleSessionName(), &p);
    EXPECT_TRUE(s.ok()) << profile << ": " << s.message();
    return p;
  };
  std::vector<aws::ServiceRequest> out;
  for (const char* profile : {"vendor", "plain"})
    for (const auto& role : plan(profile).roles) out.push_back(aws::AssumeRoleRequest(role.request));
  std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZXBvOmZlcnJ5In0.c2lnbmF0dXJl";
  out.push_back(aws::AssumeRoleWithWebIdentityRequest(plan("ci").web_identity_role, jwt));
  // AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN: no duration, the default session name.
  aws::RoleRequest env_role;
  env_role.role_arn = "arn:aws:iam::123456789012:role/ci-deploy";
  env_role.session_name = aws::DefaultRoleSessionName();
  out.push_back(aws::AssumeRoleWithWebIdentityRequest(env_role, jwt));
  out.push_back(aws::GetCallerIdentityRequest());
  aws::SsoProfile sso = plan("dev").sso;
  out.push_back(aws::SsoRoleCredentialsRequest(sso, "aoaAAAAA-token", aws::Endpoint{}));
  aws::Endpoint custom;
  EXPECT_TRUE(aws::ParseEndpointUrl("http://127.0.0.1:9000/portal", "--endpoint-url", &custom).ok());
  out.push_back(aws::SsoRoleCredentialsRequest(sso, "aoaAAAAA-token", custom));
  return out;
}

TEST(RequestModels, EveryStsAndSsoRequestOfTheCredentialChainMatchesBotocoresModels) {
  std::vector<std::string> sources = ModelSources();
  if (sources.empty()) GTEST_SKIP() << "no botocore models are installed (apt-get install python3-botocore)";
  std::vector<aws::ServiceRequest> requests = EveryCredentialRequest();
  std::set<std::string> operations;
  for (const auto& r : requests) operations.insert(r.service + ":" + r.operation);
  EXPECT_EQ(operations, (std::set<std::string>{"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity",
                                               "sts:GetCallerIdentity", "sso:GetRoleCredentials"}));
  // The SSO profile's region is where its portal is.
  EXPECT_EQ(requests[requests.size() - 2].endpoint.host, "portal.sso.eu-west-1.amazonaws.com");
  for (const std::string& data : sources) {
    WireValidator v(data);
    std::vector<std::string> errors;
    for (const auto& r : requests) v.Check(r, "eu-west-1", &errors);
    for (const auto& e : errors) ADD_FAILURE() << e;
  }
}

TEST(RequestModels, AWrongStsOrSsoRequestIsCaught) {
  std::vector<std::string> sources = ModelSources();
  if (sources.empty()) GTEST_SKIP() << "no botocore models are installed";
  WireValidator v(sources.back());
  std::vector<std::string> errors;
  aws::RoleRequest role;
  role.role_arn = "arn:aws:iam::123456789012:role/r";
  role.session_name = "has a space";
  role.duration_seconds = 60;
  aws::ServiceRequest sts = aws::AssumeRoleRequest(role);
  v.Check(sts, "eu-west-1", &errors);  // the session name's pattern, DurationSeconds under 900
  EXPECT_EQ(errors.size(), 2u);
  sts.body = std::make_shared<aws::StringBody>("Action=AssumeRole&Version=2011-06-15&RoleArn=x&Bogus=1");
  errors.clear();
  v.Check(sts, "eu-west-1", &errors);  // RoleArn too short, no Bogus, RoleSessionName missing
  EXPECT_EQ(errors.size(), 3u);

  aws::SsoProfile p;
  p.region = "eu-west-1";
  p.account_id = "123456789012";
  p.role_name = "PowerUser";
  aws::ServiceRequest sso = aws::SsoRoleCredentialsRequest(p, "t", aws::Endpoint{});
  sso.query = {{"roleName", "PowerUser"}, {"account_id", "1"}};
  sso.headers = {{"x-amz-sso-bearer-token", "t"}};
  sso.anonymous = false;
  sso.path = "/federation/credential";
  errors.clear();
  v.Check(sso, "eu-west-1", &errors);
  // Signed, signed for "sso" rather than awsssoportal, the path, roleName is
  // no query parameter, the header's name, role_name and the token missing.
  EXPECT_EQ(errors.size(), 7u);
  for (const auto& e : errors) std::printf("caught: %s\n", e.c_str());
}

}  // namespace
}  // namespace ferry::awssetup
