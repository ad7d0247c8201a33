#include "launch/run_launch.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "config/config.h"
#include "engine/expander.h"
#include "engine/run_driver.h"
#include "launch/pipeline_bin.h"
#include "launch/pipeline_config.h"
#include "launch/run_setup.h"
#include "pipeline/pipeline.h"
#include "report/report_files.h"
#include "store/history.h"
#include "store/run_lock.h"
#include "store/task_recorder.h"
#include "store/trace.h"
#include "ui/colour.h"
#include "ui/progress.h"
#include "util/clock_text.h"
#include "util/interrupt.h"
#include "util/units.h"

namespace ferry {

namespace fs = std::filesystem;

namespace {

// Prints the error and returns the exit code to leave with.
int Fail(const Status& st, int code) {
  std::fprintf(stderr, "error: %s\n", st.message().c_str());
  return code;
}

void PrintPreview(const TaskGraph& graph) {
  std::printf("%zu task(s) planned%s:\n", graph.tasks.size(),
              graph.deferred.empty() ? "" : ", more once the outputs they read are known");
  for (const auto& [name, n] : graph.per_process) {
    if (n >= 0) {
      std::printf("  %-24s %d\n", name.c_str(), n);
      continue;
    }
    // A step reading late outputs (patterns, optional files): its tasks are
    // made when the steps it reads have ended.
    std::string reads;
    for (const auto& later : graph.deferred) {
      if (graph.per_process[later.spec].first != name) continue;
      for (uint32_t j : later.reads) reads += (reads.empty() ? "" : ", ") + graph.per_process[j].first;
    }
    std::printf("  %-24s to be known (made once %s ended)\n", name.c_str(), reads.c_str());
  }
  size_t shown = 0;
  for (const auto& t : graph.tasks) {
    if (shown++ >= 20) {
      std::printf("  ... and %zu more\n", graph.tasks.size() - 20);
      break;
    }
    std::printf("  [%s] %s  deps=%zu  executor=%s  cpus=%d%s\n", t.hash_prefix().c_str(), t.display.c_str(),
                t.deps.size(), t.directives.executor.c_str(), t.directives.cpus,
                t.when_false ? "  skipped (when: false)" : "");
  }
}

std::string Summary(const RunStats& stats, int64_t elapsed_ms) {
  std::string summary = "ferry: " + std::to_string(stats.completed) + " completed, " + std::to_string(stats.cached) +
                        " cached, " + std::to_string(stats.failed + stats.ignored) + " failed";
  if (stats.ignored) summary += " (" + std::to_string(stats.ignored) + " ignored)";
  if (stats.aborted) summary += ", " + std::to_string(stats.aborted) + " aborted";
  if (stats.skipped) summary += ", " + std::to_string(stats.skipped) + " skipped";
  if (stats.retried) summary += ", " + std::to_string(stats.retried) + " retried";
  return summary + " in " + FormatDuration(elapsed_ms);
}

// Kills what a ferry that died in this launch dir left running (before
// anything of this run starts), saying so in one line, and gives the local
// executor the ledger of this run's tasks.
Status TakeOverTaskLedger(const std::string& ferry_dir, RunExecutors* executors) {
  const std::string dir = ferry_dir + "/tasks";
  SurvivorReport survivors;
  Status st = KillSurvivors(dir, &survivors);
  if (!st.ok()) PrintWarning("cannot check for tasks an earlier ferry left running: " + st.message());
  if (survivors.groups_killed) {
    std::string pids;
    for (pid_t p : survivors.dead_ferry) pids += (pids.empty() ? "" : ", ") + std::to_string(p);
    std::printf("ferry: killed %d task(s) left running by a ferry that died (pid %s)\n", survivors.groups_killed,
                pids.c_str());
  }
  std::unique_ptr<TaskLedger> ledger;
  FERRY_RETURN_IF_ERROR(TaskLedger::Open(dir, &ledger));
  executors->SetTaskLedger(std::move(ledger));
  return Status::Ok();
}

// -with-report and -with-timeline, from the run's records read back from
// history (as `ferry log RUN -with-report` reads them), so both make the
// same page. Returns false when a file could not be written (said on stderr).
bool WriteRunPages(const RunRequest& ra, History* history, const RunRecord& run) {
  if (!ra.report && !ra.timeline) return true;
  ReportInput input;
  Status st = LoadReportInput(history, run.id, &input);
  if (!st.ok()) {
    std::fprintf(stderr, "error: cannot read the run's records for its report: %s\n", st.message().c_str());
    return false;
  }
  bool ok = true;
  auto write = [&](bool wanted, std::string file, const std::string& prefix, auto writer) {
    if (!wanted) return;
    if (file.empty()) file = prefix + "-" + run.run_name + ".html";
    Status w = writer(file, input);
    if (w.ok()) std::printf("%s: %s\n", prefix.c_str(), file.c_str());
    else std::fprintf(stderr, "error: %s\n", w.message().c_str()), ok = false;
  };
  write(ra.report, ra.report_file, "report", WriteReportFile);
  write(ra.timeline, ra.timeline_file, "timeline", WriteTimelineFile);
  return ok;
}

}  // namespace

Status PipelineParamsHelp(const std::string& pipeline, std::string* text) {
  std::string file;
  PipelineSpec spec;
  FERRY_RETURN_IF_ERROR(ResolvePipelinePath(pipeline, &file));
  FERRY_RETURN_IF_ERROR(LoadPipeline(file, &spec));
  *text = ParamsHelpText(spec.param_specs, file);
  return Status::Ok();
}

int LaunchRun(const RunRequest& ra) {
  const int64_t start_ms = NowMs();
  SetColourAllowed(ra.ansi != 0);
  std::error_code ec;
  const std::string launch_dir = fs::current_path(ec).string();

  std::string pipeline_file;
  PipelineSpec pipeline;
  Status st = ResolvePipelinePath(ra.pipeline, &pipeline_file);
  if (st.ok()) st = LoadPipeline(pipeline_file, &pipeline);
  if (!st.ok()) return Fail(st, st.exit_code());

  ConfigLoadOptions copts;
  copts.profiles = ra.profiles;
  copts.cli_params = CliParamsValue(ra.params);
  st = ConfigFiles(pipeline.dir, ra.configs, &copts.files);
  Config config;
  if (st.ok()) st = Config::Load(copts, &config);
  if (!st.ok()) return Fail(st, st.exit_code());
  for (const auto& w : config.warnings()) PrintWarning(w);

  // Params: pipeline defaults < config params < -params-file < --name value.
  Value known = pipeline.params.is_map() ? pipeline.params : Value::EmptyMap();
  for (const auto& [k, v] : config.params().as_map()) known.MutableMap().Set(k, v);
  std::vector<std::string> cli_names;
  for (const auto& [name, value] : ra.params) cli_names.push_back(name.substr(0, name.find('.')));
  st = CheckConfigParams(
      pipeline.param_specs, config.params(), [&](const std::string& key) { return config.WhereSet(key); }, cli_names);
  Value params;
  if (st.ok()) st = ApplyParamOverrides(pipeline.param_specs, known, ra.params_file, ra.params, &params);
  if (!st.ok()) return Fail(st, st.exit_code());
  PipelineBin bin;
  st = ReadPipelineBin(pipeline.dir, &bin);
  if (!st.ok()) return Fail(st, st.exit_code());

  WorkRoots roots;
  st = ResolveWorkRoots(config, ra.work_dir, ra.bucket_dir, &roots);
  if (!st.ok()) return Fail(st, st.exit_code());

  RunOptions run_opts;
  if (const Value* env = config.Get("env"))
    for (const auto& [k, v] : env->as_map()) run_opts.env.emplace_back(k, v.ToString());
  st = LocalContainers(config, run_opts.env, &run_opts.containers);
  if (!st.ok()) return Fail(st, st.exit_code());
  run_opts.bin_dir = bin.dir;

  ExpandOptions eopts;
  eopts.launch_dir = launch_dir;
  eopts.work_root = roots.local;
  eopts.s3_work_root = roots.s3;
  eopts.params = params;
  eopts.config = &config;
  eopts.stub_run = ra.stub_run;
  eopts.bin_digest = bin.digest;
  RealTemplateHost host(launch_dir);
  Expander expander(pipeline, eopts, &host);
  TaskGraph graph;
  st = expander.Expand(&graph);
  if (!st.ok()) return Fail(st, st.exit_code());

  RunExecutors executors;
  st = executors.Init(config);
  if (!st.ok()) return Fail(st, st.exit_code());

  if (std::string w = ContainersIgnoredWarning(graph, run_opts.containers); !w.empty()) PrintWarning(w);

  // -resume, or resume = true in ferry.config as Nextflow reads it.
  const Value* config_resume = config.Get("resume");
  run_opts.resume = ra.resume || (config_resume && config_resume->is_bool() && config_resume->as_bool());
  run_opts.launch_dir = launch_dir;
  PublishGuard publish_guard;
  ProtectRunFiles({launch_dir, pipeline_file, copts.files, ra.params_file, roots.local}, graph, &publish_guard);
  run_opts.publish_guard = &publish_guard;

  {
    RunDriver check(&graph, &expander, executors.slots(), nullptr, nullptr, run_opts);
    st = check.Validate();
    if (!st.ok()) return Fail(st, st.exit_code());
  }
  if (!ra.dag_file.empty()) {
    st = WriteDagFile(ra.dag_file, graph, pipeline_file);
    if (!st.ok()) return Fail(st, st.exit_code());
    std::printf("task graph: %s\n", ra.dag_file.c_str());
  }
  if (ra.preview) {
    PrintPreview(graph);
    std::printf("expanded in %s\n", FormatDuration(NowMs() - start_ms).c_str());
    // Nothing was opened for writing; skip freeing a graph of possibly
    // 100,000s of tasks piece by piece (a sizeable share of -preview's time).
    std::fflush(stdout);
    std::_Exit(0);
  }

  // One run per launch directory: taken before anything is written, started
  // or removed, and before the second run's history row exists, so a run
  // refused here leaves no trace. Everything before this point only reads.
  std::unique_ptr<RunLock> lock;
  st = RunLock::Acquire(RunLockPath(launch_dir), launch_dir,
                        LockHolder{"run", "", static_cast<int64_t>(::getpid()), start_ms}, &lock);
  if (!st.ok()) return Fail(st, st.exit_code());

  Progress* progress_sink = nullptr;
  st = executors.SetUpAws(config, graph, roots, &progress_sink, &run_opts);
  if (st.ok()) st = executors.SetUpSlurm(config, graph, roots, &progress_sink, &run_opts);
  if (!st.ok()) return Fail(st, st.exit_code());
  {
    RunDriver check(&graph, &expander, executors.slots(), nullptr, nullptr, run_opts);
    st = check.Preflight();
    if (!st.ok()) return Fail(st, st.kind() == Status::Kind::kInvalidInput ? 2 : 1);
  }

  st = TakeOverTaskLedger(launch_dir + "/.ferry", &executors);
  if (!st.ok()) return Fail(st, 1);
  std::unique_ptr<History> history;
  st = History::Open(launch_dir + "/.ferry", &history);
  if (!st.ok()) return Fail(st, 1);
  RunRecord run;
  run.pipeline = pipeline_file;
  run.command_line = ra.command_line;
  run.launch_dir = launch_dir;
  run.work_dir = roots.local;
  run.start_ms = start_ms;  // BeginRun marks it running
  st = history->BeginRun(&run);
  if (!st.ok()) return Fail(st, 1);
  if (Status named = lock->SetName(run.run_name); !named.ok()) PrintWarning(named.message());
  std::string adoption;
  st = executors.StartJournal(launch_dir + "/.ferry", run, run_opts.resume, history.get(), &adoption);
  if (!st.ok()) return Fail(st, 1);

  std::unique_ptr<TraceWriter> trace;
  TraceChoice trace_choice = ResolveTrace(config, ra.trace, ra.trace_file);
  if (trace_choice.on) {
    st = TraceWriter::Open(trace_choice.file, &trace);
    if (!st.ok()) return Fail(st, 1);
  }

  bool ansi = ra.ansi == 1 || (ra.ansi == -1 && ::isatty(STDOUT_FILENO));
  if (const char* term = std::getenv("TERM"); ra.ansi == -1 && term && std::string(term) == "dumb") ansi = false;
  std::unique_ptr<Progress> progress = MakeProgress(ansi, stdout);
  progress_sink = progress.get();
  std::printf("ferry run %s  [%s]  %zu task(s)\n", ra.pipeline.c_str(), run.run_name.c_str(), graph.tasks.size());
  if (!adoption.empty()) std::printf("%s\n", adoption.c_str());
  std::fflush(stdout);

  InstallInterruptHandlers();
  TaskRecorder recorder(history.get(), trace.get(), run.id, progress.get());
  RunObservers observers;
  observers.Add(progress.get());
  observers.Add(&recorder);
  RunDriver driver(&graph, &expander, executors.slots(), history.get(), &observers, run_opts);
  RunStats stats;
  Status result = driver.Run(&stats);
  progress_sink = nullptr;

  run.end_ms = NowMs();
  run.completed = stats.completed;
  run.cached = stats.cached;
  run.failed = stats.failed + stats.ignored;
  run.status = RunStateName(RunEndState(result));
  Status fin = history->FinishRun(run);
  if (fin.ok()) fin = executors.FinishJournal();
  if (trace) trace->Close();

  std::string summary = Summary(stats, run.end_ms - start_ms);
  // So nobody takes a stub run's results for the pipeline's.
  if (ra.stub_run) summary += " (-stub-run: tasks with a stub ran it instead of their script)";
  progress->Finish(summary);
  if (!fin.ok()) PrintWarning(fin.message());
  if (trace) std::printf("trace: %s\n", trace_choice.file.c_str());
  const bool pages_written = WriteRunPages(ra, history.get(), run);
  if (!result.ok()) {
    if (result.kind() == Status::Kind::kInterrupted) {
      std::fprintf(stderr, "interrupted; run again with -resume to continue where this run stopped\n");
      return 130;
    }
    return Fail(result, 1);
  }
  return pages_written ? 0 : 1;
}

}  // namespace ferry
