// TemplateValue: a value from the pipeline file whose string scalars may hold
// {{ }} templates (a scalar, a list or a map of them), e.g. an input that is a
// YAML list of paths, or a directive like `memory: "{{ 2 * task.attempt }} GB"`.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pipeline/template.h"
#include "util/source_loc.h"
#include "util/status.h"
#include "util/value.h"

namespace ferry {

class TemplateValue {
 public:
  enum class Kind { kScalar, kList, kMap };

  TemplateValue() = default;  // a null constant scalar
  static TemplateValue FromTemplate(Template t, SourceLoc loc);
  // A typed YAML scalar (int, float, bool, null) that holds no template.
  static TemplateValue FromConstant(Value v, SourceLoc loc);
  static TemplateValue List(std::vector<TemplateValue> items, SourceLoc loc);
  static TemplateValue Map(std::vector<std::pair<std::string, TemplateValue>> entries, SourceLoc loc);

  Kind kind() const { return kind_; }
  const SourceLoc& loc() const { return loc_; }

  // Scalars: a YAML string -> Template::Evaluate; YAML int/float/bool stay
  // typed (cpus: 2 -> int 2). Lists/maps evaluate element-wise.
  Status Evaluate(const EvalContext& ctx, Value* out) const;
  void CollectReferences(std::vector<Reference>* out) const;

  const Template* scalar_template() const;  // nullptr unless a string scalar
  // The typed constant of a non-string scalar (null Value otherwise).
  const Value& constant() const { return constant_; }
  // True when evaluating needs no context (no {{ }} anywhere inside).
  bool is_constant() const;
  const std::vector<TemplateValue>& items() const { return items_; }
  const std::vector<std::pair<std::string, TemplateValue>>& entries() const { return entries_; }

 private:
  Kind kind_ = Kind::kScalar;
  SourceLoc loc_;
  bool has_template_ = false;
  Template template_;
  Value constant_;
  std::vector<TemplateValue> items_;
  std::vector<std::pair<std::string, TemplateValue>> entries_;
};

}  // namespace ferry
