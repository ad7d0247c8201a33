#include "slurm/slurm_settings.h"

#include <gtest/gtest.h>

#include "config/config_testing.h"

namespace ferry::slurm {
namespace {

SlurmOptions From(const std::string& text) {
  Config c;
  Status st = config_testing::LoadFrom(text, &c);
  EXPECT_TRUE(st.ok()) << st.message();
  SlurmOptions o;
  st = SlurmOptionsFromConfig(c, &o);
  EXPECT_TRUE(st.ok()) << st.message();
  return o;
}

TEST(SlurmSettings, DefaultsWithoutKeys) {
  SlurmOptions o = From("");
  EXPECT_EQ(o.queue_size, 100);
  EXPECT_EQ(o.poll_interval_ms, 5000);
  EXPECT_EQ(o.submit_per_second, 10);
}

TEST(SlurmSettings, ExecutorKeysAndTheSlurmScopeWins) {
  SlurmOptions o = From(
      "executor.queueSize = 20\nexecutor.pollInterval = '2s'\nexecutor.submitRateLimit = '30/1min'\n"
      "executor.$slurm.queueSize = 7\n");
  EXPECT_EQ(o.queue_size, 7);
  EXPECT_EQ(o.poll_interval_ms, 2000);
  EXPECT_DOUBLE_EQ(o.submit_per_second, 0.5);
}

}  // namespace
}  // namespace ferry::slurm
