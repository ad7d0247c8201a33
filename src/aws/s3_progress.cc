#include "aws/s3_progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace ferry::aws {

std::string FormatBytes(int64_t bytes) {
  static const char* kUnits[] = {"Bytes", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%lld Bytes", static_cast<long long>(bytes));
  else std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

std::string FormatProgress(int64_t done, int64_t total, double bps, int64_t files_left) {
  std::string s = "Completed " + FormatBytes(done) + "/" + FormatBytes(total) + " (" +
                  FormatBytes(static_cast<int64_t>(bps)) + "/s)";
  if (files_left > 0) s += " with " + std::to_string(files_left) + " file(s) remaining";
  return s;
}

ProgressBar::ProgressBar(const TransferProgress* progress, bool enabled) : progress_(progress), enabled_(enabled) {
  if (enabled_) thread_ = std::thread([this] { Loop(); });
}

ProgressBar::~ProgressBar() {
  if (enabled_) {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    Clear();
  }
}

void ProgressBar::Clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> l(out_mu_);
  if (drawn_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

void ProgressBar::Loop() {
  auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> l(mu_);
  while (!cv_.wait_for(l, std::chrono::milliseconds(250), [&] { return stop_; })) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (secs < 1.0) continue;  // short transfers draw nothing
    int64_t done = progress_->bytes_done, total = progress_->bytes_total;
    int64_t left = progress_->files_total - progress_->files_done - progress_->files_failed;
    std::string line = FormatProgress(done, total, done / secs, left);
    std::lock_guard<std::mutex> o(out_mu_);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }
}

}  // namespace ferry::aws
