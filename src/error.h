#pragma once

#include <string>
#include <utility>
#include <variant>

namespace epicsync {

// What went wrong, in the terms of cli.md's exit codes; exit_code() maps them in one place.
enum class ErrorKind {
  kInternal,         // 1
  kUsage,            // 2
  kInputFile,        // 3
  kUnreachable,      // 4
  kAuth,             // 5
  kInvalidMarkdown,  // 6
  kNotFound,         // 7
  kRejected,         // 8
  kLocked,           // 9
  kConflict,         // 10
  kLocalStorage,     // 12: a backup, journal or lock could not be written; nothing more is sent
  kUnknownOutcome,   // 64: a write whose effect could not be confirmed either way
  kPartial,          // 64
  kCancelled,        // 80
  kInterrupted,      // 130
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;  // one line, never containing a secret
  std::string hint;     // what to do about it, when something can be done
};

int exit_code(ErrorKind kind);
// A stable identifier for JSON output ("input_file", "invalid_markdown", ...).
const char* error_id(ErrorKind kind);

// A value or the error that prevented it.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design, like std::expected
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace epicsync
