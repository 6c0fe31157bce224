#include "edgecache/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "edgecache/file_io.h"

namespace edgecache {

FileLock::FileLock(const std::string& path)
    : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
  if (fd_ < 0) return;
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    ::close(fd_);
    fd_ = -1;
    return;
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::string FileLock::read_all() const { return read_fd_from_start(fd_); }

bool FileLock::replace_content(const std::string& text) const {
  // Writing before truncating means a crash leaves at worst trailing garbage
  // after valid text, which readers treat as corrupt and reset.
  return ::pwrite(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()) &&
         ::ftruncate(fd_, static_cast<off_t>(text.size())) == 0;
}

}  // namespace edgecache
