#pragma once
// One TCP connection speaking RESP, Redis's wire protocol, for RedisStore.
// Private to cache_core.
//
// Why not hiredis: Debian 12 ships hiredis 0.14, which has no TLS either and
// whose blocking API has no whole-request deadline; the few commands a cache
// needs (AUTH, SELECT, GET, SET, EXISTS, DEL) are a hundred lines of RESP, and
// a launcher process that uses no Redis remote loads nothing for it.
//
// Protocol (RESP2): a command is an array of bulk strings,
//   *<n>\r\n then n times $<len>\r\n<bytes>\r\n
// and a reply is one of
//   +<status>\r\n   -<error>\r\n   :<integer>\r\n   $<len>\r\n<bytes>\r\n   $-1\r\n (nil)
// Arrays (*) are never the answer to our commands and count as a bad reply.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace edgecache {

struct RespReply {
  enum class Type {
    kStatus,   // +OK: text holds "OK"
    kError,    // -ERR ...: the server refused; text holds its message
    kInteger,  // :1: integer holds the number
    kBulk,     // $n: text holds the bytes
    kNil,      // $-1: no such key
    kIoError,  // no connection, refused, reset, bad reply: text says which
    kTimeout,  // no whole reply before the deadline
  };
  Type type = Type::kIoError;
  std::string text;
  long long integer = 0;
};

class RespConnection {
 public:
  // `max_bulk`: a longer bulk reply is refused (kIoError) without reading it.
  RespConnection(std::string host, std::string port, long connect_timeout_ms, long timeout_ms,
                 size_t max_bulk);
  ~RespConnection();
  RespConnection(const RespConnection&) = delete;
  RespConnection& operator=(const RespConnection&) = delete;

  // Connects if not connected. Failure: kIoError or kTimeout, not connected.
  RespReply connect();
  bool connected() const { return fd_ >= 0; }

  // Sends one command and reads its reply, within the operation timeout. An
  // I/O failure or a bad reply closes the connection (the next call
  // reconnects); a server error (-ERR) keeps it.
  RespReply command(const std::vector<std::string_view>& args);

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  void close();
  RespReply fail(RespReply::Type type, const std::string& what);
  RespReply send_all(std::string_view bytes, Deadline deadline);
  RespReply fill(Deadline deadline);  // reads more bytes into buffer_
  RespReply read_line(Deadline deadline, std::string* line);
  RespReply read_reply(Deadline deadline);

  std::string host_;         // as in the URL; IPv6 without brackets
  std::string port_;         // decimal
  long connect_timeout_ms_;  // TCP connect
  long timeout_ms_;          // one whole command: send and reply
  size_t max_bulk_;          // limit on a bulk reply's length
  int fd_ = -1;              // the socket (non-blocking), or -1
  std::string buffer_;       // received bytes not yet parsed
};

}  // namespace edgecache
