#include "pipeline/directives.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "util/text.h"
#include "util/units.h"

namespace ferry {

const std::vector<std::string>& KnownDirectives() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      "cpus",     "memory", "time",  "container",     "queue",    "label",  "executor",
      "array",    "accelerator", "retry", "errorStrategy", "maxForks", "publish"};
  return *names;
}

bool IsKnownDirective(const std::string& name) {
  const auto& k = KnownDirectives();
  return std::find(k.begin(), k.end(), name) != k.end();
}

namespace {

// The constant value of a scalar, or false if it is templated.
bool ConstantScalar(const TemplateValue& v, Value* out) {
  if (v.kind() != TemplateValue::Kind::kScalar) return false;
  if (const Template* t = v.scalar_template()) {
    if (!t->is_constant()) return false;
    *out = Value(t->text());
    return true;
  }
  *out = v.constant();
  return true;
}

bool AsInt(const Value& v, int64_t* out) {
  if (v.is_int()) {
    *out = v.as_int();
    return true;
  }
  if (v.is_string()) {
    std::string s(Trim(v.as_string()));
    if (s.empty()) return false;
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return false;
    *out = n;
    return true;
  }
  return false;
}

std::string Shown(const Value& v) { return v.is_string() ? "'" + v.as_string() + "'" : v.ToJson(); }

Status Bad(const TemplateValue& v, const std::string& msg) {
  return Status::Invalid(v.loc().ToString() + ": " + msg);
}

Status CheckString(const std::string& name, const TemplateValue& v, const std::string& task) {
  if (v.kind() != TemplateValue::Kind::kScalar) {
    return Bad(v, name + " in task '" + task + "' must be a single text value, not a " +
                      (v.kind() == TemplateValue::Kind::kList ? "list" : "map"));
  }
  Value c;
  if (ConstantScalar(v, &c) && !c.is_string()) {
    return Bad(v, name + " in task '" + task + "' must be text, got " + Shown(c));
  }
  return Status::Ok();
}

}  // namespace

Status CheckDirective(const std::string& name, const TemplateValue& v, const std::string& task) {
  const std::string where = name + " in task '" + task + "'";
  Value c;
  const bool constant = ConstantScalar(v, &c);
  if (v.kind() == TemplateValue::Kind::kScalar && constant && c.is_null()) {
    return Bad(v, where + " has no value (give one or remove the line)");
  }
  if (name == "cpus" || name == "maxForks" || name == "array" || name == "retry") {
    if (v.kind() != TemplateValue::Kind::kScalar) return Bad(v, where + " must be a whole number");
    if (!constant) return Status::Ok();
    int64_t n = 0;
    int64_t min = name == "retry" ? 0 : 1;
    if (!AsInt(c, &n) || n < min) {
      return Bad(v, where + " must be a " + (min == 0 ? "non-negative" : "positive") + " whole number, got " +
                        Shown(c));
    }
    return Status::Ok();
  }
  if (name == "memory") {
    if (v.kind() != TemplateValue::Kind::kScalar) return Bad(v, where + " must be a size like '2 GB'");
    if (!constant) return Status::Ok();
    int64_t bytes = 0;
    if (!(c.is_int() && c.as_int() > 0) && !(c.is_string() && ParseMemory(c.as_string(), &bytes) && bytes > 0)) {
      return Bad(v, where + " must be a size like '2 GB', '512 MB' or '1.5 GB', got " + Shown(c));
    }
    return Status::Ok();
  }
  if (name == "time") {
    if (v.kind() != TemplateValue::Kind::kScalar) return Bad(v, where + " must be a duration like '1h'");
    if (!constant) return Status::Ok();
    int64_t ms = 0;
    if (!(c.is_int() && c.as_int() > 0) && !(c.is_string() && ParseDuration(c.as_string(), &ms) && ms > 0)) {
      return Bad(v, where + " must be a duration like '1h', '30m' or '1h 30m', got " + Shown(c));
    }
    return Status::Ok();
  }
  if (name == "errorStrategy" || name == "executor") {
    FERRY_RETURN_IF_ERROR(CheckString(name, v, task));
    if (!constant) return Status::Ok();
    static const std::vector<std::string> strategies = {"terminate", "finish", "ignore", "retry"};
    static const std::vector<std::string> executors = {"local", "awsbatch", "slurm"};
    const auto& allowed = name == "errorStrategy" ? strategies : executors;
    const std::string& s = c.as_string();
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      return Bad(v, where + " must be one of " + Join(allowed, ", ") + ", got '" + s + "'" + DidYouMean(s, allowed));
    }
    return Status::Ok();
  }
  if (name == "label") {
    if (v.kind() == TemplateValue::Kind::kMap) return Bad(v, where + " must be a name or a list of names");
    if (v.kind() == TemplateValue::Kind::kList) {
      for (const auto& item : v.items()) FERRY_RETURN_IF_ERROR(CheckString(name, item, task));
      return Status::Ok();
    }
    return CheckString(name, v, task);
  }
  if (name == "accelerator") {
    if (v.kind() == TemplateValue::Kind::kList) return Bad(v, where + " must be a GPU count or a map {request: N, type: ...}");
    if (v.kind() == TemplateValue::Kind::kMap) {
      static const std::vector<std::string> keys = {"request", "limit", "type"};
      for (const auto& [k, item] : v.entries()) {
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
          return Bad(item, "unknown accelerator setting '" + k + "' in task '" + task + "'" + DidYouMean(k, keys) +
                               " (settings: request, limit, type)");
        }
        Value ic;
        int64_t n = 0;
        if (k != "type" && ConstantScalar(item, &ic) && (!AsInt(ic, &n) || n < 1)) {
          return Bad(item, "accelerator " + k + " in task '" + task + "' must be a positive whole number, got " +
                               Shown(ic));
        }
      }
      return Status::Ok();
    }
    int64_t n = 0;
    if (constant && (!AsInt(c, &n) || n < 1)) {
      return Bad(v, where + " must be a positive number of GPUs, got " + Shown(c));
    }
    return Status::Ok();
  }
  // container, queue, publish: one text value.
  return CheckString(name, v, task);
}

}  // namespace ferry
