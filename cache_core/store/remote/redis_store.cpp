#include "store/remote/redis_store.h"

#include "store/remote/resp_connection.h"

namespace edgecache {
namespace {

using Type = RespReply::Type;

// Host without IPv6 brackets, and port, from "redis://host:port/db".
std::pair<std::string, std::string> host_and_port(const std::string& url) {
  std::string authority = url.substr(std::string_view("redis://").size());
  authority = authority.substr(0, authority.find('/'));
  auto colon = authority.rfind(':');
  std::string host = authority.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, authority.substr(colon + 1)};
}

// Redis's words for "who you are" or "what you may do" errors.
bool is_auth_error(const std::string& text) {
  for (const char* word : {"NOAUTH", "WRONGPASS", "NOPERM", "invalid password", "AUTH refused"}) {
    if (text.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

RedisStore::RedisStore(RemoteSpec spec, size_t max_body_bytes) : spec_(std::move(spec)) {
  auto [host, port] = host_and_port(spec_.url);
  connection_ = std::make_unique<RespConnection>(host, port, spec_.connect_timeout_ms,
                                                 spec_.operation_timeout_ms, max_body_bytes);
}

RedisStore::~RedisStore() = default;

std::string RedisStore::description() const {
  return redacted_url(spec_) + (spec_.read_only ? " (read-only)" : "");
}

std::string RedisStore::object_name(const CacheKey& key) {
  return "edgecache:v" + std::to_string(kFormatVersion) + ":" + key.to_string();
}

Error RedisStore::failure(const std::string& what, const std::string& detail, bool timeout) {
  // Redis's own messages never echo a password; the URL in `what` is redacted.
  std::string message = what + ": " + detail;
  if (is_auth_error(detail)) message += " [auth]";
  return Error{message, timeout ? ErrorCode::kTimeout : ErrorCode::kFailed};
}

Status RedisStore::ready(const std::string& what) {
  if (!connection_->connected()) session_ready_ = false;
  if (session_ready_) return ok_status();
  RespReply connected = connection_->connect();
  if (connected.type != Type::kStatus)
    return failure(what, connected.text, connected.type == Type::kTimeout);
  if (!spec_.password.empty() || !spec_.username.empty()) {
    std::vector<std::string_view> auth{"AUTH"};
    if (!spec_.username.empty()) auth.push_back(spec_.username);
    auth.push_back(spec_.password);
    RespReply reply = connection_->command(auth);
    if (reply.type != Type::kStatus) {
      return failure(what, "AUTH refused: " + reply.text, reply.type == Type::kTimeout);
    }
  }
  if (spec_.redis_db != 0) {
    std::string db = std::to_string(spec_.redis_db);
    RespReply reply = connection_->command({"SELECT", db});
    if (reply.type != Type::kStatus) {
      return failure(what, "SELECT " + db + " failed: " + reply.text, reply.type == Type::kTimeout);
    }
  }
  session_ready_ = true;
  return ok_status();
}

Result<std::string> RedisStore::get(const CacheKey& key) {
  std::string name = object_name(key);
  std::string what = "GET " + redacted_url(spec_) + " " + name;
  std::lock_guard lock(mutex_);
  if (Status up = ready(what); !up.ok()) return up.failure();
  RespReply reply = connection_->command({"GET", name});
  if (reply.type == Type::kNil) return Error::not_found();
  if (reply.type != Type::kBulk) return failure(what, reply.text, reply.type == Type::kTimeout);
  return std::move(reply.text);
}

Status RedisStore::put(const CacheKey& key, std::string_view blob) {
  if (spec_.read_only) return Error{description() + " is read-only"};
  std::string name = object_name(key);
  std::string what = "SET " + redacted_url(spec_) + " " + name;
  std::lock_guard lock(mutex_);
  if (Status up = ready(what); !up.ok()) return up;
  RespReply reply = connection_->command({"SET", name, blob});
  if (reply.type != Type::kStatus) return failure(what, reply.text, reply.type == Type::kTimeout);
  return ok_status();
}

Status RedisStore::exists(const CacheKey& key) {
  std::string name = object_name(key);
  std::string what = "EXISTS " + redacted_url(spec_) + " " + name;
  std::lock_guard lock(mutex_);
  if (Status up = ready(what); !up.ok()) return up;
  RespReply reply = connection_->command({"EXISTS", name});
  if (reply.type != Type::kInteger) return failure(what, reply.text, reply.type == Type::kTimeout);
  if (reply.integer > 0) return ok_status();
  return Error::not_found();
}

Status RedisStore::remove(const CacheKey& key) {
  if (spec_.read_only) return Error{description() + " is read-only"};
  std::string name = object_name(key);
  std::string what = "DEL " + redacted_url(spec_) + " " + name;
  std::lock_guard lock(mutex_);
  if (Status up = ready(what); !up.ok()) return up;
  RespReply reply = connection_->command({"DEL", name});
  if (reply.type != Type::kInteger) return failure(what, reply.text, reply.type == Type::kTimeout);
  if (reply.integer > 0) return ok_status();
  return Error::not_found();
}

}  // namespace edgecache
