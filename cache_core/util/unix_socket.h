#pragma once
// A Unix-domain stream socket (RAII) with deadlines on every read and write:
// the transport between the launcher and the remote helper (helper_protocol.h).
//
// What must stay true: no call blocks past its deadline, and a write to a
// socket whose peer died returns kClosed instead of raising SIGPIPE (a
// launcher killed by SIGPIPE would break a build).

#include <chrono>
#include <string>
#include <string_view>

#include "edgecache/result.h"

namespace edgecache {

using Deadline = std::chrono::steady_clock::time_point;

// A deadline `ms` milliseconds from now; Deadline::max() waits forever.
Deadline deadline_in(long ms);

enum class IoStatus {
  kOk,       // every byte moved
  kClosed,   // the peer closed (or died) before all bytes moved
  kTimeout,  // the deadline passed first
  kError,    // any other failure of the socket
};

// Deadline-bound I/O on any non-blocking stream socket (Unix or TCP: the
// remote helper's socket and the Redis connection share it).
// Waits until `fd` is ready for `events` (POLLIN, POLLOUT); kOk also on
// hang-up or error, which the next read or write reports.
IoStatus wait_until_ready(int fd, short events, Deadline deadline);
// Sends every byte; on kClosed/kError errno tells why.
IoStatus send_all(int fd, std::string_view bytes, Deadline deadline);

class UnixSocket {
 public:
  UnixSocket() = default;
  explicit UnixSocket(int fd) : fd_(fd) {}
  ~UnixSocket();
  UnixSocket(UnixSocket&& other) noexcept;
  UnixSocket& operator=(UnixSocket&& other) noexcept;
  UnixSocket(const UnixSocket&) = delete;
  UnixSocket& operator=(const UnixSocket&) = delete;

  // Connects without blocking. On failure `*error` holds errno: ENOENT (no
  // socket file), ECONNREFUSED (a file but no listener: stale), EAGAIN (the
  // listener's backlog is full), EACCES, ...
  static UnixSocket connect(const std::string& path, int* error);
  // Binds and listens at `path` with umask 077 (only this user may connect).
  // Fails when the path exists: callers decide whether an old file is stale.
  static Result<UnixSocket> listen(const std::string& path);
  // A waiting client, or an invalid socket when there is none (non-blocking).
  UnixSocket accept() const;

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  IoStatus write_all(std::string_view bytes, Deadline deadline);
  // Appends exactly `count` bytes to `*out`.
  IoStatus read_exact(size_t count, std::string* out, Deadline deadline);
  // True when a byte (or the peer's close) arrived within `waited_ms` (-1: forever).
  bool wait_readable(int waited_ms) const;

 private:
  int fd_ = -1;  // non-blocking, close-on-exec; -1: none
};

}  // namespace edgecache
