#pragma once
// The one interface every cache backend implements (local dir, HTTP, file://).

#include <memory>
#include <string>
#include <string_view>

#include "edgecache/cache_key.h"
#include "edgecache/file_lock.h"

namespace edgecache {

// What a store call came to. Failures are values: a backend never throws
// across this interface and never prints; the caller decides what to say.
enum class StoreStatus {
  kOk,        // done (get: blob filled; exists: present)
  kNotFound,  // get/exists: no such object
  kError,     // the backend failed (I/O error, HTTP 5xx, refused, bad reply, ...)
  kTimeout,   // the backend did not answer in time
  kUnavailable,  // not asked: the server for this key is switched off (a miss, not a failure)
};

struct StoreReply {
  StoreStatus status = StoreStatus::kError;
  std::string message;  // for kError/kTimeout: what failed; secrets already redacted

  bool ok() const { return status == StoreStatus::kOk; }
  bool failed() const { return status == StoreStatus::kError || status == StoreStatus::kTimeout; }
};

class Store {
 public:
  virtual ~Store() = default;

  // A description for messages, e.g. "http://host:8080/cache (bazel)"; never
  // contains a secret.
  virtual std::string description() const = 0;
  virtual bool read_only() const { return false; }

  virtual StoreReply get(const CacheKey& key, std::string* blob) = 0;
  // Atomic: a concurrent or later get() sees the whole blob or nothing.
  virtual StoreReply put(const CacheKey& key, std::string_view blob) = 0;
  virtual StoreReply exists(const CacheKey& key) = 0;
  virtual StoreReply remove(const CacheKey& key) = 0;
  // Serializes read-modify-write of `key` between processes until the
  // returned lock is destroyed; nullptr when the backend has no such lock
  // (a remote server: see TieredStore::update).
  virtual std::unique_ptr<FileLock> lock_for_update(const CacheKey& /*key*/) { return nullptr; }
};

}  // namespace edgecache
