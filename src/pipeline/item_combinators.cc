#include "pipeline/item_combinators.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "pipeline/path_props.h"
#include "util/text.h"

namespace ferry {

namespace {

bool IsWildcard(char c) { return c == '*' || c == '?' || c == '[' || c == ']'; }

// A field value as a key: strings as they are, anything else as JSON, so
// 1 and "1" (a csv cell) stay apart only when their types do.
std::string KeyText(const Value& v) { return v.is_string() ? v.as_string() : v.ToJson(); }

std::string Shown(const std::string& s) {
  std::string c = s.size() > 60 ? s.substr(0, 57) + "..." : s;
  return "'" + c + "'";
}

std::string FieldsHint(const ValueMap& m) {
  std::vector<std::string> keys = m.Keys();
  if (keys.empty()) return " (it has no fields)";
  return " (its fields: " + Join(keys, ", ") + ")";
}

// Checks that `items` is a list of maps holding `field`; `fn` and `which`
// name the call and the argument in errors.
Status NeedItemsWith(const Value& items, const std::string& field, const std::string& fn, const std::string& which) {
  if (!items.is_list())
    return Status::Invalid(fn + "() needs " + which + " to be a list of items (csv rows, pairs, task items), got a " +
                           items.kind_name());
  const ValueList& l = items.as_list();
  for (size_t i = 0; i < l.size(); ++i) {
    if (!l[i].is_map())
      return Status::Invalid(fn + "() needs items with fields, but item " + std::to_string(i + 1) + " of " + which +
                             " is a " + l[i].kind_name() + " (" + Shown(l[i].ToString()) +
                             "); give csv(...) rows, pairs(...) or TASK.items");
    if (!field.empty() && !l[i].Find(field))
      return Status::Invalid(fn + "(): item " + std::to_string(i + 1) + " of " + which + " has no field '" + field +
                             "'" + DidYouMean(field, l[i].as_map().Keys()) + FieldsHint(l[i].as_map()));
  }
  return Status::Ok();
}

// Key (the item's `field`) -> position in `items`; a key twice is an error
// naming both items. `which`: "first" or "second" (list of join_on).
Status IndexByKey(const ValueList& items, const std::string& field, const char* which,
                  std::unordered_map<std::string, size_t>* out) {
  for (size_t i = 0; i < items.size(); ++i) {
    std::string key = KeyText(*items[i].Find(field));
    auto [it, fresh] = out->emplace(key, i);
    if (!fresh)
      return Status::Invalid("join_on(): " + field + " " + Shown(key) + " is in the " + which + " list twice (items " +
                             std::to_string(it->second + 1) + " and " + std::to_string(i + 1) +
                             "); each key may appear once on each side (group_by first to gather them)");
  }
  return Status::Ok();
}

// `st` (an error) as being about argument `arg` of the call.
Status About(int arg, int* bad_arg, Status st) {
  if (bad_arg) *bad_arg = arg;
  return st;
}

}  // namespace

Status ParsePairPattern(const std::string& pattern, PairPattern* out) {
  const std::string example = " (e.g. pairs('reads/*_{1,2}.fq'))";
  size_t open = pattern.find('{');
  if (open == std::string::npos)
    return Status::Invalid("pairs('" + pattern + "') needs one {A,B} group naming the files of a pair" + example);
  size_t close = pattern.find('}', open);
  if (close == std::string::npos)
    return Status::Invalid("pairs('" + pattern + "'): the '{' has no closing '}'" + example);
  if (pattern.find('{', open + 1) != std::string::npos || pattern.find('}', close + 1) != std::string::npos)
    return Status::Invalid("pairs('" + pattern + "') has more than one {...} group; keep one" + example);
  out->head = pattern.substr(0, open);
  out->tail = pattern.substr(close + 1);
  if (out->tail.find('/') != std::string::npos)
    return Status::Invalid("pairs('" + pattern + "'): the {...} group must be in the file name, not a directory" +
                           example);
  for (char c : out->tail)
    if (IsWildcard(c))
      return Status::Invalid("pairs('" + pattern + "'): the text after the {...} group must be plain (no * ? [ ])" +
                             example);
  std::string name_head = out->head.substr(out->head.rfind('/') == std::string::npos ? 0 : out->head.rfind('/') + 1);
  bool wild = false;
  for (char c : name_head) wild = wild || IsWildcard(c);
  if (!wild)
    return Status::Invalid("pairs('" + pattern +
                           "') needs a wildcard in the file name before the {...} group: it matches the key that "
                           "pairs the files" +
                           example);
  out->alternatives.clear();
  for (std::string alt : Split(pattern.substr(open + 1, close - open - 1), ',')) {
    if (alt.empty())
      return Status::Invalid("pairs('" + pattern + "') has an empty alternative in its {...} group" + example);
    for (char c : alt)
      if (IsWildcard(c))
        return Status::Invalid("pairs('" + pattern + "'): the alternatives in {...} must be plain text" + example);
    out->alternatives.push_back(std::move(alt));
  }
  if (out->alternatives.size() < 2)
    return Status::Invalid("pairs('" + pattern + "') needs at least two alternatives in {...}" + example);
  return Status::Ok();
}

Status MakePairs(const std::string& pattern, const PairPattern& parsed,
                 const std::vector<std::vector<std::string>>& matches, Value* out) {
  // The literal text between the name's last wildcard and the braces ("_"
  // in "*_{1,2}"): it separates the key from the alternative.
  std::string name_head =
      parsed.head.substr(parsed.head.rfind('/') == std::string::npos ? 0 : parsed.head.rfind('/') + 1);
  size_t last_wild = name_head.find_last_of("*?]");
  const std::string sep = name_head.substr(last_wild + 1);
  const size_t n = parsed.alternatives.size();
  struct Pair {
    std::string id;
    std::vector<std::string> files;
  };
  std::map<std::string, Pair> by_key;  // dir + '\0' + id, so the result is sorted
  size_t total = 0;
  for (size_t a = 0; a < n && a < matches.size(); ++a) {
    const std::string cut = sep + parsed.alternatives[a] + parsed.tail;
    for (const std::string& path : matches[a]) {
      std::string name = PathName(path);
      // The glob matched this name with the alternative and the tail at its end.
      if (name.size() < cut.size() || name.compare(name.size() - cut.size(), cut.size(), cut) != 0) continue;
      std::string id = name.substr(0, name.size() - cut.size());
      Pair& p = by_key[PathDir(path) + '\0' + id];
      p.id = id;
      p.files.resize(n);
      p.files[a] = path;
      ++total;
    }
  }
  if (total == 0) return Status::Invalid("pairs('" + pattern + "') matched no files; check the pattern");
  ValueList list;
  list.reserve(by_key.size());
  for (auto& [key, p] : by_key) {
    for (size_t a = 0; a < n; ++a) {
      if (!p.files[a].empty()) continue;
      const std::string& have = *std::find_if(p.files.begin(), p.files.end(), [](auto& f) { return !f.empty(); });
      return Status::Invalid("pairs('" + pattern + "'): " + Shown(p.id) + " has " + have + " but no file for '" +
                             parsed.alternatives[a] + "' (expected " + p.id + sep + parsed.alternatives[a] +
                             parsed.tail + " beside it); add it or remove the lone file");
    }
    ValueList files;
    for (auto& f : p.files) files.emplace_back(std::move(f));
    ValueMap item;
    item.Append("id", Value(p.id));
    item.Append("files", Value(std::move(files)));
    list.emplace_back(std::move(item));
  }
  *out = Value(std::move(list));
  return Status::Ok();
}

Status GroupBy(const Value& items, const std::string& field, Value* out, int* bad_arg) {
  if (Status st = NeedItemsWith(items, field, "group_by", "the list"); !st.ok()) return About(0, bad_arg, st);
  std::vector<ValueMap> groups;
  std::unordered_map<std::string, size_t> index;
  const ValueList& l = items.as_list();
  for (size_t i = 0; i < l.size(); ++i) {
    const ValueMap& m = l[i].as_map();
    const Value& key = *m.Find(field);
    auto [it, fresh] = index.emplace(KeyText(key), groups.size());
    if (fresh) {
      ValueMap g;
      g.Append(field, key);
      for (const auto& [k, v] : m)
        if (k != field) g.Append(k, Value::EmptyList());
      groups.push_back(std::move(g));
    }
    ValueMap& g = groups[it->second];
    if (g.size() != m.size())
      return About(
          0, bad_arg,
          Status::Invalid("group_by(): item " + std::to_string(i + 1) + " has other fields than the items before it" +
                          FieldsHint(m) + "; every item needs the same fields"));
    for (const auto& [k, v] : m) {
      if (k == field) continue;
      Value* list = g.FindMutable(k);
      if (!list)
        return About(0, bad_arg,
                     Status::Invalid("group_by(): item " + std::to_string(i + 1) + " has a field '" + k +
                                     "' the items before it do not have; every item needs the same fields"));
      list->MutableList().push_back(v);
    }
  }
  ValueList result;
  result.reserve(groups.size());
  for (auto& g : groups) result.emplace_back(std::move(g));
  *out = Value(std::move(result));
  return Status::Ok();
}

Status JoinOn(const Value& left, const Value& right, const std::string& field, Value* out, int* bad_arg) {
  if (Status st = NeedItemsWith(left, field, "join_on", "the first list"); !st.ok()) return About(0, bad_arg, st);
  if (Status st = NeedItemsWith(right, field, "join_on", "the second list"); !st.ok()) return About(1, bad_arg, st);
  const ValueList& r = right.as_list();
  const ValueList& l = left.as_list();
  std::unordered_map<std::string, size_t> by_key, left_seen;
  if (Status st = IndexByKey(r, field, "second", &by_key); !st.ok()) return About(1, bad_arg, st);
  if (Status st = IndexByKey(l, field, "first", &left_seen); !st.ok()) return About(0, bad_arg, st);
  std::vector<bool> used(r.size(), false);
  ValueList result;
  result.reserve(l.size());
  for (size_t i = 0; i < l.size(); ++i) {
    std::string key = KeyText(*l[i].Find(field));
    auto it = by_key.find(key);
    if (it == by_key.end())
      return Status::Invalid("join_on(): " + field + " " + Shown(key) +
                             " is in the first list but not in the second; both lists need the same keys");
    used[it->second] = true;
    ValueMap merged = l[i].as_map();
    for (const auto& [k, v] : r[it->second].as_map()) {
      const Value* mine = merged.Find(k);
      if (!mine) {
        merged.Append(k, v);
      } else if (mine->ToJson() != v.ToJson()) {
        return Status::Invalid("join_on(): the items with " + field + " " + Shown(key) + " both have a field '" + k +
                               "', with different values (" + Shown(mine->ToString()) + " and " + Shown(v.ToString()) +
                               "); rename one of the outputs");
      }
    }
    result.emplace_back(std::move(merged));
  }
  for (size_t i = 0; i < r.size(); ++i)
    if (!used[i])
      return Status::Invalid("join_on(): " + field + " " + Shown(KeyText(*r[i].Find(field))) +
                             " is in the second list but not in the first; both lists need the same keys");
  *out = Value(std::move(result));
  return Status::Ok();
}

Status Cross(const Value& items, const std::string& field, const Value& values, Value* out, int* bad_arg) {
  if (Status st = NeedItemsWith(items, "", "cross", "the list"); !st.ok()) return About(0, bad_arg, st);
  ValueList with;
  if (values.is_list()) with = values.as_list();
  else with.push_back(values);
  if (with.empty())
    return About(2, bad_arg, Status::Invalid("cross(): the values to add as '" + field + "' are an empty list"));
  ValueList result;
  const ValueList& l = items.as_list();
  result.reserve(l.size() * with.size());
  for (size_t i = 0; i < l.size(); ++i) {
    if (l[i].Find(field))
      return About(1, bad_arg,
                   Status::Invalid("cross(): item " + std::to_string(i + 1) + " already has a field '" + field +
                                   "'; choose another name for the added value"));
    for (const auto& v : with) {
      ValueMap m = l[i].as_map();
      m.Append(field, v);
      result.emplace_back(std::move(m));
    }
  }
  *out = Value(std::move(result));
  return Status::Ok();
}

}  // namespace ferry
