// Result<T>: a value or a non-OK Status. Never both, never neither.
#ifndef AFTERSALES_RESULT_H_
#define AFTERSALES_RESULT_H_

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

#include "aftersales/status.h"

namespace aftersales {

// Thrown when the value of a Result that holds an error is asked for: a bug
// in the caller, reported with the error it did not handle (as abseil's
// StatusOr does), not as a crash.
class AFTERSALES_EXPORT BadResultAccess : public std::logic_error {
 public:
  explicit BadResultAccess(const Status& status)
      : std::logic_error("aftersales: the value of a Result that holds an error was used; the error: " +
                         status.ToString()),
        status_(status) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  // REQUIRES: !status.ok()
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok())
      v_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  // The value. When there is none, throws BadResultAccess naming the error.
  T& value() & {
    Check();
    return *std::get_if<T>(&v_);
  }
  const T& value() const& {
    Check();
    return *std::get_if<T>(&v_);
  }
  T&& value() && {
    Check();
    return std::move(*std::get_if<T>(&v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  void Check() const {
    if (!ok()) throw BadResultAccess(*std::get_if<Status>(&v_));
  }
  std::variant<T, Status> v_;
};

}  // namespace aftersales

#endif  // AFTERSALES_RESULT_H_
