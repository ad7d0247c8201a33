#include "aws/credentials.h"

namespace ferry::aws {

std::string MaskedAccessKey(const std::string& id) {
  if (id.size() <= 4) return std::string(id.size(), '*');
  return std::string(id.size() - 4, '*') + id.substr(id.size() - 4);
}

}  // namespace ferry::aws
