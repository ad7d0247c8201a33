#include "pipeline/template_value.h"

namespace ferry {

TemplateValue TemplateValue::FromTemplate(Template t, SourceLoc loc) {
  TemplateValue v;
  v.kind_ = Kind::kScalar;
  v.loc_ = std::move(loc);
  v.has_template_ = true;
  v.template_ = std::move(t);
  return v;
}

TemplateValue TemplateValue::FromConstant(Value c, SourceLoc loc) {
  TemplateValue v;
  v.kind_ = Kind::kScalar;
  v.loc_ = std::move(loc);
  v.constant_ = std::move(c);
  return v;
}

TemplateValue TemplateValue::List(std::vector<TemplateValue> items, SourceLoc loc) {
  TemplateValue v;
  v.kind_ = Kind::kList;
  v.loc_ = std::move(loc);
  v.items_ = std::move(items);
  return v;
}

TemplateValue TemplateValue::Map(std::vector<std::pair<std::string, TemplateValue>> entries, SourceLoc loc) {
  TemplateValue v;
  v.kind_ = Kind::kMap;
  v.loc_ = std::move(loc);
  v.entries_ = std::move(entries);
  return v;
}

Status TemplateValue::Evaluate(const EvalContext& ctx, Value* out) const {
  switch (kind_) {
    case Kind::kScalar:
      if (has_template_) return template_.Evaluate(ctx, out);
      *out = constant_;
      return Status::Ok();
    case Kind::kList: {
      ValueList list;
      list.reserve(items_.size());
      for (const auto& item : items_) {
        Value v;
        FERRY_RETURN_IF_ERROR(item.Evaluate(ctx, &v));
        list.push_back(std::move(v));
      }
      *out = Value(std::move(list));
      return Status::Ok();
    }
    case Kind::kMap: {
      ValueMap map;
      for (const auto& [k, item] : entries_) {
        Value v;
        FERRY_RETURN_IF_ERROR(item.Evaluate(ctx, &v));
        map.Set(k, std::move(v));
      }
      *out = Value(std::move(map));
      return Status::Ok();
    }
  }
  return Status::Ok();
}

void TemplateValue::CollectReferences(std::vector<Reference>* out) const {
  if (has_template_) template_.CollectReferences(out);
  for (const auto& item : items_) item.CollectReferences(out);
  for (const auto& [k, item] : entries_) item.CollectReferences(out);
}

const Template* TemplateValue::scalar_template() const { return has_template_ ? &template_ : nullptr; }

bool TemplateValue::is_constant() const {
  if (has_template_ && !template_.is_constant()) return false;
  for (const auto& item : items_) {
    if (!item.is_constant()) return false;
  }
  for (const auto& [k, item] : entries_) {
    if (!item.is_constant()) return false;
  }
  return true;
}

}  // namespace ferry
