// Broken config texts: each must fail with Status::Invalid naming the exact
// file:line:col and saying what is wrong (with a hint where one helps).
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/config_testing.h"

namespace ferry {
namespace {

struct Broken {
  const char* name;
  const char* text;
  const char* where;              // expected "file:line:col"
  const char* what;               // expected substring of the message after the location
  const char* profile = nullptr;  // -profile to apply, if any
};

const Broken kBroken[] = {
    {"unclosed_block", "aws {\n  region = 'x'\n  batch {\n    cliPath = '/a/bin/aws'\n  }\n", "ferry.config:1:5",
     "block 'aws' opened here is never closed (add a closing '}')"},
    {"unclosed_selector", "process {\n  withLabel: big {\n    cpus = 2\n}\n", "ferry.config:1:9",
     "block 'process' opened here is never closed"},
    {"stray_closing_brace", "aws.region = 'x'\n}\n", "ferry.config:2:1", "unexpected '}' (no block is open here"},
    {"unterminated_single_quote", "process {\n  queue = 'my-queue\n}\n", "ferry.config:2:11",
     "string opened here is never closed (add the closing ' on the same line)"},
    {"unterminated_double_quote", "workDir = \"s3://b/work\nprocess.cpus = 1\n", "ferry.config:1:11",
     "string opened here is never closed"},
    {"unterminated_triple_quote", "params.text = '''abc\ndef\n", "ferry.config:1:15",
     "string opened here is never closed (add the closing ''')"},
    {"unclosed_comment", "aws.region = 'x'\n  /* note\n process.cpus = 1\n", "ferry.config:2:3",
     "comment opened here with '/*' is never closed"},
    {"unclosed_interpolation", "workDir = \"${params.base/work\"\n", "ferry.config:1:12",
     "'${' opened here is never closed"},
    {"unclosed_list", "aws.batch.volumes = ['/tmp',\n  '/data'\n", "ferry.config:1:21",
     "list opened here with '[' is never closed (add ']')"},
    {"missing_value", "process {\n  queue =\n}\n", "ferry.config:2:9", "missing value after 'queue ='"},
    {"missing_value_in_map", "process.accelerator = [request: , type: 'x']\n", "ferry.config:1:33",
     "missing value for map key 'request'"},
    {"bad_number", "process.cpus = 1.2.3\n", "ferry.config:1:16", "malformed number '1.2.3'"},
    // Whole numbers that leave int64 were undefined behaviour (found by
    // fuzz/config_fuzz.cc): now errors, as in templates (util/int_arith).
    {"int_overflow_mul", "params.x = 4611686018427387904 * 4\n", "ferry.config:1:32", "integer overflow in '*'"},
    {"int_overflow_sub", "params.x = -9223372036854775807 - 2\n", "ferry.config:1:33", "integer overflow in '-'"},
    {"int_overflow_neg", "params.x = -(-9223372036854775807 - 1)\n", "ferry.config:1:12", "integer overflow in '-'"},
    {"int_overflow_div", "params.x = (-9223372036854775807 - 1) / -1\n", "ferry.config:1:39",
     "integer overflow in '/'"},
    {"number_glued_to_letters", "executor.queueSize = 12abc\n", "ferry.config:1:22", "malformed number '12abc'"},
    {"unknown_unit", "process.memory = 2.GX\n", "ferry.config:1:20", "unknown unit 'GX' after 2"},
    {"two_settings_on_a_line", "aws.region = 'a' aws.profile = 'b'\n", "ferry.config:1:18",
     "unexpected 'aws' after a complete setting (put each setting on its own line)"},
    {"unexpected_character", "process.cpus = 4 @ 2\n", "ferry.config:1:18", "unexpected character '@'"},
    {"misspelt_directive", "process {\n  cpu = 2\n}\n", "ferry.config:2:3",
     "unknown process directive 'cpu' (did you mean 'cpus'?)"},
    {"unknown_directive_lists_known_ones", "process.zzz = 1\n", "ferry.config:1:9",
     "unknown process directive 'zzz' (ferry's directives: cpus, memory, time, container, queue"},
    {"misspelt_directive_dotted", "process.memroy = '2 GB'\n", "ferry.config:1:9",
     "unknown process directive 'memroy' (did you mean 'memory'?)"},
    {"misspelt_directive_in_selector", "process {\n  withLabel: big {\n    contianer = 'img'\n  }\n}\n",
     "ferry.config:3:5", "unknown process directive 'contianer' (did you mean 'container'?)"},
    {"misspelt_directive_in_profile", "profiles {\n  aws {\n    process.queu = 'q'\n  }\n}\n", "ferry.config:3:13",
     "unknown process directive 'queu' (did you mean 'queue'?)", "aws"},
    {"misspelt_selector_keyword", "process {\n  withlabel: big { cpus = 2 }\n}\n", "ferry.config:2:3",
     "unknown process selector 'withlabel:' (did you mean 'withLabel'?)"},
    {"bad_memory", "process.memory = '2 XB'\n", "ferry.config:1:18",
     "memory must be a memory size, got string '2 XB' (write e.g. '2 GB'"},
    {"bad_duration", "process.time = '1 fortnight'\n", "ferry.config:1:16", "time must be a duration"},
    {"cpus_not_a_number", "process.cpus = 'four'\n", "ferry.config:1:16",
     "cpus must be a whole number, got string 'four'"},
    {"cpus_zero", "process.cpus = 0\n", "ferry.config:1:16", "cpus must be at least 1"},
    // The rules the pipeline and the engine apply too (rules/directive_rules.h).
    {"max_forks_zero", "process.maxForks = 0\n", "ferry.config:1:20", "maxForks must be at least 1, got 0"},
    {"executor_that_does_not_exist", "process.executor = 'kubernetes'\n", "ferry.config:1:20",
     "executor must be one of local, awsbatch, slurm, got 'kubernetes'"},
    {"executor_name_that_does_not_exist", "executor = 'kubernetes'\n", "ferry.config:1:12",
     "executor.name must be one of local, awsbatch, slurm, got 'kubernetes'"},
    {"memory_zero", "process.memory = 0\n", "ferry.config:1:18", "memory must be a size like '2 GB'"},
    {"accelerator_without_request", "process.accelerator = [type: 't4']\n", "ferry.config:1:23",
     "accelerator map needs a 'request' count"},
    {"resource_label_with_aws_prefix",
     "process {\n  withLabel: big { resourceLabels = [team: 'g', 'aws:x': 'y'] }\n}\n", "ferry.config:2:37",
     "resourceLabels has a key 'aws:x' starting with 'aws:'"},
    {"resource_labels_not_a_map", "process.resourceLabels = 'team'\n", "ferry.config:1:26",
     "resourceLabels must be a map of names to values"},
    {"bad_error_strategy", "process.errorStrategy = 'ignor'\n", "ferry.config:1:25",
     "errorStrategy must be one of terminate, finish, ignore, retry, got 'ignor' (did you mean 'ignore'?)"},
    {"bad_retry_mode", "aws.batch.retryMode = 'fast'\n", "ferry.config:1:23",
     "aws.batch.retryMode must be one of standard, legacy, adaptive, built-in"},
    {"volumes_wrong_type", "aws { batch { volumes = 42 } }\n", "ferry.config:1:25",
     "aws.batch.volumes must be a string or a list of strings"},
    {"queue_size_as_string", "executor {\n  queueSize = 'lots'\n}\n", "ferry.config:2:15",
     "executor.queueSize must be a whole number"},
    {"transfers_as_string", "aws.batch.maxParallelTransfers = 'many'\n", "ferry.config:1:34",
     "aws.batch.maxParallelTransfers must be a whole number"},
    {"bad_submit_rate", "executor.submitRateLimit = 'fast'\n", "ferry.config:1:28",
     "executor.submitRateLimit must be a rate"},
    {"bool_in_quotes", "aws.client.s3PathStyleAccess = 'yes'\n", "ferry.config:1:32", "must be true or false"},
    {"closure_value", "process {\n  memory = { 2.GB * task.attempt }\n}\n", "ferry.config:2:12",
     "closures { ... } are not supported in ferry config; write a template string that ferry evaluates per task "
     "instead, e.g. memory = '{{ 2 * task.attempt }} GB'"},
    {"bare_word_value", "process.executor = awsbatch\n", "ferry.config:1:20",
     "unknown name 'awsbatch' (quote it if you meant text: 'awsbatch'"},
    {"undefined_param", "process.queue = params.queue\n", "ferry.config:1:17",
     "params.queue is not set (define it in params { } before this line, or pass --queue"},
    {"undefined_param_in_string", "workDir = \"s3://${params.bucket}/work\"\n", "ferry.config:1:19",
     "params.bucket is not set"},
    {"task_value_in_config", "process.ext.args = \"--threads ${task.cpus}\"\n", "ferry.config:1:33",
     "'task.cpus' only exists per task; write a template in a single-quoted string instead, e.g. "
     "'--threads {{ task.cpus }}'"},
    {"method_call", "workDir = System.getenv('HOME')\n", "ferry.config:1:24", "method calls are not supported"},
    {"selector_outside_process", "withLabel: big { cpus = 2 }\n", "ferry.config:1:1",
     "selectors belong directly inside process { } (wrap this block in process { ... })"},
    {"nested_selector", "process {\n  withName: a {\n    withLabel: b { cpus = 1 }\n  }\n}\n", "ferry.config:3:5",
     "cannot be nested inside another selector"},
    {"selector_without_name", "process {\n  withName: { cpus = 1 }\n}\n", "ferry.config:2:13",
     "expected a name or quoted pattern after 'withName:'"},
    {"bad_selector_regex", "process {\n  withName: 'foo(' { cpus = 1 }\n}\n", "ferry.config:2:3",
     "selector pattern 'foo(' is not a valid regular expression"},
    {"directive_as_block", "process {\n  cpus { value = 2 }\n}\n", "ferry.config:2:3",
     "process directive 'cpus' is not a block"},
    {"setting_used_as_scope", "aws.region.name = 'x'\n", "ferry.config:1:12", "'aws.region' is a setting, not a scope"},
    {"include_missing_file", "includeConfig 'conf/nope.config'\n", "ferry.config:1:15",
     "cannot include 'conf/nope.config'"},
    {"include_without_name", "includeConfig\n", "ferry.config:1:1", "includeConfig needs a file name"},
    {"profiles_nested_in_scope", "process {\n  profiles { a { } }\n}\n", "ferry.config:2:3",
     "profiles must be defined at the top level"},
    {"profile_without_block", "profiles {\n  aws = 1\n}\n", "ferry.config:2:7",
     "expected '{' after profile name 'aws'"},
    {"list_missing_comma", "aws.batch.volumes = ['/a' '/b']\n", "ferry.config:1:27", "expected ',' or ']' in list"},
    {"comparison_operator", "process.cpus == 2\n", "ferry.config:1:14", "'==' comparisons are not supported"},
    {"bad_escape", "params.x = 'a\\qb'\n", "ferry.config:1:14", "unknown escape '\\q'"},
};

class BrokenConfig : public ::testing::TestWithParam<Broken> {};

TEST_P(BrokenConfig, FailsWithPositionAndMessage) {
  const Broken& b = GetParam();
  Config c;
  ConfigLoadOptions opts;
  if (b.profile) opts.profiles = {b.profile};
  Status s = config_testing::LoadFrom(b.text, &c, opts);
  ASSERT_FALSE(s.ok()) << b.name << " was accepted";
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  std::string prefix = std::string(b.where) + ": ";
  EXPECT_EQ(s.message().substr(0, prefix.size()), prefix) << s.message();
  EXPECT_NE(s.message().find(b.what), std::string::npos) << s.message();
}

INSTANTIATE_TEST_SUITE_P(All, BrokenConfig, ::testing::ValuesIn(kBroken),
                         [](const ::testing::TestParamInfo<Broken>& info) { return std::string(info.param.name); });

TEST(BrokenConfigSecrets, TypeErrorsNeverEchoSecretValues) {
  Config c;
  Status s = config_testing::LoadFrom("aws.secretKey = ['topsecretvalue']\n", &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("aws.secretKey must be a string"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("topsecretvalue"), std::string::npos) << s.message();
}

TEST(BrokenConfigInclude, CycleInMemory) {
  config_testing::Files files = {{"a.config", "includeConfig 'b.config'\n"},
                                 {"b.config", "process.cpus = 1\nincludeConfig 'a.config'\n"}};
  Config c;
  Status s = config_testing::LoadFrom("includeConfig 'a.config'\n", &c, {}, files);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "b.config:2:1: includeConfig cycle: a.config -> b.config -> a.config (remove one of these includeConfig "
            "lines)");
}

}  // namespace
}  // namespace ferry

namespace ferry {
namespace {

TEST(BrokenConfigRobustness, DeepNestingIsAnErrorNotACrash) {
  Config c;
  std::string lists = "params.x = " + std::string(5000, '[');
  Status s = config_testing::LoadFrom(lists, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("nested too deeply"), std::string::npos) << s.message();
  std::string blocks;
  for (int i = 0; i < 5000; ++i) blocks += "a{";
  s = config_testing::LoadFrom(blocks, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("nested too deeply"), std::string::npos) << s.message();
}

// Every single-character deletion and a few insertions into a valid config
// must either load or fail with a positioned error; never crash or hang.
TEST(BrokenConfigRobustness, MutatedConfigsFailCleanly) {
  const std::string good = R"(params { outdir = 'res'; n = 3 }
plugins { id 'nf-amazon' }
workDir = "${params.outdir}/work"
process {
  executor = 'awsbatch'
  memory = 2.GB
  withLabel: 'big|huge' { cpus = 8 }
  withName: "!x" { queue = 'q' }
}
/* comment */ aws { region = 'eu-west-1'; batch { volumes = ['/tmp', '/a:/b:ro'] } }
profiles { p { env.A = [k: 1] } }
)";
  int failures = 0;
  auto check = [&](const std::string& text) {
    Config c;
    ConfigLoadOptions opts;
    opts.profiles = {"p"};
    Status s = config_testing::LoadFrom(text, &c, opts);
    if (s.ok()) return;
    ++failures;
    bool positioned = s.message().rfind("ferry.config:", 0) == 0 || s.message().rfind("unknown profile", 0) == 0;
    EXPECT_TRUE(positioned) << s.message() << "\n---\n" << text;
  };
  for (size_t i = 0; i < good.size(); ++i) {
    check(good.substr(0, i) + good.substr(i + 1));
    for (const char* ins : {"{", "'", "\"", "[", "/*", "$"}) check(good.substr(0, i) + ins + good.substr(i));
  }
  EXPECT_GT(failures, 100);  // most mutations break the text, and are reported
}

}  // namespace
}  // namespace ferry
