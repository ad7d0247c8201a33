// ferry-job: the S3 CLI a Batch job runs (aws.batch.cliPath), as one fully
// static binary so it works in any image, even one without /lib or an aws
// CLI. It has only what the job side calls: `s3 cp|ls|rm|sync|mb` (the same
// code as `ferry s3`, aws/s3_cli.h), `measure` to run a task and report what
// it used (the same code as `ferry measure`, measure_command.h) and `aws
// whoami` to check an image's credentials; HTTP goes through the OpenSSL
// transport (http_openssl.cc).
#include <openssl/ssl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "aws/s3_cli.h"
#include "job/measure_command.h"
#include "util/text.h"

namespace {

const char kUsage[] =
    "usage: ferry-job s3 cp|ls|rm|sync|mb ...   (the forms of `ferry s3` and the aws CLI)\n"
    "       ferry-job measure FILE -- COMMAND...  (run a task, write what it used to FILE)\n"
    "       ferry-job aws whoami                  (which credentials the job finds)\n"
    "       ferry-job version\n"
    "ferry-job is the static S3 CLI for AWS Batch jobs (aws.batch.cliPath); the other\n"
    "commands are in ferry.\n";

// An exception nothing caught: one line and exit 70 (EX_SOFTWARE) instead of
// an abort, as ferry does.
[[noreturn]] void OnTerminate() {
  const char msg[] = "ferry-job: internal error: an exception nobody caught (please report the command line)\n";
  (void)!::write(2, msg, sizeof msg - 1);
  ::_exit(70);
}

int Main(const std::vector<std::string>& args) {
  // Options before the command word (`ferry-job --region R s3 ls`) go along
  // with it, as in ferry.
  static const std::vector<std::string> kValued = {"--region", "--endpoint-url",     "--profile",
                                                   "--output", "--cli-read-timeout", "--cli-connect-timeout"};
  size_t at = 0;
  while (at < args.size() && ferry::StartsWith(args[at], "--") && args[at] != "--help" && args[at] != "--version") {
    bool valued = std::find(kValued.begin(), kValued.end(), args[at]) != kValued.end();
    at += valued ? 2 : 1;
  }
  if (at >= args.size() || args[at] == "help" || args[at] == "--help" || args[at] == "-h") {
    std::fputs(kUsage, at >= args.size() ? stderr : stdout);
    return at >= args.size() ? 2 : 0;
  }
  const std::string& word = args[at];
  if (word == "version" || word == "--version") {
    std::puts("ferry-job " FERRY_VERSION);
    return 0;
  }
  std::vector<std::string> rest(args.begin(), args.begin() + static_cast<long>(at));
  rest.insert(rest.end(), args.begin() + static_cast<long>(at) + 1, args.end());
  if (word == "s3") return ferry::aws::RunS3Cli(rest, nullptr, ferry::aws::CliIo{});
  if (word == "aws") return ferry::aws::RunAwsCli(rest, nullptr, ferry::aws::CliIo{});
  if (word == "measure") return ferry::MeasureCommand(rest);
  std::fprintf(stderr, "ferry-job: unknown command '%s'%s\n%s", word.c_str(),
               ferry::DidYouMean(word, {"s3", "measure", "aws", "version"}).c_str(), kUsage);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(OnTerminate);
  // The image's openssl.cnf (if any) belongs to the image's own OpenSSL and
  // may name modules this static copy cannot load: ignore it.
  OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  try {
    return Main(std::vector<std::string>(argv + 1, argv + argc));
  } catch (...) {
    OnTerminate();
  }
}
