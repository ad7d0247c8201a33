// The progress line of long transfers on a terminal ("Completed 1.2 GiB/4.0
// GiB (310.5 MiB/s) with 3 file(s) remaining"), redrawn a few times a second
// on stderr by a background thread, erased when the transfer ends.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "aws/s3_transfer.h"

namespace ferry::aws {

// Pure formatting of one progress line.
std::string FormatProgress(int64_t done, int64_t total, double bytes_per_second, int64_t files_left);
std::string FormatBytes(int64_t bytes);  // "1.5 MiB"

class ProgressBar {
 public:
  // Draws only when `enabled` (callers pass isatty(2) && !quiet).
  ProgressBar(const TransferProgress* progress, bool enabled);
  ~ProgressBar();
  // Erase the line before printing something else (takes the output lock).
  void Clear();
  std::mutex& output_mutex() { return out_mu_; }

 private:
  void Loop();
  const TransferProgress* progress_;
  bool enabled_;
  std::mutex out_mu_, mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace ferry::aws
