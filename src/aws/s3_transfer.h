// Moves bytes between files (or stdin/stdout) and S3, fast and in bounded
// memory. Many requests run at once through one window of concurrent
// requests shared by all files; large objects go as parallel multipart
// uploads and parallel ranged GETs written in place with pwrite, so no part
// is buffered (only stdin/stdout need buffers, a few parts' worth).
//
// Every transfer is verified end to end: each PUT/part's ETag must equal the
// MD5 of the bytes we sent, and a download's bytes must hash to the object's
// ETag (plain MD5, or the multipart MD5-of-MD5s when the part layout is
// known); a mismatch is retried and then reported. Under SSE-KMS/SSE-C,
// where S3's ETags are not MD5s, that check is skipped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "aws/etag.h"
#include "aws/s3_client.h"

namespace ferry::aws {

struct TransferOptions {
  int max_concurrent_requests = 16;
  int64_t multipart_threshold = 8LL << 20;
  int64_t part_size = 8LL << 20;   // minimum; grows so no upload needs more than 10,000 parts
  int stream_parts_in_flight = 4;  // buffers used by stdin/stdout transfers
};

// Counters a progress bar reads (all atomics; updated from the transport thread).
struct TransferProgress {
  std::atomic<int64_t> bytes_total{0}, bytes_done{0};
  std::atomic<int64_t> files_total{0}, files_done{0}, files_failed{0};
};

class TransferManager {
 public:
  using Done = std::function<void(Status)>;
  TransferManager(S3Client& s3, TransferOptions options, TransferProgress* progress);
  ~TransferManager();

  // These start a transfer and return; they block only while the request
  // window is full. `done` runs once, on any thread.
  void Upload(const std::string& local_path, int64_t size, const S3Location& to, Done done);
  void Download(const S3Location& from, const S3Object& info, const std::string& local_path, Done done);
  void Copy(const S3Location& from, int64_t size, const S3Location& to, Done done);

  // Blocking stream transfers ("-" on the command line).
  Status UploadStream(int fd, const S3Location& to);
  Status DownloadStream(const S3Location& from, int fd);

  // Waits until every started transfer has called its `done`.
  void Wait();

 private:
  class Window;
  struct Multipart;
  struct RangedDownload;
  void Track(Done* done);
  void UploadMultipart(std::shared_ptr<int> fd, const std::string& local_path, int64_t size, const S3Location& to,
                       Done done);

  S3Client& s3_;
  TransferOptions options_;
  TransferProgress* progress_;
  std::unique_ptr<Window> window_;
  std::mutex mu_;
  std::condition_variable cv_;
  int outstanding_ = 0;
};

}  // namespace ferry::aws
