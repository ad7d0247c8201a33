// The libcurl implementation of aws/http.h, used by ferry (the static
// ferry-job binary has its own over OpenSSL: src/job/http_openssl.cc).
#include "aws/http.h"

#include <curl/curl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "util/text.h"

namespace ferry::aws {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One request in flight: the easy handle and everything its callbacks touch.
struct Transfer {
  HttpRequest req;
  HttpTransport::Done done;
  HttpResponse resp;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  int64_t read_offset = 0;
  bool status_checked = false;
  bool to_sink = false;
  char error_buf[CURL_ERROR_SIZE] = {0};

  ~Transfer() {
    if (header_list) curl_slist_free_all(header_list);
  }
};

size_t ReadCb(char* buf, size_t size, size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  int64_t n = t->req.body->ReadAt(t->read_offset, buf, size * nitems);
  if (n < 0) return CURL_READFUNC_ABORT;
  t->read_offset += n;
  return static_cast<size_t>(n);
}

int SeekCb(void* user, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(user);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  t->read_offset = offset;
  return CURL_SEEKFUNC_OK;
}

size_t WriteCb(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  if (!t->status_checked) {
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    t->to_sink = t->req.sink && code >= 200 && code < 300;
    t->status_checked = true;
  }
  if (t->to_sink) {
    if (!t->req.sink->Write(data, n)) {
      t->resp.sink_failed = true;
      return 0;
    }
    return n;
  }
  // Error bodies are small; cap them anyway.
  if (t->resp.body.size() < (t->req.sink ? 1u << 20 : SIZE_MAX)) t->resp.body.append(data, n);
  return n;
}

size_t HeaderCb(char* data, size_t size, size_t nitems, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nitems;
  std::string_view line(data, n);
  if (StartsWith(line, "HTTP/")) {
    t->resp.headers.clear();  // a new response (after 100-continue or a redirect)
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  t->resp.headers.emplace_back(std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
  return n;
}

std::string ProxyFor(const std::string& url) {
  auto get = [](const char* a, const char* b) -> std::string {
    const char* v = std::getenv(a);
    if (!v || !*v) v = std::getenv(b);
    return v ? v : "";
  };
  if (StartsWith(url, "https://")) return get("https_proxy", "HTTPS_PROXY");
  return get("http_proxy", "HTTP_PROXY");
}

void Configure(Transfer* t) {
  CURL* e = t->easy;
  const HttpRequest& r = t->req;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);  // S3 keys may contain "/../" and "//"
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buf);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r.connect_timeout_ms);
  if (r.timeout_ms > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r.timeout_ms);
  if (r.low_speed_seconds > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, r.low_speed_seconds);
  }
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, WriteCb);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, HeaderCb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  // Proxies: the aws CLI's variables (both cases), with NO_PROXY honoured.
  if (r.use_proxy) {
    std::string proxy = ProxyFor(r.url);
    curl_easy_setopt(e, CURLOPT_PROXY, proxy.c_str());
    const char* np = std::getenv("no_proxy");
    if (!np || !*np) np = std::getenv("NO_PROXY");
    if (np && *np) curl_easy_setopt(e, CURLOPT_NOPROXY, np);
  } else {
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  }

  const std::string& m = r.method;
  int64_t body_size = r.body ? r.body->size() : 0;
  if (m == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (m == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (m == "PUT") {
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
  } else if (m == "POST") {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_size));
  } else {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
    if (r.body) {
      curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_size));
    }
  }
  if (m == "PUT" || m == "POST" || r.body) {
    static StringBody kEmpty("");
    if (!t->req.body) t->req.body = std::shared_ptr<BodySource>(&kEmpty, [](BodySource*) {});
    curl_easy_setopt(e, CURLOPT_READFUNCTION, ReadCb);
    curl_easy_setopt(e, CURLOPT_READDATA, t);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, SeekCb);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, t);
  }
  for (const auto& [k, v] : r.headers) {
    std::string line = v.empty() ? k + ";" : k + ": " + v;
    t->header_list = curl_slist_append(t->header_list, line.c_str());
  }
  // curl would label every POST as a form; S3 stores whatever Content-Type
  // arrives (CreateMultipartUpload), so send none unless the caller set one.
  bool has_type = false;
  for (const auto& kv : r.headers)
    if (ToLower(kv.first) == "content-type") has_type = true;
  if (!has_type) t->header_list = curl_slist_append(t->header_list, "Content-Type:");
  // No "Expect: 100-continue" round trip, no "Accept: */*" noise.
  t->header_list = curl_slist_append(t->header_list, "Expect:");
  t->header_list = curl_slist_append(t->header_list, "Accept:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "ferry/0.1");
}

void Finish(Transfer* t, CURLcode code) {
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  t->resp.status = static_cast<int>(status);
  t->resp.curl_code = code;
  if (code != CURLE_OK) t->resp.curl_error = t->error_buf[0] ? t->error_buf : curl_easy_strerror(code);
}

}  // namespace

struct HttpTransport::Impl {
  TransportOptions options;
  CURLM* multi = nullptr;
  std::thread thread;
  std::mutex mu;
  bool stop = false;
  struct Pending {
    std::chrono::steady_clock::time_point at;
    std::unique_ptr<Transfer> transfer;
  };
  std::deque<Pending> pending;                        // guarded by mu
  std::map<CURL*, std::unique_ptr<Transfer>> active;  // transport thread only
  std::vector<CURL*> idle_handles;                    // transport thread only

  void Loop() {
    while (true) {
      std::vector<std::unique_ptr<Transfer>> ready;
      auto now = std::chrono::steady_clock::now();
      long wait_ms = 1000;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stop && pending.empty() && active.empty()) break;
        for (auto it = pending.begin(); it != pending.end();) {
          if (it->at <= now) {
            ready.push_back(std::move(it->transfer));
            it = pending.erase(it);
          } else {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(it->at - now).count();
            wait_ms = std::min<long>(wait_ms, std::max<long>(1, ms));
            ++it;
          }
        }
      }
      for (auto& t : ready) Start(std::move(t));
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* e = msg->easy_handle;
        CURLcode code = msg->data.result;
        auto it = active.find(e);
        std::unique_ptr<Transfer> t = std::move(it->second);
        active.erase(it);
        Finish(t.get(), code);
        curl_multi_remove_handle(multi, e);
        idle_handles.push_back(e);
        t->easy = nullptr;
        HttpTransport::Done done = std::move(t->done);
        HttpResponse resp = std::move(t->resp);
        t.reset();
        done(std::move(resp));
      }
      if (!active.empty() || wait_ms > 0)
        curl_multi_poll(multi, nullptr, 0, active.empty() ? wait_ms : std::min<long>(wait_ms, 100), nullptr);
    }
  }

  void Start(std::unique_ptr<Transfer> t) {
    CURL* e;
    if (!idle_handles.empty()) {
      e = idle_handles.back();
      idle_handles.pop_back();
      curl_easy_reset(e);
    } else {
      e = curl_easy_init();
    }
    t->easy = e;
    if (t->req.sink) t->req.sink->Reset();
    Configure(t.get());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    active[e] = std::move(t);
    curl_multi_add_handle(multi, e);
  }
};

HttpTransport::HttpTransport(TransportOptions options) : impl_(std::make_unique<Impl>()) {
  GlobalInit();
  impl_->options = options;
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(options.max_connections));
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(options.max_connections));
  impl_->thread = std::thread([this] { impl_->Loop(); });
}

HttpTransport::~HttpTransport() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stop = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
  for (CURL* e : impl_->idle_handles) curl_easy_cleanup(e);
  curl_multi_cleanup(impl_->multi);
}

void HttpTransport::Submit(HttpRequest req, Done done, std::chrono::milliseconds delay) {
  auto t = std::make_unique<Transfer>();
  t->req = std::move(req);
  t->done = std::move(done);
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->pending.push_back({std::chrono::steady_clock::now() + delay, std::move(t)});
  }
  curl_multi_wakeup(impl_->multi);
}

HttpResponse PerformOnce(const HttpRequest& req) {
  GlobalInit();
  Transfer t;
  t.req = req;
  t.easy = curl_easy_init();
  if (t.req.sink) t.req.sink->Reset();
  Configure(&t);
  CURLcode code = curl_easy_perform(t.easy);
  Finish(&t, code);
  curl_easy_cleanup(t.easy);
  return std::move(t.resp);
}

}  // namespace ferry::aws
