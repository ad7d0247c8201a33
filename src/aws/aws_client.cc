#include "aws/aws_client.h"

#include <future>
#include <random>

#include "aws/crypto.h"

namespace ferry::aws {

namespace {
double Random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}
}  // namespace

struct AwsClient::Call_ {
  ServiceRequest req;
  std::function<void(ServiceResponse)> done;
  int attempt = 0;
  int retry_cost = 0;
  std::string region;  // signing region; differs from the client's after a bucket redirect
  bool redirected = false;
};

namespace {
// s3.us-east-1.amazonaws.com -> s3.eu-west-1.amazonaws.com (also for
// bucket.s3.us-east-1.amazonaws.com); custom endpoints are left alone.
std::string RegionalHost(const std::string& host, const std::string& from, const std::string& to) {
  std::string needle = ".s3." + from + ".";
  size_t pos = host.find(needle);
  if (pos == std::string::npos) {
    if (host.rfind("s3." + from + ".", 0) == 0) return "s3." + to + "." + host.substr(needle.size() - 1);
    return host;
  }
  return host.substr(0, pos) + ".s3." + to + "." + host.substr(pos + needle.size());
}
}  // namespace

std::string AwsClient::BucketRegion(const std::string& bucket) const {
  std::lock_guard<std::mutex> l(regions_mu_);
  auto it = bucket_regions_.find(bucket);
  return it == bucket_regions_.end() ? "" : it->second;
}

AwsClient::AwsClient(Options options) : options_(std::move(options)) {
  if (!options_.env) options_.env = std::make_shared<ProcessEnv>();
  if (!options_.transport) options_.transport = std::make_shared<HttpTransport>();
  int attempts = options_.settings.max_attempts;
  if (attempts <= 0) {
    if (auto v = options_.env->Get("AWS_MAX_ATTEMPTS")) {
      try {
        attempts = std::stoi(*v);
      } catch (const std::exception&) {
        attempts = 0;
      }
    }
  }
  if (attempts > 0) options_.retry.max_attempts = attempts;
}

Status AwsClient::ResolveEndpointFor(const std::string& service, Endpoint* out) const {
  return ResolveEndpoint(service, options_.region, options_.settings, *options_.env, out);
}

ServiceResponse AwsClient::Call(ServiceRequest req) {
  std::promise<ServiceResponse> p;
  auto f = p.get_future();
  Send(std::move(req), [&p](ServiceResponse r) { p.set_value(std::move(r)); });
  return f.get();
}

void AwsClient::Send(ServiceRequest req, std::function<void(ServiceResponse)> done) {
  auto call = std::make_shared<Call_>();
  call->req = std::move(req);
  call->done = std::move(done);
  if (!call->req.refused.ok()) {
    ServiceResponse r;
    r.status = call->req.refused;
    r.attempts = 0;
    call->done(std::move(r));
    return;
  }
  if (call->req.endpoint.host.empty()) {
    Status s = ResolveEndpointFor(call->req.service, &call->req.endpoint);
    if (!s.ok()) {
      ServiceResponse r;
      r.status = s;
      call->done(std::move(r));
      return;
    }
    call->req.path = call->req.endpoint.base_path + call->req.path;
  }
  call->region = call->req.signing_region.empty() ? options_.region : call->req.signing_region;
  if (!call->req.bucket.empty()) {
    std::string known = BucketRegion(call->req.bucket);
    if (!known.empty() && known != call->region) {
      if (!call->req.endpoint.custom)
        call->req.endpoint.host = RegionalHost(call->req.endpoint.host, call->region, known);
      call->region = known;
    }
  }
  if (call->req.payload_hash.empty()) {
    auto* mem = dynamic_cast<StringBody*>(call->req.body.get());
    if (!call->req.body) call->req.payload_hash = kEmptyPayloadSha256;
    else if (mem) call->req.payload_hash = Sha256Hex(mem->data());
    else call->req.payload_hash = kUnsignedPayload;
  }
  Attempt(call, std::chrono::milliseconds(0));
}

void AwsClient::Attempt(std::shared_ptr<Call_> call, std::chrono::milliseconds delay) {
  call->attempt++;
  const ServiceRequest& r = call->req;
  // Asked again on every attempt: a refreshing source (credential_chain.h)
  // hands out new credentials before the old ones expire.
  Credentials creds;
  Status cs = r.anonymous ? Status::Ok()
              : options_.credentials
                  ? options_.credentials->Get(&creds)
                  : Status::Failed(r.service + " " + r.operation + ": this client has no credentials to sign with");
  if (!cs.ok()) {
    ServiceResponse resp;
    resp.status = cs;
    resp.attempts = call->attempt;
    call->done(std::move(resp));
    return;
  }
  SigV4Request sreq;
  sreq.method = r.method;
  sreq.path = r.path;
  sreq.query = r.query;
  sreq.headers = r.headers;
  sreq.headers.insert(sreq.headers.begin(), {"Host", r.endpoint.host});
  if (r.body) sreq.headers.emplace_back("Content-Length", std::to_string(r.body->size()));
  if (!r.anonymous) {
    SigV4Options o = SigV4Options::For(r.service, call->region, FormatAmzDate(std::chrono::system_clock::now()));
    o.payload_hash = r.payload_hash;
    SignHeaders(&sreq, creds, o);
  }

  HttpRequest h;
  h.method = r.method;
  h.url = r.endpoint.scheme + "://" + r.endpoint.host + r.path;
  if (!r.query.empty()) h.url += "?" + EncodeQuery(r.query);
  for (auto& kv : sreq.headers) {
    // curl computes these itself from the body it sends.
    if (kv.first == "Content-Length") continue;
    h.headers.push_back(kv);
  }
  h.body = r.body;
  h.sink = r.sink;
  h.timeout_ms = r.timeout_ms;
  options_.transport->Submit(
      std::move(h), [this, call](HttpResponse resp) { OnDone(call, std::move(resp)); }, delay);
}

void AwsClient::OnDone(std::shared_ptr<Call_> call, HttpResponse resp) {
  const ServiceRequest& r = call->req;
  ServiceResponse out;
  out.attempts = call->attempt;
  bool ok = resp.transport_ok() && resp.status >= 200 && resp.status < 300;
  AwsError err;
  if (ok && r.validate) {
    Status v = r.validate(resp);
    if (!v.ok()) {
      ok = false;
      err.service = r.service;
      err.operation = r.operation;
      err.http_status = resp.status;
      err.code = "ChecksumMismatch";
      err.message = v.message();
    }
  } else if (!ok) {
    err = ParseAwsError(r.service, r.operation, resp);
  }
  if (ok) {
    quota_.Release(call->retry_cost);
    out.status = Status::Ok();
    out.http = std::move(resp);
    call->done(std::move(out));
    return;
  }
  err.target = r.target;
  err.attempts = call->attempt;
  // Wrong region for this bucket: S3 says which one is right.
  std::string bucket_region = resp.Header("x-amz-bucket-region");
  if (!r.bucket.empty() && !call->redirected && !bucket_region.empty() && bucket_region != call->region &&
      (resp.status == 301 || resp.status == 307 || resp.status == 400 || resp.status == 403)) {
    {
      std::lock_guard<std::mutex> l(regions_mu_);
      bucket_regions_[r.bucket] = bucket_region;
    }
    if (!call->req.endpoint.custom)
      call->req.endpoint.host = RegionalHost(call->req.endpoint.host, call->region, bucket_region);
    call->region = bucket_region;
    call->redirected = true;
    call->attempt--;  // a redirect is not a retry
    Attempt(call, std::chrono::milliseconds(0));
    return;
  }
  RetryKind kind =
      err.code == "ChecksumMismatch" ? RetryKind::kTransient : ClassifyFailure(resp.status, err.code, resp.curl_code);
  if (resp.sink_failed) kind = RetryKind::kNone;  // a local write error: retrying will not help
  bool can_retry = kind != RetryKind::kNone && call->attempt < options_.retry.max_attempts;
  if (can_retry && !quota_.Acquire(kind, &call->retry_cost)) {
    can_retry = false;
    err.message += (err.message.empty() ? "" : "; ") + std::string("retry quota exhausted");
  }
  if (can_retry) {
    if (r.on_retry) r.on_retry(kind);
    Attempt(call, BackoffDelay(options_.retry, call->attempt + 1, Random01()));
    return;
  }
  out.error = err;
  out.status = err.ToStatus();
  out.http = std::move(resp);
  call->done(std::move(out));
}

}  // namespace ferry::aws
