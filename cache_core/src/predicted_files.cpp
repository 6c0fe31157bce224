#include "edgecache/predicted_files.h"

#include "edgecache/path_normalizer.h"

namespace edgecache {

void PredictedFiles::predict(const std::string& path, Hash128 digest) {
  std::string absolute = absolute_path(path, cwd_);
  std::lock_guard<std::mutex> lock(mutex_);
  digests_[std::move(absolute)] = digest;
}

std::optional<Hash128> PredictedFiles::find(const std::string& path) const {
  std::string absolute = absolute_path(path, cwd_);
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = digests_.find(absolute);
  if (found == digests_.end()) return std::nullopt;
  return found->second;
}

}  // namespace edgecache
