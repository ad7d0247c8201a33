// Config language features: values and literals, profiles, includeConfig,
// selectors and their precedence, params interpolation, warnings, Show().
#include "config/config.h"

#include <gtest/gtest.h>

#include "config/config_testing.h"
#include "config/show.h"
#include "util/text.h"

namespace ferry {
namespace {

using config_testing::Files;
using config_testing::LoadFrom;

Config MustLoad(const std::string& text, const ConfigLoadOptions& opts = {}, const Files& files = {}) {
  Config c;
  Status s = LoadFrom(text, &c, opts, files);
  EXPECT_TRUE(s.ok()) << s.message();
  return c;
}

Value At(const Config& c, const char* path) {
  const Value* v = c.Get(path);
  return v ? *v : Value("<missing>");
}

bool HasWarning(const Config& c, const std::string& needle) {
  for (const auto& w : c.warnings())
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

TEST(ConfigValues, LiteralsOfEveryKind) {
  Config c = MustLoad(R"(
params {
  count = 1_000
  ratio = 0.25
  big = 1.5e3
  on = true
  off = false
  nothing = null
  list = ['a', "b", 3]
  map = [name: 'x', 'with-dash': 2, nested: [k: true]]
  empty_list = []
  empty_map = [:]
  neg = -4
  sum = 2 + 3 * 4
  text = 'it\'s ' + "a \"test\"\n"
  multi = '''line1
line2'''
}
)");
  EXPECT_EQ(At(c, "params.count"), Value(1000));
  EXPECT_EQ(At(c, "params.ratio"), Value(0.25));
  EXPECT_EQ(At(c, "params.big"), Value(1500.0));
  EXPECT_EQ(At(c, "params.on"), Value(true));
  EXPECT_EQ(At(c, "params.off"), Value(false));
  EXPECT_TRUE(At(c, "params.nothing").is_null());
  EXPECT_EQ(At(c, "params.list"), Value(ValueList{Value("a"), Value("b"), Value(3)}));
  EXPECT_EQ(At(c, "params.map.name"), Value("x"));
  EXPECT_EQ(At(c, "params.map.with-dash"), Value(2));
  EXPECT_EQ(At(c, "params.map.nested.k"), Value(true));
  EXPECT_EQ(At(c, "params.empty_list"), Value::EmptyList());
  EXPECT_EQ(At(c, "params.empty_map"), Value::EmptyMap());
  EXPECT_EQ(At(c, "params.neg"), Value(-4));
  EXPECT_EQ(At(c, "params.sum"), Value(14));
  EXPECT_EQ(At(c, "params.text"), Value("it's a \"test\"\n"));
  EXPECT_EQ(At(c, "params.multi"), Value("line1\nline2"));
}

// What `ferry config show` writes for a string is what the lexer reads back.
TEST(ConfigValues, StringEscapesReadBackAsConfigShowWritesThem) {
  Config c = MustLoad("params.x = 'a\\tb\\nc\\rd\\be\\ff\\0g\\\\h\\'i\\\"j\\$k'\n");
  const Value want(std::string("a\tb\nc\rd\be\ff\0g\\h'i\"j$k", 21));
  EXPECT_EQ(At(c, "params.x"), want);
  EXPECT_EQ(config::RenderLiteral(want), "'a\\tb\\nc\\rd\\be\\ff\\0g\\\\h\\'i\"j$k'");
}

TEST(ConfigValues, MemoryAndDurationLiteralsBecomeUnitStrings) {
  Config c = MustLoad(R"(
process {
  memory = 2.GB
  time = 1.h
}
executor.memory = 512.MB
executor.pollInterval = 30.sec
aws.batch.delayBetweenAttempts = 30.min
executor.$awsbatch.queueSize = 10
process.cpus = 2 // a comment
/* a block
   comment */ executor.queueSize = 50
)");
  EXPECT_EQ(At(c, "process.memory"), Value("2 GB"));
  EXPECT_EQ(At(c, "process.time"), Value("1h"));
  EXPECT_EQ(At(c, "executor.memory"), Value("512 MB"));
  EXPECT_EQ(At(c, "executor.pollInterval"), Value("30s"));
  EXPECT_EQ(At(c, "aws.batch.delayBetweenAttempts"), Value("30m"));
  EXPECT_EQ(At(c, "executor.$awsbatch.queueSize"), Value(10));
  EXPECT_EQ(At(c, "process.cpus"), Value(2));
  EXPECT_EQ(At(c, "executor.queueSize"), Value(50));
  EXPECT_TRUE(c.warnings().empty()) << Join(c.warnings(), "\n");
}

TEST(ConfigValues, ReferencesToParamsAndEarlierSettings) {
  Config c = MustLoad(R"(
params.queue = 'fast'
params.outdir = 'results'
params.n = 3
aws.region = 'eu-west-2'
process {
  queue = params.queue
  publish = "${params.outdir}/final"
  cpus = params.n * 2
}
env {
  REGION = aws.region
  OUT = "$params.outdir/x"
}
workDir = "$HOME/work"
)",
                      [] {
                        ConfigLoadOptions o;
                        o.variables = Value(ValueMap());
                        o.variables.MutableMap().Set("HOME", Value("/home/me"));
                        return o;
                      }());
  EXPECT_EQ(At(c, "process.queue"), Value("fast"));
  EXPECT_EQ(At(c, "process.publish"), Value("results/final"));
  EXPECT_EQ(At(c, "process.cpus"), Value(6));
  EXPECT_EQ(At(c, "env.REGION"), Value("eu-west-2"));
  EXPECT_EQ(At(c, "env.OUT"), Value("results/x"));
  EXPECT_EQ(At(c, "workDir"), Value("/home/me/work"));
}

TEST(ConfigValues, ArithmeticHasPrecedenceAndGroupsFromTheLeft) {
  Config c = MustLoad("params.a = 1 + 2 * 3\nparams.b = 20 - 4 - 3\nparams.c = 24 / 4 / 2\nparams.d = (1 + 2) * 3\n");
  EXPECT_EQ(At(c, "params.a"), Value(7));
  EXPECT_EQ(At(c, "params.b"), Value(13));
  EXPECT_EQ(At(c, "params.c"), Value(3));
  EXPECT_EQ(At(c, "params.d"), Value(9));
}

TEST(ConfigValues, CliParamsOverrideConfigParamsEverywhere) {
  ConfigLoadOptions opts;
  opts.cli_params = Value(ValueMap());
  opts.cli_params.MutableMap().Set("queue", Value("from-cli"));
  opts.cli_params.MutableMap().Set("only_cli", Value("x"));
  Config c = MustLoad(R"(
params {
  queue = 'from-config'
  other = 'kept'
}
process.queue = "${params.queue}-q"
process.container = params.only_cli
)",
                      opts);
  EXPECT_EQ(At(c, "process.queue"), Value("from-cli-q"));
  EXPECT_EQ(At(c, "process.container"), Value("x"));
  EXPECT_EQ(c.params().Find("queue")->as_string(), "from-cli");
  EXPECT_EQ(c.params().Find("other")->as_string(), "kept");
  EXPECT_EQ(c.params().Find("only_cli"), nullptr) << "params() holds config params only";
}

TEST(ConfigValues, DuplicateAssignmentLaterWins) {
  Config c = MustLoad("aws.region = 'a'\naws { region = 'b' }\nprocess.cpus = 1\nprocess.cpus = 4\n");
  EXPECT_EQ(At(c, "aws.region"), Value("b"));
  EXPECT_EQ(At(c, "process.cpus"), Value(4));
}

TEST(ConfigValues, NextflowAliasesMapOntoFerryDirectives) {
  Config c = MustLoad(R"(
process {
  maxRetries = 3
  publishDir = 'out'
  withName: foo { publishDir = [path: 's3://b/p', mode: 'copy'] }
}
executor = 'awsbatch'
)");
  EXPECT_EQ(At(c, "process.retry"), Value(3));
  EXPECT_EQ(At(c, "process.publish"), Value("out"));
  EXPECT_EQ(c.ProcessOverrides("foo", {}).Find("publish")->as_string(), "s3://b/p");
  EXPECT_EQ(At(c, "executor.name"), Value("awsbatch"));
}

TEST(ConfigValues, TemplateStringsInDirectivesAreLeftForTheEngine) {
  Config c = MustLoad("process.memory = '{{ 2 * task.attempt }} GB'\nprocess.cpus = '{{ task.attempt }}'\n");
  EXPECT_EQ(At(c, "process.memory"), Value("{{ 2 * task.attempt }} GB"));
  EXPECT_EQ(At(c, "process.cpus"), Value("{{ task.attempt }}"));
}

TEST(ConfigValues, ByteOrderMarkAndWindowsLineEndings) {
  Config c = MustLoad(
      "\xEF\xBB\xBF"
      "aws {\r\n  region = 'eu-north-1'\r\n}\r\n");
  EXPECT_EQ(At(c, "aws.region"), Value("eu-north-1"));
}

TEST(ConfigValues, PluginsAndCommandForm) {
  Config c =
      MustLoad("plugins {\n  id 'nf-amazon'\n  id 'nf-validation@1.1.3'\n  foo = 1\n}\nplugins { id 'nf-amazon' }\n");
  EXPECT_EQ(At(c, "plugins"), Value(ValueList{Value("nf-amazon"), Value("nf-validation@1.1.3")}));
  EXPECT_TRUE(HasWarning(c, "ferry.config:4:3: 'plugins.foo' is ignored")) << Join(c.warnings(), "\n");
}

TEST(ConfigWarnings, UnknownKeysWarnWithDidYouMean) {
  Config c = MustLoad(R"(aws.batch.clipath = '/x/bin/aws'
aws {
  regoin = 'x'
}
tracee { enabled = true }
docker.tty = true
manifest { name = 'x' }
process.cache = 'x'
)");
  EXPECT_TRUE(HasWarning(c, "ferry.config:1:11: unknown config key 'aws.batch.clipath' (did you mean 'cliPath'?)"))
      << Join(c.warnings(), "\n");
  EXPECT_TRUE(HasWarning(c, "ferry.config:3:3: unknown config key 'aws.regoin' (did you mean 'region'?)"))
      << Join(c.warnings(), "\n");
  EXPECT_TRUE(HasWarning(c, "ferry.config:5:1: unknown config scope 'tracee' (did you mean 'trace'?)"));
  EXPECT_TRUE(HasWarning(c, "ferry.config:7:1: 'manifest' is ignored by ferry"));
  EXPECT_TRUE(HasWarning(c, "ferry.config:8:9: process directive 'cache' is accepted but ignored by ferry"));
  EXPECT_TRUE(HasWarning(c, "ferry.config:6:8: 'docker.tty' has no effect: ferry does not support it yet"));
  // Inside an unknown scope, one warning for the scope is enough.
  EXPECT_EQ(c.warnings().size(), 6u) << Join(c.warnings(), "\n");
  // The misspelt key is still not applied as cliPath.
  EXPECT_EQ(c.Get("aws.batch.cliPath"), nullptr);
}

// Keys ferry checks but does not act on: one warning per key, naming it and
// where it was first set; keys that take effect say nothing.
TEST(ConfigWarnings, SettingsWithoutEffectWarnOnceWhereSet) {
  Config c = MustLoad(R"(aws.batch.terminateUnschedulableJobs = true
aws {
  batch { forceGlacierTransfer = true; fetchInstanceType = true; platformType = 'fargate' }
}
docker { sudo = true }
cleanup = true
aws.batch.terminateUnschedulableJobs = false
executor.$awsbatch.cpus = 4
executor.$local.queueSize = 3
trace.fields = 'task_id,name'
resume = true
executor.$local.cpus = 2
executor.$awsbatch.queueSize = 7
aws.batch.jobRole = 'arn:aws:iam::1:role/j'
)");
  const std::string later = "has no effect: ferry does not support it yet";
  EXPECT_TRUE(HasWarning(c, "ferry.config:1:11: 'aws.batch.terminateUnschedulableJobs' " + later))
      << Join(c.warnings(), "\n");
  EXPECT_TRUE(HasWarning(c, "ferry.config:3:11: 'aws.batch.forceGlacierTransfer' " + later))
      << Join(c.warnings(), "\n");
  EXPECT_TRUE(HasWarning(c, "ferry.config:3:40: 'aws.batch.fetchInstanceType' " + later));
  EXPECT_TRUE(HasWarning(c, "ferry.config:5:10: 'docker.sudo' has no effect"));
  EXPECT_TRUE(HasWarning(c, "ferry.config:6:1: 'cleanup' has no effect: ferry keeps work directories"));
  EXPECT_TRUE(HasWarning(c,
                         "ferry.config:8:20: 'executor.$awsbatch.cpus' has no effect: the awsbatch executor does "
                         "not use it"));
  EXPECT_TRUE(HasWarning(c, "ferry.config:9:17: 'executor.$local.queueSize' has no effect: the local executor"));
  EXPECT_TRUE(HasWarning(c, "ferry.config:10:7: 'trace.fields' has no effect"));
  // terminateUnschedulableJobs, set twice, warns once; platformType (Fargate
  // jobs), resume, executor.$local.cpus, executor.$awsbatch.queueSize and
  // jobRole are read, so they say nothing.
  EXPECT_EQ(c.warnings().size(), 8u) << Join(c.warnings(), "\n");
  EXPECT_EQ(At(c, "aws.batch.terminateUnschedulableJobs"), Value(false)) << "still checked and stored, for config show";
}

TEST(ConfigWarnings, ExecutorFerryDoesNotHave) {
  Config c = MustLoad("executor.$kubernetes.queueSize = 3\n");
  EXPECT_TRUE(HasWarning(c, "ferry.config:1:10: unknown config key 'executor.$kubernetes'"))
      << Join(c.warnings(), "\n");
}

TEST(ConfigProfiles, AppliedInCommandLineOrderAfterAllFiles) {
  const char* text = R"(
process.queue = 'default-q'
profiles {
  aws {
    process.executor = 'awsbatch'
    process.queue = 'aws-q'
    aws.region = 'us-west-2'
  }
  big {
    process.queue = 'big-q'
    process { withLabel: heavy { cpus = 16 } }
  }
  'with-dash' { params.x = 1 }
}
process.queue = 'file-q'
)";
  ConfigLoadOptions opts;
  opts.profiles = {"big", "aws"};
  Config c = MustLoad(text, opts);
  EXPECT_EQ(At(c, "process.queue"), Value("aws-q"));  // aws applied after big
  EXPECT_EQ(At(c, "process.executor"), Value("awsbatch"));
  EXPECT_EQ(At(c, "aws.region"), Value("us-west-2"));
  EXPECT_EQ(c.ProcessOverrides("t", {"heavy"}).Find("cpus")->as_int(), 16);
  EXPECT_EQ(c.profile_names(), (std::vector<std::string>{"aws", "big", "with-dash"}));

  opts.profiles = {"aws", "big"};
  EXPECT_EQ(At(MustLoad(text, opts), "process.queue"), Value("big-q"));

  opts.profiles = {};
  Config none = MustLoad(text, opts);
  EXPECT_EQ(At(none, "process.queue"), Value("file-q"));
  EXPECT_EQ(none.Get("process.executor"), nullptr);
}

TEST(ConfigProfiles, MisspeltDirectiveInInactiveProfileIsAWarning) {
  Config c = MustLoad(R"(profiles {
  aws {
    process.queu = 'q'
    process {
      withLabel: big { cpu = 2 }
      memory = '1 GB'
    }
  }
}
)");
  EXPECT_TRUE(HasWarning(c, "ferry.config:3:13: unknown process directive 'queu' (did you mean 'queue'?)"))
      << Join(c.warnings(), "\n");
  EXPECT_TRUE(HasWarning(c, "ferry.config:5:24: unknown process directive 'cpu' (did you mean 'cpus'?)"))
      << Join(c.warnings(), "\n");
  EXPECT_TRUE(HasWarning(c, "[in profile 'aws', which is not active]"));
  EXPECT_EQ(c.warnings().size(), 2u) << Join(c.warnings(), "\n");
  EXPECT_EQ(c.Get("process.memory"), nullptr);
}

TEST(ConfigProfiles, UnknownProfileListsDefinedOnesWithHint) {
  ConfigLoadOptions opts;
  opts.profiles = {"awz"};
  Config c;
  Status s = LoadFrom("profiles {\n  aws { }\n  test { }\n}\n", &c, opts);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "unknown profile 'awz' (did you mean 'aws'?); defined profiles: aws, test");

  s = LoadFrom("process.cpus = 1\n", &c, opts);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("define no profiles"), std::string::npos) << s.message();
}

TEST(ConfigInclude, RelativeToTheIncludingFile) {
  Files files = {
      {"conf/base.config", "includeConfig 'more/extra.config'\nprocess.cpus = 2\n"},
      {"conf/more/extra.config", "aws.region = 'ap-south-1'\nprocess.cpus = 1\n"},
      {"conf/test.config", "params.input = 'small.csv'\n"},
  };
  ConfigLoadOptions opts;
  opts.profiles = {"test"};
  Config c;
  Status s = LoadFrom("includeConfig 'conf/base.config'\nprofiles {\n  test { includeConfig 'conf/test.config' }\n}\n",
                      &c, opts, files);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(At(c, "aws.region"), Value("ap-south-1"));
  EXPECT_EQ(At(c, "process.cpus"), Value(2));  // base sets it after its include
  EXPECT_EQ(At(c, "params.input"), Value("small.csv"));
}

TEST(ConfigInclude, ErrorsInIncludedFilesNameThatFile) {
  Files files = {{"conf/bad.config", "process {\n  cpu = 2\n}\n"}};
  Config c;
  Status s = LoadFrom("includeConfig 'conf/bad.config'\n", &c, {}, files);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("conf/bad.config:2:3: unknown process directive 'cpu' (did you mean 'cpus'?)", 0), 0u)
      << s.message();
}

TEST(ConfigSelectors, AlternativesNegationAndRegex) {
  Config c = MustLoad(R"(
process {
  withName: 'align|sort' { queue = 'alt' }
  withName: '!align' { cpus = 1 }
  withName: 'count.*' { memory = '1 GB' }
  withLabel: '!gpu' { accelerator = 0 }
  withLabel: 'big|huge' { time = '10h' }
}
)");
  auto get = [&](std::string_view name, std::vector<std::string> labels, const char* key) {
    ValueMap m = c.ProcessOverrides(name, labels);
    const Value* v = m.Find(key);
    return v ? *v : Value();
  };
  EXPECT_EQ(get("align", {}, "queue"), Value("alt"));
  EXPECT_EQ(get("sort", {}, "queue"), Value("alt"));
  EXPECT_TRUE(get("sorted", {}, "queue").is_null()) << "patterns match the whole name";
  EXPECT_TRUE(get("align", {}, "cpus").is_null());
  EXPECT_EQ(get("sort", {}, "cpus"), Value(1));
  EXPECT_EQ(get("count_words", {}, "memory"), Value("1 GB"));
  EXPECT_TRUE(get("recount", {}, "memory").is_null());
  EXPECT_EQ(get("x", {"small"}, "accelerator"), Value(0));
  EXPECT_EQ(get("x", {}, "accelerator"), Value(0)) << "negated label matches a task without labels";
  EXPECT_TRUE(get("x", {"small", "gpu"}, "accelerator").is_null());
  EXPECT_EQ(get("x", {"a", "huge"}, "time"), Value("10h"));
  EXPECT_TRUE(get("x", {"bigger"}, "time").is_null());
}

TEST(ConfigSelectors, WithNameBeatsWithLabelRegardlessOfFileOrder) {
  Config c = MustLoad(R"(
process {
  cpus = 1
  withName: align { cpus = 8; queue = 'name-q' }
  withLabel: big { cpus = 4; memory = '8 GB'; queue = 'label-q' }
  withLabel: big { memory = '16 GB' }
}
)");
  EXPECT_EQ(c.ProcessDefaults().Find("cpus")->as_int(), 1);
  ValueMap m = c.ProcessOverrides("align", {"big"});
  EXPECT_EQ(m.Find("cpus")->as_int(), 8);
  EXPECT_EQ(m.Find("queue")->as_string(), "name-q");
  EXPECT_EQ(m.Find("memory")->as_string(), "16 GB");  // later withLabel wins over earlier
  ValueMap other = c.ProcessOverrides("sort", {"big"});
  EXPECT_EQ(other.Find("cpus")->as_int(), 4);
}

TEST(ConfigShow, RoundTripsToTheSameSettings) {
  const char* text = R"(
params { outdir = 'res'; n = 3; ratio = 0.5; tags = ['a', 'b'] }
plugins { id 'nf-amazon' }
workDir = 's3://bucket/work'
process {
  executor = 'awsbatch'
  memory = 2.GB
  accelerator = [request: 1, type: 'nvidia']
  withLabel: 'big|huge' { cpus = 8 }
  withName: '!x' { queue = 'q\'s' }
}
aws { region = 'eu-west-1'; batch { volumes = ['/tmp', '/a:/b:ro'] } }
executor { queueSize = 10; $awsbatch { submitRateLimit = '10/1s' } }
env { 'MY-VAR' = "line1\nline2 ${'$'}HOME" }
trace { enabled = true; fields = 'task_id,name' }
)";
  Config c = MustLoad(text);
  std::string shown = c.Show();
  Config back;
  Status s = LoadFrom(shown, &back, {}, {}, "shown.config");
  ASSERT_TRUE(s.ok()) << s.message() << "\n" << shown;
  EXPECT_EQ(back.settings(), c.settings()) << shown;
  ASSERT_EQ(back.selectors().size(), c.selectors().size());
  for (size_t i = 0; i < c.selectors().size(); ++i) {
    EXPECT_EQ(back.selectors()[i].pattern.text(), c.selectors()[i].pattern.text());
    EXPECT_EQ(back.selectors()[i].directives, c.selectors()[i].directives);
  }
  EXPECT_EQ(back.Show(), shown);
}

TEST(ConfigShow, MasksSecrets) {
  Config c = MustLoad(R"(
aws {
  accessKey = 'AKIAEXAMPLEKEY'
  secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRET'
  client { proxyPassword = 'hunter2-proxy' }
}
params.github_token = 'ghp_tokenvalue123'
params.secrets = [db: 'map-secret-789']
env.DB_PASSWORD = 'pw-in-env-456'
)");
  std::string shown = c.Show();
  for (const char* secret : {"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRET", "hunter2-proxy", "ghp_tokenvalue123",
                             "pw-in-env-456", "map-secret-789"})
    EXPECT_EQ(shown.find(secret), std::string::npos) << secret << " leaked:\n" << shown;
  EXPECT_NE(shown.find("secretKey = '********'"), std::string::npos) << shown;
  EXPECT_NE(shown.find("AKIAEXAMPLEKEY"), std::string::npos) << "access key ids are not secret";
  // The real value is still available to the engine.
  EXPECT_EQ(At(c, "aws.secretKey"), Value("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRET"));
}

TEST(ConfigLoad, ReadsFilesInOrderAndReportsMissingOnes) {
  ConfigLoadOptions opts;
  opts.files = {config_testing::TestdataPath("reference/1_awsbatch.config"),
                config_testing::TestdataPath("includes/main.config")};
  Config c;
  Status s = Config::Load(opts, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(At(c, "aws.region"), Value("ca-central-1"));
  EXPECT_EQ(At(c, "process.queue"), Value("included-q"));

  opts.files = {config_testing::TestdataPath("does-not-exist.config")};
  s = Config::Load(opts, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_NE(s.message().find("does-not-exist.config: cannot read config file"), std::string::npos) << s.message();
}

TEST(ConfigLoad, IncludeCycleOnDiskIsAnError) {
  ConfigLoadOptions opts;
  opts.files = {config_testing::TestdataPath("includes/cycle_a.config")};
  Config c;
  Status s = Config::Load(opts, &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cycle_b.config:2:1: includeConfig cycle: "), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("cycle_a.config -> "), std::string::npos) << s.message();
}

}  // namespace
}  // namespace ferry
