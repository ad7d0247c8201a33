// Test-only helpers for the build module's tests (included by *_test.cc):
// a ferry-awsemu subprocess on 127.0.0.1 with fresh keys and data dir, an
// S3Client pointed at it, its request log, and a way to run a program with
// a given environment and capture its output.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "aws/aws_client.h"
#include "aws/credentials.h"
#include "aws/env.h"
#include "aws/s3_client.h"

namespace ferry::remote_build::testing {

inline std::string MakeTempDir(const std::string& tag) {
  std::string t = "/tmp/ferry-" + tag + "-XXXXXX";
  if (!mkdtemp(t.data())) return "";
  return t;
}

// Runs argv with exactly `env`, in `cwd`; stdout and stderr go to *output.
// Returns the exit status (128+N for a signal, -1 when it could not start).
inline int RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& cwd,
                      std::string* output) {
  std::string out_path = cwd + "/.run-output-" + std::to_string(::getpid());
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> a, e;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    for (const auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    e.push_back(nullptr);
    execve(a[0], a.data(), e.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::ifstream in(out_path);
  std::stringstream ss;
  ss << in.rdbuf();
  *output = ss.str();
  ::unlink(out_path.c_str());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

class Emulator {
 public:
  std::string access_key = "AKIDBUILDSYNC", secret_key = "s3cr3t/BuildSync+Key", region = "us-east-1";
  std::string endpoint, data_dir;
  int port = 0;

  // Empty on success, else what went wrong.
  std::string Start() {
    data_dir = MakeTempDir("emu");
    int pipefd[2];
    if (pipe(pipefd) != 0) return "pipe failed";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(pipefd[1], 1);
      ::close(pipefd[0]);
      execl(FERRY_AWSEMU_BIN, FERRY_AWSEMU_BIN, "--port", "0", "--data-dir", data_dir.c_str(), "--access-key",
            access_key.c_str(), "--secret-key", secret_key.c_str(), "--region", region.c_str(), "--host-jobs", nullptr);
      _exit(127);
    }
    ::close(pipefd[1]);
    std::string line;
    char c;
    while (::read(pipefd[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(pipefd[0]);
    size_t at = line.find("port=");
    if (line.rfind("ready", 0) != 0 || at == std::string::npos) return "emulator did not start: '" + line + "'";
    port = std::atoi(line.c_str() + at + 5);
    endpoint = "http://127.0.0.1:" + std::to_string(port);
    return "";
  }
  ~Emulator() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  std::unique_ptr<aws::S3Client> S3() const {
    auto env = std::make_shared<aws::MapEnv>();
    env->Set("AWS_ENDPOINT_URL_S3", endpoint);
    aws::AwsClient::Options o;
    o.credentials =
        std::make_shared<aws::StaticCredentials>(aws::Credentials{access_key, secret_key, "", std::nullopt});
    o.region = region;
    o.env = env;
    o.settings.s3_addressing = "path";
    std::unique_ptr<aws::S3Client> s3;
    if (!aws::S3Client::Create(std::make_shared<aws::AwsClient>(std::move(o)), &s3).ok()) return nullptr;
    return s3;
  }

  nlohmann::json Requests() const {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get("/_emu/requests");
    if (!r || r->status != 200) return nlohmann::json::array();
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_object() && j.contains("requests")) return j["requests"];
    return j.is_array() ? j : nlohmann::json::array();
  }

  // Requests after the first `since` whose operation is `op` and whose path contains `part`.
  int Count(size_t since, const std::string& op, const std::string& part = "") const {
    nlohmann::json all = Requests();
    int n = 0;
    for (size_t i = since; i < all.size(); ++i)
      if (all[i].value("operation", "") == op && all[i].value("path", "").find(part) != std::string::npos) ++n;
    return n;
  }
  size_t RequestCount() const { return Requests().size(); }

 private:
  pid_t pid_ = -1;
};

}  // namespace ferry::remote_build::testing
