#include "pipeline/yaml_input.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>

#include "pipeline/yaml_source.h"

namespace ferry {

namespace {

// yaml-cpp gives untagged plain scalars and collections the tag "?" and
// quoted scalars "!"; anything else was written by the user.
bool HasExplicitTag(const YAML::Node& n) { return n.Tag() != "?" && n.Tag() != "!" && !n.Tag().empty(); }

// Visits every node, an aliased one once per path that reaches it, with an
// explicit stack (a deep file must not overflow the C++ stack) and a budget.
// Each entry remembers which top-level key it sits under: that is the place
// a too-large expansion is reported, since the node where the budget runs out
// is an accident of the walk's order.
Status CheckTree(const YAML::Node& root, const YamlSource& src, const std::string& what, int64_t max_nodes) {
  struct Entry {
    YAML::Node node;
    YAML::Mark top;
  };
  std::vector<Entry> stack{{root, root.Mark()}};
  int64_t visited = 0;
  while (!stack.empty()) {
    Entry e = stack.back();
    stack.pop_back();
    const YAML::Node& n = e.node;
    if (++visited > max_nodes) {
      return Status::Invalid(src.Loc(e.top).ToString() + ": the " + what + " expands to more than " +
                             std::to_string(max_nodes) +
                             " YAML nodes (aliases repeating anchors that themselves repeat anchors): write the "
                             "values out, or use fewer levels of aliases");
    }
    if (HasExplicitTag(n)) {
      return Status::Invalid(src.Loc(n).ToString() + ": YAML tag '" + n.Tag() + "' is not supported in a " + what +
                             " (remove the tag; write the value as plain text, quoted if needed)");
    }
    bool at_root = visited == 1;  // the root is the first node visited
    if (n.IsSequence()) {
      for (const auto& item : n) stack.push_back({item, at_root ? item.Mark() : e.top});
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        YAML::Mark top = at_root ? kv.first.Mark() : e.top;
        stack.push_back({kv.first, top});
        stack.push_back({kv.second, top});
      }
    }
  }
  return Status::Ok();
}

// yaml-cpp 0.7's LoadAll never returns on a ',' where a document's value
// should start (",\n" alone): its parser reports a null document without
// consuming the token, again and again, each one kept in memory (yaml-cpp
// issue 1040, fixed upstream after 0.8). This walks the documents first with
// the same parser calls and an event handler that keeps nothing, and stops
// where a document starts at the same place as the one before it.
// It also keeps the flow collections ('[' and '{') open at each point: when
// one is never closed, yaml-cpp reports where it gave up looking (often the
// end of the file), and the place to fix is where it opened.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    stuck_ = started_ && mark.pos == last_.pos;
    started_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value style) override {
    open_.push_back({mark, style == YAML::EmitterStyle::Flow});
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value style) override {
    open_.push_back({mark, style == YAML::EmitterStyle::Flow});
  }
  void OnMapEnd() override { Close(); }

  bool stuck() const { return stuck_; }
  const YAML::Mark& last() const { return last_; }
  // The innermost flow collection still open, if any.
  const YAML::Mark* open_flow() const {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it)
      if (it->flow) return &it->mark;
    return nullptr;
  }

 private:
  struct Open {
    YAML::Mark mark;
    bool flow;
  };
  void Close() {
    if (!open_.empty()) open_.pop_back();
  }
  bool started_ = false;
  bool stuck_ = false;
  YAML::Mark last_;
  std::vector<Open> open_;
};

// Throws YAML::Exception on syntax errors, as LoadAll would, except for a flow
// collection never closed, reported where it opens.
Status CheckParserProgress(std::string_view text, const YamlSource& src) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentStarts starts;
  try {
    while (parser.HandleNextDocument(starts)) {
      if (!starts.stuck()) continue;
      const size_t pos = static_cast<size_t>(starts.last().pos);
      const std::string what = pos < text.size() ? "'" + std::string(1, text[pos]) + "'" : "end of file";
      return Status::Invalid(src.Loc(starts.last()).ToString() + ": YAML syntax error: unexpected " + what +
                             " where a value should start (a ',' separates items only inside [ ] or { }; quote a "
                             "value that begins with one)");
    }
  } catch (const YAML::Exception& e) {
    const bool seq = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
    const YAML::Mark* open = starts.open_flow();
    if (!open || (!seq && e.msg != YAML::ErrorMsg::END_OF_MAP_FLOW)) throw;
    const SourceLoc gave_up = src.Loc(e.mark);
    const std::string close = seq ? "']'" : "'}'";
    return Status::Invalid(src.Loc(*open).ToString() + ": YAML syntax error: this " + (seq ? "'['" : "'{'") +
                           " is never closed: no " + close + " was found up to line " + std::to_string(gave_up.line) +
                           ", column " + std::to_string(gave_up.col) + "; add the " + close +
                           " that ends it, or quote a value that starts with " + (seq ? "'['" : "'{'"));
  }
  return Status::Ok();
}

// The '---' line that starts the document whose root is at `root` (the
// last line beginning with "---" up to it; between that marker and the root
// there are only comments and blank lines), so the error about a second
// document points at the line to remove. The root itself if there is none.
SourceLoc SecondDocumentStart(std::string_view text, const YAML::Mark& root, const YamlSource& src) {
  size_t end = root.pos >= 0 ? std::min(text.size(), static_cast<size_t>(root.pos) + 3) : text.size();
  for (size_t at = end; at >= 3; --at) {
    size_t start = at - 3;
    if (text.compare(start, 3, "---") == 0 && (start == 0 || text[start - 1] == '\n')) return src.LocOfOffset(start);
  }
  return src.Loc(root);
}

}  // namespace

Status ParseUserYaml(std::string_view text, const std::string& file, const std::string& what, YAML::Node* root,
                     int64_t max_nodes) {
  YamlSource src(text, file);
  std::vector<YAML::Node> docs;
  try {
    Status progress = CheckParserProgress(text, src);
    if (!progress.ok()) return progress;
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Status::Invalid(src.Loc(e.mark).ToString() + ": YAML syntax error: " + e.msg +
                           " (check indentation, colons and quotes around this point)");
  }
  if (docs.size() > 1) {
    return Status::Invalid(SecondDocumentStart(text, docs[1].Mark(), src).ToString() +
                           ": a second YAML document (after '---'): a " + what +
                           " is one document; merge the two or remove the '---' line");
  }
  *root = docs.empty() ? YAML::Node() : docs[0];
  return CheckTree(*root, src, what, max_nodes);
}

}  // namespace ferry
