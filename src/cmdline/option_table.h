// One table per command of what it accepts (options, their values, its
// subcommands), and the parser driven by it. ferry's commands and the
// aws-CLI forms of `ferry s3` describe themselves here once; --help, shell
// completion and the man page are generated from the same tables
// (help_text.h, completion.h, man_page.h), so none of them can drift from
// what the parser accepts.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace ferry::cmdline {

// What an option's value, or a command's positional words, stand for; shell
// completion offers file names for kFile, directories for kDir, the listed
// words for kChoice, and nothing for kText.
enum class ValueKind { kText, kFile, kDir, kChoice };

enum class Arity { kFlag, kValue, kOptionalValue };

struct Option {
  std::string name;                  // as typed, dashes included: "-resume", "--recursive"
  std::vector<std::string> aliases;  // other spellings: {"-w"}
  Arity arity = Arity::kFlag;
  std::string meta;  // the value's name in help: "FILE"
  std::string help;  // one line
  ValueKind kind = ValueKind::kText;
  std::vector<std::string> choices;  // kChoice: the only values accepted
  // kOptionalValue: whether the next word is this option's value. Words that
  // look like options, and the last word while a required positional is
  // still missing, never are.
  bool (*takes_word)(const std::string& word) = nullptr;

  // Builders, so tables read as one line per option.
  Option& Alias(std::string a) {
    aliases.push_back(std::move(a));
    return *this;
  }
  Option& Kind(ValueKind k) {
    kind = k;
    return *this;
  }
  Option& Choices(std::vector<std::string> c) {
    kind = ValueKind::kChoice;
    choices = std::move(c);
    return *this;
  }
  // Every spelling: name first, then the aliases.
  std::vector<std::string> Spellings() const;
};

Option Flag(std::string name, std::string help);
Option Value(std::string name, std::string meta, std::string help);
Option OptionalValue(std::string name, std::string meta, std::string help,
                     bool (*takes_word)(const std::string&) = nullptr);

struct Command {
  std::string path;                   // words after "ferry": "run", "s3 cp"; "" for ferry itself
  std::vector<std::string> synopsis;  // usage lines after "ferry PATH"; empty: "[options]"
  std::string summary;                // one line, for lists of commands
  std::string details;                // paragraphs for --help and the man page; may be empty
  std::vector<Option> options;
  std::vector<Command> subcommands;             // "s3" -> cp, ls, ...
  ValueKind positional = ValueKind::kText;      // what positional words complete to
  std::vector<std::string> positional_choices;  // kChoice
  size_t required_positionals = 0;              // words optional values leave alone (see Option::takes_word)
  bool strict_values = false;    // a value never looks like an option (ferry run's -c -resume is an error)
  bool pipeline_params = false;  // an unknown --name [value] is a pipeline param (ferry run)
  bool passthrough = false;      // words after "--" belong to someone else (ferry build)
  // Said after the unknown-option error; "{}" stands for the option without
  // its leading dashes.
  std::string unknown_hint;

  const Option* Find(const std::string& spelled) const;
  const Command* Sub(const std::string& name) const;
  std::string Name() const { return path.empty() ? "ferry" : "ferry " + path; }
  // The last word of path ("cp" for "s3 cp").
  std::string Word() const;
};

// A command with its path, usage lines, one-line summary and options; the
// other fields keep their defaults.
Command MakeCommand(std::string path, std::vector<std::string> synopsis, std::string summary,
                    std::vector<Option> options = {});

// -h, -help and --help: every command's help, accepted anywhere.
const std::vector<std::string>& HelpSpellings();

struct Hit {
  const Option* option = nullptr;
  std::string spelled;  // as typed, without "=value"
  std::string value;    // "" for flags and absent optional values
  bool is(const std::string& name) const { return option->name == name; }
};

struct Parsed {
  bool help = false;         // a help spelling was given: nothing else was checked
  std::vector<Hit> options;  // in command-line order
  std::vector<std::string> positional;
  // pipeline_params: --name value; no value for a bare --name (last, or
  // before an option), which only a true/false param accepts.
  std::vector<std::pair<std::string, std::optional<std::string>>> params;
  std::vector<std::string> passthrough;  // after "--"

  bool Has(const std::string& name) const;
  // Every value given for the option, in order (for repeatable options).
  std::vector<std::string> All(const std::string& name) const;
};

// Whether args ask for help: a help spelling anywhere but as an option's
// value, before "--" for passthrough commands.
bool WantsHelp(const Command& cmd, const std::vector<std::string>& args);

// Parses args (the words after the command's path) by cmd's table. A help
// spelling anywhere (before "--" for passthrough commands) wins over every
// other problem: out->help is set and Ok returned. out's hits point into
// cmd, which must outlive it (the commands' tables are static). Errors are kInvalidInput
// and name the option and `ferry PATH --help`.
Status Parse(const Command& cmd, const std::vector<std::string>& args, Parsed* out);

// For commands with subcommands: the first word that is neither an option nor
// an option's value names the subcommand (options may come before it, as
// the aws CLI allows). *sub is null when no such word is given; an unknown
// word is an error that lists the subcommands. *rest gets args without that
// word; *at, if given, its index (args.size() when there is none).
Status FindSubcommand(const Command& cmd, const std::vector<std::string>& args, const Command** sub,
                      std::vector<std::string>* rest, size_t* at = nullptr);

// Finds the command at a path of words ("s3", "cp") under root; null and an
// error naming the unknown word when there is none.
Status FindCommand(const Command& root, const std::vector<std::string>& words, const Command** out);

}  // namespace ferry::cmdline
