#pragma once
// The one interface every cache backend implements (local dir, HTTP, file://).

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "edgecache/cache_key.h"
#include "edgecache/file_io.h"
#include "edgecache/file_lock.h"
#include "edgecache/result.h"

namespace edgecache {

// Failures are values (Result, Status: util/result.h): a backend never
// throws across this interface and never prints; the caller decides what to
// say. The codes a store answers with:
//   kNotFound     get/exists/remove: no such object (a miss, not a failure)
//   kFailed       the backend failed (I/O error, HTTP 5xx, refused, bad reply,
//                 read-only, ...); the message says what, secrets redacted
//   kTimeout      the backend did not answer in time
//   kUnavailable  not asked: the server for this key is switched off (a miss,
//                 not a failure)
// Result::failed() is true for kFailed and kTimeout.

class Store {
 public:
  virtual ~Store() = default;

  // A description for messages, e.g. "http://host:8080/cache (bazel)"; never
  // contains a secret.
  virtual std::string description() const = 0;
  virtual bool read_only() const { return false; }

  // The whole blob.
  virtual Result<std::string> get(const CacheKey& key) = 0;
  // get() into a buffer the caller reuses (the local store reads the file
  // straight into it).
  virtual Status get_into(const CacheKey& key, ReadBuffer* buffer) {
    Result<std::string> blob = get(key);
    if (!blob) return blob.failure();
    std::memcpy(buffer->grow(blob->size(), 0), blob->data(), blob->size());
    buffer->set_size(blob->size());
    return ok_status();
  }
  // Atomic: a concurrent or later get() sees the whole blob or nothing.
  virtual Status put(const CacheKey& key, std::string_view blob) = 0;
  // ok: present.
  virtual Status exists(const CacheKey& key) = 0;
  virtual Status remove(const CacheKey& key) = 0;
  // Serializes read-modify-write of `key` between processes until the
  // returned lock is destroyed; nullptr when the backend has no such lock
  // (a remote server: see TieredStore::update).
  virtual std::unique_ptr<FileLock> lock_for_update(const CacheKey& /*key*/) { return nullptr; }
};

}  // namespace edgecache
