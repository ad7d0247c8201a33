#include "aws/env.h"

#include <cstdlib>

namespace ferry::aws {

std::optional<std::string> ProcessEnv::Get(const std::string& name) const {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::optional<std::string> MapEnv::Get(const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace ferry::aws
