#pragma once
// An exclusive flock on a file, held for the object's lifetime. flock locks
// die with the process, so a killed process never leaves a cache locked.

#include <string>

namespace edgecache {

class FileLock {
 public:
  explicit FileLock(const std::string& path);  // creates the file if needed; blocks
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  bool locked() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  std::string read_all() const;                         // the whole file
  bool replace_content(const std::string& text) const;  // write, then truncate to size

 private:
  int fd_ = -1;
};

}  // namespace edgecache
