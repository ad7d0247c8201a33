#include "awsemu/batch_ids.h"

#include <mutex>
#include <random>

namespace awsemu {
namespace {

// Ids only need to be unique, not secret; one seeded engine behind a mutex.
std::string RandomHex(size_t n) {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::lock_guard<std::mutex> lock(mu);
  std::string out(n, '0');
  for (size_t i = 0; i < n; ++i) out[i] = kHex[rng() & 15];
  return out;
}

}  // namespace

std::string BatchArn(const std::string& region, const std::string& kind, const std::string& name) {
  return "arn:aws:batch:" + region + ":" + kAccountId + ":" + kind + "/" + name;
}

std::string NewUuid() {
  std::string h = RandomHex(32);
  h[12] = '4';
  h[16] = "89ab"[(h[16] - '0') & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string NewTaskId() { return RandomHex(32); }

std::string NewInstanceId() { return "i-" + RandomHex(17); }

}  // namespace awsemu
