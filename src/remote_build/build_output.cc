#include "remote_build/build_output.h"

#include <unistd.h>

namespace ferry::remote_build {

void TerminalOutput::Record(const nlohmann::json& record) {
  std::fprintf(stdout, "%s\n", record.dump().c_str());
  std::fflush(stdout);
}

bool TerminalOutput::terminal() { return ::isatty(STDERR_FILENO); }

bool TerminalOutput::interactive() { return ::isatty(STDIN_FILENO); }

}  // namespace ferry::remote_build
