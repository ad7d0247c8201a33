// Evaluation of parsed templates: the expression interpreter, the template
// functions, and the two renderings (plain value, shell-quoted script).
#include <cmath>

#include "pipeline/delimited.h"
#include "pipeline/item_combinators.h"
#include "pipeline/path_props.h"
#include "pipeline/shell_context.h"
#include "pipeline/template.h"
#include "pipeline/template_impl.h"
#include "util/int_arith.h"
#include "util/text.h"

namespace ferry {

using tmpl::Func;
using tmpl::Node;

namespace tmpl {

const std::vector<FuncInfo>& Functions() {
  static const std::vector<FuncInfo>* f = new std::vector<FuncInfo>{
      {"files", Func::kFiles, 1, 1, "files('data/*.txt')"},
      {"lines", Func::kLines, 1, 1, "lines('samples.txt')"},
      {"csv", Func::kCsv, 1, 1, "csv('samples.csv')"},
      {"tsv", Func::kTsv, 1, 1, "tsv('samples.tsv')"},
      {"range", Func::kRange, 1, 2, "range(n) or range(start, stop)"},
      {"raw", Func::kRaw, 1, 1, "raw(x)"},
      {"len", Func::kLen, 1, 1, "len(list)"},
      {"join", Func::kJoin, 1, 2, "join(list, ',')"},
      {"pairs", Func::kPairs, 1, 1, "pairs('reads/*_{1,2}.fq')"},
      {"group_by", Func::kGroupBy, 2, 2, "group_by(csv('lanes.csv'), 'sample')"},
      {"join_on", Func::kJoinOn, 3, 3, "join_on(quant.items, qc.items, 'id')"},
      {"cross", Func::kCross, 3, 3, "cross(pairs('reads/*_{1,2}.fq'), 'index', index.output.idx)"},
  };
  return *f;
}

const FuncInfo* FindFunction(std::string_view name) {
  for (const auto& f : Functions()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace tmpl

const std::vector<std::string>& TemplateFunctionNames() {
  static const std::vector<std::string>* names = [] {
    auto* v = new std::vector<std::string>();
    for (const auto& f : tmpl::Functions()) v->push_back(f.name);
    return v;
  }();
  return *names;
}

namespace {

constexpr int64_t kMaxRange = 10'000'000;

std::string KeysHint(const ValueMap& m) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : m) {
    if (keys.size() == 12) {
      keys.push_back("...");
      break;
    }
    keys.push_back(k);
  }
  if (keys.empty()) return " (it has no keys)";
  return " (keys: " + Join(keys, ", ") + ")";
}

// "a string", "an integer": kind names read as English in messages.
std::string AKind(const Value& v) {
  std::string k = v.kind_name();
  bool vowel = !k.empty() && std::string_view("aeiou").find(k[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + k;
}

std::string Shown(const Value& v) {
  std::string s = v.kind() == Value::Kind::kString ? "'" + v.as_string() + "'" : v.ToJson();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

}  // namespace

Status Template::Impl::Eval(int id, const EvalContext& ctx, Value* tmp, const Value** out) const {
  const Node& n = nodes[id];
  switch (n.kind) {
    case Node::Kind::kLiteral: *out = &n.literal; return Status::Ok();

    case Node::Kind::kName: {
      const Value* v = ctx.roots.Find(n.name);
      if (v) {
        *out = v;
        return Status::Ok();
      }
      if (n.name == "item") {
        return Error(n.offset, "'item' is only defined in a task with for_each (and not inside for_each itself)");
      }
      return Error(n.offset, "unknown name '" + n.name + "'" + DidYouMean(n.name, ctx.roots.Keys()));
    }

    case Node::Kind::kField: {
      Value obj_tmp;
      const Value* obj = nullptr;
      FERRY_RETURN_IF_ERROR(Eval(n.a, ctx, &obj_tmp, &obj));
      if (obj->is_map()) {
        const Value* f = obj->Find(n.name);
        if (!f) {
          return Error(n.offset, "no key '" + n.name + "' in " + Describe(n.a) +
                                     DidYouMean(n.name, obj->as_map().Keys()) + KeysHint(obj->as_map()));
        }
        if (obj == &obj_tmp) {
          *tmp = *f;
          *out = tmp;
        } else {
          *out = f;
        }
        return Status::Ok();
      }
      if (obj->is_string()) {
        std::string prop;
        if (PathProperty(n.name, obj->as_string(), &prop)) {
          *tmp = Value(std::move(prop));
          *out = tmp;
          return Status::Ok();
        }
        const bool is_item = nodes[n.a].kind == Node::Kind::kName && nodes[n.a].name == "item";
        if (is_item && ctx.item_fields) {
          if (const Value* f = ctx.item_fields->Find(n.name)) {
            *out = f;
            return Status::Ok();
          }
          return Error(n.offset, "'item' (" + Shown(*obj) + ") has no field '" + n.name + "'" +
                                     DidYouMean(n.name, ctx.item_fields->Keys()) +
                                     "; it carries the fields of its upstream item" + KeysHint(*ctx.item_fields) +
                                     " and the path properties name, stem, ext, dir");
        }
        return Error(n.offset, Describe(n.a) + " is a string, which has no property '" + n.name + "'" +
                                   DidYouMean(n.name, PathPropertyNames()) +
                                   " (strings offer the path properties name, stem, ext, dir)");
      }
      if (obj->is_list()) {
        return Error(n.offset, "'." + n.name + "' cannot be used on " + Describe(n.a) + ", a list of " +
                                   std::to_string(obj->as_list().size()) +
                                   " values (pick one element, e.g. [0], or use for_each to get one task per element)");
      }
      return Error(n.offset, "'." + n.name + "' cannot be used on " + Describe(n.a) + ", which is " +
                                 (obj->is_null() ? "empty (null)" : AKind(*obj)));
    }

    case Node::Kind::kIndex: {
      tmpl::Operand obj_op, idx_op;
      FERRY_RETURN_IF_ERROR(EvalOperand(n.a, ctx, &obj_op));
      FERRY_RETURN_IF_ERROR(EvalOperand(n.b, ctx, &idx_op));
      const Value* obj = obj_op.v;
      const Value* idx = idx_op.v;
      const Value* found = nullptr;
      if (obj->is_list()) {
        if (!idx->is_int()) {
          return Error(n.offset, "a list index must be an integer, got " + Shown(*idx));
        }
        const ValueList& l = obj->as_list();
        int64_t i = idx->as_int();
        int64_t size = static_cast<int64_t>(l.size());
        if (i < 0) i += size;
        if (i < 0 || i >= size) {
          return Error(n.offset, "index " + std::to_string(idx->as_int()) + " is out of range for " + Describe(n.a) +
                                     ", a list of " + std::to_string(size) + " values");
        }
        found = &l[static_cast<size_t>(i)];
      } else if (obj->is_map()) {
        if (!idx->is_string()) {
          return Error(n.offset, "a map key must be a string, got " + Shown(*idx));
        }
        found = obj->Find(idx->as_string());
        if (!found) {
          return Error(n.offset, "no key '" + idx->as_string() + "' in " + Describe(n.a) +
                                     DidYouMean(idx->as_string(), obj->as_map().Keys()) + KeysHint(obj->as_map()));
        }
      } else {
        return Error(n.offset, "'[...]' needs a list or a map, but " + Describe(n.a) + " is " + AKind(*obj));
      }
      if (obj == &obj_op.tmp) {
        *tmp = *found;
        *out = tmp;
      } else {
        *out = found;
      }
      return Status::Ok();
    }

    case Node::Kind::kCall:
      FERRY_RETURN_IF_ERROR(EvalCall(n, ctx, tmp));
      *out = tmp;
      return Status::Ok();

    case Node::Kind::kBinary: {
      tmpl::Operand l, r;
      FERRY_RETURN_IF_ERROR(EvalOperand(n.a, ctx, &l));
      FERRY_RETURN_IF_ERROR(EvalOperand(n.b, ctx, &r));
      FERRY_RETURN_IF_ERROR(EvalBinary(n, *l.v, *r.v, tmp));
      *out = tmp;
      return Status::Ok();
    }

    case Node::Kind::kNeg: {
      Value v_tmp;
      const Value* v = nullptr;
      FERRY_RETURN_IF_ERROR(Eval(n.a, ctx, &v_tmp, &v));
      if (v->is_int()) {
        int64_t neg;
        if (!NegateInt(v->as_int(), &neg)) return Error(n.offset, "integer overflow");
        *tmp = Value(neg);
      } else if (v->is_double()) {
        *tmp = Value(-v->as_double());
      } else {
        return Error(n.offset, "unary '-' needs a number, got " + Shown(*v));
      }
      *out = tmp;
      return Status::Ok();
    }
  }
  return Error(n.offset, "internal error: unknown expression node");
}

uint32_t Template::Impl::StartOf(int id) const {
  const Node* n = &nodes[id];
  while ((n->kind == Node::Kind::kField || n->kind == Node::Kind::kIndex || n->kind == Node::Kind::kBinary) &&
         n->a >= 0)
    n = &nodes[n->a];
  return n->offset;
}

Status Template::Impl::EvalBinary(const Node& n, const Value& l, const Value& r, Value* result) const {
  const char op = n.op;
  if (op == '=' || op == '!') {
    // Numbers compare by value (1 == 1.0); anything else by kind and content.
    bool same = l.is_number() && r.is_number() ? l.as_double() == r.as_double()
                                               : l.kind() == r.kind() && l.ToJson() == r.ToJson();
    *result = Value(op == '=' ? same : !same);
    return Status::Ok();
  }
  if (l.is_number() && r.is_number()) {
    if (l.is_int() && r.is_int()) {
      int64_t c = 0;
      double fraction = 0;
      switch (IntArith(op, l.as_int(), r.as_int(), &c, &fraction)) {
        case IntArithResult::kInt: *result = Value(c); return Status::Ok();
        case IntArithResult::kFraction: *result = Value(fraction); return Status::Ok();
        case IntArithResult::kDivisionByZero: return Error(n.offset, "division by zero");
        case IntArithResult::kOverflow: return Error(n.offset, std::string("integer overflow in '") + op + "'");
      }
    }
    double a = l.as_double(), b = r.as_double();
    double c = 0;
    switch (op) {
      case '+': c = a + b; break;
      case '-': c = a - b; break;
      case '*': c = a * b; break;
      case '/':
        if (b == 0) return Error(n.offset, "division by zero");
        c = a / b;
        break;
    }
    *result = Value(c);
    return Status::Ok();
  }
  if (op == '+') {
    bool l_text = l.is_string() || l.is_number();
    bool r_text = r.is_string() || r.is_number();
    if (l_text && r_text) {
      std::string s = l.is_string() ? l.as_string() : l.ToString();
      s += r.is_string() ? r.as_string() : r.ToString();
      *result = Value(std::move(s));
      return Status::Ok();
    }
    if (l.is_list() && r.is_list()) {
      ValueList out;
      out.reserve(l.as_list().size() + r.as_list().size());
      out.insert(out.end(), l.as_list().begin(), l.as_list().end());
      out.insert(out.end(), r.as_list().begin(), r.as_list().end());
      *result = Value(std::move(out));
      return Status::Ok();
    }
    return Error(n.offset,
                 "cannot add " + AKind(l) + " and " + AKind(r) +
                     " (+ joins two strings, a string and a number, adds numbers, or concatenates two lists)");
  }
  return Error(n.offset, std::string("'") + op + "' needs two numbers, got " + AKind(l) + " (" + Shown(l) + ") and " +
                             AKind(r) + " (" + Shown(r) + ")");
}

Status Template::Impl::EvalCall(const Node& n, const EvalContext& ctx, Value* result) const {
  // Arguments are evaluated into owned values; calls are rare compared to
  // name lookups, and lists copy in O(1).
  std::vector<Value> args(n.args.size());
  for (size_t i = 0; i < n.args.size(); ++i) {
    const Value* v = nullptr;
    FERRY_RETURN_IF_ERROR(Eval(n.args[i], ctx, &args[i], &v));
    if (v != &args[i]) args[i] = *v;
  }
  auto need_string = [&](size_t i, const char* what) -> Status {
    if (args[i].is_string()) return Status::Ok();
    return Error(StartOf(n.args[i]),
                 n.name + "() needs " + what + " (a string), got " + AKind(args[i]) + " (" + Shown(args[i]) + ")");
  };
  auto need_host = [&]() -> Status {
    if (ctx.host) return Status::Ok();
    return Error(n.offset, n.name + "() cannot read files here (no file access in this context)");
  };
  auto read = [&](std::string* contents, std::string* abs) -> Status {
    FERRY_RETURN_IF_ERROR(need_string(0, "a file path"));
    FERRY_RETURN_IF_ERROR(need_host());
    *abs = ctx.host->Absolute(args[0].as_string());
    Status st = ctx.host->ReadFile(*abs, contents);
    if (!st.ok()) return Error(n.offset, n.name + "('" + args[0].as_string() + "'): " + st.message());
    return Status::Ok();
  };

  switch (n.func) {
    case Func::kFiles: {
      FERRY_RETURN_IF_ERROR(need_string(0, "a glob pattern"));
      FERRY_RETURN_IF_ERROR(need_host());
      std::vector<std::string> paths;
      const std::string& pattern = args[0].as_string();
      Status st = ctx.host->Glob(pattern, &paths);
      if (!st.ok()) return Error(n.offset, st.message());
      if (paths.empty()) {
        std::string base = ctx.host->base_dir();
        return Error(n.offset, "files('" + pattern + "') matched no files" +
                                   (pattern.empty() || pattern[0] == '/' || base.empty()
                                        ? std::string()
                                        : " (relative patterns are resolved against " + base + ")") +
                                   "; check the pattern or the parameter that holds it");
      }
      ValueList list;
      list.reserve(paths.size());
      for (auto& p : paths) list.emplace_back(std::move(p));
      *result = Value(std::move(list));
      return Status::Ok();
    }
    case Func::kLines: {
      std::string contents, abs;
      FERRY_RETURN_IF_ERROR(read(&contents, &abs));
      ValueList list;
      size_t start = 0;
      while (start <= contents.size()) {
        size_t nl = contents.find('\n', start);
        size_t end = nl == std::string::npos ? contents.size() : nl;
        std::string_view line(contents.data() + start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!Trim(line).empty()) list.emplace_back(line);
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      *result = Value(std::move(list));
      return Status::Ok();
    }
    case Func::kCsv:
    case Func::kTsv: {
      std::string contents, abs;
      FERRY_RETURN_IF_ERROR(read(&contents, &abs));
      Status st = ParseDelimited(contents, n.func == Func::kCsv ? ',' : '\t', abs, result);
      if (!st.ok()) return Error(n.offset, n.name + "('" + args[0].as_string() + "'): " + st.message());
      return Status::Ok();
    }
    case Func::kRange: {
      for (size_t i = 0; i < args.size(); ++i) {
        if (!args[i].is_int()) {
          return Error(StartOf(n.args[i]),
                       "range() needs integers, got " + AKind(args[i]) + " (" + Shown(args[i]) + ")");
        }
      }
      int64_t a = args.size() == 2 ? args[0].as_int() : 0;
      int64_t b = args.size() == 2 ? args[1].as_int() : args[0].as_int();
      ValueList list;
      if (b > a) {
        if (b - a > kMaxRange || b - a < 0) {
          return Error(n.offset, "range() of " + std::to_string(b - a) + " numbers is too large (limit " +
                                     std::to_string(kMaxRange) + ")");
        }
        list.reserve(static_cast<size_t>(b - a));
        for (int64_t i = a; i < b; ++i) list.emplace_back(i);
      }
      *result = Value(std::move(list));
      return Status::Ok();
    }
    case Func::kRaw: *result = std::move(args[0]); return Status::Ok();
    case Func::kLen: {
      const Value& v = args[0];
      if (v.is_list()) *result = Value(static_cast<int64_t>(v.as_list().size()));
      else if (v.is_map()) *result = Value(static_cast<int64_t>(v.as_map().size()));
      else if (v.is_string()) *result = Value(static_cast<int64_t>(v.as_string().size()));
      else return Error(StartOf(n.args[0]), "len() needs a list, map or string, got " + AKind(v));
      return Status::Ok();
    }
    case Func::kJoin: {
      std::string sep = " ";
      if (args.size() == 2) {
        FERRY_RETURN_IF_ERROR(need_string(1, "a separator"));
        sep = args[1].as_string();
      }
      const Value& v = args[0];
      if (!v.is_list()) {
        return Error(StartOf(n.args[0]), "join() needs a list, got " + AKind(v) + " (" + Shown(v) + ")");
      }
      std::string s;
      bool first = true;
      for (const auto& e : v.as_list()) {
        if (!first) s += sep;
        first = false;
        s += e.ToString();
      }
      *result = Value(std::move(s));
      return Status::Ok();
    }
    case Func::kPairs: {
      FERRY_RETURN_IF_ERROR(need_string(0, "a glob pattern with one {A,B} group"));
      FERRY_RETURN_IF_ERROR(need_host());
      const std::string& pattern = args[0].as_string();
      PairPattern parsed;
      Status st = ParsePairPattern(pattern, &parsed);
      std::vector<std::vector<std::string>> matches(parsed.alternatives.size());
      for (size_t a = 0; st.ok() && a < parsed.alternatives.size(); ++a)
        st = ctx.host->Glob(parsed.head + parsed.alternatives[a] + parsed.tail, &matches[a]);
      if (st.ok()) st = MakePairs(pattern, parsed, matches, result);
      if (!st.ok()) return Error(n.offset, st.message());
      return Status::Ok();
    }
    case Func::kGroupBy:
    case Func::kJoinOn:
    case Func::kCross: {
      size_t field_arg = n.func == Func::kJoinOn ? 2 : 1;
      FERRY_RETURN_IF_ERROR(need_string(field_arg, "a field name"));
      const std::string& field = args[field_arg].as_string();
      int bad_arg = -1;
      Status st = n.func == Func::kGroupBy  ? GroupBy(args[0], field, result, &bad_arg)
                  : n.func == Func::kJoinOn ? JoinOn(args[0], args[1], field, result, &bad_arg)
                                            : Cross(args[0], field, args[2], result, &bad_arg);
      if (!st.ok()) {
        bool on_arg = bad_arg >= 0 && static_cast<size_t>(bad_arg) < n.args.size();
        return Error(on_arg ? StartOf(n.args[static_cast<size_t>(bad_arg)]) : n.offset, st.message());
      }
      return Status::Ok();
    }
  }
  return Error(n.offset, "internal error: unknown function");
}

Status Template::Evaluate(const EvalContext& ctx, Value* out) const {
  const Impl& impl = *impl_;
  if (impl.whole >= 0) {
    Value tmp;
    const Value* v = nullptr;
    FERRY_RETURN_IF_ERROR(impl.Eval(impl.parts[impl.whole].root, ctx, &tmp, &v));
    if (v == &tmp) *out = std::move(tmp);
    else *out = *v;
    return Status::Ok();
  }
  if (impl.parts.size() == 1 && !impl.parts[0].is_expr) {
    *out = Value(impl.parts[0].literal);
    return Status::Ok();
  }
  std::string s;
  for (const auto& p : impl.parts) {
    if (!p.is_expr) {
      s += p.literal;
      continue;
    }
    Value tmp;
    const Value* v = nullptr;
    FERRY_RETURN_IF_ERROR(impl.Eval(p.root, ctx, &tmp, &v));
    if (v->is_string()) s += v->as_string();
    else s += v->ToString();
  }
  *out = Value(std::move(s));
  return Status::Ok();
}

Status Template::RenderShell(const EvalContext& ctx, std::string* out) const {
  const Impl& impl = *impl_;
  ShellScanner scanner;
  std::string result;
  std::vector<std::string> words;
  for (const auto& p : impl.parts) {
    if (!p.is_expr) {
      Status st = scanner.Feed(p.literal);
      if (!st.ok()) return impl.Error(p.offset, st.message());
      result += p.literal;
      continue;
    }
    const Node& root = impl.nodes[p.root];
    Value tmp;
    const Value* v = nullptr;
    if (root.kind == Node::Kind::kCall && root.func == Func::kRaw) {
      // raw(x): the user vouches for x as shell code; it still moves the scanner.
      FERRY_RETURN_IF_ERROR(impl.Eval(root.args[0], ctx, &tmp, &v));
      std::string text = v->ToString();
      Status st = scanner.Feed(text);
      if (!st.ok()) return impl.Error(p.offset, st.message());
      result += text;
      continue;
    }
    FERRY_RETURN_IF_ERROR(impl.Eval(p.root, ctx, &tmp, &v));
    words.clear();
    bool is_list = v->is_list();
    if (v->is_map()) {
      return impl.Error(impl.nodes[p.root].offset, impl.Describe(p.root) +
                                                       " is a map and cannot be written into a script; pick one field" +
                                                       KeysHint(v->as_map()));
    }
    if (is_list) {
      for (const auto& e : v->as_list()) {
        if (e.is_map() || e.is_list()) {
          return impl.Error(impl.nodes[p.root].offset,
                            impl.Describe(p.root) + " holds " + AKind(e) +
                                ", which cannot be written into a script; pick one field of each element");
        }
        words.push_back(e.ToString());
      }
    } else {
      words.push_back(v->ToString());
    }
    size_t before = result.size();
    Status st = QuoteForShell(words, is_list,
                              impl.NamesWorkDirPath(p.root) ? ShellValueKind::kWorkDirPath : ShellValueKind::kText,
                              scanner, &result);
    if (st.ok()) st = scanner.NoteInserted(std::string_view(result).substr(before));
    if (!st.ok()) return impl.Error(p.offset, st.message());
  }
  *out = std::move(result);
  return Status::Ok();
}

}  // namespace ferry
