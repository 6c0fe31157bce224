#pragma once
// The local cache: a directory of objects with a size limit.
//
// Layout (format version 1):
//   <dir>/<d0>/<d1d2>/<m|r>-<32 hex>   objects, <d0..d2> the digest's first hex digits
//   <dir>/<d0>/size                     "<bytes> <files>" of the shard, under <dir>/<d0>/lock
//   <dir>/<d0>/update.lock              held while a manifest of the shard is read, merged, written
//   <dir>/stats/                        counters (stats.h)
// Each of the 16 shards keeps its own size, so a put never scans the whole
// cache: when a shard passes 1/16 of the limit, only that shard is scanned
// and its least recently used objects (by mtime, which a hit refreshes) go.

#include <cstdint>
#include <functional>
#include <string>

#include "edgecache/result.h"
#include "edgecache/store.h"

namespace edgecache {

struct CacheUsage {
  uint64_t bytes = 0;
  uint64_t files = 0;
};

class LocalStore : public Store {
 public:
  // max_size 0 means no limit.
  LocalStore(std::string dir, uint64_t max_size);

  std::string description() const override { return dir_; }
  Result<std::string> get(const CacheKey& key) override;
  Status get_into(const CacheKey& key, ReadBuffer* buffer) override;
  Status put(const CacheKey& key, std::string_view blob) override;
  Status exists(const CacheKey& key) override;
  Status remove(const CacheKey& key) override;
  std::unique_ptr<FileLock> lock_for_update(const CacheKey& key) override;

  const std::string& dir() const { return dir_; }
  std::string object_path(const CacheKey& key) const;

  // Sum of the shards' recorded sizes: cheap, no scan.
  CacheUsage usage() const;
  // Evicts least recently used objects until the cache fits in `max_size`;
  // rescans every shard, so recorded sizes are exact afterwards.
  Status trim(uint64_t max_size);
  // Removes every object (stats are kept).
  Status clean();
  // Every object file's path and key, shard by shard (temporary files skipped).
  void for_each_object(
      const std::function<void(const std::string& path, const CacheKey& key)>& visit) const;

 private:
  std::string shard_dir(int shard) const;
  void account(int shard, int64_t bytes_delta, int64_t files_delta);
  CacheUsage evict_shard(int shard, uint64_t shard_limit);

  std::string dir_;
  uint64_t max_size_;
};

}  // namespace edgecache
