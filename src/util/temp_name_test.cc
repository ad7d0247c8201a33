#include "util/temp_name.h"

#include <limits.h>

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(TempName, HiddenBesideTheTargetAndNamedAfterIt) {
  EXPECT_EQ(TempNameBeside("/a/b/state.json", "12-3"), "/a/b/.state.json.ferry-tmp-12-3");
  EXPECT_EQ(TempNameBeside("state.json", "7"), ".state.json.ferry-tmp-7");
}

TEST(TempName, LongTargetNamesAreCutToFitNameMax) {
  // A 255-byte name plus any suffix once gave ENAMETOOLONG on every write.
  for (size_t len : {200u, 230u, 246u, 255u}) {
    std::string name(len, 'n');
    std::string tmp = TempNameBeside("/d/" + name, "123456-4294967295");
    std::string base = tmp.substr(3);
    EXPECT_LE(base.size(), static_cast<size_t>(NAME_MAX)) << len;
    EXPECT_EQ(base.rfind(".nnnn", 0), 0u) << base;
    EXPECT_NE(base.find(".ferry-tmp-123456-4294967295"), std::string::npos) << base;
  }
  EXPECT_EQ(TempNameBeside("/d/" + std::string(200, 'n'), "1").size(), 3 + 1 + 200 + 12u);
}

}  // namespace
}  // namespace ferry
