// Status: the outcome of a call that could not do its job (unreadable file,
// API misuse, a limit). Bad *content* (a wrong policy, a bad case) is not a
// Status: it comes back as Issues or as errors inside a Decision.
#ifndef AFTERSALES_STATUS_H_
#define AFTERSALES_STATUS_H_

#include <string>
#include <utility>

#include "aftersales/export.h"

namespace aftersales {

// Stable codes; callers may switch on them.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument = 1,   // the input was read but is wrong (a bad case field)
  kNotFound = 2,          // a file or a name that does not exist
  kIoError = 3,           // a file that exists but cannot be read
  kResourceExhausted = 4, // a configured limit was hit
  kFailedPrecondition = 5,// API misuse
  kInternal = 6,          // a bug in aftersales
};

class [[nodiscard]] AFTERSALES_EXPORT Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "OK" or the message alone (the message already names the field or file).
  std::string ToString() const { return ok() ? std::string("OK") : message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace aftersales

#endif  // AFTERSALES_STATUS_H_
