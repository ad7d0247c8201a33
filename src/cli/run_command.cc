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

const char kRunUsage[] =
    "usage: ferry run PIPELINE [options] [--param value ...]\n"
    "\n"
    "PIPELINE is a pipeline .yml file or a directory holding pipeline.yml.\n"
    "options (single dash):\n"
    "  -resume                reuse every task whose inputs and script are unchanged\n"
    "  -profile a,b           apply these config profiles\n"
    "  -c FILE                add a config file (repeatable; later wins)\n"
    "  -work-dir DIR, -w DIR  where task work dirs go (default: ./work)\n"
    "  -bucket-dir s3://B/P   work dir on S3 (for tasks on the awsbatch executor)\n"
    "  -with-trace [FILE]     write a TSV trace of every task\n"
    "  -ansi-log true|false   live display (default: true on a terminal)\n"
    "  -params-file FILE      params from a YAML or JSON file\n"
    "  -preview               expand the task graph and print it, run nothing\n"
    "pipeline params (double dash): --name value or --name=value\n";

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
  static const std::vector<std::string> kOptions = {"-resume",     "-profile",   "-c",      "-config",
                                                    "-work-dir",   "-w",         "-bucket-dir", "-with-trace",
                                                    "-ansi-log",   "-params-file", "-preview", "-help"};
  auto need_value = [&](size_t i, const std::string& opt) -> Status {
    if (i + 1 >= args.size() || (args[i + 1].size() > 1 && args[i + 1][0] == '-' && opt != "-ansi-log"))
      return Status::Invalid("option " + opt + " needs a value (see: ferry run -help)");
    return Status::Ok();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (StartsWith(a, "--") && a.size() > 2) {
      std::string name = a.substr(2), value;
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < args.size() && !(StartsWith(args[i + 1], "-") && args[i + 1].size() > 1)) {
        value = args[++i];
      } else {
        value = "true";  // a bare --flag is a boolean param
      }
      if (name.empty()) return Status::Invalid("'" + a + "' names no param");
      out->params.emplace_back(name, value);
    } else if (a == "-resume") {
      out->resume = true;
    } else if (a == "-profile") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      for (auto& p : SplitList(args[++i])) out->profiles.push_back(p);
    } else if (a == "-c" || a == "-config") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->configs.push_back(args[++i]);
    } else if (a == "-work-dir" || a == "-w") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->work_dir = args[++i];
    } else if (a == "-bucket-dir") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->bucket_dir = args[++i];
    } else if (a == "-with-trace") {
      out->trace = true;
      // The file name is optional: take the next word unless it is an
      // option or the pipeline itself.
      if (i + 1 < args.size() && args[i + 1][0] != '-' && !EndsWith(args[i + 1], ".yml") &&
          !EndsWith(args[i + 1], ".yaml") && !(out->pipeline.empty() && i + 2 >= args.size()) &&
          !fs::is_directory(args[i + 1]))
        out->trace_file = args[++i];
    } else if (a == "-ansi-log") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      std::string v = args[++i];
      if (v == "true") out->ansi = 1;
      else if (v == "false") out->ansi = 0;
      else return Status::Invalid("-ansi-log takes true or false, got '" + v + "'");
    } else if (a == "-params-file") {
      FERRY_RETURN_IF_ERROR(need_value(i, a));
      out->params_file = args[++i];
    } else if (a == "-preview") {
      out->preview = true;
    } else if (a == "-help" || a == "-h") {
      out->help = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return Status::Invalid("unknown option '" + a + "'" + DidYouMean(a, kOptions) +
                             " (ferry's own options take one dash; pipeline params take two, e.g. --" +
                             a.substr(1) + " value)");
    } else if (out->pipeline.empty()) {
      out->pipeline = a;
    } else {
      return Status::Invalid("unexpected argument '" + a + "': ferry run takes one pipeline (pipeline params "
                             "are written --name value)");
    }
  }
  if (!out->help && out->pipeline.empty())
    return Status::Invalid("no pipeline given (usage: ferry run PIPELINE [options])");
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
  if (const Value* v = config.Get("executor.cpus")) {
    if (!v->is_number() || v->as_int() < 1)
      return Status::Invalid("executor.cpus must be a whole number of at least 1, got '" + v->ToString() + "'");
    slot->cpus = static_cast<int>(v->as_int());
  }
  if (const Value* v = config.Get("executor.memory")) {
    int64_t bytes;
    if (v->is_number()) {
      bytes = v->as_int();
    } else if (!ParseMemory(v->ToString(), &bytes)) {
      return Status::Invalid("executor.memory must be a size like '8 GB', got '" + v->ToString() + "'");
    }
    slot->memory_bytes = bytes;
  }
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
  run_opts.resume = ra.resume;
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
    std::fputs(kRunUsage, stdout);
    return 0;
  }
  return Run(ra);
}

}  // namespace ferry
