#include "edgecache/unix_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace edgecache {
namespace {

bool make_address(const std::string& path, sockaddr_un* address) {
  std::memset(address, 0, sizeof(*address));
  address->sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address->sun_path)) return false;
  std::memcpy(address->sun_path, path.data(), path.size());
  return true;
}

int new_socket() { return ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }

// Milliseconds left until `deadline` for poll(): -1 for "forever", 0 when past.
int poll_timeout(Deadline deadline) {
  if (deadline == Deadline::max()) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > 1'000'000 ? 1'000'000 : static_cast<int>(left.count()) + 1;
}

}  // namespace

Deadline deadline_in(long ms) {
  if (ms < 0) return Deadline::max();
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
}

IoStatus wait_until_ready(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    int ready = ::poll(&entry, 1, poll_timeout(deadline));
    if (ready > 0) return IoStatus::kOk;
    if (ready == 0) return IoStatus::kTimeout;
    if (errno != EINTR) return IoStatus::kError;
  }
}

IoStatus send_all(int fd, std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (IoStatus waited = wait_until_ready(fd, POLLOUT, deadline); waited != IoStatus::kOk)
        return waited;
      continue;
    }
    return sent < 0 && (errno == EPIPE || errno == ECONNRESET) ? IoStatus::kClosed
                                                               : IoStatus::kError;
  }
  return IoStatus::kOk;
}

UnixSocket::~UnixSocket() {
  if (fd_ >= 0) ::close(fd_);
}

UnixSocket::UnixSocket(UnixSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

UnixSocket& UnixSocket::operator=(UnixSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

UnixSocket UnixSocket::connect(const std::string& path, int* error) {
  sockaddr_un address{};
  if (!make_address(path, &address)) {
    *error = ENAMETOOLONG;
    return UnixSocket();
  }
  UnixSocket socket(new_socket());
  if (!socket.valid()) {
    *error = errno;
    return UnixSocket();
  }
  // A Unix-domain connect completes at once or fails at once (EAGAIN: the
  // backlog is full); it never leaves a connection half-open.
  if (::connect(socket.fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    *error = errno;
    return UnixSocket();
  }
  *error = 0;
  return socket;
}

Result<UnixSocket> UnixSocket::listen(const std::string& path) {
  sockaddr_un address{};
  if (!make_address(path, &address)) return Error{"socket path too long: " + path};
  UnixSocket socket(new_socket());
  if (!socket.valid()) return Error{std::string("socket: ") + std::strerror(errno)};
  mode_t old_mask = ::umask(077);
  int bound = ::bind(socket.fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  int bind_errno = errno;
  ::umask(old_mask);
  if (bound != 0) return Error{"bind " + path + ": " + std::strerror(bind_errno)};
  if (::listen(socket.fd_, 128) != 0) return Error{"listen " + path + ": " + std::strerror(errno)};
  return socket;
}

UnixSocket UnixSocket::accept() const {
  int client = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  return UnixSocket(client);
}

IoStatus UnixSocket::write_all(std::string_view bytes, Deadline deadline) {
  return send_all(fd_, bytes, deadline);
}

IoStatus UnixSocket::read_exact(size_t count, std::string* out, Deadline deadline) {
  size_t start = out->size();
  out->resize(start + count);
  size_t done = 0;
  while (done < count) {
    ssize_t got = ::recv(fd_, out->data() + start + done, count - done, 0);
    if (got > 0) {
      done += static_cast<size_t>(got);
      continue;
    }
    if (got == 0) {
      out->resize(start + done);
      return IoStatus::kClosed;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (IoStatus waited = wait_until_ready(fd_, POLLIN, deadline); waited != IoStatus::kOk) {
        out->resize(start + done);
        return waited;
      }
      continue;
    }
    out->resize(start + done);
    return errno == ECONNRESET ? IoStatus::kClosed : IoStatus::kError;
  }
  return IoStatus::kOk;
}

bool UnixSocket::wait_readable(int waited_ms) const {
  pollfd entry{fd_, POLLIN, 0};
  int ready = ::poll(&entry, 1, waited_ms);
  return ready > 0;
}

}  // namespace edgecache
