// Value: the dynamic value shared by pipeline templates, params, YAML and the
// config language (null, bool, int, double, string, list, ordered map).
// Lists and maps are shared immutable storage, so copying a Value that holds a
// 100,000-element list is O(1); writers go through the copy-on-write
// Mutable*() accessors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry {

class Value;
using ValueList = std::vector<Value>;
class ValueMap;  // ordered (insertion order) string -> Value

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kMap };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : kind_(Kind::kBool), i_(b ? 1 : 0) {}
  Value(int i) : kind_(Kind::kInt), i_(i) {}
  Value(int64_t i) : kind_(Kind::kInt), i_(i) {}
  Value(double d) : kind_(Kind::kDouble), d_(d) {}
  Value(const char* s) : kind_(Kind::kString), s_(s) {}
  Value(std::string s) : kind_(Kind::kString), s_(std::move(s)) {}
  Value(std::string_view s) : kind_(Kind::kString), s_(s) {}
  Value(ValueList l);
  Value(ValueMap m);

  static Value EmptyList();
  static Value EmptyMap();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_double() const { return kind_ == Kind::kDouble; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kDouble; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }

  bool as_bool() const { return kind_ == Kind::kBool || kind_ == Kind::kInt ? i_ != 0 : false; }
  int64_t as_int() const {
    return kind_ == Kind::kDouble ? static_cast<int64_t>(d_) : kind_ == Kind::kInt || kind_ == Kind::kBool ? i_ : 0;
  }
  double as_double() const { return kind_ == Kind::kDouble ? d_ : kind_ == Kind::kInt ? static_cast<double>(i_) : 0.0; }
  const std::string& as_string() const { return s_; }
  const ValueList& as_list() const;  // empty list if not a list
  const ValueMap& as_map() const;    // empty map if not a map

  // Copy-on-write access; converts a null Value into an empty list/map.
  ValueList& MutableList();
  ValueMap& MutableMap();

  // Map lookup; nullptr if not a map or key missing.
  const Value* Find(std::string_view key) const;
  // Dotted-path lookup ("aws.batch.cliPath"); nullptr if any part is missing.
  const Value* FindPath(std::string_view dotted) const;

  // Text form for templates and messages: strings as-is, numbers without a
  // trailing ".0" when integral, lists space-separated, maps as JSON-ish.
  std::string ToString() const;
  // JSON text (strings quoted), used by `config show` and tests.
  std::string ToJson() const;
  // "string", "list", ... for error messages.
  static const char* KindName(Kind k);
  const char* kind_name() const { return KindName(kind_); }

  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }

 private:
  // 64 bytes: task graphs hold several Values per task, 100,000s of tasks.
  Kind kind_ = Kind::kNull;
  union {
    int64_t i_ = 0;  // bool and int
    double d_;
  };
  std::string s_;
  std::shared_ptr<void> ptr_;  // the ValueList or ValueMap, by kind_
};

class ValueMap {
 public:
  using Entry = std::pair<std::string, Value>;
  const Value* Find(std::string_view key) const;
  Value* FindMutable(std::string_view key);
  // Inserts or replaces, keeping the first insertion position.
  void Set(std::string key, Value v);
  // Appends a key the caller knows is not there yet (no lookup).
  void Append(std::string key, Value v) { entries_.emplace_back(std::move(key), std::move(v)); }
  void Reserve(size_t n) { entries_.reserve(n); }
  bool Erase(std::string_view key);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  std::vector<std::string> Keys() const;
  bool operator==(const ValueMap& o) const { return entries_ == o.entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace ferry
