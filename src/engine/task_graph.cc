#include "engine/task_graph.h"

namespace ferry {

namespace {
void Flatten(const Value& v, std::vector<std::string>* out) {
  if (v.is_list()) {
    for (const auto& e : v.as_list()) Flatten(e, out);
  } else if (!v.is_null()) {
    out->push_back(v.ToString());
  }
}
}  // namespace

std::vector<std::string> Task::OutputPaths() const {
  std::vector<std::string> out;
  for (const auto& [name, v] : outputs) Flatten(v, &out);
  return out;
}

const Value* Task::ItemFields() const {
  if (item.is_map()) return &item;
  if (carried.is_map()) return &carried;
  return nullptr;
}

}  // namespace ferry
