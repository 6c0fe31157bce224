#pragma once
// Failures as values: a Result<T> holds either a T or an Error, which says
// what kind of failure it is (a code a caller may act on) and what happened
// (a message for a person).

#include <string>
#include <utility>
#include <variant>

namespace edgecache {

// What a caller may do differently, and nothing finer: the message says the rest.
enum class ErrorCode {
  kFailed,    // it did not work: an I/O error, a refused connection, an HTTP 5xx, a bad reply, ...
  kNotFound,  // no such object or file: for a store, a miss, not a failure
  kTimeout,   // the other side did not answer in time
  kUnavailable,   // not asked: the server for this key is switched off (a miss, not a failure)
  kCorrupt,       // there, but malformed or truncated
  kBadSignature,  // there, but its signature is missing or wrong: maybe forged (counted apart)
};

// True for the codes that mean something went wrong, not just "not there".
inline bool is_failure(ErrorCode code) {
  return code == ErrorCode::kFailed || code == ErrorCode::kTimeout || code == ErrorCode::kCorrupt ||
         code == ErrorCode::kBadSignature;
}

struct Error {
  // Human-readable, already names the file/key/URL involved; secrets
  // redacted. May be "" for kNotFound and kUnavailable.
  std::string message;
  ErrorCode code = ErrorCode::kFailed;

  static Error not_found(std::string message = {}) {
    return {std::move(message), ErrorCode::kNotFound};
  }
  static Error timed_out(std::string message) { return {std::move(message), ErrorCode::kTimeout}; }
  static Error unavailable(std::string message = {}) {
    return {std::move(message), ErrorCode::kUnavailable};
  }
  static Error corrupt(std::string message) { return {std::move(message), ErrorCode::kCorrupt}; }
};

// [[nodiscard]]: a failure dropped on the floor is how a cache breaks a
// build silently; where ignoring one is right, say so with (void) and why.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(data_); }
  const T& value() const { return std::get<0>(data_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // When !ok(): the failure, its message and its code.
  const Error& failure() const { return std::get<1>(data_); }
  const std::string& error() const { return failure().message; }
  ErrorCode code() const { return failure().code; }
  // True when !ok() for a reason that is a failure (is_failure), not a miss.
  bool failed() const { return !ok() && is_failure(code()); }

 private:
  std::variant<T, Error> data_;
};

// For operations that return nothing on success.
struct Done {};
using Status = Result<Done>;
inline Status ok_status() { return Done{}; }

}  // namespace edgecache
