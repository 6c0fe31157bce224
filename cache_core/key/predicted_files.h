#pragma once
// Files a build has not written yet, with the content digests the cache
// predicts for them: when an upstream step's lookup finds its result, the
// outputs' digests are known before the bytes are on disk, so the keys of
// the steps downstream (archives, links, consumers of generated headers)
// can be computed at once.
//
// A prediction is a guess about a file, never a fact about it: it is given
// only to a FileHasher that keys lookups ahead of the build (prefetches that
// fill the local store), never to one whose answer decides a hit. The step
// itself is looked up again, with the files on disk, when it is its turn.
//
// Thread-safe: one set is shared by the prefetch threads.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "edgecache/hash.h"

namespace edgecache {

class PredictedFiles {
 public:
  // `cwd`: what relative paths are relative to (the build dir).
  explicit PredictedFiles(std::string cwd) : cwd_(std::move(cwd)) {}

  // `path` will hold bytes hashing to `digest` once its step is restored.
  void predict(const std::string& path, Hash128 digest);
  // The predicted digest of `path` (relative or absolute), if any.
  std::optional<Hash128> find(const std::string& path) const;
  // Names of the predicted files (or directories holding some) directly in
  // `dir`: a listing made ahead of the build shows them, as it will then.
  std::set<std::string> names_in(const std::string& dir) const;

 private:
  const std::string cwd_;
  mutable std::mutex mutex_;
  // Absolute, lexically cleaned paths; guarded by mutex_.
  std::map<std::string, Hash128> digests_;
};

}  // namespace edgecache
