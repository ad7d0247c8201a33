// JobScript(): the POSIX sh script a `ferry build` Batch job runs. It needs
// only sh, mktemp, touch, sleep, find, date, mv and an S3 CLI with aws's `s3
// ls/cp/sync/rm` forms. Every value from the user (URLs, CLI path, filters) is embedded
// single-quoted, and every path the script handles is quoted, so odd file
// names (spaces, quotes, '$') pass through untouched. Nothing is traced
// (`set -x` would print forwarded credentials).
#include <string>

#include "remote_build/forwarded_credentials.h"
#include "remote_build/path_filter.h"
#include "remote_build/remote_dir.h"
#include "util/text.h"

namespace ferry::remote_build {

std::string JobScript(const JobScriptOptions& o) {
  std::string common;  // options every S3 call gets
  if (!o.region.empty()) common += " --region " + ShellQuote(o.region);
  // Debian's aws CLI ignores AWS_ENDPOINT_URL, so the endpoint goes on the command line.
  if (!o.endpoint_url.empty()) common += " --endpoint-url " + ShellQuote(o.endpoint_url);
  std::string objects, access;  // the objects' settings for cp and sync; payer and signing for rm too
  for (const std::string& flag : aws::S3CliFlags(o.s3)) objects += " " + ShellQuote(flag);
  for (const std::string& flag : aws::S3CliFlags(o.s3, false)) access += " " + ShellQuote(flag);
  // Beside the tree unless given: ".../<id>/tree/" -> ".../<id>/NAME".
  auto beside_tree = [&](const std::string& given, const std::string& name) {
    if (!given.empty() || !EndsWith(o.tree_url, "tree/")) return given;
    return o.tree_url.substr(0, o.tree_url.size() - 5) + name;
  };
  std::string mtimes_url = beside_tree(o.results_mtimes_url, "results-mtimes");
  std::string input_mtimes_url = beside_tree(o.input_mtimes_url, "input-mtimes");
  std::string filters;
  std::vector<std::string> args = AwsSyncFilterArgs(o.exclude);
  for (size_t i = 0; i + 1 < args.size(); i += 2) filters += " \\\n    " + args[i] + " " + ShellQuote(args[i + 1]);

  std::string s;
  s += "# ferry build: fetch the build directory, run the command, send back its results.\n";
  s += "umask 077\n";
  s += "ferry_cli=" + ShellQuote(o.cli) + "\n";
  s += "ferry_tree=" + ShellQuote(o.tree_url) + "\n";
  s += "ferry_s3() { \"$ferry_cli\" s3 \"$@\" --only-show-errors" + common + objects + "; }\n";
  if (!o.credentials_url.empty())
    s += "ferry_s3_rm() { \"$ferry_cli\" s3 rm \"$@\" --only-show-errors" + common + access + "; }\n";
  s += "ferry_fail() { echo \"ferry build: $*\" >&2; exit 1; }\n";
  s += "[ \"$#\" -gt 0 ] || ferry_fail 'no command to run'\n";
  s += "ferry_work=$(mktemp -d \"${TMPDIR:-/tmp}/ferry-build.XXXXXX\") || ferry_fail 'cannot create a scratch "
       "directory'\n";
  s += "trap 'cd / && rm -rf \"$ferry_work\"' EXIT\n";
  if (!o.credentials_url.empty()) {
    // The forwarded credentials go into a credentials file of the job's own,
    // never its environment, before anything else talks to S3: every later
    // call, the workflow's included, reads that file, so replacing it
    // refreshes them all (forwarded_credentials.h). Never printed. The job
    // role fetches the first set, and any refreshed while the job waited in
    // the queue, since the first set may have expired by then.
    s += "ferry_creds=" + ShellQuote(o.credentials_url) + "\n";
    s += "ferry_s3 cp \"$ferry_creds\" \"$ferry_work/aws-credentials\" >/dev/null ||"
         " ferry_fail \"cannot fetch the forwarded credentials from $ferry_creds\"\n";
    s += "ferry_s3_rm \"$ferry_creds\" >/dev/null ||"
         " echo \"ferry build: warning: could not delete $ferry_creds\" >&2\n";
    if (o.credentials_refresh_s > 0) {
      // Refreshed sets appear beside the first, named by time, so a listing
      // ends with the newest: load each in turn, delete each one read. `s3
      // ls` takes no --only-show-errors; it fails when nothing is there.
      s += "ferry_take_refreshed() {\n";
      s += "  \"$ferry_cli\" s3 ls \"$ferry_creds-\"" + common + access +
           " 2>/dev/null | while read -r _ _ _ ferry_name; do\n";
      s += "    ferry_next=\"${ferry_creds%/*}/$ferry_name\"\n";
      s += "    ferry_s3 cp \"$ferry_next\" \"$ferry_work/aws-credentials.new\" >/dev/null 2>&1 &&\n";
      s += "      mv -f \"$ferry_work/aws-credentials.new\" \"$ferry_work/aws-credentials\" &&\n";
      s += "      ferry_s3_rm \"$ferry_next\" >/dev/null 2>&1\n";
      s += "  done\n";
      s += "}\n";
      s += "ferry_take_refreshed\n";
    }
    s += "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN\n";
    s += "export AWS_SHARED_CREDENTIALS_FILE=\"$ferry_work/aws-credentials\" AWS_PROFILE=" +
         std::string(kForwardedProfile) + "\n";
    if (o.credentials_refresh_s > 0) {
      // Detached from the job's log, so a sleep left behind holds nothing open.
      s += "(umask 077; while sleep " + std::to_string(o.credentials_refresh_s) +
           "; do ferry_take_refreshed; done) </dev/null >/dev/null 2>&1 &\n";
      s += "ferry_refresher=$!\n";
      s += "trap 'kill \"$ferry_refresher\" 2>/dev/null; cd / && rm -rf \"$ferry_work\"' EXIT\n";
    }
  }
  s += "umask 022\n";
  s += "mkdir \"$ferry_work/tree\" && cd \"$ferry_work/tree\" || ferry_fail 'cannot enter the scratch directory'\n";
  s += "ferry_s3 sync \"$ferry_tree\" . || ferry_fail \"cannot fetch the build directory from $ferry_tree\"\n";
  if (!input_mtimes_url.empty()) {
    // The user's mtimes, not S3's upload times, so the workflow judges what
    // is out of date as it would locally. Optional: older mirrors lack it.
    s += "if ferry_s3 cp " + ShellQuote(input_mtimes_url) + " \"$ferry_work/input-mtimes\" >/dev/null 2>&1; then\n";
    s += "  sh \"$ferry_work/input-mtimes\" || echo \"ferry build: warning: could not restore the files' times\" >&2\n";
    s += "fi\n";
  }
  // Files the command writes are newer than this marker; the pause keeps
  // them apart from it even where find compares whole seconds.
  s += "touch \"$ferry_work/started\" && sleep 1\n";
  s += "\"$@\"\n";
  s += "ferry_status=$?\n";
  // The times and executable bits of what the command wrote, so the
  // download can restore them (S3 keeps neither).
  s += "find . -type f -newer \"$ferry_work/started\" -exec sh -c "
       "'for f do x=-; [ -x \"$f\" ] && x=x; printf \"%s %s %s\\000\" \"$(date -r \"$f\" +%s)\" \"$x\" \"$f\"; done' "
       "sh {} + > \"$ferry_work/mtimes\"\n";
  s += "ferry_sent=0\n";
  // --delete: what the command deleted goes from the mirror too, so the
  // download can delete it locally (the filters keep excluded files alike).
  s += "ferry_s3 sync --delete . \"$ferry_tree\"" + filters + " || ferry_sent=1\n";
  if (!mtimes_url.empty())
    s += "ferry_s3 cp \"$ferry_work/mtimes\" " + ShellQuote(mtimes_url) + " >/dev/null || ferry_sent=1\n";
  s += "if [ \"$ferry_sent\" -ne 0 ]; then\n";
  s += "  echo \"ferry build: sending the results back to $ferry_tree failed\" >&2\n";
  s += "  [ \"$ferry_status\" -ne 0 ] || ferry_status=1\n";
  s += "fi\n";
  s += "exit \"$ferry_status\"\n";
  return s;
}

}  // namespace ferry::remote_build
