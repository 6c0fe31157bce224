#pragma once
// Whole-file reads and atomic writes (the only way cache_core writes files),
// and the lexical spelling of paths.

#include <memory>
#include <string>
#include <string_view>

#include "edgecache/result.h"

namespace edgecache {

Result<std::string> read_file(const std::string& path);

// Bytes read into memory one thread keeps for its next read: grown when a
// file is larger, never cleared. A fresh string of hundreds of KB per cache
// entry cost a page fault per page, and freeing it an munmap that stalls
// every other thread of the process (edgecache-ninja's restore threads).
class ReadBuffer {
 public:
  std::string_view view() const { return {data_.get(), size_}; }
  size_t capacity() const { return capacity_; }
  // Room for at least `capacity` bytes, the first `keep` of them as held.
  char* grow(size_t capacity, size_t keep);
  void set_size(size_t size) { size_ = size; }
  // Gives the memory back (after a read too large to keep for the next).
  void release();

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};
// read_file() into `buffer`.
Status read_file_into(const std::string& path, ReadBuffer* buffer);
// Everything in an open file from offset 0, whatever the fd's position.
std::string read_fd_from_start(int fd);

// What is at a path itself (lstat: a symlink is not followed).
enum class PathKind { kAbsent, kRegular, kSymlink, kOther /* device, FIFO, socket, directory */ };
PathKind path_kind(const std::string& path);

// Writes to a unique temporary file beside `path`, then renames it over
// `path`: a concurrent reader sees the old file, the new file or none, never
// a partial one. Creates missing parent directories. `mode` is applied to
// the new file before the rename. Refuses (an error, nothing written) when
// `path` is anything but a regular file or absent: a rename over /dev/null,
// a FIFO or a symlink would destroy what is not ours.
Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// The target text of a symlink (readlink), unresolved.
Result<std::string> read_symlink(const std::string& path);

// Makes `path` a symlink to `target`, atomically as write_file_atomic() does
// (a temporary link renamed into place): replaces a regular file or a
// symlink (never the symlink's target); refuses anything else.
Status write_symlink_atomic(const std::string& path, const std::string& target);

// mkdir -p; ok when the directory exists afterwards.
Status make_directories(const std::string& path);

// True for the temporary files write_file_atomic() leaves behind when a
// process is killed between write and rename; cleanup may delete old ones.
bool is_temporary_file_name(std::string_view file_name);

// Lexically cleaned absolute path: joins `path` to `cwd` when relative and
// removes "." and ".." components and doubled slashes. No symlink resolution.
std::string absolute_path(std::string_view path, std::string_view cwd);
std::string current_directory();
// The path with symlinks resolved (realpath); `path` itself when that fails.
std::string real_path(const std::string& path);

}  // namespace edgecache
