#include "util/value.h"

#include <cmath>
#include <cstdio>

namespace ferry {

namespace {
const ValueList& EmptyListRef() {
  static const ValueList* l = new ValueList();
  return *l;
}
const ValueMap& EmptyMapRef() {
  static const ValueMap* m = new ValueMap();
  return *m;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      case '\r': *out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string NumberText(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<int64_t>(d));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  return buf;
}
}  // namespace

Value::Value(ValueList l) : kind_(Kind::kList), ptr_(std::make_shared<ValueList>(std::move(l))) {}
Value::Value(ValueMap m) : kind_(Kind::kMap), ptr_(std::make_shared<ValueMap>(std::move(m))) {}
Value Value::EmptyList() { return Value(ValueList{}); }
Value Value::EmptyMap() { return Value(ValueMap{}); }

const ValueList& Value::as_list() const {
  return ptr_ && kind_ == Kind::kList ? *static_cast<const ValueList*>(ptr_.get()) : EmptyListRef();
}
const ValueMap& Value::as_map() const {
  return ptr_ && kind_ == Kind::kMap ? *static_cast<const ValueMap*>(ptr_.get()) : EmptyMapRef();
}

ValueList& Value::MutableList() {
  if (kind_ != Kind::kList || !ptr_) {
    *this = Value(ValueList{});
  } else if (ptr_.use_count() > 1) {
    ptr_ = std::make_shared<ValueList>(*static_cast<const ValueList*>(ptr_.get()));
  }
  return *static_cast<ValueList*>(ptr_.get());
}

ValueMap& Value::MutableMap() {
  if (kind_ != Kind::kMap || !ptr_) {
    *this = Value(ValueMap{});
  } else if (ptr_.use_count() > 1) {
    ptr_ = std::make_shared<ValueMap>(*static_cast<const ValueMap*>(ptr_.get()));
  }
  return *static_cast<ValueMap*>(ptr_.get());
}

const Value* Value::Find(std::string_view key) const {
  if (kind_ != Kind::kMap || !ptr_) return nullptr;
  return static_cast<const ValueMap*>(ptr_.get())->Find(key);
}

const Value* Value::FindPath(std::string_view dotted) const {
  const Value* cur = this;
  size_t start = 0;
  while (cur) {
    size_t dot = dotted.find('.', start);
    std::string_view part = dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    cur = cur->Find(part);
    if (dot == std::string_view::npos) return cur;
    start = dot + 1;
  }
  return nullptr;
}

std::string Value::ToString() const {
  switch (kind_) {
    case Kind::kNull: return "";
    case Kind::kBool: return i_ ? "true" : "false";
    case Kind::kInt: return std::to_string(i_);
    case Kind::kDouble: return NumberText(d_);
    case Kind::kString: return s_;
    case Kind::kList: {
      std::string out;
      for (const auto& v : as_list()) {
        if (!out.empty()) out += ' ';
        out += v.ToString();
      }
      return out;
    }
    case Kind::kMap: return ToJson();
  }
  return "";
}

std::string Value::ToJson() const {
  switch (kind_) {
    case Kind::kNull: return "null";
    case Kind::kBool: return i_ ? "true" : "false";
    case Kind::kInt: return std::to_string(i_);
    case Kind::kDouble: return NumberText(d_);
    case Kind::kString: {
      std::string out;
      AppendJsonString(&out, s_);
      return out;
    }
    case Kind::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& v : as_list()) {
        if (!first) out += ", ";
        first = false;
        out += v.ToJson();
      }
      return out + "]";
    }
    case Kind::kMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : as_map()) {
        if (!first) out += ", ";
        first = false;
        AppendJsonString(&out, k);
        out += ": " + v.ToJson();
      }
      return out + "}";
    }
  }
  return "null";
}

const char* Value::KindName(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "boolean";
    case Kind::kInt: return "integer";
    case Kind::kDouble: return "number";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kMap: return "map";
  }
  return "?";
}

bool Value::operator==(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (kind_ == Kind::kInt && o.kind_ == Kind::kInt) return i_ == o.i_;
    return as_double() == o.as_double();
  }
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kNull: return true;
    case Kind::kBool: return i_ == o.i_;
    case Kind::kString: return s_ == o.s_;
    case Kind::kList: return as_list() == o.as_list();
    case Kind::kMap: return as_map() == o.as_map();
    default: return false;
  }
}

const Value* ValueMap::Find(std::string_view key) const {
  for (const auto& e : entries_)
    if (e.first == key) return &e.second;
  return nullptr;
}

Value* ValueMap::FindMutable(std::string_view key) {
  for (auto& e : entries_)
    if (e.first == key) return &e.second;
  return nullptr;
}

void ValueMap::Set(std::string key, Value v) {
  if (Value* cur = FindMutable(key)) {
    *cur = std::move(v);
    return;
  }
  entries_.emplace_back(std::move(key), std::move(v));
}

bool ValueMap::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

std::vector<std::string> ValueMap::Keys() const {
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const auto& e : entries_) keys.push_back(e.first);
  return keys;
}

}  // namespace ferry
