#include "pipeline/template.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "pipeline/template_impl.h"
#include "util/text.h"

namespace ferry {

using tmpl::Node;
using tmpl::Part;

namespace {

struct Token {
  enum class Type { kName, kInt, kFloat, kString, kPunct, kEnd, kEof };
  Type type = Type::kEof;
  uint32_t offset = 0;
  std::string text;  // name, string contents, punctuation
  int64_t i = 0;
  double d = 0;
};

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Describe(const Token& t) {
  switch (t.type) {
    case Token::Type::kName: return "name '" + t.text + "'";
    case Token::Type::kInt:
    case Token::Type::kFloat: return "number " + t.text;
    case Token::Type::kString: return "string '" + t.text + "'";
    case Token::Type::kPunct: return "'" + t.text + "'";
    case Token::Type::kEnd: return "'}}'";
    case Token::Type::kEof: return "the end of the text";
  }
  return "?";
}

class Parser {
 public:
  Parser(Template::Impl* impl) : impl_(impl), text_(impl->text) {}

  Status ParseAll() {
    size_t pos = 0;
    const size_t n = text_.size();
    std::string literal;
    uint32_t literal_start = 0;
    while (pos < n) {
      size_t open = text_.find("{{", pos);
      if (open == std::string::npos) break;
      literal.append(text_, pos, open - pos);
      if (!literal.empty()) {
        impl_->parts.push_back(Part{false, std::move(literal), -1, literal_start});
        literal.clear();
      }
      if (text_.find("}}", open + 2) == std::string::npos) {
        return impl_->Error(static_cast<uint32_t>(open), "unclosed '{{' (add '}}' after the expression)");
      }
      tokens_.clear();
      size_t end = 0;
      FERRY_RETURN_IF_ERROR(Lex(open, &end));
      idx_ = 0;
      if (Peek().type == Token::Type::kEnd) {
        return impl_->Error(static_cast<uint32_t>(open), "empty expression '{{ }}' (put a name or value inside)");
      }
      int root = 0;
      FERRY_RETURN_IF_ERROR(ParseExpr(&root));
      FERRY_RETURN_IF_ERROR(depth_error_);
      if (Peek().type != Token::Type::kEnd) {
        return impl_->Error(Peek().offset, "unexpected " + Describe(Peek()) + " after the expression (expected '}}')");
      }
      impl_->parts.push_back(Part{true, "", root, static_cast<uint32_t>(open)});
      pos = end;
      literal_start = static_cast<uint32_t>(pos);
    }
    if (pos < n) literal.append(text_, pos, n - pos);
    if (!literal.empty()) impl_->parts.push_back(Part{false, std::move(literal), -1, literal_start});

    int exprs = 0, expr_index = -1;
    bool blank_literals = true;
    for (size_t i = 0; i < impl_->parts.size(); ++i) {
      const Part& p = impl_->parts[i];
      if (p.is_expr) {
        ++exprs;
        expr_index = static_cast<int>(i);
      } else if (!Trim(p.literal).empty()) {
        blank_literals = false;
      }
    }
    if (exprs == 1 && blank_literals) impl_->whole = expr_index;
    return Status::Ok();
  }

 private:
  // Tokenizes the expression after the '{{' at `open` up to its '}}';
  // *end is the offset after the '}}'.
  Status Lex(size_t open, size_t* end) {
    size_t i = open + 2;
    const size_t n = text_.size();
    for (;;) {
      while (i < n && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r')) ++i;
      Token t;
      t.offset = static_cast<uint32_t>(i);
      if (i >= n) {
        return impl_->Error(static_cast<uint32_t>(open), "unclosed '{{' (add '}}' after the expression)");
      }
      char c = text_[i];
      if (c == '}' && i + 1 < n && text_[i + 1] == '}') {
        t.type = Token::Type::kEnd;
        tokens_.push_back(t);
        *end = i + 2;
        return Status::Ok();
      }
      if (IsNameStart(c)) {
        size_t s = i;
        while (i < n && IsNameChar(text_[i])) ++i;
        t.type = Token::Type::kName;
        t.text = text_.substr(s, i - s);
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        size_t s = i;
        while (i < n && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
        bool is_float = false;
        if (i + 1 < n && text_[i] == '.' && std::isdigit(static_cast<unsigned char>(text_[i + 1]))) {
          is_float = true;
          ++i;
          while (i < n && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
        }
        t.text = text_.substr(s, i - s);
        if (i < n && IsNameChar(text_[i])) {
          return impl_->Error(t.offset, "bad number '" + t.text + text_[i] + "...' (names cannot start with a digit)");
        }
        if (is_float) {
          t.type = Token::Type::kFloat;
          t.d = std::strtod(t.text.c_str(), nullptr);  // no exceptions: huge values become inf
          if (!std::isfinite(t.d)) return impl_->Error(t.offset, "number " + t.text + " is too large");
        } else {
          t.type = Token::Type::kInt;
          errno = 0;
          unsigned long long v = std::strtoull(t.text.c_str(), nullptr, 10);
          if (errno != 0 || v > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {
            return impl_->Error(t.offset, "number " + t.text + " is too large");
          }
          t.i = static_cast<int64_t>(v);
        }
      } else if (c == '\'' || c == '"') {
        char q = c;
        ++i;
        t.type = Token::Type::kString;
        for (;;) {
          if (i >= n) {
            return impl_->Error(t.offset, std::string("unterminated string (add the closing ") + q + ")");
          }
          char d = text_[i];
          if (d == q) {
            ++i;
            break;
          }
          if (d == '\\' && i + 1 < n) {
            char e = text_[i + 1];
            switch (e) {
              case 'n': t.text += '\n'; break;
              case 't': t.text += '\t'; break;
              case '\\':
              case '\'':
              case '"': t.text += e; break;
              default:
                return impl_->Error(static_cast<uint32_t>(i),
                                    std::string("unknown escape '\\") + e + "' in string (use \\\\ for a backslash)");
            }
            i += 2;
            continue;
          }
          t.text += d;
          ++i;
        }
      } else if ((c == '=' || c == '!') && i + 1 < n && text_[i + 1] == '=') {
        t.type = Token::Type::kPunct;
        t.text = std::string(1, c) + "=";
        i += 2;
      } else if (c == '=') {
        return impl_->Error(t.offset, "single '=' in an expression (compare with '==')");
      } else if (std::string_view("+-*/()[],.").find(c) != std::string_view::npos) {
        t.type = Token::Type::kPunct;
        t.text = std::string(1, c);
        ++i;
      } else if (c == '{') {
        return impl_->Error(t.offset,
                            "'{' inside an expression ('{{' cannot be nested; close the previous one with '}}')");
      } else if (c == '}') {
        return impl_->Error(t.offset, "single '}' in an expression (a template ends with '}}')");
      } else {
        std::string shown = c == '|' ? "'|' (there are no filters; call a function instead, e.g. join(x, ','))"
                                     : std::string("'") + c + "'";
        return impl_->Error(t.offset, "unexpected character " + shown + " in expression");
      }
      tokens_.push_back(std::move(t));
    }
  }

  const Token& Peek() const { return tokens_[idx_]; }
  bool IsPunct(const char* p) const { return Peek().type == Token::Type::kPunct && Peek().text == p; }

  // Appends a node. Evaluation recurses along the tree, so its depth is
  // capped (a chain like 1+1+1+... is as deep as it is long).
  int Add(Node n) {
    int depth = 1;
    auto deeper = [&](int child) {
      if (child >= 0) depth = std::max(depth, depths_[static_cast<size_t>(child)] + 1);
    };
    deeper(n.a);
    deeper(n.b);
    for (int arg : n.args) deeper(arg);
    if (depth > kMaxDepth && depth_error_.ok()) {
      depth_error_ = impl_->Error(n.offset, "expression too long or nested too deeply (over " +
                                                std::to_string(kMaxDepth) + " levels); split it up");
    }
    depths_.push_back(depth);
    impl_->nodes.push_back(std::move(n));
    return static_cast<int>(impl_->nodes.size() - 1);
  }

  Status ParseExpr(int* out) {
    if (++depth_ > 200) return impl_->Error(Peek().offset, "expression nested too deeply");
    Status st = ParseBinary(0, out);
    --depth_;
    return st;
  }

  // Binary operators by precedence: level 0 is == and != (one per
  // expression: a == b == c means nothing useful), level 1 + and -, level 2
  // * and /, whose operands are unary expressions; 1 and 2 associate left.
  // In the node, '=' stands for == and '!' for !=.
  Status ParseBinary(int level, int* out) {
    auto operand = [&](int* node) { return level < 2 ? ParseBinary(level + 1, node) : ParseUnary(node); };
    auto at_operator = [&] {
      if (level == 0) return IsPunct("==") || IsPunct("!=");
      return level == 1 ? IsPunct("+") || IsPunct("-") : IsPunct("*") || IsPunct("/");
    };
    FERRY_RETURN_IF_ERROR(operand(out));
    while (at_operator()) {
      if (level == 0 && impl_->nodes[*out].kind == Node::Kind::kBinary &&
          (impl_->nodes[*out].op == '=' || impl_->nodes[*out].op == '!'))
        return impl_->Error(Peek().offset, "comparisons cannot be chained (a == b == c); compare two values");
      Node n;
      n.kind = Node::Kind::kBinary;
      n.op = Peek().text[0];
      n.offset = Peek().offset;
      ++idx_;
      n.a = *out;
      FERRY_RETURN_IF_ERROR(operand(&n.b));
      *out = Add(std::move(n));
    }
    return Status::Ok();
  }

  Status ParseUnary(int* out) {
    if (IsPunct("-")) {
      Node n;
      n.kind = Node::Kind::kNeg;
      n.offset = Peek().offset;
      ++idx_;
      if (++depth_ > 200) return impl_->Error(n.offset, "expression nested too deeply");
      Status st = ParseUnary(&n.a);
      --depth_;
      FERRY_RETURN_IF_ERROR(st);
      *out = Add(std::move(n));
      return Status::Ok();
    }
    return ParsePostfix(out);
  }

  Status ParsePostfix(int* out) {
    FERRY_RETURN_IF_ERROR(ParsePrimary(out));
    for (;;) {
      if (IsPunct(".")) {
        ++idx_;
        if (Peek().type != Token::Type::kName) {
          return impl_->Error(Peek().offset, "expected a name after '.', found " + Describe(Peek()));
        }
        Node n;
        n.kind = Node::Kind::kField;
        n.offset = Peek().offset;
        n.name = Peek().text;
        n.a = *out;
        ++idx_;
        *out = Add(std::move(n));
      } else if (IsPunct("[")) {
        Node n;
        n.kind = Node::Kind::kIndex;
        n.offset = Peek().offset;
        ++idx_;
        n.a = *out;
        FERRY_RETURN_IF_ERROR(ParseExpr(&n.b));
        if (!IsPunct("]")) {
          return impl_->Error(Peek().offset, "expected ']' to close the '[', found " + Describe(Peek()));
        }
        ++idx_;
        *out = Add(std::move(n));
      } else {
        return Status::Ok();
      }
    }
  }

  Status ParsePrimary(int* out) {
    const Token& t = Peek();
    Node n;
    n.offset = t.offset;
    switch (t.type) {
      case Token::Type::kInt:
        n.literal = Value(t.i);
        ++idx_;
        *out = Add(std::move(n));
        return Status::Ok();
      case Token::Type::kFloat:
        n.literal = Value(t.d);
        ++idx_;
        *out = Add(std::move(n));
        return Status::Ok();
      case Token::Type::kString:
        n.literal = Value(t.text);
        ++idx_;
        *out = Add(std::move(n));
        return Status::Ok();
      case Token::Type::kName: {
        std::string name = t.text;
        ++idx_;
        if (!IsPunct("(")) {
          n.kind = Node::Kind::kName;
          n.name = std::move(name);
          *out = Add(std::move(n));
          return Status::Ok();
        }
        const tmpl::FuncInfo* f = tmpl::FindFunction(name);
        if (!f) {
          return impl_->Error(n.offset, "unknown function '" + name + "'" + DidYouMean(name, TemplateFunctionNames()) +
                                            "; functions: " + Join(TemplateFunctionNames(), ", "));
        }
        ++idx_;  // '('
        n.kind = Node::Kind::kCall;
        n.func = f->id;
        n.name = name;
        if (!IsPunct(")")) {
          for (;;) {
            int arg = 0;
            FERRY_RETURN_IF_ERROR(ParseExpr(&arg));
            n.args.push_back(arg);
            if (IsPunct(",")) {
              ++idx_;
              continue;
            }
            if (IsPunct(")")) break;
            return impl_->Error(Peek().offset,
                                "expected ',' or ')' in the call of " + name + "(), found " + Describe(Peek()));
          }
        }
        ++idx_;  // ')'
        int argc = static_cast<int>(n.args.size());
        if (argc < f->min_args || argc > f->max_args) {
          std::string want = f->min_args == f->max_args
                                 ? std::to_string(f->min_args)
                                 : std::to_string(f->min_args) + " or " + std::to_string(f->max_args);
          return impl_->Error(n.offset, name + "() takes " + want + " argument" + (f->max_args == 1 ? "" : "s") +
                                            ", got " + std::to_string(argc) + " (usage: " + f->usage + ")");
        }
        *out = Add(std::move(n));
        return Status::Ok();
      }
      case Token::Type::kPunct:
        if (t.text == "(") {
          ++idx_;
          FERRY_RETURN_IF_ERROR(ParseExpr(out));
          if (!IsPunct(")")) {
            return impl_->Error(Peek().offset, "expected ')' to close the '(', found " + Describe(Peek()));
          }
          ++idx_;
          return Status::Ok();
        }
        break;
      default: break;
    }
    return impl_->Error(t.offset, "unexpected " + Describe(t) + " (expected a name, number, string or '(')");
  }

  static constexpr int kMaxDepth = 400;

  Template::Impl* impl_;
  const std::string& text_;
  std::vector<int> depths_;  // per node, parallel to impl_->nodes
  Status depth_error_;
  std::vector<Token> tokens_;
  size_t idx_ = 0;
  int depth_ = 0;
};

}  // namespace

Template::Template() : impl_(std::make_shared<Impl>()) {}

Status Template::Parse(std::string_view text, const SourceMap& where, Template* out) {
  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  impl->map = where.Bind(text);
  Parser parser(impl.get());
  FERRY_RETURN_IF_ERROR(parser.ParseAll());
  out->impl_ = std::move(impl);
  return Status::Ok();
}

bool Template::is_constant() const {
  for (const auto& p : impl_->parts) {
    if (p.is_expr) return false;
  }
  return true;
}

const std::string& Template::text() const { return impl_->text; }
const SourceMap& Template::source_map() const { return impl_->map; }
SourceLoc Template::loc() const { return impl_->map.Locate(0); }

void Template::CollectReferences(std::vector<Reference>* out) const {
  const auto& nodes = impl_->nodes;
  std::vector<bool> is_field_object(nodes.size(), false);
  for (const auto& n : nodes) {
    if (n.kind == Node::Kind::kField) is_field_object[n.a] = true;
  }
  std::vector<std::pair<uint32_t, Reference>> found;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& top = nodes[i];
    if (is_field_object[i] || (top.kind != Node::Kind::kName && top.kind != Node::Kind::kField)) continue;
    // Walk down the chain of fields to its root.
    std::vector<const Node*> chain;
    const Node* cur = &top;
    while (cur->kind == Node::Kind::kField) {
      chain.push_back(cur);
      cur = &nodes[cur->a];
    }
    if (cur->kind != Node::Kind::kName) continue;
    chain.push_back(cur);
    std::reverse(chain.begin(), chain.end());
    Reference ref;
    for (const Node* c : chain) {
      ref.path.push_back(c->name);
      ref.part_locs.push_back(impl_->map.Locate(c->offset));
    }
    ref.loc = ref.part_locs[0];
    found.emplace_back(cur->offset, std::move(ref));
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& f : found) out->push_back(std::move(f.second));
}

Status Template::Impl::Error(uint32_t offset, const std::string& msg) const {
  return Status::Invalid(map.Locate(offset).ToString() + ": " + msg);
}

std::string Template::Impl::Describe(int id) const {
  std::vector<std::string> names;
  const Node* cur = &nodes[id];
  while (cur->kind == Node::Kind::kField) {
    names.push_back(cur->name);
    cur = &nodes[cur->a];
  }
  if (cur->kind != Node::Kind::kName) {
    if (cur->kind == Node::Kind::kCall && names.empty()) return cur->name + "(...)";
    return "the value";
  }
  names.push_back(cur->name);
  std::reverse(names.begin(), names.end());
  return Join(names, ".");
}

bool Template::Impl::NamesWorkDirPath(int id) const {
  const Node* cur = &nodes[id];
  while (cur->kind == Node::Kind::kField || cur->kind == Node::Kind::kIndex) cur = &nodes[cur->a];
  return cur->kind == Node::Kind::kName && (cur->name == "input" || cur->name == "output");
}

}  // namespace ferry
