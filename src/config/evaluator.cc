#include "config/evaluator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "config/parser.h"
#include "config/schema.h"
#include "util/int_arith.h"
#include "util/text.h"

namespace ferry::config {

namespace {

// Sets root[names...] = v, turning missing or non-map steps into maps.
void SetPath(Value* root, const std::vector<std::string>& names, Value v) {
  Value* cur = root;
  for (size_t i = 0; i + 1 < names.size(); ++i) {
    ValueMap& m = cur->MutableMap();
    Value* next = m.FindMutable(names[i]);
    if (!next || !next->is_map()) {
      m.Set(names[i], Value::EmptyMap());
      next = m.FindMutable(names[i]);
    }
    cur = next;
  }
  cur->MutableMap().Set(names.back(), std::move(v));
}

void SetPath(ValueMap* root, const std::vector<std::string>& names, Value v) {
  Value wrapper(std::move(*root));
  SetPath(&wrapper, names, std::move(v));
  *root = wrapper.as_map();
}

// Makes sure root[names...] is a map (an empty block still creates its scope).
void EnsureMap(Value* root, const std::vector<std::string>& names) {
  Value* cur = root;
  for (const auto& n : names) {
    ValueMap& m = cur->MutableMap();
    Value* next = m.FindMutable(n);
    if (!next || !next->is_map()) {
      m.Set(n, Value::EmptyMap());
      next = m.FindMutable(n);
    }
    cur = next;
  }
}

const Value* FindNames(const Value& root, const std::vector<std::string>& names) {
  const Value* cur = &root;
  for (const auto& n : names) {
    cur = cur->Find(n);
    if (!cur) return nullptr;
  }
  return cur;
}

std::vector<std::string> Concat(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::string Dirname(const std::string& file) { return std::filesystem::path(file).parent_path().string(); }

std::string Normal(const std::string& p) {
  std::string n = std::filesystem::path(p).lexically_normal().string();
  return n.empty() ? p : n;
}

}  // namespace

Evaluator::Evaluator(Value cli_params, Value variables, ReadFileFn read_file)
    : cli_params_(std::move(cli_params)), variables_(std::move(variables)), read_file_(std::move(read_file)) {}

Status Evaluator::AddFile(const std::string& name, std::string_view text) {
  Context ctx;
  ctx.file = name;
  include_stack_ = {Normal(name)};
  return EvalFile(name, text, ctx);
}

Status Evaluator::EvalFile(const std::string& name, std::string_view text, const Context& ctx) {
  auto parsed = std::make_unique<ParsedFile>();
  FERRY_RETURN_IF_ERROR(ParseConfig(text, name, parsed.get()));
  files_.push_back(std::move(parsed));
  Context inner = ctx;
  inner.file = name;
  return EvalBody(files_.back()->stmts, inner);
}

Status Evaluator::EvalBody(const std::vector<Stmt>& body, const Context& ctx) {
  for (const auto& st : body) FERRY_RETURN_IF_ERROR(EvalStmt(st, ctx));
  return Status::Ok();
}

Status Evaluator::EvalStmt(const Stmt& st, const Context& ctx) {
  switch (st.kind) {
    case Stmt::Kind::kAssign: return Assign(st, ctx);
    case Stmt::Kind::kBlock: return Block(st, ctx);
    case Stmt::Kind::kSelector: return SelectorBlock(st, ctx);
    case Stmt::Kind::kInclude: return Include(st, ctx);
    case Stmt::Kind::kProfiles: {
      if (ctx.in_profile)
        return Status::Invalid(st.loc.ToString() +
                               ": profiles cannot be defined inside a profile (move this "
                               "profiles block to the top level of a config file)");
      if (!ctx.prefix.empty() || ctx.selector >= 0)
        return Status::Invalid(st.loc.ToString() + ": profiles must be defined at the top level, not inside '" +
                               Join(ctx.prefix, ".") + "'");
      for (const auto& p : st.profiles) {
        if (!profiles_.count(p.name)) profile_order_.push_back(p.name);
        profiles_[p.name].push_back(ProfileDef{&p, ctx.file});
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status Evaluator::Assign(const Stmt& st, const Context& ctx) {
  Value v;
  FERRY_RETURN_IF_ERROR(Eval(st.value, ctx, &v));
  const SourceLoc& vloc = st.value.loc;

  if (ctx.selector >= 0) {
    std::vector<std::string> names = Concat(ctx.sel_prefix, st.path);
    std::vector<SourceLoc> locs(ctx.sel_prefix.size(), st.loc);
    locs.insert(locs.end(), st.path_locs.begin(), st.path_locs.end());
    std::vector<std::string> canonical;
    FERRY_RETURN_IF_ERROR(
        CheckDirective(KeyPath{names, locs, ctx.sel_prefix.size()}, &v, vloc, &canonical, &warnings_));
    if (!canonical.empty()) SetPath(&selectors_[ctx.selector].directives, canonical, std::move(v));
    return Status::Ok();
  }

  std::vector<std::string> full = Concat(ctx.prefix, st.path);
  std::vector<SourceLoc> locs = ctx.prefix_locs;
  locs.insert(locs.end(), st.path_locs.begin(), st.path_locs.end());

  if (full.size() == 2 && full[0] == "plugins" && full[1] == "id") {
    if (!v.is_string()) return Status::Invalid(vloc.ToString() + ": plugin id must be a string, e.g. id 'nf-amazon'");
    Value list = settings_.Find("plugins") ? *settings_.Find("plugins") : Value::EmptyList();
    const ValueList& ids = list.as_list();
    if (std::find(ids.begin(), ids.end(), v) == ids.end()) list.MutableList().push_back(v);
    settings_.MutableMap().Set("plugins", std::move(list));
    return Status::Ok();
  }
  if (full[0] == "plugins") {
    warnings_.push_back(locs[std::min(locs.size() - 1, size_t{1})].ToString() + ": '" + Join(full, ".") +
                        "' is ignored: plugins { } only takes id 'name' lines (ferry needs no plugins)");
    return Status::Ok();
  }

  if (full[0] == "process") {
    if (full.size() == 1) {
      if (!v.is_map())
        return Status::Invalid(vloc.ToString() + ": 'process' is a scope; write process { directive = value }");
      for (const auto& [k, item] : v.as_map()) {
        Value iv = item;
        std::vector<std::string> canonical;
        FERRY_RETURN_IF_ERROR(CheckDirective(KeyPath{{k}, {vloc}, 0}, &iv, vloc, &canonical, &warnings_));
        if (!canonical.empty()) SetPath(&settings_, Concat({"process"}, canonical), std::move(iv));
      }
      return Status::Ok();
    }
    std::vector<std::string> rel(full.begin() + 1, full.end());
    std::vector<SourceLoc> rel_locs(locs.begin() + 1, locs.end());
    size_t first_own = ctx.prefix.empty() ? 0 : ctx.prefix.size() - 1;
    std::vector<std::string> canonical;
    FERRY_RETURN_IF_ERROR(CheckDirective(KeyPath{rel, rel_locs, first_own}, &v, vloc, &canonical, &warnings_));
    if (!canonical.empty()) SetPath(&settings_, Concat({"process"}, canonical), std::move(v));
    return Status::Ok();
  }

  // Nextflow reads a top-level `executor = 'name'` as executor.name.
  if (full.size() == 1 && full[0] == "executor" && v.is_string()) {
    full.push_back("name");
    locs.push_back(locs.back());
  }
  FERRY_RETURN_IF_ERROR(CheckConfigKey(KeyPath{full, locs, ctx.prefix.size()}, &v, vloc, &warnings_));
  // Kept for errors about two settings at once (docker.enabled and
  // podman.enabled); a scope assigned as a map sets each of its keys there.
  const std::string dotted = Join(full, ".");
  where_set_[dotted] = locs.back();
  if (v.is_map())
    for (const auto& [k, item] : v.as_map()) where_set_[dotted + "." + k] = vloc;
  SetPath(&settings_, full, std::move(v));
  return Status::Ok();
}

Status Evaluator::Block(const Stmt& st, const Context& ctx) {
  Context inner = ctx;
  if (ctx.selector >= 0) {
    std::vector<std::string> names = Concat(ctx.sel_prefix, st.path);
    std::vector<SourceLoc> locs(ctx.sel_prefix.size(), st.loc);
    locs.insert(locs.end(), st.path_locs.begin(), st.path_locs.end());
    FERRY_RETURN_IF_ERROR(CheckDirectiveScope(KeyPath{names, locs, ctx.sel_prefix.size()}, &warnings_));
    inner.sel_prefix = names;
    return EvalBody(st.body, inner);
  }
  std::vector<std::string> full = Concat(ctx.prefix, st.path);
  std::vector<SourceLoc> locs = ctx.prefix_locs;
  locs.insert(locs.end(), st.path_locs.begin(), st.path_locs.end());
  if (full[0] == "process" && full.size() > 1) {
    std::vector<std::string> rel(full.begin() + 1, full.end());
    std::vector<SourceLoc> rel_locs(locs.begin() + 1, locs.end());
    size_t first_own = ctx.prefix.empty() ? 0 : ctx.prefix.size() - 1;
    FERRY_RETURN_IF_ERROR(CheckDirectiveScope(KeyPath{rel, rel_locs, first_own}, &warnings_));
  } else {
    FERRY_RETURN_IF_ERROR(CheckConfigScope(KeyPath{full, locs, ctx.prefix.size()}, &warnings_));
  }
  if (full[0] != "plugins") EnsureMap(&settings_, full);
  inner.prefix = full;
  inner.prefix_locs = locs;
  return EvalBody(st.body, inner);
}

Status Evaluator::SelectorBlock(const Stmt& st, const Context& ctx) {
  if (ctx.selector >= 0)
    return Status::Invalid(st.loc.ToString() + ": " + st.selector +
                           ": cannot be nested inside another selector "
                           "(write it as its own block directly inside process { })");
  if (ctx.prefix != std::vector<std::string>{"process"})
    return Status::Invalid(st.loc.ToString() + ": " + st.selector + ": selectors belong directly inside process { } " +
                           (ctx.prefix.empty() ? std::string("(wrap this block in process { ... })")
                                               : "(found inside '" + Join(ctx.prefix, ".") + "')"));
  Selector sel;
  sel.kind = st.selector == "withLabel" ? Selector::Kind::kLabel : Selector::Kind::kName;
  sel.loc = st.loc;
  FERRY_RETURN_IF_ERROR(SelectorPattern::Compile(st.pattern, st.loc, &sel.pattern));
  selectors_.push_back(std::move(sel));
  Context inner = ctx;
  inner.selector = static_cast<int>(selectors_.size()) - 1;
  inner.sel_prefix.clear();
  return EvalBody(st.body, inner);
}

Status Evaluator::Include(const Stmt& st, const Context& ctx) {
  Value target;
  FERRY_RETURN_IF_ERROR(Eval(st.value, ctx, &target));
  if (!target.is_string() || target.as_string().empty())
    return Status::Invalid(st.value.loc.ToString() +
                           ": includeConfig needs a file name string, e.g. includeConfig "
                           "'conf/base.config'");
  std::string path = target.as_string();
  if (!std::filesystem::path(path).is_absolute()) {
    std::string dir = Dirname(ctx.file);
    if (!dir.empty()) path = (std::filesystem::path(dir) / path).string();
  }
  path = Normal(path);
  if (std::find(include_stack_.begin(), include_stack_.end(), path) != include_stack_.end()) {
    std::vector<std::string> chain(std::find(include_stack_.begin(), include_stack_.end(), path), include_stack_.end());
    chain.push_back(path);
    return Status::Invalid(st.loc.ToString() + ": includeConfig cycle: " + Join(chain, " -> ") +
                           " (remove one of these includeConfig lines)");
  }
  if (include_stack_.size() > 64)
    return Status::Invalid(st.loc.ToString() + ": includeConfig nested more than 64 files deep");
  std::string text;
  Status rs = read_file_ ? read_file_(path, &text) : Status::NotFound("no file reader was given");
  if (!rs.ok())
    return Status::Invalid(st.value.loc.ToString() + ": cannot include '" + path + "': " + rs.message() +
                           " (the path is relative to the including file)");
  include_stack_.push_back(path);
  Status s = EvalFile(path, text, ctx);
  include_stack_.pop_back();
  return s;
}

Status Evaluator::ApplyProfiles(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    auto it = profiles_.find(name);
    if (it == profiles_.end()) {
      if (profile_order_.empty())
        return Status::Invalid("unknown profile '" + name + "': the config files define no profiles (add profiles { " +
                               name + " { ... } } to ferry.config, or drop -profile)");
      return Status::Invalid("unknown profile '" + name + "'" + DidYouMean(name, profile_order_) +
                             "; defined profiles: " + Join(profile_order_, ", "));
    }
    applied_profiles_.push_back(name);
    for (const auto& def : it->second) {
      Context ctx;
      ctx.file = def.file;
      ctx.in_profile = true;
      include_stack_ = {Normal(def.file)};
      FERRY_RETURN_IF_ERROR(EvalBody(def.profile->body, ctx));
    }
  }
  return Status::Ok();
}

void Evaluator::LintBody(const std::vector<Stmt>& body, std::vector<std::string> prefix, bool in_selector,
                         const std::string& profile) {
  auto note = [&](const Status& s) {
    if (!s.ok()) warnings_.push_back(s.message() + " [in profile '" + profile + "', which is not active]");
  };
  for (const auto& st : body) {
    std::vector<std::string> names = Concat(prefix, st.path);
    bool directive = in_selector || (names.size() > 1 && names[0] == "process");
    std::vector<std::string> rel = names;
    std::vector<SourceLoc> locs(prefix.size(), st.loc);
    locs.insert(locs.end(), st.path_locs.begin(), st.path_locs.end());
    if (!in_selector && directive) {
      rel.erase(rel.begin());
      locs.erase(locs.begin());
    }
    size_t own = in_selector ? prefix.size() : (prefix.empty() ? 0 : prefix.size() - 1);
    std::vector<std::string> scratch, canonical;
    switch (st.kind) {
      case Stmt::Kind::kAssign:
        if (directive) {
          Value none;
          note(CheckDirective(KeyPath{rel, locs, own}, &none, st.value.loc, &canonical, &scratch));
        }
        break;
      case Stmt::Kind::kBlock:
        if (directive) {
          Status s = CheckDirectiveScope(KeyPath{rel, locs, own}, &scratch);
          note(s);
          if (!s.ok()) break;
        }
        LintBody(st.body, names, in_selector, profile);
        break;
      case Stmt::Kind::kSelector:
        if (!in_selector) LintBody(st.body, {}, true, profile);
        break;
      default: break;
    }
  }
}

void Evaluator::LintInactiveProfiles() {
  for (const auto& name : profile_order_) {
    if (std::find(applied_profiles_.begin(), applied_profiles_.end(), name) != applied_profiles_.end()) continue;
    for (const auto& def : profiles_[name]) LintBody(def.profile->body, {}, false, name);
  }
}

void Evaluator::Finish() {
  LintInactiveProfiles();
  const Value* params = settings_.Find("params");
  if (!params || !params->is_map()) return;
  Value merged = *params;
  for (const auto& [k, v] : params->as_map()) {
    if (const Value* cli = cli_params_.Find(k)) merged.MutableMap().Set(k, *cli);
  }
  settings_.MutableMap().Set("params", std::move(merged));
}

Status Evaluator::Resolve(const Expr& e, const Context& ctx, Value* out) {
  const auto& path = e.path;
  std::string dotted = Join(path, ".");
  if (path[0] == "params") {
    std::vector<std::string> rest(path.begin() + 1, path.end());
    if (rest.empty()) {
      Value merged = settings_.Find("params") ? *settings_.Find("params") : Value::EmptyMap();
      for (const auto& [k, v] : cli_params_.as_map()) merged.MutableMap().Set(k, v);
      *out = merged;
      return Status::Ok();
    }
    if (const Value* v = FindNames(cli_params_, rest)) {
      *out = *v;
      return Status::Ok();
    }
    if (const Value* p = settings_.Find("params")) {
      if (const Value* v = FindNames(*p, rest)) {
        *out = *v;
        return Status::Ok();
      }
    }
    return Status::Invalid(e.loc.ToString() + ": " + dotted +
                           " is not set (define it in params { } before this "
                           "line, or pass --" +
                           Join(rest, ".") + " on the command line)");
  }
  if (ctx.selector >= 0) {
    const ValueMap& d = selectors_[ctx.selector].directives;
    Value wrapper(d);
    if (const Value* v = FindNames(wrapper, Concat(ctx.sel_prefix, path))) {
      *out = *v;
      return Status::Ok();
    }
    if (const Value* v = FindNames(wrapper, path)) {
      *out = *v;
      return Status::Ok();
    }
  }
  for (size_t n = ctx.prefix.size() + 1; n-- > 0;) {
    std::vector<std::string> cand(ctx.prefix.begin(), ctx.prefix.begin() + static_cast<long>(n));
    cand.insert(cand.end(), path.begin(), path.end());
    if (const Value* v = FindNames(settings_, cand)) {
      *out = *v;
      return Status::Ok();
    }
  }
  if (const Value* v = FindNames(variables_, path)) {
    *out = *v;
    return Status::Ok();
  }
  if (path[0] == "task")
    return Status::Invalid(e.loc.ToString() + ": '" + dotted +
                           "' only exists per task; write a template in a "
                           "single-quoted string instead, e.g. '--threads {{ " +
                           dotted + " }}'");
  return Status::Invalid(e.loc.ToString() + ": unknown name '" + dotted + "' (quote it if you meant text: '" + dotted +
                         "'; a bare name must be params.x, a setting assigned earlier, or an environment variable)");
}

Status Evaluator::Eval(const Expr& e, const Context& ctx, Value* out) {
  switch (e.kind) {
    case Expr::Kind::kLiteral: *out = e.literal; return Status::Ok();
    case Expr::Kind::kRef: return Resolve(e, ctx, out);
    case Expr::Kind::kInterp: {
      std::string s;
      for (const auto& part : e.items) {
        Value v;
        FERRY_RETURN_IF_ERROR(Eval(part, ctx, &v));
        s += v.ToString();
      }
      *out = Value(std::move(s));
      return Status::Ok();
    }
    case Expr::Kind::kList: {
      ValueList l;
      for (const auto& item : e.items) {
        Value v;
        FERRY_RETURN_IF_ERROR(Eval(item, ctx, &v));
        l.push_back(std::move(v));
      }
      *out = Value(std::move(l));
      return Status::Ok();
    }
    case Expr::Kind::kMap: {
      ValueMap m;
      for (size_t i = 0; i < e.items.size(); ++i) {
        Value v;
        FERRY_RETURN_IF_ERROR(Eval(e.items[i], ctx, &v));
        m.Set(e.keys[i], std::move(v));
      }
      *out = Value(std::move(m));
      return Status::Ok();
    }
    case Expr::Kind::kNeg: {
      Value v;
      FERRY_RETURN_IF_ERROR(Eval(e.items[0], ctx, &v));
      if (!v.is_number()) return Status::Invalid(e.loc.ToString() + ": '-' needs a number, got a " + v.kind_name());
      if (!v.is_int()) {
        *out = Value(-v.as_double());
        return Status::Ok();
      }
      int64_t neg;
      if (!NegateInt(v.as_int(), &neg))
        return Status::Invalid(e.loc.ToString() + ": integer overflow in '-' (the result does not fit in 64 bits)");
      *out = Value(neg);
      return Status::Ok();
    }
    case Expr::Kind::kBinary: {
      Value a, b;
      FERRY_RETURN_IF_ERROR(Eval(e.items[0], ctx, &a));
      FERRY_RETURN_IF_ERROR(Eval(e.items[1], ctx, &b));
      if (e.op == '+' && (a.is_string() || b.is_string())) {
        *out = Value(a.ToString() + b.ToString());
        return Status::Ok();
      }
      if (e.op == '+' && a.is_list() && b.is_list()) {
        ValueList l = a.as_list();
        l.insert(l.end(), b.as_list().begin(), b.as_list().end());
        *out = Value(std::move(l));
        return Status::Ok();
      }
      if (!a.is_number() || !b.is_number())
        return Status::Invalid(e.loc.ToString() + ": '" + std::string(1, e.op) + "' needs numbers, got " +
                               a.kind_name() + " and " + b.kind_name() +
                               " (per-task arithmetic belongs in a '{{ }}' template string)");
      if (a.is_int() && b.is_int()) {
        int64_t c = 0;
        double fraction = 0;
        switch (IntArith(e.op, a.as_int(), b.as_int(), &c, &fraction)) {
          case IntArithResult::kInt: *out = Value(c); return Status::Ok();
          case IntArithResult::kFraction: *out = Value(fraction); return Status::Ok();
          case IntArithResult::kDivisionByZero: return Status::Invalid(e.loc.ToString() + ": division by zero");
          case IntArithResult::kOverflow:
            return Status::Invalid(e.loc.ToString() + ": integer overflow in '" + std::string(1, e.op) +
                                   "' (the result does not fit in 64 bits)");
        }
      }
      switch (e.op) {
        case '+': *out = Value(a.as_double() + b.as_double()); break;
        case '-': *out = Value(a.as_double() - b.as_double()); break;
        case '*': *out = Value(a.as_double() * b.as_double()); break;
        case '/':
          if (b.as_double() == 0) return Status::Invalid(e.loc.ToString() + ": division by zero");
          *out = Value(a.as_double() / b.as_double());
          break;
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace ferry::config
