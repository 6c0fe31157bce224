#pragma once
// Failures as values: a Result<T> holds either a T or an error message.

#include <string>
#include <utility>
#include <variant>

namespace edgecache {

struct Error {
  std::string message;  // human-readable, already names the file/key/URL involved
};

// [[nodiscard]]: a failure dropped on the floor is how a cache breaks a
// build silently; where ignoring one is right, say so with (void) and why.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(data_); }
  const T& value() const { return std::get<0>(data_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const { return std::get<1>(data_).message; }

 private:
  std::variant<T, Error> data_;
};

// For operations that return nothing on success.
struct Done {};
using Status = Result<Done>;
inline Status ok_status() { return Done{}; }

}  // namespace edgecache
