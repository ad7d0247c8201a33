#include "cmdline/option_table.h"

#include <algorithm>

#include "util/text.h"

namespace ferry::cmdline {

namespace {

bool LooksLikeOption(const std::string& w) { return w.size() > 1 && w[0] == '-'; }

bool IsHelp(const std::string& w) {
  const auto& h = HelpSpellings();
  return std::find(h.begin(), h.end(), w) != h.end();
}

std::string SeeHelp(const Command& cmd) { return "see: " + cmd.Name() + " --help"; }

Status Unknown(const Command& cmd, const std::string& spelled) {
  std::vector<std::string> known;
  for (const auto& o : cmd.options)
    for (auto& s : o.Spellings()) known.push_back(s);
  std::string hint = cmd.unknown_hint;
  if (size_t at = hint.find("{}"); at != std::string::npos)
    hint.replace(at, 2, spelled.substr(spelled.find_first_not_of('-')));
  return Status::Invalid("unknown option '" + spelled + "' for " + cmd.Name() + DidYouMean(spelled, known) + " (" +
                         (hint.empty() ? "" : hint + "; ") + SeeHelp(cmd) + ")");
}

}  // namespace

std::vector<std::string> Option::Spellings() const {
  std::vector<std::string> all{name};
  all.insert(all.end(), aliases.begin(), aliases.end());
  return all;
}

Option Flag(std::string name, std::string help) {
  Option o;
  o.name = std::move(name);
  o.help = std::move(help);
  return o;
}

Option Value(std::string name, std::string meta, std::string help) {
  Option o = Flag(std::move(name), std::move(help));
  o.arity = Arity::kValue;
  o.meta = std::move(meta);
  return o;
}

Option OptionalValue(std::string name, std::string meta, std::string help, bool (*takes_word)(const std::string&)) {
  Option o = Value(std::move(name), std::move(meta), std::move(help));
  o.arity = Arity::kOptionalValue;
  o.takes_word = takes_word;
  return o;
}

Command MakeCommand(std::string path, std::vector<std::string> synopsis, std::string summary,
                    std::vector<Option> options) {
  Command c;
  c.path = std::move(path);
  c.synopsis = std::move(synopsis);
  c.summary = std::move(summary);
  c.options = std::move(options);
  return c;
}

const Option* Command::Find(const std::string& spelled) const {
  for (const auto& o : options)
    for (const auto& s : o.Spellings())
      if (s == spelled) return &o;
  return nullptr;
}

const Command* Command::Sub(const std::string& name) const {
  for (const auto& c : subcommands)
    if (c.Word() == name) return &c;
  return nullptr;
}

std::string Command::Word() const {
  size_t sp = path.rfind(' ');
  return sp == std::string::npos ? path : path.substr(sp + 1);
}

const std::vector<std::string>& HelpSpellings() {
  static const std::vector<std::string> kHelp = {"-h", "-help", "--help"};
  return kHelp;
}

bool Parsed::Has(const std::string& name) const {
  return std::any_of(options.begin(), options.end(), [&](const Hit& h) { return h.is(name); });
}

std::vector<std::string> Parsed::All(const std::string& name) const {
  std::vector<std::string> values;
  for (const auto& h : options)
    if (h.is(name)) values.push_back(h.value);
  return values;
}

bool WantsHelp(const Command& cmd, const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (cmd.passthrough && a == "--") return false;
    if (IsHelp(a)) return true;
    // The value of an option is not a request for help (--exclude -h), unless
    // the option could not take it anyway.
    const Option* o = cmd.Find(a);
    if (o && o->arity == Arity::kValue && i + 1 < args.size() && !(cmd.strict_values && LooksLikeOption(args[i + 1])))
      ++i;
  }
  return false;
}

Status Parse(const Command& cmd, const std::vector<std::string>& args, Parsed* out) {
  if (WantsHelp(cmd, args)) {
    out->help = true;
    return Status::Ok();
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (cmd.passthrough && a == "--") {
      out->passthrough.assign(args.begin() + i + 1, args.end());
      break;
    }
    if (!LooksLikeOption(a)) {
      out->positional.push_back(a);
      continue;
    }
    std::string spelled = a;
    std::string inline_value;
    bool has_inline = false;
    if (StartsWith(a, "--")) {
      if (size_t eq = a.find('='); eq != std::string::npos) {
        spelled = a.substr(0, eq);
        inline_value = a.substr(eq + 1);
        has_inline = true;
      }
    }
    const Option* opt = cmd.Find(spelled);
    if (!opt && cmd.pipeline_params && StartsWith(a, "--")) {
      std::string name = spelled.substr(2);
      if (name.empty()) return Status::Invalid("'" + a + "' names no param");
      // A bare --flag (last, or before an option) has no value: whether
      // that means true depends on the param's default, which only the
      // pipeline knows.
      std::optional<std::string> value;
      if (has_inline) value = inline_value;
      else if (i + 1 < args.size() && !LooksLikeOption(args[i + 1])) value = args[++i];
      out->params.emplace_back(name, value);
      continue;
    }
    if (!opt) return Unknown(cmd, spelled);
    Hit hit{opt, spelled, inline_value};
    switch (opt->arity) {
      case Arity::kFlag:
        if (has_inline) return Status::Invalid("option " + spelled + " takes no value (" + SeeHelp(cmd) + ")");
        break;
      case Arity::kValue:
        if (!has_inline) {
          // Options with a fixed set of values take any word, so a wrong one
          // is reported as such rather than as missing.
          bool refused =
              cmd.strict_values && opt->choices.empty() && i + 1 < args.size() && LooksLikeOption(args[i + 1]);
          if (i + 1 >= args.size() || refused)
            return Status::Invalid("option " + spelled + " needs a value (" + SeeHelp(cmd) + ")");
          hit.value = args[++i];
        }
        // `-work-dir ''` or `-profile ''` is a value lost by the shell (an
        // unset variable), not a request: taking it would quietly run with
        // the default instead.
        if (cmd.strict_values && hit.value.empty())
          return Status::Invalid("option " + spelled + " was given an empty value (give " + opt->meta +
                                 ", or leave the option out; " + SeeHelp(cmd) + ")");
        break;
      case Arity::kOptionalValue:
        if (!has_inline && i + 1 < args.size()) {
          const std::string& next = args[i + 1];
          bool needed = out->positional.size() < cmd.required_positionals && i + 2 >= args.size();
          if (next != "-" && !LooksLikeOption(next) && !needed && (!opt->takes_word || opt->takes_word(next)))
            hit.value = args[++i];
        }
        break;
    }
    if (!opt->choices.empty() && opt->arity != Arity::kFlag &&
        std::find(opt->choices.begin(), opt->choices.end(), hit.value) == opt->choices.end())
      return Status::Invalid(spelled + " takes " + Join(opt->choices, " or ") + ", got '" + hit.value + "'");
    out->options.push_back(std::move(hit));
  }
  return Status::Ok();
}

Status FindSubcommand(const Command& cmd, const std::vector<std::string>& args, const Command** sub,
                      std::vector<std::string>* rest, size_t* at) {
  *sub = nullptr;
  if (at) *at = args.size();
  // Which options take a value, over the command and all of its subcommands,
  // so that a value is never mistaken for the subcommand.
  auto takes_value = [&](const std::string& spelled) {
    const Option* o = cmd.Find(spelled);
    for (size_t k = 0; !o && k < cmd.subcommands.size(); ++k) o = cmd.subcommands[k].Find(spelled);
    return o && o->arity == Arity::kValue;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (LooksLikeOption(a)) {
      if (a.find('=') == std::string::npos && takes_value(a)) ++i;
      continue;
    }
    const Command* found = cmd.Sub(a);
    if (!found) {
      std::vector<std::string> names;
      for (const auto& c : cmd.subcommands) names.push_back(c.Word());
      return Status::Invalid("unknown command '" + a + "'" + (cmd.path.empty() ? "" : " for " + cmd.Name()) +
                             DidYouMean(a, names) + "; expected one of " + Join(names, ", ") + " (" + SeeHelp(cmd) +
                             ")");
    }
    *sub = found;
    if (at) *at = i;
    rest->assign(args.begin(), args.begin() + i);
    rest->insert(rest->end(), args.begin() + i + 1, args.end());
    return Status::Ok();
  }
  *rest = args;
  return Status::Ok();
}

Status FindCommand(const Command& root, const std::vector<std::string>& words, const Command** out) {
  const Command* at = &root;
  for (const auto& w : words) {
    const Command* next = at->Sub(w);
    if (!next) {
      std::vector<std::string> names;
      for (const auto& c : at->subcommands) names.push_back(c.Word());
      if (names.empty()) return Status::Invalid(at->Name() + " has no subcommand '" + w + "'");
      return Status::Invalid("unknown command '" + (at->path.empty() ? w : at->path + " " + w) + "'" +
                             DidYouMean(w, names) + "; the commands are " + Join(names, ", "));
    }
    at = next;
  }
  *out = at;
  return Status::Ok();
}

}  // namespace ferry::cmdline
