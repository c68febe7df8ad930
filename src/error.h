#pragma once

#include <string>
#include <type_traits>
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
  kStalePlan,        // 11: --apply of a saved plan that no longer matches the tracker
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

// A value or the error that prevented it: the one result type of every layer (a stand-in for
// C++23 std::expected). E is Error everywhere but inside the HTTP transport, whose richer
// HttpError (status, Jira's messages, retries) becomes an Error at the adapter's boundary
// (jira::to_error), the one place "sent, outcome unknown" turns into kUnknownOutcome.
template <typename T, typename E = Error>
class Result {
  static_assert(!std::is_same_v<T, E>, "value and error types must differ");

 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  E& error() & { return std::get<1>(v_); }
  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

}  // namespace epicsync
