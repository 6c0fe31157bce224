#pragma once
// Directory names one lookup thread read, for the build's other threads.
//
// Each lookup thread's FileHasher memoizes the listings it reads; without
// sharing, a warm build read every directory once per thread, and once per
// path to it: on Ninja's project the linkers' library dir, thousands of
// names, was read six times (two threads, three paths:
// /usr/lib/x86_64-linux-gnu, /lib/x86_64-linux-gnu and the compiler's
// .../12/../../../x86_64-linux-gnu), a sixth of the threads' CPU.
//
// A read is kept under the directory's stamp taken just before it, only
// when the dir had settled by then (its last change older than any
// filesystem's timestamp granule, FileHasher's rule for listing stamps):
// then any later change of its names carries a newer mtime and ctime, so an
// equal stamp (device and inode included: any path to the same directory)
// means the same names.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "edgecache/file_hasher.h"

namespace edgecache {

class SharedListings {
 public:
  // Sorted entry names, as FileHasher reads them.
  using Names = std::shared_ptr<const std::vector<std::string>>;

  // The names read at `stamp`; null when no thread kept a read at it.
  Names find(const FileStamp& stamp) const;
  // A read of a settled directory at `stamp` (the caller checks it settled).
  void keep(const FileStamp& stamp, Names names);

 private:
  mutable std::mutex mutex_;
  std::map<FileStamp, Names> by_stamp_;
};

}  // namespace edgecache
