// `ferry run PIPELINE`: loads the pipeline and config, expands the task
// graph, and drives it to completion on the configured executors.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "aws/batch_client.h"
#include "aws/logs_client.h"
#include "aws/rate_limiter.h"
#include "aws/session.h"
#include "awsbatch/awsbatch_executor.h"
#include "awsbatch/batch_settings.h"
#include "awsbatch/s3_work_store.h"
#include "cli/commands.h"
#include "cli/run_setup.h"
#include "cmdline/help_text.h"
#include "config/config.h"
#include "engine/run_driver.h"
#include "engine/expander.h"
#include "engine/work_store.h"
#include "executor/local_executor.h"
#include "pipeline/pipeline.h"
#include "store/history.h"
#include "store/task_recorder.h"
#include "store/trace.h"
#include "ui/colour.h"
#include "ui/progress.h"
#include "util/interrupt.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

// -with-trace's file name is optional: the next word is taken unless it is
// the pipeline (a .yml file or a directory).
bool TraceFileWord(const std::string& w) {
  return !EndsWith(w, ".yml") && !EndsWith(w, ".yaml") && !fs::is_directory(w);
}

struct RunArgs {
  std::string pipeline;
  bool resume = false;
  std::vector<std::string> profiles;
  std::vector<std::string> configs;
  std::string work_dir;
  std::string bucket_dir;
  bool trace = false;
  std::string trace_file;
  int ansi = -1;  // -1 auto
  std::string params_file;
  bool preview = false;
  bool help = false;
  std::vector<std::pair<std::string, std::string>> params;
  std::string command_line;  // as typed, for `ferry log`
};

Status ParseRunArgs(const std::vector<std::string>& args, RunArgs* out) {
  cmdline::Parsed p;
  FERRY_RETURN_IF_ERROR(cmdline::Parse(RunTable(), args, &p));
  out->help = p.help;
  if (p.help) return Status::Ok();
  for (const auto& h : p.options) {
    if (h.is("-resume")) out->resume = true;
    else if (h.is("-profile")) for (auto& pr : SplitList(h.value)) out->profiles.push_back(pr);
    else if (h.is("-c")) out->configs.push_back(h.value);
    else if (h.is("-work-dir")) out->work_dir = h.value;
    else if (h.is("-bucket-dir")) out->bucket_dir = h.value;
    else if (h.is("-with-trace")) out->trace = true, out->trace_file = h.value;
    else if (h.is("-ansi-log")) out->ansi = h.value == "true" ? 1 : 0;
    else if (h.is("-params-file")) out->params_file = h.value;
    else if (h.is("-preview")) out->preview = true;
  }
  out->params = p.params;
  if (p.positional.empty()) return Status::Invalid("no pipeline given (usage: ferry run PIPELINE [options])");
  if (p.positional.size() > 1)
    return Status::Invalid("unexpected argument '" + p.positional[1] +
                           "': ferry run takes one pipeline (pipeline params are written --name value)");
  out->pipeline = p.positional[0];
  if (!out->bucket_dir.empty())
    FERRY_RETURN_IF_ERROR(CheckS3WorkRoot(out->bucket_dir, "-bucket-dir", &out->bucket_dir));
  if (IsS3Path(out->work_dir)) FERRY_RETURN_IF_ERROR(CheckS3WorkRoot(out->work_dir, "-work-dir", &out->work_dir));
  return Status::Ok();
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string TimestampForFile() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&t));
  return buf;
}

int HostCpus() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int64_t HostMemory() {
  long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<int64_t>(pages) * size : 0;
}

Status ExecutorCapacity(const Config& config, ExecutorSlot* slot) {
  slot->cpus = HostCpus();
  slot->memory_bytes = HostMemory();
  // executor.$local.x (the local executor's own) wins over executor.x. The
  // config schema checked both when the file was read (a whole number of at
  // least 1, a memory size), so they only need reading here.
  auto get = [&config](const std::string& name) {
    const Value* v = config.Get("executor.$local." + name);
    return v && !v->is_null() ? v : config.Get("executor." + name);
  };
  if (const Value* v = get("cpus"); v && v->is_int()) slot->cpus = static_cast<int>(v->as_int());
  if (const Value* v = get("memory"); v && v->is_string()) ParseMemory(v->as_string(), &slot->memory_bytes);
  return Status::Ok();
}

void PrintPreview(const TaskGraph& graph) {
  std::printf("%zu task(s) planned:\n", graph.tasks.size());
  for (const auto& [name, n] : graph.per_process) std::printf("  %-24s %d\n", name.c_str(), n);
  size_t shown = 0;
  for (const auto& t : graph.tasks) {
    if (shown++ >= 20) {
      std::printf("  ... and %zu more\n", graph.tasks.size() - 20);
      break;
    }
    std::printf("  [%s] %s  deps=%zu  executor=%s  cpus=%d\n", t.hash_prefix().c_str(), t.display.c_str(),
                t.deps.size(), t.directives.executor.c_str(), t.directives.cpus);
  }
}

// What a run needs from AWS; empty when no task runs on Batch or touches S3.
struct RunAws {
  std::unique_ptr<S3WorkStore> store;
  std::unique_ptr<AwsBatchExecutor> batch;
  int queue_size = 0;
};

Status SetUpAws(const Config& config, const TaskGraph& graph, const std::string& s3_root, Progress** progress,
                RunAws* out) {
  bool batch = false, s3 = false;
  for (const auto& t : graph.tasks) {
    batch = batch || t.directives.executor == "awsbatch";
    s3 = s3 || IsS3Path(t.work_dir) || IsS3Path(t.directives.publish) || HasS3Inputs(t);
  }
  if (!batch && !s3) return Status::Ok();
  aws::AwsSettings settings;
  FERRY_RETURN_IF_ERROR(AwsSettingsFromConfig(config, &settings));
  // A run makes thousands of calls over hours: three attempts (the SDKs'
  // default) turn a brief S3 or Batch brown-out into a failed task. Without
  // aws.client.maxErrorRetry or AWS_MAX_ATTEMPTS, allow eight.
  if (settings.max_attempts == 0 && !std::getenv("AWS_MAX_ATTEMPTS")) settings.max_attempts = 8;
  AwsBatchOptions options;
  double submit_rate = 50;
  FERRY_RETURN_IF_ERROR(BatchOptionsFromConfig(config, &options, &submit_rate));
  aws::SessionOptions so;
  // Work dirs on S3 need the region the Batch environment lives in; plain
  // S3 inputs or publishing work without one, as with the aws CLI.
  if (!batch && s3_root.empty()) so.fallback_region = "us-east-1";
  aws::AwsSession session;
  Status st = aws::OpenSession(settings, nullptr, so, &session);
  if (!st.ok()) return Status::Invalid(st.message());
  aws::Credentials creds;
  st = session.credentials->Get(&creds);
  if (!st.ok()) return Status::Invalid(st.message());
  std::unique_ptr<aws::S3Client> s3_client;
  FERRY_RETURN_IF_ERROR(aws::S3Client::Create(session.client, &s3_client));
  std::shared_ptr<aws::S3Client> s3c(std::move(s3_client));
  out->store = std::make_unique<S3WorkStore>(s3c, options.max_parallel_transfers);
  if (!batch) return Status::Ok();
  options.bucket_dir = s3_root;
  options.region = session.region.region;
  options.endpoint_url = settings.endpoint_url;
  if (options.endpoint_url.empty()) options.endpoint_url = session.client->env().GetOr("AWS_ENDPOINT_URL", "");
  options.on_message = [progress](const std::string& text) {
    if (*progress)
      (*progress)->Message(text);
    else
      std::fprintf(stderr, "%s\n", text.c_str());
  };
  out->queue_size = options.queue_size;
  auto limiter = std::make_shared<aws::RateLimiter>(submit_rate);
  auto batch_client = std::make_shared<aws::BatchClient>(session.client, limiter);
  auto logs = std::make_shared<aws::LogsClient>(session.client);
  out->batch = std::make_unique<AwsBatchExecutor>(std::move(options), batch_client, s3c, logs);
  return Status::Ok();
}

int Run(const RunArgs& ra) {
  const int64_t start_ms = NowMs();
  SetColourAllowed(ra.ansi != 0);
  std::error_code ec;
  const std::string launch_dir = fs::current_path(ec).string();

  std::string pipeline_file;
  PipelineSpec pipeline;
  Status st = ResolvePipelinePath(ra.pipeline, &pipeline_file);
  if (st.ok()) st = LoadPipeline(pipeline_file, &pipeline);
  if (!st.ok()) return PrintError(st), st.exit_code();

  ConfigLoadOptions copts;
  copts.profiles = ra.profiles;
  copts.cli_params = CliParamsValue(ra.params);
  st = ConfigFiles(pipeline.dir, ra.configs, &copts.files);
  Config config;
  if (st.ok()) st = Config::Load(copts, &config);
  if (!st.ok()) return PrintError(st), st.exit_code();
  for (const auto& w : config.warnings()) PrintWarning(w);

  // Params: pipeline defaults < config params < -params-file < --name value.
  Value known = pipeline.params.is_map() ? pipeline.params : Value::EmptyMap();
  for (const auto& [k, v] : config.params().as_map()) known.MutableMap().Set(k, v);
  Value params;
  st = ApplyParamOverrides(known, ra.params_file, ra.params, &params);
  if (!st.ok()) return PrintError(st), st.exit_code();

  // Work roots: local tasks use -work-dir, else a local workDir, else
  // ./work; tasks on awsbatch use -bucket-dir, else an s3:// -work-dir or workDir.
  std::string work_root, s3_root = ra.bucket_dir;
  std::string config_work_dir;
  if (const Value* w = config.Get("workDir")) config_work_dir = w->ToString();
  if (IsS3Path(config_work_dir)) {
    std::string root;
    st = CheckS3WorkRoot(config_work_dir, "workDir", &root);
    if (!st.ok()) return PrintError(st), st.exit_code();
    if (s3_root.empty()) s3_root = root;
  } else {
    work_root = config_work_dir;
  }
  if (IsS3Path(ra.work_dir)) {
    if (ra.bucket_dir.empty()) s3_root = ra.work_dir;
  } else if (!ra.work_dir.empty()) {
    work_root = ra.work_dir;
  }
  if (work_root.empty()) work_root = "work";
  work_root = fs::absolute(work_root, ec).lexically_normal().string();

  ExpandOptions eopts;
  eopts.launch_dir = launch_dir;
  eopts.work_root = work_root;
  eopts.s3_work_root = s3_root;
  eopts.params = params;
  eopts.config = &config;
  RealTemplateHost host(launch_dir);
  Expander expander(pipeline, eopts, &host);
  TaskGraph graph;
  st = expander.Expand(&graph);
  if (!st.ok()) return PrintError(st), st.exit_code();

  ExecutorSlot local_slot;
  st = ExecutorCapacity(config, &local_slot);
  if (!st.ok()) return PrintError(st), st.exit_code();
  LocalExecutor local;
  local_slot.executor = &local;
  std::map<std::string, ExecutorSlot> executors{{"local", local_slot}};
  // Known before it exists, so that Validate() accepts its tasks; created
  // below only when some task uses it.
  ExecutorSlot batch_slot;
  batch_slot.max_running = 1;  // capacity in jobs: cpus/memory checks do not apply
  executors["awsbatch"] = batch_slot;

  RunOptions run_opts;
  // -resume, or resume = true in ferry.config as Nextflow reads it.
  const Value* config_resume = config.Get("resume");
  run_opts.resume = ra.resume || (config_resume && config_resume->is_bool() && config_resume->as_bool());
  run_opts.launch_dir = launch_dir;
  if (const Value* env = config.Get("env"))
    for (const auto& [k, v] : env->as_map()) run_opts.env.emplace_back(k, v.ToString());

  {
    RunDriver check(&graph, &expander, executors, nullptr, nullptr, run_opts);
    st = check.Validate();
    if (!st.ok()) return PrintError(st), st.exit_code();
  }
  if (ra.preview) {
    PrintPreview(graph);
    std::printf("expanded in %s\n", FormatDuration(NowMs() - start_ms).c_str());
    // Nothing was opened for writing; skip freeing a graph of possibly
    // 100,000s of tasks piece by piece (a sizeable share of -preview's time).
    std::fflush(stdout);
    std::_Exit(0);
  }

  // AWS, when some task runs on Batch or touches S3: settings errors,
  // a missing region and missing credentials all stop the run here, before
  // any task starts.
  Progress* progress_sink = nullptr;
  RunAws aws;
  st = SetUpAws(config, graph, s3_root, &progress_sink, &aws);
  if (!st.ok()) return PrintError(st), st.exit_code();
  if (aws.batch) {
    executors["awsbatch"].executor = aws.batch.get();
    executors["awsbatch"].max_running = aws.queue_size;
    // Batch needs a few seconds to confirm that terminated jobs ended; leaving
    // sooner would report jobs as stopped that are still RUNNING.
    run_opts.abort_grace_ms = 20000;
  } else {
    executors.erase("awsbatch");
  }
  run_opts.s3_store = aws.store.get();
  {
    RunDriver check(&graph, &expander, executors, nullptr, nullptr, run_opts);
    st = check.Preflight();
    if (!st.ok()) return PrintError(st), st.kind() == Status::Kind::kInvalidInput ? 2 : 1;
  }

  std::unique_ptr<History> history;
  st = History::Open(launch_dir + "/.ferry", &history);
  if (!st.ok()) return PrintError(st), 1;
  RunRecord run;
  run.pipeline = pipeline_file;
  run.command_line = ra.command_line;
  run.launch_dir = launch_dir;
  run.work_dir = work_root;
  run.start_ms = start_ms;  // BeginRun marks it running
  st = history->BeginRun(&run);
  if (!st.ok()) return PrintError(st), 1;

  std::unique_ptr<TraceWriter> trace;
  std::string trace_file = ra.trace_file;
  bool trace_on = ra.trace;
  if (const Value* t = config.Get("trace.enabled")) trace_on = trace_on || (t->is_bool() && t->as_bool());
  if (trace_on && trace_file.empty())
    if (const Value* f = config.Get("trace.file")) trace_file = f->ToString();
  if (trace_on && trace_file.empty()) trace_file = "trace-" + TimestampForFile() + ".tsv";
  if (trace_on) {
    st = TraceWriter::Open(trace_file, &trace);
    if (!st.ok()) return PrintError(st), 1;
  }

  bool ansi = ra.ansi == 1 || (ra.ansi == -1 && ::isatty(STDOUT_FILENO));
  if (const char* term = std::getenv("TERM"); ra.ansi == -1 && term && std::string(term) == "dumb") ansi = false;
  std::unique_ptr<Progress> progress = MakeProgress(ansi, stdout);
  progress_sink = progress.get();
  std::printf("ferry run %s  [%s]  %zu task(s)\n", ra.pipeline.c_str(), run.run_name.c_str(), graph.tasks.size());
  std::fflush(stdout);

  InstallInterruptHandlers();
  TaskRecorder recorder(history.get(), trace.get(), run.id, progress.get());
  RunObservers observers;
  observers.Add(progress.get());
  observers.Add(&recorder);
  RunDriver driver(&graph, &expander, executors, history.get(), &observers, run_opts);
  RunStats stats;
  Status result = driver.Run(&stats);
  progress_sink = nullptr;

  run.end_ms = NowMs();
  run.completed = stats.completed;
  run.cached = stats.cached;
  run.failed = stats.failed + stats.ignored;
  run.status = RunStateName(RunEndState(result));
  Status fin = history->FinishRun(run);
  if (trace) trace->Close();

  std::string summary = "ferry: " + std::to_string(stats.completed) + " completed, " +
                        std::to_string(stats.cached) + " cached, " + std::to_string(stats.failed + stats.ignored) +
                        " failed";
  if (stats.ignored) summary += " (" + std::to_string(stats.ignored) + " ignored)";
  if (stats.aborted) summary += ", " + std::to_string(stats.aborted) + " aborted";
  if (stats.skipped) summary += ", " + std::to_string(stats.skipped) + " skipped";
  if (stats.retried) summary += ", " + std::to_string(stats.retried) + " retried";
  summary += " in " + FormatDuration(run.end_ms - start_ms);
  progress->Finish(summary);
  if (!fin.ok()) PrintWarning(fin.message());
  if (trace) std::printf("trace: %s\n", trace_file.c_str());
  if (!result.ok()) {
    if (result.kind() == Status::Kind::kInterrupted) {
      std::fprintf(stderr, "interrupted; run again with -resume to continue where this run stopped\n");
      return 130;
    }
    PrintError(result);
    return 1;
  }
  return 0;
}

}  // namespace

const cmdline::Command& RunTable() {
  using cmdline::Flag;
  using cmdline::Value;
  using cmdline::ValueKind;
  static const cmdline::Command kRun = [] {
    cmdline::Command c = cmdline::MakeCommand("run", {"PIPELINE [options] [--param value ...]"}, "run a pipeline");
    c.details =
        "PIPELINE is a pipeline .yml file or a directory holding pipeline.yml.\n"
        "ferry's own options take one dash; pipeline params take two: --name value or --name=value\n"
        "(a bare --name is the boolean true).";
    c.options = {
        Flag("-resume", "reuse every task whose inputs and script are unchanged"),
        Value("-profile", "a,b", "apply these config profiles"),
        Value("-c", "FILE", "add a config file (repeatable; later wins)").Alias("-config").Kind(ValueKind::kFile),
        Value("-work-dir", "DIR", "where task work dirs go (default: ./work)").Alias("-w").Kind(ValueKind::kDir),
        Value("-bucket-dir", "s3://B/P", "work dir on S3 (for tasks on the awsbatch executor)"),
        cmdline::OptionalValue("-with-trace", "FILE", "write a TSV trace of every task", TraceFileWord)
            .Kind(ValueKind::kFile),
        Value("-ansi-log", "true|false", "live display (default: true on a terminal)").Choices({"true", "false"}),
        Value("-params-file", "FILE", "params from a YAML or JSON file").Kind(ValueKind::kFile),
        Flag("-preview", "expand the task graph and print it, run nothing"),
    };
    c.positional = ValueKind::kFile;
    c.required_positionals = 1;
    c.strict_values = true;
    c.pipeline_params = true;
    c.unknown_hint = "ferry's own options take one dash; pipeline params take two, e.g. --{} value";
    return c;
  }();
  return kRun;
}

int RunCommand(const std::vector<std::string>& args) {
  RunArgs ra;
  ra.command_line = "ferry run";
  for (const auto& a : args) ra.command_line += " " + ShellQuote(a);
  Status st = ParseRunArgs(args, &ra);
  if (!st.ok()) {
    PrintError(st);
    return 2;
  }
  if (ra.help) {
    std::fputs(cmdline::HelpText(RunTable()).c_str(), stdout);
    return 0;
  }
  return Run(ra);
}

}  // namespace ferry
