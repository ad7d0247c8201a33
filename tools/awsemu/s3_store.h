// On-disk storage behind the S3 emulation: buckets, objects and multipart
// uploads under one root directory, with an in-memory index (sorted keys per
// bucket) for listings. Object data lives in files that are written through
// ObjectWriter into a temporary file and renamed into place, so readers see
// either the old or the new object, never half of one. Pure storage: no HTTP
// or XML here.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/crypto.h"
#include "awsemu/emu_error.h"
#include "util/status.h"

namespace awsemu {

using TimePoint = std::chrono::system_clock::time_point;

// One file holding a consecutive piece of an object's bytes. Simple
// uploads have one segment; a completed multipart upload keeps its parts as
// segments, so completing never copies the data.
struct Segment {
  std::string file;  // name inside the bucket's objects directory
  uint64_t size = 0;
};

struct ObjectMeta {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // without quotes: md5 hex, or md5-of-md5s "-N"
  TimePoint last_modified;
  std::string content_type = "binary/octet-stream";
  std::map<std::string, std::string> user_metadata;  // "x-amz-meta-" stripped, lower-case
  // Stored representation headers: content-encoding, content-disposition,
  // cache-control, content-language, expires (lower-case names).
  std::map<std::string, std::string> headers;
  int parts_count = 0;                      // >0 for objects made by multipart upload
  std::map<std::string, std::string> tags;  // object tagging
  // Encryption, storage class and canned ACL (s3_object_rules.h).
  std::string sse, kms_key_id, storage_class, acl;
  std::vector<Segment> segments;  // where the bytes are, in order
};

// Reads an object's bytes across its segments. Holds the files open, so a
// reader keeps seeing the object it opened even if it is replaced or
// deleted meanwhile.
class ObjectReader {
 public:
  ~ObjectReader();
  // Reads up to `size` bytes at `offset` (from one segment); 0 at the end,
  // -1 on an I/O error.
  ssize_t ReadAt(uint64_t offset, char* out, size_t size) const;
  uint64_t size() const { return total_; }

 private:
  friend class S3Store;
  std::vector<int> fds_;
  std::vector<uint64_t> starts_;  // offset of each segment in the object
  std::vector<uint64_t> sizes_;
  uint64_t total_ = 0;
};

struct BucketMeta {
  std::string name;
  std::string region;
  TimePoint created;
  // Bucket configurations by sub-resource ("lifecycle", "policy",
  // "publicAccessBlock", "tagging", "requestPayment"): the document as S3
  // returns it.
  std::map<std::string, std::string> configs;
};

struct PartMeta {
  int number = 0;
  uint64_t size = 0;
  std::string etag;  // md5 hex
  TimePoint last_modified;
};

struct UploadMeta {
  std::string upload_id;
  std::string bucket;
  std::string key;
  TimePoint initiated;
  ObjectMeta proto;  // content type and metadata for the final object
  std::map<int, PartMeta> parts;
};

// Writes one object's bytes into a temporary file, hashing (MD5) as it goes.
class ObjectWriter {
 public:
  ObjectWriter(int fd, std::string path);
  ~ObjectWriter();  // removes the file unless it was committed
  bool Write(const char* data, size_t size);
  // Flushes; returns false on an I/O error.
  bool Finish();
  uint64_t size() const { return size_; }
  std::string md5_hex();  // valid after Finish()
  const std::string& path() const { return path_; }
  void Release() { committed_ = true; }  // the file was moved into place

 private:
  bool Flush();
  int fd_;
  std::string path_;
  std::string buffer_;
  uint64_t size_ = 0;
  ferry::aws::Hasher md5_{ferry::aws::Hasher::Kind::kMd5};
  std::string md5_hex_;
  bool committed_ = false;
};

struct ListResult {
  std::vector<ObjectMeta> objects;
  std::vector<std::string> prefixes;
  bool truncated = false;
  // The last key or common prefix returned (the next page starts after it).
  std::string last;
  bool last_is_prefix = false;
};

class S3Store {
 public:
  explicit S3Store(std::string root);
  ferry::Status Open();
  void Reset();

  EmuError CreateBucket(const std::string& name, const std::string& region);
  EmuError DeleteBucket(const std::string& name);
  EmuError GetBucket(const std::string& name, BucketMeta* out) const;
  // Stores (or with an empty document removes) one configuration of a
  // bucket, in bucket.json so that it survives a restart.
  EmuError SetBucketConfig(const std::string& name, const std::string& kind, const std::string& document);
  std::vector<BucketMeta> ListBuckets() const;

  std::unique_ptr<ObjectWriter> NewWriter();
  // Moves the writer's file into place as bucket/key. `meta` supplies
  // content type, metadata and etag; size and time are filled in.
  EmuError CommitObject(const std::string& bucket, ObjectWriter* writer, ObjectMeta meta, ObjectMeta* stored);
  // Opens an object for reading.
  EmuError OpenObject(const std::string& bucket, const std::string& key, ObjectMeta* meta,
                      std::shared_ptr<ObjectReader>* reader) const;
  EmuError HeadObject(const std::string& bucket, const std::string& key, ObjectMeta* meta) const;
  // Replaces an object's tag set.
  EmuError SetTags(const std::string& bucket, const std::string& key, const std::map<std::string, std::string>& tags);
  // Deleting a missing key succeeds, as in S3.
  EmuError DeleteObject(const std::string& bucket, const std::string& key);
  // Keys after `after` (exclusive) starting with prefix; with a delimiter,
  // keys sharing prefix+...+delimiter roll up into one common prefix. When
  // after_is_prefix, every key under `after` is skipped too.
  EmuError List(const std::string& bucket, const std::string& prefix, const std::string& delimiter,
                const std::string& after, bool after_is_prefix, size_t max, ListResult* out) const;

  EmuError CreateUpload(const std::string& bucket, const ObjectMeta& proto, std::string* upload_id);
  EmuError GetUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                     UploadMeta* out) const;
  EmuError CommitPart(const std::string& bucket, const std::string& key, const std::string& upload_id, int number,
                      ObjectWriter* writer, PartMeta* stored);
  EmuError AbortUpload(const std::string& bucket, const std::string& key, const std::string& upload_id);
  // Checks the listed parts (number, etag) and assembles the object.
  EmuError CompleteUpload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                          const std::vector<std::pair<int, std::string>>& parts, ObjectMeta* stored);
  EmuError ListUploads(const std::string& bucket, std::vector<UploadMeta>* out) const;

 private:
  struct Bucket {
    BucketMeta meta;
    std::map<std::string, ObjectMeta> objects;
    std::map<std::string, UploadMeta> uploads;
  };
  std::string BucketDir(const std::string& bucket) const;
  std::string ObjectBase(const std::string& bucket, const std::string& key) const;
  std::string UploadDir(const std::string& bucket, const std::string& upload_id) const;
  void SaveUpload(const UploadMeta& u) const;
  const Bucket* FindBucket(const std::string& name) const;
  Bucket* FindBucket(const std::string& name);
  // Moves the files (path, size) into place as the object's segments, with
  // mu_ held, and drops the files of the object it replaces.
  EmuError CommitLocked(Bucket* b, const std::vector<std::pair<std::string, uint64_t>>& files, ObjectMeta meta,
                        ObjectMeta* stored);
  void RemoveFiles(const std::string& bucket, const ObjectMeta& meta) const;

  std::string root_;
  mutable std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
  uint64_t tmp_counter_ = 0;
};

// Errors S3 answers with (status, code, message).
EmuError NoSuchBucket();
EmuError NoSuchKey();
EmuError NoSuchUpload();

}  // namespace awsemu
