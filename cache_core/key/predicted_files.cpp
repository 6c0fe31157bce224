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

std::set<std::string> PredictedFiles::names_in(const std::string& dir) const {
  std::string prefix = absolute_path(dir, cwd_);
  if (prefix != "/") prefix += "/";
  std::set<std::string> names;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = digests_.lower_bound(prefix);
       it != digests_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix.size());
    names.emplace(rest.substr(0, rest.find('/')));
  }
  return names;
}

}  // namespace edgecache
