#pragma once
// A remote store in Redis (redis://[user:password@]host:port/db).
//
// Objects (format version kFormatVersion) are plain string values under
//   edgecache:v<kFormatVersion>:<m|r>-<32 hex>
// written with SET (atomic: a reader sees the whole value or none) and read
// with GET; nothing sets a TTL: old objects go by the server's own eviction
// (`maxmemory` with `maxmemory-policy allkeys-lru`, see README).
// With credentials the connection starts with AUTH (AUTH <user> <password>
// for an ACL user, AUTH <password> for requirepass), then SELECT <db> when
// db is not 0. The wire protocol is in resp_connection.h.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "edgecache/remote_spec.h"
#include "edgecache/store.h"

namespace edgecache {

class RespConnection;  // store/remote/resp_connection.h

// Thread-safe: one connection, one command at a time under a mutex.
class RedisStore : public Store {
 public:
  static constexpr size_t kDefaultMaxBodyBytes = size_t{512} << 20;  // as HttpStore's

  // `spec` must have the redis scheme.
  explicit RedisStore(RemoteSpec spec, size_t max_body_bytes = kDefaultMaxBodyBytes);
  ~RedisStore() override;
  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;

  // "redis://***@host:6379/0" plus ", read-only": never the password.
  std::string description() const override;
  bool read_only() const override { return spec_.read_only; }

  Result<std::string> get(const CacheKey& key) override;
  Status put(const CacheKey& key, std::string_view blob) override;
  Status exists(const CacheKey& key) override;
  Status remove(const CacheKey& key) override;

  // The Redis key of `key`'s object.
  static std::string object_name(const CacheKey& key);

 private:
  Status ready(const std::string& what);  // connected, authenticated, database selected
  Error failure(const std::string& what, const std::string& detail, bool timeout);

  RemoteSpec spec_;                             // the remote, with its password
  std::mutex mutex_;                            // one command at a time on connection_
  std::unique_ptr<RespConnection> connection_;  // opened on first use, reopened after a failure
  bool session_ready_ = false;                  // AUTH and SELECT done on this connection
};

}  // namespace edgecache
