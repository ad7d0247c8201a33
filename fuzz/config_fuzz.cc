// Fuzzes the ferry.config language end to end (lexer, parser, evaluator,
// schema, profiles, selectors) through Config::LoadText, then `ferry config
// show`'s rendering. Configs come from users, from ~/.ferry/config and
// includeConfig'd files; any text must load or fail with file:line:col, and
// an include of itself (every includeConfig here reads the same input) must
// be refused rather than recurse forever.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ferry::ConfigLoadOptions opts;
  ferry::ValueMap vars;
  vars.Set("HOME", ferry::Value("/home/fuzz"));
  vars.Set("projectDir", ferry::Value("/project"));
  opts.variables = ferry::Value(vars);
  auto read_file = [&text](const std::string&, std::string* out) -> ferry::Status {
    *out = text;
    return ferry::Status::Ok();
  };
  ferry::Config cfg;
  ferry::Status st = ferry::Config::LoadText(text, "fuzz.config", opts, read_file, &cfg);
  if (!st.ok()) {
    ferry::fuzz::Check(!st.message().empty(), "a config error has no message");
    return 0;
  }
  cfg.ProcessDefaults();
  cfg.ProcessOverrides("align", {"big", "gpu"});
  // `ferry config show` prints text that must read back as a config.
  std::string shown = cfg.Show();
  ferry::Config again;
  auto no_files = [](const std::string&, std::string*) { return ferry::Status::NotFound("no includes"); };
  ferry::Status st2 = ferry::Config::LoadText(shown, "shown.config", opts, no_files, &again);
  ferry::fuzz::Check(st2.ok(), "config show printed text that does not load", shown + "\n" + st2.message());
  return 0;
}
