#include "slurm/command_runner.h"

#include <gtest/gtest.h>

namespace ferry::slurm {
namespace {

TEST(ProcessCommandRunner, FeedsStdinAndSeparatesOutputs) {
  ProcessCommandRunner runner;
  CommandOutput out;
  std::string big(200000, 'x');  // more than a pipe holds: written while read
  ASSERT_TRUE(runner.Run({"sh", "-c", "cat; echo oops >&2; exit 3"}, big, &out).ok());
  EXPECT_EQ(out.exit_code, 3);
  EXPECT_EQ(out.out, big);
  EXPECT_EQ(out.err, "oops\n");
  EXPECT_EQ(runner.commands_run(), 1);
}

TEST(ProcessCommandRunner, MissingProgramIsNotFound) {
  ProcessCommandRunner runner;
  CommandOutput out;
  Status st = runner.Run({"ferry-no-such-sbatch"}, "", &out);
  EXPECT_EQ(st.kind(), Status::Kind::kNotFound);
  EXPECT_NE(st.message().find("ferry-no-such-sbatch not found on PATH"), std::string::npos);
}

TEST(ProcessCommandRunner, AHungCommandIsKilledAtItsTimeout) {
  ProcessCommandRunner runner(200);
  CommandOutput out;
  Status st = runner.Run({"sleep", "30"}, "", &out);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("did not answer"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace ferry::slurm
