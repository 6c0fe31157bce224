#include "edgecache/cache_check.h"

#include "edgecache/entry.h"
#include "edgecache/file_io.h"
#include "edgecache/manifest.h"

namespace edgecache {

CheckReport check_local_store(LocalStore& store, const BlobCodec& codec, bool remove_bad) {
  CheckReport report;
  std::vector<CacheKey> to_remove;
  store.for_each_object([&](const std::string& path, const CacheKey& key) {
    ++report.objects;
    auto blob = read_file(path);
    if (!blob) return;  // evicted meanwhile
    auto payload = codec.open(key, *blob);
    Status decoded = ok_status();
    if (!payload) {
      decoded = Error{payload.error()};
    } else if (key.kind == ObjectKind::kResult) {
      if (auto entry = decode_entry(*payload); !entry) decoded = Error{entry.error()};
    } else if (auto manifest = decode_manifest(*payload); !manifest) {
      decoded = Error{manifest.error()};
    }
    if (decoded) return;
    report.bad.push_back(path + ": " + decoded.error());
    if (remove_bad) to_remove.push_back(key);
  });
  // A bad object that cannot be removed is reported again by the next check.
  for (const CacheKey& key : to_remove) (void)store.remove(key);
  return report;
}

}  // namespace edgecache
