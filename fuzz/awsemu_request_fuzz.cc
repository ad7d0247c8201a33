// Fuzzes what ferry-awsemu does with an incoming request before and while a
// service answers it: the query string, service routing (ServiceOf), SigV4
// and SigV2 authentication, S3's bucket/key/operation from path, Host and
// query (S3RequestFromWire, OperationName), and the S3, Logs and STS handlers
// with their XML, JSON and form bodies (aws-chunked bodies included). Tests
// and users point any client at the emulator; a malformed request must get
// an AWS-style error, not take the emulator down.
//
// Input: a FuzzRequest (fuzz_support.h). The request reaches the services as
// if authenticated, so the handlers see it whether or not its signature
// holds. Batch's handler is left out: it starts job processes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/crypto.h"
#include "aws/sigv4.h"
#include "awsemu/auth.h"
#include "awsemu/logs_service.h"
#include "awsemu/s3_service.h"
#include "awsemu/service.h"
#include "awsemu/sts.h"
#include "awsemu/trust_policy.h"
#include "fuzz/fuzz_support.h"
#include "util/text.h"

namespace aws = ferry::aws;
using std::chrono::system_clock;

namespace {

// The emulator's state, made once: S3 keeps objects under a temporary data
// directory, emptied before every input so each run starts the same.
struct Emulator {
  Emulator() : creds("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") {
    char dir[] = "/tmp/ferry-fuzz-awsemu.XXXXXX";
    if (!mkdtemp(dir)) std::abort();
    data_dir = dir;
    s3 = std::make_unique<awsemu::S3Service>(data_dir, "us-east-1");
    if (!s3->Open().ok()) std::abort();
    awsemu::EmuContext ctx;
    ctx.region = "us-east-1";
    ctx.data_dir = data_dir;
    logs = std::make_unique<awsemu::LogsService>(ctx);
  }
  std::string data_dir;
  awsemu::CredentialStore creds;
  std::unique_ptr<awsemu::S3Service> s3;
  std::unique_ptr<awsemu::LogsService> logs;
};

// A bucket with one object, so object operations find something.
void Seed(awsemu::S3Service* s3) {
  awsemu::S3Response out;
  aws::HeaderList host = {{"Host", "127.0.0.1"}};
  bool vhost = false;
  s3->Handle(
      awsemu::S3RequestFromWire("PUT", "/fuzz", {}, host, &vhost), [](const awsemu::BodySink&) { return true; }, &out);
  std::string body = "hello";
  s3->Handle(
      awsemu::S3RequestFromWire("PUT", "/fuzz/k", {}, host, &vhost),
      [&body](const awsemu::BodySink& sink) { return sink(body.data(), body.size()); }, &out);
}

}  // namespace

namespace {
// One role that anybody may assume, so AssumeRole and
// AssumeRoleWithWebIdentity get past the lookup into duration, session and
// token handling.
class FuzzRoles : public awsemu::RoleDirectory {
 public:
  std::optional<awsemu::EmuRole> FindByArn(const std::string& arn) const override {
    if (arn != "arn:aws:iam::123456789012:role/fuzz") return std::nullopt;
    awsemu::EmuRole role;
    role.name = "fuzz";
    role.arn = arn;
    role.trust_policy =
        nlohmann::json::parse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
                              R"("Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}]})");
    return role;
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Emulator* emu = new Emulator;
  const system_clock::time_point now = system_clock::from_time_t(1440938160);  // 2015-08-30T12:36:00Z

  ferry::fuzz::FuzzRequest in =
      ferry::fuzz::ParseFuzzRequest(std::string_view(reinterpret_cast<const char*>(data), size));
  aws::SigV4Request sreq;
  sreq.method = in.method;
  sreq.path = in.path;
  sreq.query = aws::ParseQueryString(in.query);
  sreq.headers = in.headers;

  const bool form = ferry::StartsWith(sreq.Header("Content-Type"), "application/x-www-form-urlencoded");
  const std::string service = awsemu::ServiceOf(sreq, form ? in.body : "");
  const std::string payload_hash = service == "s3" ? sreq.Header("x-amz-content-sha256") : aws::Sha256Hex(in.body);
  (void)awsemu::Authenticate(emu->creds, sreq, service, payload_hash, now);

  if (service == "s3") {
    bool virtual_host = false;
    awsemu::S3Request r = awsemu::S3RequestFromWire(in.method, in.path, sreq.query, in.headers, &virtual_host);
    if (awsemu::IsSigV2Presigned(r.query)) {
      std::string resource = virtual_host ? "/" + r.bucket + in.path : in.path;
      (void)awsemu::AuthenticateSigV2Query(emu->creds, in.method, resource, r.query, r.headers, now);
    }
    emu->s3->Reset();
    Seed(emu->s3.get());
    r.request_id = "FUZZ";
    const std::string& body = in.body;
    awsemu::S3Response out;
    emu->s3->Handle(
        r, [&body](const awsemu::BodySink& sink) { return body.empty() || sink(body.data(), body.size()); }, &out);
    return 0;
  }

  awsemu::EmuRequest ereq;
  ereq.method = in.method;
  ereq.path = aws::UriDecode(in.path);
  ereq.query = sreq.query;
  for (const auto& [k, v] : in.headers) ereq.headers.emplace(ferry::ToLower(k), v);
  ereq.body = in.body;
  ereq.access_key = "AKIDEXAMPLE";
  ereq.region = "us-east-1";
  awsemu::EmuResponse out;
  if (service == "logs") {
    emu->logs->Reset();
    (void)emu->logs->OperationName(ereq);
    emu->logs->Handle(ereq, &out);
  } else if (service == "sts") {
    awsemu::CredentialStore creds("AKIDEXAMPLE", "secret");
    static const FuzzRoles roles;
    awsemu::StsOptions options;
    options.roles = &roles;
    options.token_key = "secret";
    awsemu::StsService sts(&creds, options);
    (void)sts.OperationName(ereq);
    sts.Handle(ereq, &out);
  }
  return 0;
}
