#include "config/schema.h"

#include <algorithm>
#include <climits>
#include <map>
#include <set>

#include "rules/directive_rules.h"
#include "rules/rate.h"
#include "util/text.h"
#include "util/units.h"

namespace ferry::config {

namespace {

enum class Type {
  kAny,
  kString,
  kBool,
  kInt,
  kNumber,
  kMemory,
  kDuration,
  kStringOrList,  // 'a' or ['a', 'b']
  kChoice,        // one of Rule::choices ('|'-separated)
  kRate,          // submitRateLimit: '50', '50/s', '10/2min', '10 sec'
  kAccelerator,   // 1, or [request: 1, type: 'nvidia-tesla-t4']
  kPublish,       // a directory or s3:// URL
};

struct Rule {
  Rule(Type t = Type::kAny, std::string c = "", int64_t m = INT64_MIN) : type(t), choices(std::move(c)), min(m) {}
  Type type;
  std::string choices;  // '|'-separated
  int64_t min;
};

struct Schema {
  std::map<std::string, Rule> keys;            // dotted path -> rule
  std::set<std::string> scopes;                // every proper prefix of a key, plus these
  std::set<std::string> free_scopes;           // anything below is the user's (params, env)
  std::map<std::string, std::string> ignored;  // known to Nextflow, unused by ferry -> note
  // Keys ferry type-checks but does not act on (yet): setting one warns,
  // naming it, so no setting is accepted and silently ignored. Dotted paths
  // as written (executor.$awsbatch.jobName); -> why, or what to do instead.
  std::map<std::string, std::string> unsupported;
};

void AddKey(Schema* s, const std::string& path, Rule r) {
  s->keys[path] = r;
  size_t dot = path.find('.');
  while (dot != std::string::npos) {
    s->scopes.insert(path.substr(0, dot));
    dot = path.find('.', dot + 1);
  }
}

const Rule S{Type::kString};
const Rule B{Type::kBool};
const Rule SL{Type::kStringOrList};
const Rule M{Type::kMemory};
const Rule D{Type::kDuration};
const Rule N{Type::kNumber};
Rule Int(int64_t min) { return Rule{Type::kInt, "", min}; }
Rule Choice(const char* c) { return Rule{Type::kChoice, c}; }

// The note of keys that a later ferry may act on.
const char* const kNotYet = "ferry does not support it yet";

void Unsupported(Schema* s, const std::string& path, Rule r, const std::string& note) {
  AddKey(s, path, std::move(r));
  s->unsupported[path] = note;
}

// The executor scope's keys; executor.$NAME.x (NAME one of ferry's
// executors) overrides executor.x for that executor alone.
void AddExecutorKeys(Schema* s) {
  struct Key {
    const char* name;
    Rule rule;
    std::set<std::string> read_for;  // executors whose settings read it
  };
  // Executors that queue jobs somewhere else (the driver counts jobs, not cpus).
  const std::set<std::string> queued = {"awsbatch", "slurm"}, local = {"local"}, all = {"awsbatch", "local", "slurm"};
  const std::vector<Key> keys = {
      {"name", Rule{Type::kChoice, Join(rules::FindDirective("executor")->choices, "|")}, {}},
      {"queueSize", Int(1), queued},
      {"pollInterval", D, queued},
      {"submitRateLimit", Rule{Type::kRate}, queued},
      {"cpus", Int(1), local},
      {"memory", M, local},
      {"dumpInterval", D, {}},
      {"queueStatInterval", D, {}},
      {"exitReadTimeout", D, {}},
      {"killBatchSize", Int(1), {}},
      {"perCpuMemAllocation", B, {}},
      {"jobName", S, {}},
      {"account", S, {}},
      {"queueGlobalStatus", B, {}},
  };
  for (const auto& k : keys) {
    std::string top = std::string("executor.") + k.name;
    if (top == "executor.name" || !k.read_for.empty()) AddKey(s, top, k.rule);
    else Unsupported(s, top, k.rule, kNotYet);
    for (const std::string& ex : all) {
      std::string own = "executor.$" + ex + "." + k.name;
      if (k.read_for.count(ex)) AddKey(s, own, k.rule);
      else Unsupported(s, own, k.rule, k.read_for.empty() ? kNotYet : "the " + ex + " executor does not use it");
    }
  }
  for (const std::string& scope : {std::string("executor"), std::string("executor.$awsbatch"),
                                   std::string("executor.$local"), std::string("executor.$slurm")}) {
    s->ignored[scope + ".retry"] = "executor retry settings are not used by ferry; use aws.batch.retryMode";
    s->ignored[scope + ".awscli"] = "use aws.batch.cliPath instead";
  }
}

Schema BuildSchema() {
  Schema s;
  s.free_scopes = {"params", "env"};
  s.scopes.insert("params");
  s.scopes.insert("env");
  s.scopes.insert("process");
  s.scopes.insert("plugins");

  AddKey(&s, "workDir", S);
  AddKey(&s, "resume", B);
  Unsupported(&s, "cleanup", B, "ferry keeps work directories; remove them with ferry clean");

  for (const char* k : {"region", "accessKey", "secretKey", "profile"}) AddKey(&s, std::string("aws.") + k, S);

  const std::string b = "aws.batch.";
  for (const char* k : {"cliPath", "jobRole", "logsGroup"}) AddKey(&s, b + k, S);
  AddKey(&s, b + "volumes", SL);
  AddKey(&s, b + "maxParallelTransfers", Int(1));
  AddKey(&s, b + "maxTransferAttempts", Int(1));
  AddKey(&s, b + "delayBetweenAttempts", D);
  AddKey(&s, b + "runnableWarning", D);
  AddKey(&s, b + "maxSpotAttempts", Int(0));
  AddKey(&s, b + "retryMode", Choice("standard|legacy|adaptive|built-in"));
  // Fargate and fair-share queues (docs/aws-batch.md, 'For organisations').
  for (const char* k : {"executionRole", "shareIdentifier", "fargatePlatformVersion"}) AddKey(&s, b + k, S);
  AddKey(&s, b + "schedulingPriority", Int(0));
  AddKey(&s, b + "platformType", Choice("ec2|fargate"));
  AddKey(&s, b + "assignPublicIp", B);
  for (const char* k : {"terminateUnschedulableJobs", "forceGlacierTransfer", "fetchInstanceType"})
    Unsupported(&s, b + k, B, kNotYet);

  // `ferry build --aws-batch` (docs/build.md); its job's CLI is aws.batch.cliPath.
  for (const char* k : {"bucket", "jobDefinition", "queue"}) AddKey(&s, std::string("build.") + k, S);
  AddKey(&s, "build.cpus", Int(1));
  AddKey(&s, "build.memory", M);

  const std::string c = "aws.client.";
  AddKey(&s, c + "endpoint", S);
  AddKey(&s, c + "s3PathStyleAccess", B);
  AddKey(&s, c + "maxErrorRetry", Int(0));
  // What every object ferry writes carries (aws/s3_object_settings.h).
  for (const char* k : {"storageClass", "uploadStorageClass", "storageKmsKeyId", "s3Acl"}) AddKey(&s, c + k, S);
  for (const char* k : {"anonymous", "requesterPays"}) AddKey(&s, c + k, B);
  AddKey(&s, c + "storageEncryption", Choice("AES256|aws:kms"));
  for (const char* k : {"proxyHost", "proxyUsername", "proxyPassword"}) Unsupported(&s, c + k, S, kNotYet);
  Unsupported(&s, c + "maxConnections", Int(1), kNotYet);
  Unsupported(&s, c + "connectionTimeout", Int(0), kNotYet);
  Unsupported(&s, c + "socketTimeout", Int(0), kNotYet);
  Unsupported(&s, c + "proxyPort", Int(1), kNotYet);
  Unsupported(&s, c + "proxyScheme", Choice("http|https"), kNotYet);
  for (const char* k : {"minimumPartSize", "multipartThreshold", "maxDownloadHeapMemory", "maxNativeMemory"})
    Unsupported(&s, c + k, M, kNotYet);
  Unsupported(&s, c + "targetThroughputInGbps", N, kNotYet);
  Unsupported(&s, c + "maxConcurrency", Int(1), kNotYet);
  for (const char* k :
       {"protocol", "signerOverride", "userAgent", "socketSendBufferSizeHint", "socketRecvBufferSizeHint",
        "uploadChunkSize", "uploadMaxThreads", "uploadRetrySleep", "uploadMaxAttempts"})
    s.ignored[c + k] = "no longer supported by Nextflow either";

  AddExecutorKeys(&s);

  AddKey(&s, "trace.enabled", B);
  AddKey(&s, "trace.file", S);
  const std::string trace_format = "ferry writes its trace with fixed columns, tab-separated";
  Unsupported(&s, "trace.fields", SL, trace_format);
  Unsupported(&s, "trace.sep", S, trace_format);
  Unsupported(&s, "trace.raw", B, trace_format);
  Unsupported(&s, "trace.overwrite", B, "ferry always replaces an existing trace file");

  // Local tasks with a `container` run in it through the engine enabled here
  // (engine/container_settings.h reads these; docs/containers.md).
  for (const char* engine : {"docker", "podman"}) {
    const std::string e = std::string(engine) + ".";
    AddKey(&s, e + "enabled", B);
    AddKey(&s, e + "remove", B);
    for (const char* k : {"runOptions", "engineOptions", "registry", "temp", "mountFlags"}) AddKey(&s, e + k, S);
    AddKey(&s, e + "envWhitelist", SL);
  }
  for (const char* k : {"sudo", "fixOwnership", "tty", "legacy", "writableInputMounts"})
    Unsupported(&s, std::string("docker.") + k, B, kNotYet);

  AddKey(&s, "plugins.id", S);

  for (const char* k :
       {"manifest",    "report",    "timeline",     "dag",    "tower",     "wave",       "fusion",    "notification",
        "mail",        "k8s",       "google",       "azure",  "nextflow",  "weblog",     "lineage",   "seqera",
        "singularity", "apptainer", "charliecloud", "sarus",  "shifter",   "conda",      "spack",     "workflow",
        "outputDir",   "mamba",     "cloudcache",   "fusion", "bucketDir", "dumpHashes", "validation"})
    s.ignored[k] = "a Nextflow setting ferry does not use";
  return s;
}

const Schema& TheSchema() {
  static const Schema* s = new Schema(BuildSchema());
  return *s;
}

// How config syntax types a directive of rules::DirectiveSpecs(); the
// rules' own limits are checked after the type.
Rule DirectiveRule(const rules::DirectiveSpec& spec) {
  using K = rules::DirectiveKind;
  switch (spec.kind) {
    case K::kCount: return Int(spec.min);
    case K::kMemory: return M;
    case K::kDuration: return D;
    case K::kText: return S;
    case K::kPath: return Rule{Type::kPublish};
    case K::kChoice: return Rule{Type::kChoice, Join(spec.choices, "|")};
    case K::kLabels: return SL;
    case K::kAccelerator: return Rule{Type::kAccelerator};
    case K::kLabelMap: return Rule{};  // a map: CheckDirectiveValue checks each label
  }
  return Rule{};
}

// Nextflow's names for two of ferry's directives.
const std::map<std::string, std::string>& DirectiveAliases() {
  static const auto* a = new std::map<std::string, std::string>{{"maxRetries", "retry"}, {"publishDir", "publish"}};
  return *a;
}

// Every directive name the config knows, ferry's and Nextflow's (for hints).
std::vector<std::string> KnownDirectives() {
  std::vector<std::string> out = rules::DirectiveNames();
  for (const auto& [k, d] : DirectiveAliases()) out.push_back(k);
  for (const auto& k : rules::IgnoredDirectives()) out.push_back(k);
  return out;
}

std::string Quoted(const Value& v) {
  if (v.is_string()) return "'" + v.as_string() + "'";
  return v.ToJson();
}

// How a type error shows the offending value (never a secret's).
std::string Shown(const std::string& key, const Value& v) {
  if (IsSecretKey(key)) return std::string(v.kind_name());
  return std::string(v.kind_name()) + " " + Quoted(v);
}

bool IsTemplate(const Value& v) { return v.is_string() && v.as_string().find("{{") != std::string::npos; }

Status TypeError(const SourceLoc& loc, const std::string& key, const std::string& want, const Value& v,
                 const std::string& hint) {
  return Status::Invalid(loc.ToString() + ": " + key + " must be " + want + ", got " + Shown(key, v) + " (" + hint +
                         ")");
}

Status CheckRate(const std::string& key, const Value& v, const SourceLoc& loc) {
  const std::string hint = std::string("write e.g. ") + rules::kRateExamples;
  double per_second = 0;
  if (v.is_int() && v.as_int() > 0) return Status::Ok();
  if (!v.is_string() || !rules::ParseRate(v.as_string(), &per_second)) return TypeError(loc, key, "a rate", v, hint);
  return Status::Ok();
}

// A memory size or a duration: text that `parse` reads, or a whole number of
// the unit (bytes, milliseconds) that becomes text by `format`, so both
// forms are stored alike.
Status CheckUnitAmount(const std::string& key, Value* v, const SourceLoc& loc,
                       bool (*parse)(std::string_view, int64_t*), std::string (*format)(int64_t), const char* what,
                       const char* hint) {
  int64_t amount;
  if (v->is_int() && v->as_int() >= 0) {
    *v = Value(format(v->as_int()));
    return Status::Ok();
  }
  if (!v->is_string() || !parse(v->as_string(), &amount)) return TypeError(loc, key, what, *v, hint);
  return Status::Ok();
}

// Type-checks (and normalizes) one value against a rule. `key` names it in messages.
Status CheckType(const Rule& r, const std::string& key, Value* v, const SourceLoc& loc) {
  if (v->is_null()) return Status::Ok();
  switch (r.type) {
    case Type::kAny: return Status::Ok();
    case Type::kString:
      if (!v->is_string()) return TypeError(loc, key, "a string", *v, "put the value in quotes");
      return Status::Ok();
    case Type::kBool:
      if (!v->is_bool()) return TypeError(loc, key, "true or false", *v, "write true or false without quotes");
      return Status::Ok();
    case Type::kInt: {
      bool integral = v->is_int() || (v->is_double() && v->as_double() == static_cast<double>(v->as_int()));
      if (!integral) return TypeError(loc, key, "a whole number", *v, "write a number without quotes, e.g. 4");
      if (v->as_int() < r.min)
        return Status::Invalid(loc.ToString() + ": " + key + " must be at least " + std::to_string(r.min) + ", got " +
                               std::to_string(v->as_int()));
      *v = Value(v->as_int());
      return Status::Ok();
    }
    case Type::kNumber:
      if (!v->is_number()) return TypeError(loc, key, "a number", *v, "write a number without quotes, e.g. 10");
      return Status::Ok();
    case Type::kMemory:
      return CheckUnitAmount(key, v, loc, ParseMemory, FormatMemory, "a memory size",
                             "write e.g. '2 GB', '512 MB' or 2.GB");
    case Type::kDuration:
      return CheckUnitAmount(key, v, loc, ParseDuration, FormatDuration, "a duration",
                             "write e.g. '1h', '30m', '10s' or 30.min");
    case Type::kStringOrList: {
      if (v->is_string()) return Status::Ok();
      bool ok = v->is_list();
      for (const auto& item : v->as_list()) ok = ok && item.is_string();
      if (!ok) return TypeError(loc, key, "a string or a list of strings", *v, "write e.g. 'a' or ['a', 'b']");
      return Status::Ok();
    }
    case Type::kChoice: {
      std::vector<std::string> choices = Split(r.choices, '|');
      std::string list = Join(choices, ", ");
      if (!v->is_string()) return TypeError(loc, key, "one of " + list, *v, "put one of them in quotes");
      if (std::find(choices.begin(), choices.end(), v->as_string()) == choices.end())
        return Status::Invalid(loc.ToString() + ": " + key + " must be one of " + list + ", got '" + v->as_string() +
                               "'" + DidYouMean(v->as_string(), choices));
      return Status::Ok();
    }
    case Type::kRate: return CheckRate(key, *v, loc);
    case Type::kAccelerator: {
      if (v->is_int() && v->as_int() >= 0) return Status::Ok();
      if (v->is_map() && (!v->Find("request") || v->Find("request")->is_int())) return Status::Ok();
      return TypeError(loc, key, "a GPU count or a map like [request: 1, type: 'nvidia-tesla-t4']", *v,
                       "write e.g. accelerator = 1");
    }
    case Type::kPublish:
      if (!v->is_string()) return TypeError(loc, key, "a directory or s3:// URL", *v, "write e.g. publish = 'results'");
      return Status::Ok();
  }
  return Status::Ok();
}

std::string JoinRange(const std::vector<std::string>& v, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < v.size(); ++i) {
    if (i > from) out += '.';
    out += v[i];
  }
  return out;
}

// Names directly below scope `prefix` (for did-you-mean).
std::vector<std::string> Children(const std::string& prefix) {
  const Schema& s = TheSchema();
  std::set<std::string> out;
  auto take = [&](const std::string& full) {
    if (prefix.empty()) {
      out.insert(full.substr(0, full.find('.')));
    } else if (full.size() > prefix.size() + 1 && StartsWith(full, prefix + ".")) {
      std::string rest = full.substr(prefix.size() + 1);
      out.insert(rest.substr(0, rest.find('.')));
    }
  };
  for (const auto& [k, r] : s.keys) take(k);
  for (const auto& k : s.scopes) take(k);
  for (const auto& [k, n] : s.ignored) take(k);
  return {out.begin(), out.end()};
}

SourceLoc LocOf(const KeyPath& key, size_t i) {
  if (i < key.locs.size()) return key.locs[i];
  return key.locs.empty() ? SourceLoc{} : key.locs.back();
}

// Walks the known tree along `key`. Returns the index of the first segment
// that is not a scope (the key itself, or an unknown/ignored name), warning
// as needed. *done is set when nothing further must be checked.
Status Walk(const KeyPath& key, bool is_block, size_t* stop, bool* done, std::vector<std::string>* warnings) {
  const Schema& s = TheSchema();
  *done = false;
  size_t n = key.names.size();
  for (size_t k = 0; k < n; ++k) {
    std::string look = JoinRange(key.names, 0, k + 1);
    bool own = k >= key.first_own;
    if (s.free_scopes.count(look)) {
      *done = true;
      return Status::Ok();
    }
    auto ign = s.ignored.find(look);
    if (ign != s.ignored.end()) {
      if (own)
        warnings->push_back(LocOf(key, k).ToString() + ": '" + JoinRange(key.names, 0, k + 1) +
                            "' is ignored by ferry (" + ign->second + ")");
      *done = true;
      return Status::Ok();
    }
    bool last = k + 1 == n;
    if (s.scopes.count(look)) {
      if (last) {
        *stop = k;
        return Status::Ok();
      }
      continue;
    }
    if (s.keys.count(look)) {
      if (!last || is_block) {
        return Status::Invalid(LocOf(key, k + (last ? 0 : 1)).ToString() + ": '" + JoinRange(key.names, 0, k + 1) +
                               "' is a setting, not a scope (assign it with " + key.names[k] + " = value)");
      }
      *stop = k;
      return Status::Ok();
    }
    if (own) {
      std::string parent = JoinRange(key.names, 0, k);
      std::string what = k == 0 && (!last || is_block) ? "unknown config scope '" : "unknown config key '";
      warnings->push_back(LocOf(key, k).ToString() + ": " + what + JoinRange(key.names, 0, k + 1) + "'" +
                          DidYouMean(key.names[k], Children(parent)));
    }
    *done = true;
    return Status::Ok();
  }
  *done = true;
  return Status::Ok();
}

}  // namespace

bool IsSecretKey(const std::string& name) {
  std::string l = ToLower(name);
  return l == "secretkey" || l == "proxypassword" || l.find("secret") != std::string::npos ||
         l.find("token") != std::string::npos || l.find("password") != std::string::npos;
}

Status CheckConfigScope(const KeyPath& key, std::vector<std::string>* warnings) {
  size_t stop;
  bool done;
  return Walk(key, /*is_block=*/true, &stop, &done, warnings);
}

Status CheckConfigKey(const KeyPath& key, Value* value, const SourceLoc& value_loc,
                      std::vector<std::string>* warnings) {
  const Schema& s = TheSchema();
  size_t stop = 0;
  bool done;
  FERRY_RETURN_IF_ERROR(Walk(key, /*is_block=*/false, &stop, &done, warnings));
  if (done) return Status::Ok();
  std::string look = JoinRange(key.names, 0, stop + 1);
  std::string display = JoinRange(key.names, 0, stop + 1);
  auto rule = s.keys.find(look);
  if (rule != s.keys.end()) {
    FERRY_RETURN_IF_ERROR(CheckType(rule->second, display, value, value_loc));
    auto unsupported = s.unsupported.find(look);
    if (unsupported != s.unsupported.end() && !value->is_null()) {
      // Once per key, at the first place it is set.
      std::string what = "'" + display + "' has no effect: " + unsupported->second;
      bool said =
          std::any_of(warnings->begin(), warnings->end(), [&](const std::string& w) { return EndsWith(w, what); });
      if (!said) warnings->push_back(LocOf(key, stop).ToString() + ": " + what);
    }
    return Status::Ok();
  }
  // A whole scope assigned at once: aws.batch = [cliPath: '...'].
  if (value->is_null()) return Status::Ok();
  if (!value->is_map())
    return Status::Invalid(value_loc.ToString() + ": '" + display + "' is a scope; assign its settings (" + display +
                           ".name = value) or a map [name: value], not a " + value->kind_name());
  ValueMap checked;
  for (const auto& [k, v] : value->as_map()) {
    KeyPath sub = key;
    sub.names.resize(stop + 1);
    sub.names.push_back(k);
    sub.locs.resize(stop + 1, value_loc);
    sub.locs.push_back(value_loc);
    sub.first_own = stop + 1;
    Value item = v;
    FERRY_RETURN_IF_ERROR(CheckConfigKey(sub, &item, value_loc, warnings));
    checked.Set(k, std::move(item));
  }
  *value = Value(std::move(checked));
  return Status::Ok();
}

Status CheckDirective(const KeyPath& key, Value* value, const SourceLoc& value_loc, std::vector<std::string>* canonical,
                      std::vector<std::string>* warnings) {
  *canonical = key.names;
  if (key.names.empty()) return Status::Ok();
  const std::string& name = key.names[0];
  SourceLoc loc = LocOf(key, 0);
  bool own = key.first_own == 0;
  if (rules::IgnoredDirectives().count(name)) {
    if (own)
      warnings->push_back(loc.ToString() + ": process directive '" + name + "' is accepted but ignored by ferry");
    return Status::Ok();
  }
  auto alias = DirectiveAliases().find(name);
  const rules::DirectiveSpec* spec = rules::FindDirective(alias == DirectiveAliases().end() ? name : alias->second);
  if (!spec) {
    std::string hint = DidYouMean(name, KnownDirectives());
    if (hint.empty()) hint = " (ferry's directives: " + Join(rules::DirectiveNames(), ", ") + ")";
    return Status::Invalid(loc.ToString() + ": unknown process directive '" + name + "'" + hint);
  }
  if (key.names.size() > 1)
    return Status::Invalid(LocOf(key, 1).ToString() + ": process directive '" + name + "' has no sub-settings (write " +
                           name + " = value)");
  bool template_value = IsTemplate(*value);
  (*canonical)[0] = spec->name;
  if (name == "publishDir") {
    // Nextflow's publishDir takes a path or [path: ..., mode: ...]; ferry
    // publishes by copying, so only the path carries over.
    const Value* path = value->is_map() ? value->Find("path") : nullptr;
    if (value->is_string()) {
    } else if (path && path->is_string()) {
      *value = *path;
      if (value->as_map().size() > 1 && own)
        warnings->push_back(loc.ToString() + ": publishDir options other than 'path' are ignored by ferry");
    } else {
      if (own)
        warnings->push_back(loc.ToString() +
                            ": this form of publishDir is ignored by ferry (write publish = 'dir' instead)");
      canonical->clear();  // nothing to store
    }
    return Status::Ok();
  }
  if (template_value) return Status::Ok();  // checked per task once rendered
  FERRY_RETURN_IF_ERROR(CheckType(DirectiveRule(*spec), name, value, value_loc));
  std::string problem;
  if (!rules::CheckDirectiveValue(*spec, *value, &problem))
    return Status::Invalid(value_loc.ToString() + ": " + name + " " + problem);
  return Status::Ok();
}

Status CheckDirectiveScope(const KeyPath& key, std::vector<std::string>* warnings) {
  if (key.names.empty()) return Status::Ok();
  const std::string& name = key.names[0];
  SourceLoc loc = LocOf(key, 0);
  if (name == "ext") {
    if (key.first_own == 0)
      warnings->push_back(loc.ToString() + ": process directive 'ext' is accepted but ignored by ferry");
    return Status::Ok();
  }
  if (rules::FindDirective(name) || DirectiveAliases().count(name) || rules::IgnoredDirectives().count(name))
    return Status::Invalid(loc.ToString() + ": process directive '" + name + "' is not a block (write " + name +
                           " = value)");
  return Status::Invalid(loc.ToString() + ": unknown process directive '" + name + "'" +
                         DidYouMean(name, KnownDirectives()) +
                         " (only withLabel:, withName: and ext may open a "
                         "block inside process)");
}

}  // namespace ferry::config
