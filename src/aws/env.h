// Where the AWS code reads environment variables from: the real process
// environment, or a map in tests, so every provider can be exercised without
// touching the test process's environment.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace ferry::aws {

class Env {
 public:
  virtual ~Env() = default;
  // The value, or nullopt when unset. Set-but-empty counts as unset, as the
  // AWS SDKs treat it.
  virtual std::optional<std::string> Get(const std::string& name) const = 0;
  std::string GetOr(const std::string& name, const std::string& fallback) const {
    auto v = Get(name);
    return v ? *v : fallback;
  }
};

class ProcessEnv : public Env {
 public:
  std::optional<std::string> Get(const std::string& name) const override;
};

class MapEnv : public Env {
 public:
  MapEnv() = default;
  explicit MapEnv(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  void Set(const std::string& k, const std::string& v) { vars_[k] = v; }
  std::optional<std::string> Get(const std::string& name) const override;

 private:
  std::map<std::string, std::string> vars_;
};

}  // namespace ferry::aws
