#pragma once
// A remote store that is a directory shared by several machines (an NFS or
// SMB mount, a synced folder): the `file://` remotes.
//
// Objects live at <directory>/<remote_object_path(layout, key)>, the same
// relative paths as on an HTTP remote, so a directory served by nginx and
// the same directory mounted elsewhere are one cache.

#include <cstddef>
#include <string>
#include <string_view>

#include "edgecache/remote_spec.h"
#include "edgecache/store.h"

namespace edgecache {

// Thread-safe and safe across processes: writes are write_file_atomic()
// (temp file + rename), so a reader sees a whole object or none.
class DirectoryStore : public Store {
 public:
  static constexpr size_t kDefaultMaxObjectBytes = size_t{512} << 20;  // 512 MiB

  // `spec` must have the file scheme; its directory need not exist yet.
  // Objects larger than `max_object_bytes` are read as errors, not loaded.
  explicit DirectoryStore(const RemoteSpec& spec, size_t max_object_bytes = kDefaultMaxObjectBytes);

  std::string description() const override;  // "file:///mnt/cache (plain, read-only)"
  bool read_only() const override { return read_only_; }

  Result<std::string> get(const CacheKey& key) override;
  // On a read-only store: kFailed, and nothing is written.
  Status put(const CacheKey& key, std::string_view blob) override;
  Status exists(const CacheKey& key) override;
  Status remove(const CacheKey& key) override;

  std::string object_path(const CacheKey& key) const;

 private:
  std::string directory_;    // absolute, without trailing '/'
  RemoteLayout layout_;      // where objects live under directory_
  bool read_only_;           // put/remove refused
  size_t max_object_bytes_;  // get refuses larger files
};

}  // namespace edgecache
