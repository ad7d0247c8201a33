#include "store/task_filter.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <vector>

#include "store/task_fields.h"
#include "util/units.h"

namespace ferry {

struct TaskFilter::Node {
  enum class Op { kAnd, kOr, kNot, kEq, kNe, kLt, kLe, kGt, kGe, kMatch } op = Op::kEq;
  std::unique_ptr<Node> left, right;  // kAnd, kOr; kNot uses left
  int field = -1;                     // comparisons
  double number = 0;
  std::string text;
  std::regex pattern;  // kMatch
};

namespace {

using Node = TaskFilter::Node;
using Op = Node::Op;

// Recursive descent over the expression text; each error says where.
class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status Expression(std::unique_ptr<Node>* out) {
    FERRY_RETURN_IF_ERROR(Or(out));
    Skip();
    if (pos_ < s_.size()) return Error("expected && or || or the end of the expression");
    return Status::Ok();
  }

 private:
  Status Error(const std::string& what) const {
    return Status::Invalid("-filter: at column " + std::to_string(pos_ + 1) + ": " + what + " (in: " + std::string(s_) +
                           ")");
  }
  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Take(std::string_view word) {
    Skip();
    if (s_.substr(pos_, word.size()) != word) return false;
    // `and`/`or`/`not` only as whole words.
    if (std::isalpha(static_cast<unsigned char>(word[0])) && pos_ + word.size() < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[pos_ + word.size()])) || s_[pos_ + word.size()] == '_'))
      return false;
    pos_ += word.size();
    return true;
  }

  // a || b || c, and a && b && c: left-associative chains of one operator
  // over the next tighter level.
  Status Chain(Op op, std::string_view symbol, std::string_view word, Status (Parser::*operand)(std::unique_ptr<Node>*),
               std::unique_ptr<Node>* out) {
    FERRY_RETURN_IF_ERROR((this->*operand)(out));
    while (Take(symbol) || Take(word)) {
      auto n = std::make_unique<Node>();
      n->op = op;
      n->left = std::move(*out);
      FERRY_RETURN_IF_ERROR((this->*operand)(&n->right));
      *out = std::move(n);
    }
    return Status::Ok();
  }
  Status Or(std::unique_ptr<Node>* out) { return Chain(Op::kOr, "||", "or", &Parser::And, out); }
  Status And(std::unique_ptr<Node>* out) { return Chain(Op::kAnd, "&&", "and", &Parser::Unary, out); }
  Status Unary(std::unique_ptr<Node>* out) {
    if (++depth_ > 100) return Error("the expression nests too deeply");
    Status st = UnaryBody(out);
    --depth_;
    return st;
  }
  Status UnaryBody(std::unique_ptr<Node>* out) {
    Skip();
    if (s_.substr(pos_, 2) != "!=" && (Take("!") || Take("not"))) {
      auto n = std::make_unique<Node>();
      n->op = Op::kNot;
      FERRY_RETURN_IF_ERROR(Unary(&n->left));
      *out = std::move(n);
      return Status::Ok();
    }
    if (Take("(")) {
      FERRY_RETURN_IF_ERROR(Or(out));
      if (!Take(")")) return Error("expected )");
      return Status::Ok();
    }
    return Comparison(out);
  }

  Status Comparison(std::unique_ptr<Node>* out) {
    Skip();
    const size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' || s_[pos_] == '%'))
      ++pos_;
    std::string name(s_.substr(start, pos_ - start));
    if (name.empty()) {
      pos_ = start;
      return Error("expected a field name (" + FieldList() + ")");
    }
    auto n = std::make_unique<Node>();
    n->field = FindTaskField(name);
    if (n->field < 0) {
      pos_ = start;
      return Error("unknown field '" + name + "'; the fields are " + FieldList());
    }
    static const std::pair<const char*, Op> kOps[] = {{"==", Op::kEq}, {"!=", Op::kNe},    {"<=", Op::kLe},
                                                      {">=", Op::kGe}, {"=~", Op::kMatch}, {"<", Op::kLt},
                                                      {">", Op::kGt}};
    bool have_op = false;
    for (const auto& [spelled, op] : kOps) {
      if (Take(spelled)) {
        n->op = op;
        have_op = true;
        break;
      }
    }
    if (!have_op) return Error("expected a comparison (== != < <= > >= =~) after " + name);
    FERRY_RETURN_IF_ERROR(Literal(name, n.get()));
    *out = std::move(n);
    return Status::Ok();
  }

  // The value a field is compared with, checked against the field's kind.
  Status Literal(const std::string& name, Node* n) {
    Skip();
    const size_t start = pos_;
    const FieldKind kind = TaskFieldKind(n->field);
    if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
      const char quote = s_[pos_++];
      size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) return Error("this string has no closing " + std::string(1, quote));
      n->text = std::string(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
      if (kind != FieldKind::kText) {
        pos_ = start;
        return Error(name + " is " + KindName(kind) + ", compare it with " + Example(kind) + ", not a string");
      }
      if (n->op == Op::kMatch) {
        try {
          n->pattern = std::regex(n->text, std::regex::extended);
        } catch (const std::regex_error&) {
          pos_ = start;
          return Error("'" + n->text + "' is not a valid regular expression");
        }
      }
      return Status::Ok();
    }
    // A number with an optional unit, which may follow after a space ("512 MB").
    auto token_end = [this](size_t from) {
      while (from < s_.size() && !std::isspace(static_cast<unsigned char>(s_[from])) && s_[from] != ')' &&
             s_[from] != '&' && s_[from] != '|')
        ++from;
      return from;
    };
    size_t end = token_end(start);
    size_t unit = end;
    while (unit < s_.size() && std::isspace(static_cast<unsigned char>(s_[unit]))) ++unit;
    size_t unit_end = unit;
    while (unit_end < s_.size() && std::isalpha(static_cast<unsigned char>(s_[unit_end]))) ++unit_end;
    std::string_view unit_word = s_.substr(unit, unit_end - unit);
    const bool has_units = kind == FieldKind::kBytes || kind == FieldKind::kMillis;
    if (has_units && unit > end && !unit_word.empty() && unit_end == token_end(unit) && unit_word != "and" &&
        unit_word != "or" && unit_word != "not")
      end = unit_end;
    std::string word(s_.substr(start, end - start));
    if (word.empty()) return Error("expected a value to compare " + name + " with");
    if (kind == FieldKind::kText)
      return Error(name + " is text: put the value in quotes, e.g. " + name + " == '" + word + "'");
    if (n->op == Op::kMatch) return Error("=~ compares text; " + name + " is " + KindName(kind));
    if (!ParseNumber(kind, word, &n->number))
      return Error("'" + word + "' is not " + Example(kind) + " (" + name + " is " + KindName(kind) + ")");
    pos_ = end;
    return Status::Ok();
  }

  static bool ParseNumber(FieldKind kind, std::string word, double* out) {
    int64_t v = 0;
    switch (kind) {
      case FieldKind::kBytes:
        if (!ParseMemory(word, &v)) return false;
        *out = static_cast<double>(v);
        return true;
      case FieldKind::kMillis:
        if (!ParseDuration(word, &v)) return false;
        *out = static_cast<double>(v);
        return true;
      case FieldKind::kPercent:
        if (!word.empty() && word.back() == '%') word.pop_back();
        [[fallthrough]];
      default: {
        char* end = nullptr;
        errno = 0;
        double d = std::strtod(word.c_str(), &end);
        if (word.empty() || errno != 0 || *end != 0 || !std::isfinite(d)) return false;
        *out = d;
        return true;
      }
    }
  }
  static std::string KindName(FieldKind k) {
    switch (k) {
      case FieldKind::kText: return "text";
      case FieldKind::kCount: return "a number";
      case FieldKind::kBytes: return "a size";
      case FieldKind::kMillis: return "a duration";
      case FieldKind::kTimestamp: return "a time in epoch milliseconds";
      case FieldKind::kPercent: return "a percentage";
    }
    return "a value";
  }
  static std::string Example(FieldKind k) {
    switch (k) {
      case FieldKind::kText: return "a 'quoted string'";
      case FieldKind::kBytes: return "a size like 1GB or 512MB";
      case FieldKind::kMillis: return "a duration like 10s or 2m";
      case FieldKind::kPercent: return "a number like 50 or 50%";
      default: return "a number";
    }
  }
  static std::string FieldList() {
    std::string out;
    for (const std::string& f : TaskFieldNames()) out += (out.empty() ? "" : ", ") + f;
    return out;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
};

bool Evaluate(const Node& n, const TaskRecord& t) {
  switch (n.op) {
    case Op::kAnd: return Evaluate(*n.left, t) && Evaluate(*n.right, t);
    case Op::kOr: return Evaluate(*n.left, t) || Evaluate(*n.right, t);
    case Op::kNot: return !Evaluate(*n.left, t);
    default: break;
  }
  FieldValue v = TaskFieldValue(t, n.field);
  if (v.kind == FieldKind::kText) {
    // An empty text field is the empty string, which can be asked about.
    if (n.op == Op::kMatch) {
      try {
        return std::regex_search(v.text, n.pattern);
      } catch (const std::regex_error&) {
        return false;  // too complex to decide for this value: no match
      }
    }
    int c = v.text.compare(n.text);
    switch (n.op) {
      case Op::kEq: return c == 0;
      case Op::kNe: return c != 0;
      case Op::kLt: return c < 0;
      case Op::kLe: return c <= 0;
      case Op::kGt: return c > 0;
      case Op::kGe: return c >= 0;
      default: return false;
    }
  }
  if (!v.known) return false;
  switch (n.op) {
    case Op::kEq: return v.number == n.number;
    case Op::kNe: return v.number != n.number;
    case Op::kLt: return v.number < n.number;
    case Op::kLe: return v.number <= n.number;
    case Op::kGt: return v.number > n.number;
    case Op::kGe: return v.number >= n.number;
    default: return false;
  }
}

}  // namespace

TaskFilter::TaskFilter(std::unique_ptr<Node> root) : root_(std::move(root)) {}
TaskFilter::~TaskFilter() = default;

Status TaskFilter::Parse(std::string_view expr, std::unique_ptr<TaskFilter>* out) {
  std::unique_ptr<Node> root;
  FERRY_RETURN_IF_ERROR(Parser(expr).Expression(&root));
  out->reset(new TaskFilter(std::move(root)));
  return Status::Ok();
}

bool TaskFilter::Matches(const TaskRecord& t) const { return Evaluate(*root_, t); }

}  // namespace ferry
