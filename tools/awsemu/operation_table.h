// How ferry-awsemu's services find the function that answers an operation:
// a table with one row per operation, {name, handler}. A new operation is a
// handler and a row; nothing else in the service changes.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

namespace awsemu {

template <typename Handler>
using OperationRow = std::pair<const char*, Handler>;

// The handler of `name`, or a null handler when the table has no such row.
template <typename Handler, size_t N>
Handler FindHandler(const OperationRow<Handler> (&table)[N], const std::string& name) {
  for (const auto& [n, handler] : table)
    if (name == n) return handler;
  return nullptr;
}

}  // namespace awsemu
