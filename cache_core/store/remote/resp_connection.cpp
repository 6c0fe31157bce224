#include "store/remote/resp_connection.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "edgecache/unix_socket.h"

namespace edgecache {
namespace {

using Type = RespReply::Type;

RespReply make(Type type, std::string text = {}) { return RespReply{type, std::move(text), 0}; }

std::string encode(const std::vector<std::string_view>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (std::string_view arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out.append(arg);
    out += "\r\n";
  }
  return out;
}

std::optional<long long> to_integer(std::string_view text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RespConnection::RespConnection(std::string host, std::string port, long connect_timeout_ms,
                               long timeout_ms, size_t max_bulk)
    : host_(std::move(host)),
      port_(std::move(port)),
      connect_timeout_ms_(connect_timeout_ms),
      timeout_ms_(timeout_ms),
      max_bulk_(max_bulk) {}

RespConnection::~RespConnection() { close(); }

void RespConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

RespReply RespConnection::fail(Type type, const std::string& what) {
  close();
  return make(type, what);
}

RespReply RespConnection::connect() {
  if (fd_ >= 0) return make(Type::kStatus, "OK");
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string where = host_ + ":" + port_;
  if (int error = ::getaddrinfo(host_.c_str(), port_.c_str(), &hints, &found); error != 0) {
    return make(Type::kIoError, "cannot resolve " + host_ + ": " + ::gai_strerror(error));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(connect_timeout_ms_);
  std::string last = "no address";
  Type last_type = Type::kIoError;
  for (addrinfo* at = found; at != nullptr && fd_ < 0; at = at->ai_next) {
    fd_ = ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, at->ai_protocol);
    if (fd_ < 0) continue;
    int result = ::connect(fd_, at->ai_addr, at->ai_addrlen);
    int error = result == 0 ? 0 : errno;
    if (error == EINPROGRESS) {
      if (wait_until_ready(fd_, POLLOUT, deadline) != IoStatus::kOk) {
        error = ETIMEDOUT;
      } else {
        socklen_t size = sizeof error;
        ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
      }
    }
    if (error != 0) {
      last_type = error == ETIMEDOUT ? Type::kTimeout : Type::kIoError;
      last = error == ETIMEDOUT ? "timed out after " + std::to_string(connect_timeout_ms_) +
                                      " ms [connect-timeout]"
                                : std::string(std::strerror(error));
      close();
    }
  }
  ::freeaddrinfo(found);
  if (fd_ < 0) return make(last_type, "connect to " + where + ": " + last);
  return make(Type::kStatus, "OK");
}

RespReply RespConnection::send_all(std::string_view bytes, Deadline deadline) {
  switch (edgecache::send_all(fd_, bytes, deadline)) {
    case IoStatus::kOk:
      return make(Type::kStatus, "OK");
    case IoStatus::kTimeout:
      return fail(Type::kTimeout, "send timed out");
    default:
      return fail(Type::kIoError, std::string("send: ") + std::strerror(errno));
  }
}

RespReply RespConnection::fill(Deadline deadline) {
  char chunk[65536];
  for (;;) {
    ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got > 0) {
      buffer_.append(chunk, static_cast<size_t>(got));
      return make(Type::kStatus, "OK");
    }
    if (got == 0) return fail(Type::kIoError, "the server closed the connection");
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return fail(Type::kIoError, std::string("recv: ") + std::strerror(errno));
    }
    if (wait_until_ready(fd_, POLLIN, deadline) != IoStatus::kOk) {
      return fail(Type::kTimeout,
                  "no reply within " + std::to_string(timeout_ms_) + " ms [timeout]");
    }
  }
}

RespReply RespConnection::read_line(Deadline deadline, std::string* line) {
  size_t end;
  while ((end = buffer_.find("\r\n")) == std::string::npos) {
    if (buffer_.size() > 64 * 1024) return fail(Type::kIoError, "bad reply: line too long");
    RespReply more = fill(deadline);
    if (more.type != Type::kStatus) return more;
  }
  *line = buffer_.substr(0, end);
  buffer_.erase(0, end + 2);
  return make(Type::kStatus, "OK");
}

RespReply RespConnection::read_reply(Deadline deadline) {
  std::string line;
  if (RespReply got = read_line(deadline, &line); got.type != Type::kStatus) return got;
  if (line.empty()) return fail(Type::kIoError, "bad reply: empty line");
  std::string_view body = std::string_view(line).substr(1);
  switch (line[0]) {
    case '+':
      return make(Type::kStatus, std::string(body));
    case '-':
      return make(Type::kError, std::string(body));
    case ':': {
      auto number = to_integer(body);
      if (!number) return fail(Type::kIoError, "bad reply: integer '" + std::string(body) + "'");
      RespReply reply = make(Type::kInteger);
      reply.integer = *number;
      return reply;
    }
    case '$':
      break;
    default:
      return fail(Type::kIoError, "bad reply: unexpected type '" + line.substr(0, 1) + "'");
  }
  auto length = to_integer(body);
  if (!length || *length < -1)
    return fail(Type::kIoError, "bad reply: bulk length '" + std::string(body) + "'");
  if (*length == -1) return make(Type::kNil);
  size_t size = static_cast<size_t>(*length);
  if (size > max_bulk_)
    return fail(Type::kIoError,
                "reply larger than the limit of " + std::to_string(max_bulk_) + " bytes");
  while (buffer_.size() < size + 2) {
    if (RespReply more = fill(deadline); more.type != Type::kStatus) return more;
  }
  if (buffer_.compare(size, 2, "\r\n") != 0)
    return fail(Type::kIoError, "bad reply: bulk not terminated");
  RespReply reply = make(Type::kBulk, buffer_.substr(0, size));
  buffer_.erase(0, size + 2);
  return reply;
}

RespReply RespConnection::command(const std::vector<std::string_view>& args) {
  if (RespReply connected = connect(); connected.type != Type::kStatus) return connected;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  if (RespReply sent = send_all(encode(args), deadline); sent.type != Type::kStatus) return sent;
  return read_reply(deadline);
}

}  // namespace edgecache
