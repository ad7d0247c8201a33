// `ferry aws setup`, `ferry aws check` and `ferry aws teardown`: read the
// options (tables in aws/s3_cli_table.h), open AWS, and run the one flow
// each command is: observe -> plan -> (print | apply) -> user config block.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/env.h"

namespace ferry::awssetup {

struct SetupIo {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  bool terminal = false;  // stderr is a terminal: progress redraws in place
  // Asks the teardown question; null: nobody to ask (not a terminal).
  std::function<bool(const std::string& question)> confirm;
};

// `word` is setup, check or teardown; `args` the words after it. Returns
// the exit code: 0 done / all ok, 1 an AWS-side problem or (check) a piece
// not ok, 2 bad input.
int RunSetupCommand(const std::string& word, const std::vector<std::string>& args, std::shared_ptr<const aws::Env> env,
                    const SetupIo& io);

}  // namespace ferry::awssetup
