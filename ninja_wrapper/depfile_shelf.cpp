#include "depfile_shelf.h"

#include <utility>

namespace edgecache::ninja {

void DepfileShelf::shelve(const std::string& path, std::string content) {
  shelved_[path] = std::move(content);
}

DiskInterface::Status DepfileShelf::ReadFile(const std::string& path, std::string* contents,
                                             std::string* err) {
  auto found = shelved_.find(path);
  if (found == shelved_.end()) return RealDiskInterface::ReadFile(path, contents, err);
  *contents = found->second;
  return Okay;
}

int DepfileShelf::RemoveFile(const std::string& path) {
  const bool shelved = shelved_.erase(path) > 0;
  // 1: "not found", which Ninja accepts as deleted.
  const int removed = RealDiskInterface::RemoveFile(path);
  return shelved && removed == 1 ? 0 : removed;
}

}  // namespace edgecache::ninja
