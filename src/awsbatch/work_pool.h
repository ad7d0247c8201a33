// WorkPool: a few threads that run queued closures, for the executor's S3
// work (staging tasks, reading results) so that many small requests overlap
// without a thread per task. Stop() drops what has not started and joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ferry {

class WorkPool {
 public:
  explicit WorkPool(int threads);
  ~WorkPool();
  void Post(std::function<void()> fn);
  // Closures not started yet are dropped; running ones finish first.
  void Stop();
  size_t pending() const;

 private:
  void Loop();
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
};

}  // namespace ferry
