#include "awsemu/batch_params.h"

#include <gtest/gtest.h>

namespace awsemu {
namespace {

TEST(SubstituteParameters, ReplacesKnownReferencesAnywhereInAnArgument) {
  std::map<std::string, std::string> params = {{"input", "a.txt"}, {"input_file", "b.txt"}, {"n", "3"}};
  auto out =
      SubstituteParameters({"tool", "Ref::input", "--file=Ref::input_file", "Ref::n-Ref::n", "Ref::missing"}, params);
  EXPECT_EQ(out, (std::vector<std::string>{"tool", "a.txt", "--file=b.txt", "3-3", "Ref::missing"}));
}

TEST(SubstituteParameters, LeavesCommandsWithoutReferencesAlone) {
  auto out = SubstituteParameters({"sh", "-c", "echo $HOME"}, {{"HOME", "x"}});
  EXPECT_EQ(out, (std::vector<std::string>{"sh", "-c", "echo $HOME"}));
}

}  // namespace
}  // namespace awsemu
