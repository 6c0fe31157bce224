#pragma once
// Whole-file reads and atomic writes: the only way cache_core writes files.

#include <string>
#include <string_view>

#include "edgecache/result.h"

namespace edgecache {

Result<std::string> read_file(const std::string& path);
// Everything in an open file from offset 0, whatever the fd's position.
std::string read_fd_from_start(int fd);

// Writes to a unique temporary file beside `path`, then renames it over
// `path`: a concurrent reader sees the old file, the new file or none, never
// a partial one. Creates missing parent directories. `mode` is applied to
// the new file before the rename.
Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// mkdir -p; ok when the directory exists afterwards.
Status make_directories(const std::string& path);

// True for the temporary files write_file_atomic() leaves behind when a
// process is killed between write and rename; cleanup may delete old ones.
bool is_temporary_file_name(std::string_view file_name);

}  // namespace edgecache
