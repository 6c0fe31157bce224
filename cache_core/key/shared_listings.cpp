#include "edgecache/shared_listings.h"

#include <utility>

namespace edgecache {

SharedListings::Names SharedListings::find(const FileStamp& stamp) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = by_stamp_.find(stamp);
  return found == by_stamp_.end() ? nullptr : found->second;
}

void SharedListings::keep(const FileStamp& stamp, Names names) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_stamp_.emplace(stamp, std::move(names));
}

}  // namespace edgecache
