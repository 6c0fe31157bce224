#include "edgecache/helper_server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "store/remote/helper_protocol.h"
#include "store/remote/read_ahead.h"

namespace edgecache {
namespace {

using namespace helper_wire;

constexpr long kRequestBodyMs = 60'000;  // a client has this long to send one request's bytes
constexpr long kReplyMs = 60'000;        // and to take the reply
constexpr uint64_t kMaxValueBytes = uint64_t{1}
                                    << 30;  // larger puts are refused (a bug or an attack)
constexpr int kAcceptPollMs = 200;          // how often the idle and socket checks run

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string error_reply(const Error& failure) {
  std::string out;
  put_u8(&out, static_cast<uint8_t>(Response::kErr));
  put_msg(&out,
          failure.code == ErrorCode::kTimeout ? kTimeoutPrefix + failure.message : failure.message);
  return out;
}

// The reply to get/put/remove that worked: ok, with the value for get.
std::string ok_reply(const std::string* value) {
  std::string out;
  put_u8(&out, static_cast<uint8_t>(Response::kOk));
  if (value != nullptr) {
    put_u64(&out, value->size());
    out += *value;
  }
  return out;
}

// The reply to get/put/remove that did not: noop for "no such object", else err.
std::string failure_reply(const Error& failure) {
  if (failure.code != ErrorCode::kNotFound) return error_reply(failure);
  std::string out;
  put_u8(&out, static_cast<uint8_t>(Response::kNoop));
  return out;
}

std::string status_reply(const Status& done) {
  return done.ok() ? ok_reply(nullptr) : failure_reply(done.failure());
}

std::string exists_reply(const Status& present) {
  if (present.failed()) return error_reply(present.failure());
  std::string out;
  put_u8(&out, static_cast<uint8_t>(Response::kOk));
  put_u8(&out, present.ok() ? 1 : 0);
  return out;
}

std::string greeting() {
  std::string out;
  put_u8(&out, kProtocolVersion);
  put_u8(&out, 3);
  for (Capability capability :
       {Capability::kGetPutRemove, Capability::kInfo, Capability::kExists}) {
    put_u8(&out, static_cast<uint8_t>(capability));
  }
  return out;
}

unsigned long inode_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) ? st.st_ino : 0;
}

}  // namespace

HelperServer::HelperServer(Store& store, HelperServerOptions options)
    : store_(store), options_(std::move(options)) {
  if (options_.read_ahead) read_ahead_ = std::make_unique<ReadAhead>(store_);
}

HelperServer::~HelperServer() {
  stop_ = true;
  while (clients_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void HelperServer::touch() { last_activity_ms_ = steady_ms(); }

bool HelperServer::socket_still_ours() const {
  return socket_inode_ != 0 && inode_of(options_.socket_path) == socket_inode_;
}

Result<HelperExit> HelperServer::run() {
  const std::string& path = options_.socket_path;
  int error = 0;
  if (UnixSocket::connect(path, &error).valid())
    return Error{"a helper already listens at " + path};
  if (error == ECONNREFUSED) ::unlink(path.c_str());  // left by a helper that died: stale
  auto listening = UnixSocket::listen(path);
  if (!listening) return Error{listening.error()};
  socket_inode_ = inode_of(path);
  touch();
  const int64_t idle_ms = options_.idle_timeout.count();
  for (;;) {
    if (stop_) return HelperExit::kStopRequested;
    if (!socket_still_ours()) return HelperExit::kSocketGone;
    if (idle_ms > 0 && clients_ == 0 && steady_ms() - last_activity_ms_ >= idle_ms) break;
    if (!listening->wait_readable(kAcceptPollMs)) continue;
    if (UnixSocket client = listening->accept(); client.valid()) {
      ++clients_;
      std::thread(&HelperServer::serve_client, this, std::move(client)).detach();
    }
  }
  // Idle: new clients find no socket and start another helper; the ones
  // already queued on this socket are still served before we go.
  ::unlink(path.c_str());
  for (;;) {
    if (listening->wait_readable(0)) {
      if (UnixSocket client = listening->accept(); client.valid()) {
        ++clients_;
        std::thread(&HelperServer::serve_client, this, std::move(client)).detach();
        continue;
      }
    }
    if (clients_ == 0) return HelperExit::kIdle;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void HelperServer::serve_client(UnixSocket socket) {
  Client client{std::move(socket), next_client_id_++, false};
  if (client.socket.write_all(greeting(), deadline_in(kReplyMs)) == IoStatus::kOk) {
    // Between requests a client may stay connected as long as it likes;
    // the wait wakes up now and then to notice a stop.
    while (!stop_) {
      if (!client.socket.wait_readable(kAcceptPollMs)) continue;
      uint8_t request = 0;
      if (!read_u8(client.socket, &request, deadline_in(kRequestBodyMs))) break;
      bool keep = answer(client, request);
      touch();
      if (!keep) break;
    }
  }
  if (read_ahead_) read_ahead_->end_client(client.id);
  touch();
  --clients_;
}

// The reply to a get: from what was read ahead for this very key, else from
// the store; a manifest served starts the read-ahead of what it names.
std::string HelperServer::get_reply(const Client& client, const CacheKey& key) {
  if (read_ahead_) {
    if (auto ahead = read_ahead_->take(client.id, key, deadline_in(kReplyMs)))
      return ok_reply(&*ahead);
  }
  Result<std::string> got = store_.get(key);
  if (!got.ok()) return failure_reply(got.failure());
  // A client that has written reads its manifests back: it will not ask for the entries.
  if (read_ahead_ && !client.wrote) read_ahead_->after_manifest(client.id, key, *got);
  return ok_reply(&*got);
}

// Reads the rest of one request, asks the store, replies. False: close.
bool HelperServer::answer(Client& state, uint8_t request) {
  UnixSocket& client = state.socket;
  const Deadline body = deadline_in(kRequestBodyMs);
  std::string reply;
  if (request == static_cast<uint8_t>(Request::kStop)) {
    put_u8(&reply, static_cast<uint8_t>(Response::kOk));
    (void)client.write_all(reply, deadline_in(kReplyMs));
    stop_ = true;
    return false;
  }
  if (request == static_cast<uint8_t>(Request::kInfo)) {
    put_msg(&reply, options_.identity);
    put_u8(&reply, 0);
    return client.write_all(reply, deadline_in(kReplyMs)) == IoStatus::kOk;
  }
  std::string key_text;
  if (request > static_cast<uint8_t>(Request::kExists) ||
      !read_short_string(client, &key_text, body))
    return false;
  std::optional<CacheKey> key = key_from_bytes(key_text);
  std::string value;
  uint8_t flags = 0;
  uint64_t length = 0;
  if (request == static_cast<uint8_t>(Request::kPut)) {
    if (!read_u8(client, &flags, body) || !read_u64(client, &length, body) ||
        length > kMaxValueBytes)
      return false;
    if (client.read_exact(length, &value, body) != IoStatus::kOk) return false;
  }
  if (!key) {
    reply = error_reply(Error{"not an edgecache key (32 bytes of CacheKey::hex64)"});
  } else if (request == static_cast<uint8_t>(Request::kGet)) {
    reply = get_reply(state, *key);
  } else if (request == static_cast<uint8_t>(Request::kPut)) {
    state.wrote = true;
    if (read_ahead_) read_ahead_->forget(*key);
    reply = status_reply(store_.put(*key, value));
  } else if (request == static_cast<uint8_t>(Request::kRemove)) {
    if (read_ahead_) read_ahead_->forget(*key);
    reply = status_reply(store_.remove(*key));
  } else {
    reply = exists_reply(store_.exists(*key));
  }
  return client.write_all(reply, deadline_in(kReplyMs)) == IoStatus::kOk;
}

}  // namespace edgecache
