#include "pipeline/directives.h"

namespace ferry {

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

Status Bad(const TemplateValue& v, const std::string& name, const std::string& task, const std::string& problem) {
  return Status::Invalid(v.loc().ToString() + ": " + name + " in task '" + task + "' " + problem);
}

// Checks `v` against `spec` if it is a constant scalar; a list or a map
// stands in for its shape (a templated item is checked once evaluated).
Status CheckPart(const rules::DirectiveSpec& spec, const TemplateValue& v, const std::string& task) {
  std::string problem;
  Value c;
  if (v.kind() == TemplateValue::Kind::kScalar) {
    if (ConstantScalar(v, &c) && !rules::CheckDirectiveValue(spec, c, &problem))
      return Bad(v, spec.name, task, problem);
    return Status::Ok();
  }
  Value shape = v.kind() == TemplateValue::Kind::kList ? Value::EmptyList() : Value::EmptyMap();
  if (!rules::CheckDirectiveValue(spec, shape, &problem)) return Bad(v, spec.name, task, problem);
  return Status::Ok();
}

}  // namespace

Status CheckDirective(const rules::DirectiveSpec& spec, const TemplateValue& v, const std::string& task) {
  Value c;
  if (v.kind() == TemplateValue::Kind::kScalar && ConstantScalar(v, &c) && c.is_null()) {
    return Bad(v, spec.name, task, "has no value (give one or remove the line)");
  }
  if (v.kind() == TemplateValue::Kind::kList && spec.kind == rules::DirectiveKind::kLabels) {
    for (const auto& item : v.items()) FERRY_RETURN_IF_ERROR(CheckPart(spec, item, task));
    return Status::Ok();
  }
  if (v.kind() == TemplateValue::Kind::kMap && spec.kind == rules::DirectiveKind::kAccelerator) {
    bool has_request = false;
    for (const auto& [k, item] : v.entries()) {
      has_request = has_request || k == "request";
      Value ic;
      std::string problem;
      if (!ConstantScalar(item, &ic)) ic = Value();  // templated: checked once evaluated
      if (item.kind() != TemplateValue::Kind::kScalar) ic = Value::EmptyList();
      if (!rules::CheckAcceleratorSetting(k, ic, &problem)) return Bad(item, spec.name, task, problem);
    }
    // The whole map's own rules (a request count) on its shape.
    if (!has_request) return CheckPart(spec, v, task);
    return Status::Ok();
  }
  if (v.kind() == TemplateValue::Kind::kMap && spec.kind == rules::DirectiveKind::kLabelMap) {
    // Each label where it is written; a templated value is checked once
    // evaluated, its key now.
    for (const auto& [k, item] : v.entries()) {
      Value ic;
      std::string problem;
      if (!ConstantScalar(item, &ic)) ic = Value("x");
      if (item.kind() != TemplateValue::Kind::kScalar) ic = Value::EmptyList();
      if (!rules::CheckResourceLabel(k, ic, &problem)) return Bad(item, spec.name, task, problem);
    }
    // The count, on a map of as many entries.
    ValueMap counted;
    for (const auto& [k, item] : v.entries()) counted.Set(k, Value("x"));
    std::string problem;
    if (!rules::CheckDirectiveValue(spec, Value(std::move(counted)), &problem)) return Bad(v, spec.name, task, problem);
    return Status::Ok();
  }
  return CheckPart(spec, v, task);
}

}  // namespace ferry
