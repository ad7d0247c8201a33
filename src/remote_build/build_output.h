// BuildOutput: where `ferry build` writes what it has to say, so the driver
// can be run against a fake in tests. TerminalOutput is the real one: lines
// for the user on stdout (stderr when stdout carries --json records), errors
// and warnings on stderr.
#pragma once

#include <cstdio>

#include <nlohmann/json.hpp>

namespace ferry::remote_build {

class BuildOutput {
 public:
  virtual ~BuildOutput() = default;
  // Lines for the user: progress, outcomes, advice, the job's log.
  virtual std::FILE* human() = 0;
  // Errors and warnings.
  virtual std::FILE* errors() = 0;
  // One machine-readable build record (--json).
  virtual void Record(const nlohmann::json& record) = 0;
  // Transfers may draw a progress bar on errors().
  virtual bool terminal() = 0;
  // The user can type at us: Control-C needs pressing twice, Control-Z detaches.
  virtual bool interactive() = 0;
};

class TerminalOutput : public BuildOutput {
 public:
  explicit TerminalOutput(bool json) : json_(json) {}
  std::FILE* human() override { return json_ ? stderr : stdout; }
  std::FILE* errors() override { return stderr; }
  void Record(const nlohmann::json& record) override;
  bool terminal() override;
  bool interactive() override;

 private:
  bool json_;
};

}  // namespace ferry::remote_build
