#include "awsemu/s3_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "util/atomic_file.h"
#include "util/text.h"

namespace awsemu {

namespace fs = std::filesystem;
namespace aws = ferry::aws;
using nlohmann::json;

EmuError NoSuchBucket() { return {404, "NoSuchBucket", "The specified bucket does not exist"}; }
EmuError NoSuchKey() { return {404, "NoSuchKey", "The specified key does not exist."}; }
EmuError NoSuchUpload() {
  return {404, "NoSuchUpload",
          "The specified upload does not exist. The upload ID may be invalid, or the upload may "
          "have been aborted or completed."};
}

namespace {

// A key or metadata value that is not UTF-8 must not end the emulator:
// nlohmann::json throws on such bytes when dumping, so they are stored as
// U+FFFD (found by fuzzing ferry-awsemu's request handling).
std::string DumpJson(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

constexpr size_t kWriteBuffer = 4 << 20;
constexpr uint64_t kMinPartSize = 5ull << 20;

int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint FromMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

// Whole milliseconds, as S3 reports times.
TimePoint NowMillis() { return FromMillis(ToMillis(std::chrono::system_clock::now())); }

json Segments(const std::vector<Segment>& segments) {
  json a = json::array();
  for (const auto& seg : segments) a.push_back(json{{"file", seg.file}, {"size", seg.size}});
  return a;
}

json MetaToJson(const ObjectMeta& m) {
  return json{{"key", m.key},
              {"size", m.size},
              {"etag", m.etag},
              {"last_modified", ToMillis(m.last_modified)},
              {"content_type", m.content_type},
              {"user_metadata", m.user_metadata},
              {"headers", m.headers},
              {"parts_count", m.parts_count},
              {"tags", m.tags},
              {"sse", m.sse},
              {"kms_key_id", m.kms_key_id},
              {"storage_class", m.storage_class},
              {"acl", m.acl},
              {"segments", Segments(m.segments)}};
}

ObjectMeta MetaFromJson(const json& j) {
  ObjectMeta m;
  m.key = j.value("key", "");
  m.size = j.value("size", uint64_t{0});
  m.etag = j.value("etag", "");
  m.last_modified = FromMillis(j.value("last_modified", int64_t{0}));
  m.content_type = j.value("content_type", "binary/octet-stream");
  m.user_metadata = j.value("user_metadata", std::map<std::string, std::string>{});
  m.headers = j.value("headers", std::map<std::string, std::string>{});
  m.parts_count = j.value("parts_count", 0);
  m.tags = j.value("tags", std::map<std::string, std::string>{});
  m.sse = j.value("sse", "");
  m.kms_key_id = j.value("kms_key_id", "");
  m.storage_class = j.value("storage_class", "");
  m.acl = j.value("acl", "");
  for (const auto& seg : j.value("segments", json::array())) {
    m.segments.push_back(Segment{seg.value("file", ""), seg.value("size", uint64_t{0})});
  }
  return m;
}

bool WriteFileAtomic(const std::string& path, const std::string& data) {
  return ferry::WriteFileAtomically(path, data).ok();
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

std::string RandomId(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<int> pick(0, 61);
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[pick(rng)]);
  return s;
}

std::string UnquoteEtag(std::string e) {
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
  return e;
}

}  // namespace

ObjectReader::~ObjectReader() {
  for (int fd : fds_) close(fd);
}

ssize_t ObjectReader::ReadAt(uint64_t offset, char* out, size_t size) const {
  if (offset >= total_ || size == 0) return 0;
  // The segment holding `offset`: the last one starting at or before it.
  size_t i = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
  while (i < sizes_.size() && offset - starts_[i] >= sizes_[i]) ++i;  // skip empty segments
  if (i >= sizes_.size()) return 0;
  uint64_t within = offset - starts_[i];
  size_t n = static_cast<size_t>(std::min<uint64_t>(size, sizes_[i] - within));
  ssize_t got;
  do {
    got = pread(fds_[i], out, n, static_cast<off_t>(within));
  } while (got < 0 && errno == EINTR);
  return got == 0 ? -1 : got;  // a short file is an error, not the end
}

ObjectWriter::ObjectWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {
  buffer_.reserve(kWriteBuffer);
}

ObjectWriter::~ObjectWriter() {
  if (fd_ >= 0) close(fd_);
  if (!committed_) unlink(path_.c_str());
}

bool ObjectWriter::Flush() {
  const char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<size_t>(n);
  }
  buffer_.clear();
  return true;
}

bool ObjectWriter::Write(const char* data, size_t size) {
  md5_.Update(data, size);
  size_ += size;
  if (buffer_.size() + size > kWriteBuffer && !Flush()) return false;
  if (size >= kWriteBuffer) {
    // Big pieces go straight to the file.
    buffer_.assign(data, size);
    return Flush();
  }
  buffer_.append(data, size);
  return true;
}

bool ObjectWriter::Finish() {
  if (!Flush()) return false;
  md5_hex_ = aws::HexEncode(md5_.Final());
  if (close(fd_) != 0) {
    fd_ = -1;
    return false;
  }
  fd_ = -1;
  return true;
}

std::string ObjectWriter::md5_hex() { return md5_hex_; }

S3Store::S3Store(std::string root) : root_(std::move(root)) {}

std::string S3Store::BucketDir(const std::string& bucket) const { return root_ + "/buckets/" + bucket; }

std::string S3Store::ObjectBase(const std::string& bucket, const std::string& key) const {
  // Keys may hold any bytes ("a", "a/b", "../x"), so files are named by hash.
  return BucketDir(bucket) + "/objects/" + aws::Sha256Hex(key);
}

std::string S3Store::UploadDir(const std::string& bucket, const std::string& upload_id) const {
  return BucketDir(bucket) + "/uploads/" + upload_id;
}

ferry::Status S3Store::Open() {
  std::error_code ec;
  fs::create_directories(root_ + "/buckets", ec);
  fs::create_directories(root_ + "/tmp", ec);
  if (ec) return ferry::Status::Failed("cannot create " + root_ + ": " + ec.message());
  // Leftovers of interrupted writes.
  for (const auto& e : fs::directory_iterator(root_ + "/tmp", ec)) fs::remove(e.path(), ec);
  std::lock_guard<std::mutex> l(mu_);
  buckets_.clear();
  for (const auto& be : fs::directory_iterator(root_ + "/buckets", ec)) {
    std::string text;
    if (!ReadFile(be.path().string() + "/bucket.json", &text)) continue;
    json j = json::parse(text, nullptr, false);
    if (!j.is_object()) continue;
    Bucket b;
    b.meta.name = j.value("name", be.path().filename().string());
    b.meta.region = j.value("region", "us-east-1");
    b.meta.created = FromMillis(j.value("created", int64_t{0}));
    if (j.contains("configs") && j["configs"].is_object())
      for (const auto& [kind, doc] : j["configs"].items())
        if (doc.is_string()) b.meta.configs[kind] = doc.get<std::string>();
    for (const auto& oe : fs::directory_iterator(be.path() / "objects", ec)) {
      if (oe.path().extension() != ".json") continue;
      std::string mt;
      if (!ReadFile(oe.path().string(), &mt)) continue;
      json mj = json::parse(mt, nullptr, false);
      if (!mj.is_object()) continue;
      ObjectMeta m = MetaFromJson(mj);
      if (m.segments.empty() && m.size > 0) continue;  // not written by this version
      b.objects[m.key] = m;
    }
    for (const auto& ue : fs::directory_iterator(be.path() / "uploads", ec)) {
      std::string ut;
      if (!ReadFile(ue.path().string() + "/upload.json", &ut)) continue;
      json uj = json::parse(ut, nullptr, false);
      if (!uj.is_object()) continue;
      UploadMeta u;
      u.upload_id = uj.value("upload_id", "");
      u.bucket = b.meta.name;
      u.key = uj.value("key", "");
      u.initiated = FromMillis(uj.value("initiated", int64_t{0}));
      u.proto = MetaFromJson(uj.value("proto", json::object()));
      for (const auto& pj : uj.value("parts", json::array())) {
        PartMeta p;
        p.number = pj.value("number", 0);
        p.size = pj.value("size", uint64_t{0});
        p.etag = pj.value("etag", "");
        p.last_modified = FromMillis(pj.value("last_modified", int64_t{0}));
        u.parts[p.number] = p;
      }
      b.uploads[u.upload_id] = u;
    }
    buckets_[b.meta.name] = std::move(b);
  }
  return ferry::Status::Ok();
}

void S3Store::Reset() {
  std::lock_guard<std::mutex> l(mu_);
  std::error_code ec;
  for (const auto& [name, b] : buckets_) fs::remove_all(BucketDir(name), ec);
  buckets_.clear();
}

const S3Store::Bucket* S3Store::FindBucket(const std::string& name) const {
  auto it = buckets_.find(name);
  return it == buckets_.end() ? nullptr : &it->second;
}

S3Store::Bucket* S3Store::FindBucket(const std::string& name) {
  auto it = buckets_.find(name);
  return it == buckets_.end() ? nullptr : &it->second;
}

EmuError S3Store::CreateBucket(const std::string& name, const std::string& region) {
  std::lock_guard<std::mutex> l(mu_);
  if (FindBucket(name)) {
    return {409, "BucketAlreadyOwnedByYou",
            "Your previous request to create the named bucket succeeded and you already own it."};
  }
  std::error_code ec;
  fs::create_directories(BucketDir(name) + "/objects", ec);
  fs::create_directories(BucketDir(name) + "/uploads", ec);
  Bucket b;
  b.meta.name = name;
  b.meta.region = region;
  b.meta.created = NowMillis();
  json j{{"name", name}, {"region", region}, {"created", ToMillis(b.meta.created)}};
  if (ec || !WriteFileAtomic(BucketDir(name) + "/bucket.json", DumpJson(j))) {
    return {500, "InternalError", "cannot create the bucket directory under " + root_};
  }
  buckets_[name] = std::move(b);
  return {};
}

EmuError S3Store::DeleteBucket(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(name);
  if (!b) return NoSuchBucket();
  if (!b->objects.empty()) return {409, "BucketNotEmpty", "The bucket you tried to delete is not empty"};
  std::error_code ec;
  fs::remove_all(BucketDir(name), ec);
  buckets_.erase(name);
  return {};
}

EmuError S3Store::SetBucketConfig(const std::string& name, const std::string& kind, const std::string& document) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(name);
  if (!b) return NoSuchBucket();
  std::map<std::string, std::string> configs = b->meta.configs;
  if (document.empty()) configs.erase(kind);
  else configs[kind] = document;
  json j{{"name", name}, {"region", b->meta.region}, {"created", ToMillis(b->meta.created)}, {"configs", configs}};
  if (!WriteFileAtomic(BucketDir(name) + "/bucket.json", DumpJson(j)))
    return {500, "InternalError", "cannot write the bucket's configuration under " + root_};
  b->meta.configs = std::move(configs);
  return {};
}

EmuError S3Store::GetBucket(const std::string& name, BucketMeta* out) const {
  std::lock_guard<std::mutex> l(mu_);
  const Bucket* b = FindBucket(name);
  if (!b) return NoSuchBucket();
  if (out) *out = b->meta;
  return {};
}

std::vector<BucketMeta> S3Store::ListBuckets() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<BucketMeta> out;
  for (const auto& [name, b] : buckets_) out.push_back(b.meta);
  return out;
}

std::unique_ptr<ObjectWriter> S3Store::NewWriter() {
  std::string path;
  {
    std::lock_guard<std::mutex> l(mu_);
    path = root_ + "/tmp/w" + std::to_string(++tmp_counter_) + "-" + RandomId(8);
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return nullptr;
  return std::make_unique<ObjectWriter>(fd, path);
}

EmuError S3Store::CommitLocked(Bucket* b, const std::vector<std::pair<std::string, uint64_t>>& files, ObjectMeta meta,
                               ObjectMeta* stored) {
  meta.last_modified = NowMillis();
  const std::string base = ObjectBase(b->meta.name, meta.key);
  const std::string dir = BucketDir(b->meta.name) + "/objects/";
  // A fresh name per version: readers of the old version keep their files.
  const std::string version = std::to_string(++tmp_counter_) + RandomId(6);
  meta.segments.clear();
  for (size_t i = 0; i < files.size(); ++i) {
    std::string name = base.substr(dir.size()) + "-" + version + "." + std::to_string(i);
    if (std::rename(files[i].first.c_str(), (dir + name).c_str()) != 0) {
      for (const auto& seg : meta.segments) unlink((dir + seg.file).c_str());
      return {500, "InternalError", "cannot store the object under " + root_};
    }
    meta.segments.push_back(Segment{name, files[i].second});
  }
  if (!WriteFileAtomic(base + ".json", DumpJson(MetaToJson(meta)))) {
    for (const auto& seg : meta.segments) unlink((dir + seg.file).c_str());
    return {500, "InternalError", "cannot store the object under " + root_};
  }
  auto old = b->objects.find(meta.key);
  if (old != b->objects.end()) RemoveFiles(b->meta.name, old->second);
  b->objects[meta.key] = meta;
  if (stored) *stored = meta;
  return {};
}

void S3Store::RemoveFiles(const std::string& bucket, const ObjectMeta& meta) const {
  const std::string dir = BucketDir(bucket) + "/objects/";
  for (const auto& seg : meta.segments) unlink((dir + seg.file).c_str());
}

EmuError S3Store::CommitObject(const std::string& bucket, ObjectWriter* writer, ObjectMeta meta, ObjectMeta* stored) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  meta.size = writer->size();
  EmuError e = CommitLocked(b, {{writer->path(), writer->size()}}, std::move(meta), stored);
  if (e.ok()) writer->Release();
  return e;
}

EmuError S3Store::OpenObject(const std::string& bucket, const std::string& key, ObjectMeta* meta,
                             std::shared_ptr<ObjectReader>* reader) const {
  std::lock_guard<std::mutex> l(mu_);
  const Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->objects.find(key);
  if (it == b->objects.end()) return NoSuchKey();
  *meta = it->second;
  auto r = std::make_shared<ObjectReader>();
  const std::string dir = BucketDir(bucket) + "/objects/";
  for (const auto& seg : meta->segments) {
    int fd = open((dir + seg.file).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {500, "InternalError", "the object's data file is missing under " + root_};
    r->fds_.push_back(fd);
    r->starts_.push_back(r->total_);
    r->sizes_.push_back(seg.size);
    r->total_ += seg.size;
  }
  *reader = std::move(r);
  return {};
}

EmuError S3Store::HeadObject(const std::string& bucket, const std::string& key, ObjectMeta* meta) const {
  std::lock_guard<std::mutex> l(mu_);
  const Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->objects.find(key);
  if (it == b->objects.end()) return NoSuchKey();
  *meta = it->second;
  return {};
}

EmuError S3Store::SetTags(const std::string& bucket, const std::string& key,
                          const std::map<std::string, std::string>& tags) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->objects.find(key);
  if (it == b->objects.end()) return NoSuchKey();
  ObjectMeta updated = it->second;
  updated.tags = tags;
  if (!WriteFileAtomic(ObjectBase(bucket, key) + ".json", DumpJson(MetaToJson(updated)))) {
    return {500, "InternalError", "cannot store the object's tags under " + root_};
  }
  it->second = updated;
  return {};
}

EmuError S3Store::DeleteObject(const std::string& bucket, const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->objects.find(key);
  if (it != b->objects.end()) {
    RemoveFiles(bucket, it->second);
    unlink((ObjectBase(bucket, key) + ".json").c_str());
    b->objects.erase(it);
  }
  return {};
}

EmuError S3Store::List(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                       const std::string& after, bool after_is_prefix, size_t max, ListResult* out) const {
  std::lock_guard<std::mutex> l(mu_);
  const Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = after.empty() ? b->objects.lower_bound(prefix) : b->objects.upper_bound(after);
  if (!after.empty() && after < prefix) it = b->objects.lower_bound(prefix);
  size_t count = 0;
  for (; it != b->objects.end(); ++it) {
    const std::string& key = it->first;
    if (after_is_prefix && ferry::StartsWith(key, after)) continue;
    if (!ferry::StartsWith(key, prefix)) {
      if (key > prefix) break;
      continue;
    }
    std::string common;
    if (!delimiter.empty()) {
      auto pos = key.find(delimiter, prefix.size());
      if (pos != std::string::npos) common = key.substr(0, pos + delimiter.size());
    }
    if (!common.empty() && !out->prefixes.empty() && out->prefixes.back() == common) continue;
    if (count == max) {
      out->truncated = true;
      break;
    }
    ++count;
    if (!common.empty()) {
      out->prefixes.push_back(common);
      out->last = common;
      out->last_is_prefix = true;
    } else {
      out->objects.push_back(it->second);
      out->last = key;
      out->last_is_prefix = false;
    }
  }
  return {};
}

void S3Store::SaveUpload(const UploadMeta& u) const {
  json parts = json::array();
  for (const auto& [n, p] : u.parts) {
    parts.push_back(
        json{{"number", p.number}, {"size", p.size}, {"etag", p.etag}, {"last_modified", ToMillis(p.last_modified)}});
  }
  json j{{"upload_id", u.upload_id},
         {"key", u.key},
         {"initiated", ToMillis(u.initiated)},
         {"proto", MetaToJson(u.proto)},
         {"parts", parts}};
  WriteFileAtomic(UploadDir(u.bucket, u.upload_id) + "/upload.json", DumpJson(j));
}

EmuError S3Store::CreateUpload(const std::string& bucket, const ObjectMeta& proto, std::string* upload_id) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  UploadMeta u;
  do {
    u.upload_id = RandomId(64);
  } while (b->uploads.count(u.upload_id));
  u.bucket = bucket;
  u.key = proto.key;
  u.initiated = NowMillis();
  u.proto = proto;
  std::error_code ec;
  fs::create_directories(UploadDir(bucket, u.upload_id), ec);
  if (ec) return {500, "InternalError", "cannot create the upload directory under " + root_};
  SaveUpload(u);
  *upload_id = u.upload_id;
  b->uploads[u.upload_id] = std::move(u);
  return {};
}

EmuError S3Store::GetUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                            UploadMeta* out) const {
  std::lock_guard<std::mutex> l(mu_);
  const Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->uploads.find(upload_id);
  if (it == b->uploads.end() || it->second.key != key) return NoSuchUpload();
  *out = it->second;
  return {};
}

EmuError S3Store::CommitPart(const std::string& bucket, const std::string& key, const std::string& upload_id,
                             int number, ObjectWriter* writer, PartMeta* stored) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->uploads.find(upload_id);
  if (it == b->uploads.end() || it->second.key != key) return NoSuchUpload();
  PartMeta p;
  p.number = number;
  p.size = writer->size();
  p.etag = writer->md5_hex();
  p.last_modified = NowMillis();
  std::string path = UploadDir(bucket, upload_id) + "/part-" + std::to_string(number);
  if (std::rename(writer->path().c_str(), path.c_str()) != 0) {
    return {500, "InternalError", "cannot store the part under " + root_};
  }
  writer->Release();
  it->second.parts[number] = p;
  SaveUpload(it->second);
  if (stored) *stored = p;
  return {};
}

EmuError S3Store::AbortUpload(const std::string& bucket, const std::string& key, const std::string& upload_id) {
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->uploads.find(upload_id);
  if (it == b->uploads.end() || it->second.key != key) return NoSuchUpload();
  std::error_code ec;
  fs::remove_all(UploadDir(bucket, upload_id), ec);
  b->uploads.erase(it);
  return {};
}

EmuError S3Store::CompleteUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                 const std::vector<std::pair<int, std::string>>& parts, ObjectMeta* stored) {
  UploadMeta u;
  {
    EmuError e = GetUpload(bucket, key, upload_id, &u);
    if (!e.ok()) return e;
  }
  const EmuError invalid_part{400, "InvalidPart",
                              "One or more of the specified parts could not be found.  The part "
                              "may not have been uploaded, or the specified entity tag may not "
                              "match the part's entity tag."};
  if (parts.empty()) {
    return {400, "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published "
            "schema"};
  }
  int previous = 0;
  for (const auto& [number, etag] : parts) {
    if (number <= previous) {
      return {400, "InvalidPartOrder",
              "The list of parts was not in ascending order. Parts must be ordered by part "
              "number."};
    }
    previous = number;
  }
  std::string md5s;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& [number, etag] = parts[i];
    auto it = u.parts.find(number);
    if (it == u.parts.end() || it->second.etag != UnquoteEtag(etag)) return invalid_part;
    if (i + 1 < parts.size() && it->second.size < kMinPartSize) {
      return {400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size."};
    }
    std::string raw;
    for (size_t k = 0; k + 1 < it->second.etag.size(); k += 2) {
      raw.push_back(static_cast<char>(std::stoi(it->second.etag.substr(k, 2), nullptr, 16)));
    }
    md5s += raw;
  }
  ObjectMeta meta = u.proto;
  meta.key = key;
  meta.etag = aws::HexEncode(aws::Md5(md5s)) + "-" + std::to_string(parts.size());
  meta.parts_count = static_cast<int>(parts.size());
  std::vector<std::pair<std::string, uint64_t>> files;
  for (const auto& [number, etag] : parts) {
    files.emplace_back(UploadDir(bucket, upload_id) + "/part-" + std::to_string(number), u.parts[number].size);
    meta.size += u.parts[number].size;
  }
  std::lock_guard<std::mutex> l(mu_);
  Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  auto it = b->uploads.find(upload_id);
  if (it == b->uploads.end()) return NoSuchUpload();  // aborted meanwhile
  // The parts become the object's segments: no bytes are copied.
  EmuError e = CommitLocked(b, files, meta, stored);
  if (!e.ok()) return e;
  std::error_code ec;
  fs::remove_all(UploadDir(bucket, upload_id), ec);
  b->uploads.erase(it);
  return {};
}

EmuError S3Store::ListUploads(const std::string& bucket, std::vector<UploadMeta>* out) const {
  std::lock_guard<std::mutex> l(mu_);
  const Bucket* b = FindBucket(bucket);
  if (!b) return NoSuchBucket();
  for (const auto& [id, u] : b->uploads) out->push_back(u);
  std::sort(out->begin(), out->end(), [](const UploadMeta& a, const UploadMeta& c) {
    if (a.key != c.key) return a.key < c.key;
    if (a.initiated != c.initiated) return a.initiated < c.initiated;
    return a.upload_id < c.upload_id;
  });
  return {};
}

}  // namespace awsemu
