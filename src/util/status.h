// Status: the one error type ferry passes between modules (no exceptions cross
// a module boundary). An error carries a message for the user and a kind that
// decides the process exit code; an error that came from an AWS service also
// carries the service's error code ("AccessDenied", "NoSuchBucket"), so code
// that reacts to a particular AWS error checks the code, never the message.
#pragma once

#include <string>
#include <utility>

namespace ferry {

class Status {
 public:
  enum class Kind {
    kOk = 0,
    kInvalidInput,  // bad CLI args, config, pipeline: exit code 2
    kFailed,        // a task, a run or a remote call failed: exit code 1
    kInterrupted,   // Ctrl-C: exit code 130
    kNotFound,      // something looked up does not exist (callers decide)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Invalid(std::string msg) { return Status(Kind::kInvalidInput, std::move(msg)); }
  static Status Failed(std::string msg) { return Status(Kind::kFailed, std::move(msg)); }
  static Status Interrupted(std::string msg) { return Status(Kind::kInterrupted, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Kind::kNotFound, std::move(msg)); }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // The AWS error code this status came from; "" when it did not come from
  // an AWS error response.
  const std::string& aws_code() const { return aws_code_; }
  // Returns a copy that carries `code` as its AWS error code.
  Status WithAwsCode(std::string code) const {
    Status s = *this;
    s.aws_code_ = std::move(code);
    return s;
  }

  // Exit code a command should end with when this status reaches main().
  int exit_code() const {
    switch (kind_) {
      case Kind::kOk: return 0;
      case Kind::kInvalidInput: return 2;
      case Kind::kInterrupted: return 130;
      default: return 1;
    }
  }

  // Returns a copy whose message is "prefix: message", same kind.
  Status WithPrefix(const std::string& prefix) const {
    if (ok()) return *this;
    Status s(kind_, prefix + ": " + message_);
    s.aws_code_ = aws_code_;
    return s;
  }

 private:
  Status(Kind k, std::string m) : kind_(k), message_(std::move(m)) {}
  Kind kind_ = Kind::kOk;
  std::string message_;
  std::string aws_code_;
};

#define FERRY_RETURN_IF_ERROR(expr) \
  do {                              \
    ::ferry::Status _st = (expr);   \
    if (!_st.ok()) return _st;      \
  } while (0)

}  // namespace ferry
