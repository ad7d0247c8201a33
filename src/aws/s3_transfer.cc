#include "aws/s3_transfer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <filesystem>
#include <future>
#include <random>

#include "aws/crypto.h"
#include "aws/s3_xml.h"
#include "util/interrupt.h"
#include "util/text.h"

namespace ferry::aws {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kMiB = 1LL << 20;
constexpr int kMaxParts = 10000;
constexpr int64_t kMaxCopySize = 5LL << 30;

std::shared_ptr<int> ShareFd(int fd) {
  return std::shared_ptr<int>(new int(fd), [](int* p) {
    if (*p >= 0) ::close(*p);
    delete p;
  });
}

// A body that hashes (MD5) what it hands to curl and counts progress. Reads
// are sequential; a read at offset 0 means a new attempt and starts over.
class HashingBody : public BodySource {
 public:
  HashingBody(std::shared_ptr<BodySource> inner, TransferProgress* progress)
      : inner_(std::move(inner)), progress_(progress), md5_(Hasher::Kind::kMd5) {}
  int64_t size() const override { return inner_->size(); }
  int64_t ReadAt(int64_t offset, char* buf, size_t n) override {
    if (offset == 0 && next_ != 0) {
      md5_.Final();  // discards and resets
      if (progress_) progress_->bytes_done -= next_;
      next_ = 0;
      sequential_ = true;
    }
    if (offset != next_) sequential_ = false;
    int64_t got = inner_->ReadAt(offset, buf, n);
    if (got > 0) {
      md5_.Update(buf, static_cast<size_t>(got));
      next_ = offset + got;
      if (progress_) progress_->bytes_done += got;
    }
    return got;
  }
  // Hex MD5 of everything read, or "" if the reads were not one clean pass.
  std::string Md5Hex() {
    if (!sequential_ || next_ != size()) return "";
    if (digest_.empty()) digest_ = md5_.Final();
    return HexEncode(digest_);
  }
  std::string Md5Raw() {
    Md5Hex();
    return digest_;
  }

 private:
  std::shared_ptr<BodySource> inner_;
  TransferProgress* progress_;
  Hasher md5_;
  int64_t next_ = 0;
  bool sequential_ = true;
  std::string digest_;
};

// Writes a response body into a file at an offset (pwrite), hashing it.
class FileSink : public BodySink {
 public:
  // `hash`: keep an MD5 of the bytes (only when there is an ETag to check it
  // against; hashing costs more CPU than the copy itself).
  FileSink(std::shared_ptr<int> fd, int64_t base, TransferProgress* progress, bool hash)
      : fd_(std::move(fd)), base_(base), progress_(progress), hash_(hash), md5_(Hasher::Kind::kMd5) {}
  void Reset() override {
    if (progress_) progress_->bytes_done -= pos_;
    pos_ = 0;
    md5_.Final();
    digest_.clear();
  }
  bool Write(const char* d, size_t n) override {
    size_t off = 0;
    while (off < n) {
      ssize_t w = pwrite(*fd_, d + off, n - off, base_ + pos_ + static_cast<int64_t>(off));
      if (w <= 0) {
        error_ = errno;
        return false;
      }
      off += static_cast<size_t>(w);
    }
    if (hash_) md5_.Update(d, n);
    pos_ += static_cast<int64_t>(n);
    if (progress_) progress_->bytes_done += static_cast<int64_t>(n);
    return true;
  }
  int64_t written() const { return pos_; }
  std::string Md5Raw() {
    if (digest_.empty()) digest_ = md5_.Final();
    return digest_;
  }
  int error() const { return error_; }

 private:
  std::shared_ptr<int> fd_;
  int64_t base_;
  TransferProgress* progress_;
  bool hash_;
  Hasher md5_;
  int64_t pos_ = 0;
  std::string digest_;
  int error_ = 0;
};

// Memory sink for stream downloads, counting progress.
class CountingStringSink : public BodySink {
 public:
  explicit CountingStringSink(TransferProgress* p) : progress_(p) {}
  void Reset() override {
    if (progress_) progress_->bytes_done -= static_cast<int64_t>(data_.size());
    data_.clear();
  }
  bool Write(const char* d, size_t n) override {
    data_.append(d, n);
    if (progress_) progress_->bytes_done += static_cast<int64_t>(n);
    return true;
  }
  std::string& data() { return data_; }

 private:
  TransferProgress* progress_;
  std::string data_;
};

bool IsMultipartEtag(const std::string& etag) { return etag.find('-') != std::string::npos; }
int MultipartEtagParts(const std::string& etag) {
  size_t dash = etag.rfind('-');
  if (dash == std::string::npos) return 0;
  return std::atoi(etag.c_str() + dash + 1);
}

// The ETag of a PUT/UploadPart response must be the MD5 of what we sent.
Status CheckPutEtag(const HttpResponse& resp, HashingBody* body) {
  S3ObjectInfo info = ObjectInfoFromHeaders(resp);
  if (!info.etag_is_md5) return Status::Ok();
  std::string ours = body->Md5Hex();
  std::string theirs = ToLower(info.etag);
  if (ours.empty() || !IsPlainMd5Etag(theirs)) return Status::Ok();  // nothing comparable
  if (ours != theirs)
    return Status::Failed("the server stored different bytes than were sent (ETag " + theirs + ", MD5 of data " + ours +
                          ")");
  return Status::Ok();
}

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

const char* GuessContentType(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {{".html", "text/html"},
                                                               {".htm", "text/html"},
                                                               {".txt", "text/plain"},
                                                               {".css", "text/css"},
                                                               {".csv", "text/csv"},
                                                               {".json", "application/json"},
                                                               {".js", "application/javascript"},
                                                               {".xml", "application/xml"},
                                                               {".png", "image/png"},
                                                               {".jpg", "image/jpeg"},
                                                               {".jpeg", "image/jpeg"},
                                                               {".gif", "image/gif"},
                                                               {".svg", "image/svg+xml"},
                                                               {".pdf", "application/pdf"},
                                                               {".gz", "application/gzip"},
                                                               {".zip", "application/zip"},
                                                               {".tar", "application/x-tar"}};
  std::string lower = ToLower(path);
  for (const auto& [ext, type] : kTypes)
    if (EndsWith(lower, ext)) return type;
  return nullptr;
}

// Ctrl-C stops new requests; those in flight finish, multipart uploads are
// aborted and partial downloads removed by the normal failure paths.
bool Interrupted() { return InterruptCount() > 0; }
Status InterruptedStatus() { return Status::Interrupted("interrupted"); }

}  // namespace

// Counting semaphore bounding requests in flight (and so memory and fds).
class TransferManager::Window {
 public:
  explicit Window(int n) : free_(n) {}
  void Acquire() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return free_ > 0; });
    --free_;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> l(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

TransferManager::TransferManager(S3Client& s3, TransferOptions options, TransferProgress* progress)
    : s3_(s3),
      options_(options),
      progress_(progress),
      window_(std::make_unique<Window>(std::max(1, options.max_concurrent_requests))) {}

TransferManager::~TransferManager() { Wait(); }

void TransferManager::Track(Done* done) {
  {
    std::lock_guard<std::mutex> l(mu_);
    ++outstanding_;
  }
  Done inner = std::move(*done);
  *done = [this, inner](Status s) {
    if (progress_) {
      if (s.ok()) progress_->files_done++;
      else progress_->files_failed++;
    }
    inner(s);
    {
      std::lock_guard<std::mutex> l(mu_);
      --outstanding_;
    }
    cv_.notify_all();
  };
}

void TransferManager::Wait() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return outstanding_ == 0; });
}

// ---------------------------------------------------------------- upload

void TransferManager::Upload(const std::string& local_path, int64_t size, const S3Location& to, Done done) {
  Track(&done);
  int fd = ::open(local_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    done(Status::Failed(Errno("cannot open", local_path)));
    return;
  }
  auto sfd = ShareFd(fd);
  if (size >= options_.multipart_threshold) {
    UploadMultipart(sfd, local_path, size, to, std::move(done));
    return;
  }
  ServiceRequest req = s3_.Request("PutObject", "PUT", to.bucket, to.key);
  if (const char* type = GuessContentType(local_path)) req.headers.emplace_back("Content-Type", type);
  auto body = std::make_shared<HashingBody>(std::make_shared<FileRangeBody>(sfd, 0, size), progress_);
  req.body = body;
  req.payload_hash = kUnsignedPayload;
  req.validate = [body](const HttpResponse& r) { return CheckPutEtag(r, body.get()); };
  window_->Acquire();
  if (Interrupted()) {
    window_->Release();
    done(InterruptedStatus());
    return;
  }
  s3_.client().Send(std::move(req), [this, done](ServiceResponse r) {
    window_->Release();
    done(r.status);
  });
}

struct TransferManager::Multipart {
  S3Location to;
  std::string upload_id;
  std::mutex mu;
  std::vector<CompletedPart> parts;
  std::vector<std::string> md5s;
  std::atomic<int> remaining{0};
  std::atomic<bool> failed{false};
  Status error;
  Done done;
};

void TransferManager::UploadMultipart(std::shared_ptr<int> fd, const std::string& local_path, int64_t size,
                                      const S3Location& to, Done done) {
  int64_t part = ChoosePartSize(size, options_.part_size);
  int n = static_cast<int>((size + part - 1) / part);
  auto mp = std::make_shared<Multipart>();
  mp->to = to;
  mp->done = std::move(done);
  HeaderList headers;
  if (const char* type = GuessContentType(local_path)) headers.emplace_back("Content-Type", type);
  Status s = s3_.CreateMultipart(to.bucket, to.key, headers, &mp->upload_id);
  if (!s.ok()) {
    mp->done(s);
    return;
  }
  mp->parts.resize(n);
  mp->md5s.resize(n);
  mp->remaining = n;

  auto finish = [this, mp]() {
    if (mp->failed) {
      ServiceRequest abort = s3_.Request("AbortMultipartUpload", "DELETE", mp->to.bucket, mp->to.key);
      abort.query = {{"uploadId", mp->upload_id}};
      s3_.client().Send(std::move(abort), [mp](ServiceResponse) { mp->done(mp->error); });
      return;
    }
    ServiceRequest req = s3_.Request("CompleteMultipartUpload", "POST", mp->to.bucket, mp->to.key);
    req.query = {{"uploadId", mp->upload_id}};
    req.headers.emplace_back("Content-Type", "application/xml");
    req.body = std::make_shared<StringBody>(BuildCompleteMultipart(mp->parts));
    std::string expected = MultipartEtag(mp->md5s);
    req.validate = [](const HttpResponse& r) { return CheckCompleteMultipart(r.body); };
    s3_.client().Send(std::move(req), [mp, expected](ServiceResponse r) {
      Status st = r.status;
      if (st.ok()) {
        // The object's ETag must be the MD5-of-MD5s of the parts we sent.
        size_t a = r.http.body.find("<ETag>"), b = r.http.body.find("</ETag>");
        if (a != std::string::npos && b != std::string::npos) {
          std::string etag = StripQuotes(r.http.body.substr(a + 6, b - a - 6));
          if (StartsWith(etag, "&quot;")) etag = etag.substr(6, etag.size() - 12);
          if (IsMultipartEtag(etag) && ToLower(etag) != expected && ObjectInfoFromHeaders(r.http).etag_is_md5)
            st = Status::Failed("s3 CompleteMultipartUpload " + mp->to.ToString() + ": object ETag " + etag +
                                " does not match the parts sent (" + expected + ")");
        }
      }
      mp->done(st);
    });
  };

  for (int i = 0; i < n; ++i) {
    if (Interrupted() && !mp->failed.exchange(true)) {
      std::lock_guard<std::mutex> l(mp->mu);
      mp->error = InterruptedStatus();
    }
    if (mp->failed) {  // do not start more parts after a failure
      if (--mp->remaining == 0) finish();
      continue;
    }
    int64_t off = i * part;
    int64_t len = std::min(part, size - off);
    ServiceRequest req = s3_.Request("UploadPart", "PUT", to.bucket, to.key);
    req.query = {{"partNumber", std::to_string(i + 1)}, {"uploadId", mp->upload_id}};
    auto body = std::make_shared<HashingBody>(std::make_shared<FileRangeBody>(fd, off, len), progress_);
    req.body = body;
    req.payload_hash = kUnsignedPayload;
    req.target = to.ToString() + " part " + std::to_string(i + 1);
    req.validate = [body](const HttpResponse& r) { return CheckPutEtag(r, body.get()); };
    window_->Acquire();
    s3_.client().Send(std::move(req), [this, mp, body, i, finish](ServiceResponse r) {
      window_->Release();
      {
        std::lock_guard<std::mutex> l(mp->mu);
        if (r.status.ok()) {
          mp->parts[i] = {i + 1, StripQuotes(r.http.Header("ETag"))};
          mp->md5s[i] = body->Md5Raw();
        } else if (!mp->failed.exchange(true)) {
          mp->error = r.status;
        }
      }
      if (--mp->remaining == 0) finish();
    });
  }
}

Status TransferManager::UploadStream(int fd, const S3Location& to) {
  auto read_chunk = [fd](int64_t want, std::string* buf, bool* eof) -> Status {
    buf->resize(static_cast<size_t>(want));
    int64_t got = 0;
    while (got < want) {
      ssize_t n = ::read(fd, buf->data() + got, static_cast<size_t>(want - got));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::Failed(std::string("cannot read standard input: ") + std::strerror(errno));
      }
      if (n == 0) {
        *eof = true;
        break;
      }
      got += n;
    }
    buf->resize(static_cast<size_t>(got));
    return Status::Ok();
  };
  int64_t part = std::max<int64_t>(options_.part_size, 5 * kMiB);
  std::string first;
  bool eof = false;
  FERRY_RETURN_IF_ERROR(read_chunk(part, &first, &eof));
  if (eof) {
    if (progress_) progress_->bytes_done += static_cast<int64_t>(first.size());
    return s3_.PutSmall(to.bucket, to.key, std::move(first));
  }
  std::string upload_id;
  FERRY_RETURN_IF_ERROR(s3_.CreateMultipart(to.bucket, to.key, {}, &upload_id));
  std::vector<std::shared_ptr<std::string>> etags;  // filled by the callbacks
  std::deque<std::future<ServiceResponse>> inflight;
  Status error;
  auto collect = [&]() {
    ServiceResponse r = inflight.front().get();
    inflight.pop_front();
    if (!r.status.ok() && error.ok()) error = r.status;
  };
  std::string chunk = std::move(first);
  int number = 0;
  while (error.ok()) {
    ++number;
    if (number > kMaxParts) {
      error = Status::Failed("standard input is larger than 10,000 parts allow");
      break;
    }
    std::string raw_md5 = Md5(chunk);
    ServiceRequest req = s3_.Request("UploadPart", "PUT", to.bucket, to.key);
    req.query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
    req.headers.emplace_back("Content-MD5", Base64Encode(raw_md5));
    std::string hex = HexEncode(raw_md5);
    req.validate = [hex](const HttpResponse& r) {
      std::string etag = ToLower(StripQuotes(r.Header("ETag")));
      if (IsPlainMd5Etag(etag) && etag != hex && ObjectInfoFromHeaders(r).etag_is_md5)
        return Status::Failed("part ETag " + etag + " is not the MD5 of the data sent (" + hex + ")");
      return Status::Ok();
    };
    int64_t len = static_cast<int64_t>(chunk.size());
    req.body = std::make_shared<StringBody>(std::move(chunk));
    auto p = std::make_shared<std::promise<ServiceResponse>>();
    auto slot = std::make_shared<std::string>();
    etags.push_back(slot);
    inflight.push_back(p->get_future());
    s3_.client().Send(std::move(req), [this, p, len, slot](ServiceResponse r) {
      if (r.status.ok()) {
        *slot = StripQuotes(r.http.Header("ETag"));
        if (progress_) progress_->bytes_done += len;
      }
      p->set_value(std::move(r));
    });
    if (eof) break;
    // Parts grow after every 1,000 so a stream of unknown size fits in 10,000 parts.
    int64_t want = part * (1 + number / 1000);
    while (static_cast<int>(inflight.size()) >= options_.stream_parts_in_flight) collect();
    chunk.clear();
    Status rs = read_chunk(want, &chunk, &eof);
    if (!rs.ok()) {
      error = rs;
      break;
    }
    if (Interrupted()) {
      error = InterruptedStatus();
      break;
    }
    if (chunk.empty()) break;
  }
  while (!inflight.empty()) collect();
  if (!error.ok()) {
    s3_.AbortMultipart(to.bucket, to.key, upload_id);
    return error;
  }
  std::vector<CompletedPart> parts;
  for (size_t i = 0; i < etags.size(); ++i) parts.push_back({static_cast<int>(i + 1), *etags[i]});
  return s3_.CompleteMultipart(to.bucket, to.key, upload_id, parts);
}

// -------------------------------------------------------------- download

struct TransferManager::RangedDownload {
  std::shared_ptr<int> fd;
  std::string tmp, path;
  S3Location from;
  S3Object info;
  std::mutex mu;
  std::vector<std::shared_ptr<FileSink>> sinks;
  bool composite = false;  // parts align with the upload's parts
  // A listing does not say how an object is encrypted; the ranges' answers
  // do. Under SSE-KMS (a bucket's default encryption too) a plain ETag is
  // not the MD5 of the bytes, so it is not compared.
  std::atomic<bool> etag_not_md5{false};
  std::atomic<int> remaining{0};
  std::atomic<bool> failed{false};
  Status error;
  Done done;
};

namespace {
Status FinishFile(const std::shared_ptr<int>& fd, const std::string& tmp, const std::string& path, int64_t mtime) {
  if (mtime > 0) {
    timespec ts[2];
    ts[0].tv_sec = 0;
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_sec = mtime;
    ts[1].tv_nsec = 0;
    futimens(*fd, ts);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Status::Failed(Errno("cannot rename " + tmp + " to", path));
    ::unlink(tmp.c_str());
    return s;
  }
  return Status::Ok();
}

std::string TempName(const std::string& path) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, ".ferry-%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return path + buf;
}
}  // namespace

void TransferManager::Download(const S3Location& from, const S3Object& info, const std::string& local_path, Done done) {
  Track(&done);
  std::error_code ec;
  fs::path parent = fs::path(local_path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  std::string tmp = TempName(local_path);
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    done(Status::Failed(Errno("cannot create", tmp)));
    return;
  }
  auto sfd = ShareFd(fd);
  std::string etag = ToLower(info.etag);

  if (info.size < options_.multipart_threshold) {
    ServiceRequest req = s3_.Request("GetObject", "GET", from.bucket, from.key);
    auto sink = std::make_shared<FileSink>(sfd, 0, progress_, true);
    req.sink = sink;
    int64_t expect = info.size;
    req.validate = [sink, expect, etag](const HttpResponse& r) {
      S3ObjectInfo got = ObjectInfoFromHeaders(r);
      if (sink->written() != got.size && !r.Header("Content-Length").empty())
        return Status::Failed("got " + std::to_string(sink->written()) + " bytes, expected " +
                              std::to_string(got.size));
      std::string e = ToLower(got.etag.empty() ? etag : got.etag);
      if (got.etag_is_md5 && IsPlainMd5Etag(e) && HexEncode(sink->Md5Raw()) != e)
        return Status::Failed("downloaded bytes do not match the object's ETag " + e);
      (void)expect;
      return Status::Ok();
    };
    window_->Acquire();
    if (Interrupted()) {
      window_->Release();
      ::unlink(tmp.c_str());
      done(InterruptedStatus());
      return;
    }
    int64_t mtime = info.mtime;
    s3_.client().Send(std::move(req), [this, sfd, tmp, local_path, mtime, sink, done](ServiceResponse r) {
      window_->Release();
      if (!r.status.ok()) {
        ::unlink(tmp.c_str());
        done(sink->error() ? Status::Failed(std::string("cannot write ") + tmp + ": " + std::strerror(sink->error()))
                           : r.status);
        return;
      }
      done(FinishFile(sfd, tmp, local_path, mtime));
    });
    return;
  }

  if (ftruncate(fd, info.size) != 0) {
    Status s = Status::Failed(Errno("cannot size", tmp));
    ::unlink(tmp.c_str());
    done(s);
    return;
  }
  auto dl = std::make_shared<RangedDownload>();
  dl->fd = sfd;
  dl->tmp = tmp;
  dl->path = local_path;
  dl->from = from;
  dl->info = info;
  dl->done = std::move(done);
  // Align ranges with the upload's parts when we can learn them, so each
  // range's MD5 is a part MD5 and the multipart ETag can be checked.
  int64_t range = ChoosePartSize(info.size, options_.part_size);
  int etag_parts = MultipartEtagParts(etag);
  if (etag_parts > 0) {
    S3ObjectInfo p1;
    if (s3_.Head(from.bucket, from.key, &p1, 1).ok() && p1.parts_count == etag_parts && p1.size > 0 &&
        (info.size + p1.size - 1) / p1.size == etag_parts && p1.etag_is_md5) {
      range = p1.size;
      dl->composite = true;
    }
  }
  int n = static_cast<int>((info.size + range - 1) / range);
  dl->sinks.resize(n);
  dl->remaining = n;
  auto finish = [dl, etag]() {
    Status st = dl->error;
    if (!dl->failed) {
      if (dl->composite) {
        std::vector<std::string> md5s;
        for (auto& s : dl->sinks) md5s.push_back(s->Md5Raw());
        std::string got = MultipartEtag(md5s);
        if (got != etag)
          st = Status::Failed("s3 GetObject " + dl->from.ToString() + ": downloaded bytes hash to " + got +
                              ", not the object's ETag " + etag);
      } else if (IsPlainMd5Etag(etag) && !dl->etag_not_md5) {
        std::string got;
        st = ContentEtag(*dl->fd, dl->info.size, kSinglePartLayout, &got);
        if (st.ok() && got != etag)
          st = Status::Failed("s3 GetObject " + dl->from.ToString() + ": downloaded bytes hash to " + got +
                              ", not the object's ETag " + etag);
      }
    }
    if (st.ok()) st = FinishFile(dl->fd, dl->tmp, dl->path, dl->info.mtime);
    else ::unlink(dl->tmp.c_str());
    dl->done(st);
  };
  for (int i = 0; i < n; ++i) {
    if (Interrupted() && !dl->failed.exchange(true)) {
      std::lock_guard<std::mutex> l(dl->mu);
      dl->error = InterruptedStatus();
    }
    if (dl->failed) {
      if (--dl->remaining == 0) finish();
      continue;
    }
    int64_t off = i * range;
    int64_t len = std::min(range, info.size - off);
    ServiceRequest req = s3_.Request("GetObject", "GET", from.bucket, from.key);
    req.headers.emplace_back("Range", "bytes=" + std::to_string(off) + "-" + std::to_string(off + len - 1));
    if (!info.etag.empty()) req.headers.emplace_back("If-Match", "\"" + info.etag + "\"");
    auto sink = std::make_shared<FileSink>(sfd, off, progress_, dl->composite);
    dl->sinks[i] = sink;
    req.sink = sink;
    req.target = from.ToString() + " bytes " + std::to_string(off) + "-" + std::to_string(off + len - 1);
    req.validate = [sink, len](const HttpResponse&) {
      if (sink->written() != len)
        return Status::Failed("range returned " + std::to_string(sink->written()) + " bytes, expected " +
                              std::to_string(len));
      return Status::Ok();
    };
    window_->Acquire();
    s3_.client().Send(std::move(req), [this, dl, finish](ServiceResponse r) {
      window_->Release();
      if (r.status.ok() && !ObjectInfoFromHeaders(r.http).etag_is_md5) dl->etag_not_md5 = true;
      if (!r.status.ok()) {
        std::lock_guard<std::mutex> l(dl->mu);
        if (!dl->failed.exchange(true)) dl->error = r.status;
      }
      if (--dl->remaining == 0) finish();
    });
  }
}

Status TransferManager::DownloadStream(const S3Location& from, int fd) {
  S3ObjectInfo info;
  FERRY_RETURN_IF_ERROR(s3_.Head(from.bucket, from.key, &info));
  if (progress_) progress_->bytes_total += info.size;
  std::string etag = ToLower(info.etag);
  int64_t range = ChoosePartSize(info.size, options_.part_size);
  bool composite = false;
  int etag_parts = MultipartEtagParts(etag);
  if (etag_parts > 0 && info.size >= options_.multipart_threshold) {
    S3ObjectInfo p1;
    if (s3_.Head(from.bucket, from.key, &p1, 1).ok() && p1.parts_count == etag_parts && p1.size > 0 &&
        (info.size + p1.size - 1) / p1.size == etag_parts && p1.etag_is_md5) {
      range = p1.size;
      composite = true;
    }
  }
  int n = info.size == 0 ? 1 : static_cast<int>((info.size + range - 1) / range);
  bool single = info.size < options_.multipart_threshold;
  if (single) n = 1;
  Hasher whole(Hasher::Kind::kMd5);
  std::vector<std::string> md5s;
  std::deque<std::pair<std::future<ServiceResponse>, std::shared_ptr<CountingStringSink>>> inflight;
  int next = 0;
  auto submit = [&]() {
    int i = next++;
    ServiceRequest req = s3_.Request("GetObject", "GET", from.bucket, from.key);
    if (!single) {
      int64_t off = i * range, len = std::min(range, info.size - off);
      req.headers.emplace_back("Range", "bytes=" + std::to_string(off) + "-" + std::to_string(off + len - 1));
      if (!info.etag.empty()) req.headers.emplace_back("If-Match", "\"" + info.etag + "\"");
    }
    auto sink = std::make_shared<CountingStringSink>(progress_);
    req.sink = sink;
    auto p = std::make_shared<std::promise<ServiceResponse>>();
    inflight.emplace_back(p->get_future(), sink);
    s3_.client().Send(std::move(req), [p](ServiceResponse r) { p->set_value(std::move(r)); });
  };
  while (next < n && static_cast<int>(inflight.size()) < options_.stream_parts_in_flight) submit();
  Status error;
  while (!inflight.empty()) {
    ServiceResponse r = inflight.front().first.get();
    auto sink = inflight.front().second;
    inflight.pop_front();
    if (!r.status.ok()) {
      if (error.ok()) error = r.status;
      continue;
    }
    if (!error.ok()) continue;
    const std::string& data = sink->data();
    whole.Update(data);
    if (composite) md5s.push_back(Md5(data));
    for (size_t off = 0; off < data.size();) {
      ssize_t w = ::write(fd, data.data() + off, data.size() - off);
      if (w < 0) {
        if (errno == EINTR) continue;
        error = Status::Failed(std::string("cannot write standard output: ") + std::strerror(errno));
        break;
      }
      off += static_cast<size_t>(w);
    }
    sink->data().clear();
    sink->data().shrink_to_fit();
    if (error.ok() && next < n) submit();
  }
  FERRY_RETURN_IF_ERROR(error);
  std::string got = composite ? MultipartEtag(md5s) : HexEncode(whole.Final());
  if (info.etag_is_md5 && (composite || IsPlainMd5Etag(etag)) && got != etag)
    return Status::Failed("s3 GetObject " + from.ToString() + ": downloaded bytes hash to " + got +
                          ", not the object's ETag " + etag);
  return Status::Ok();
}

// ------------------------------------------------------------------ copy

void TransferManager::Copy(const S3Location& from, int64_t size, const S3Location& to, Done done) {
  Track(&done);
  if (size > kMaxCopySize) {
    done(Status::Failed("copying " + from.ToString() + " (" + std::to_string(size) +
                        " bytes): server-side copies over 5 GiB are not supported yet; download and upload instead"));
    return;
  }
  ServiceRequest req = s3_.Request("CopyObject", "PUT", to.bucket, to.key);
  req.headers.emplace_back("x-amz-copy-source", UriEncode("/" + from.bucket + "/" + from.key, true));
  req.body = std::make_shared<StringBody>("");
  req.target = from.ToString() + " -> " + to.ToString();
  req.validate = [](const HttpResponse& r) { return CheckCompleteMultipart(r.body); };
  window_->Acquire();
  if (Interrupted()) {
    window_->Release();
    done(InterruptedStatus());
    return;
  }
  s3_.client().Send(std::move(req), [this, done, size](ServiceResponse r) {
    window_->Release();
    if (r.status.ok() && progress_) progress_->bytes_done += size;
    done(r.status);
  });
}

}  // namespace ferry::aws
