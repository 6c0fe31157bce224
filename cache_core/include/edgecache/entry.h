#pragma once
// A result entry: everything a step produced, so a hit can replay it.
//
// Payload format (inside the blob envelope, kind 'r'), little-endian:
//   u32 file count, then per file: bytes role, u32 mode, bytes content
//   bytes stdout, bytes stderr, u32 exit status (as int32), u64 duration in ms
// where "bytes" is a u64 length followed by that many bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgecache/result.h"

namespace edgecache {

struct EntryFile {
  std::string role;     // what the file is for the step: "object", "depfile", "output:2", ...
  uint32_t mode = 0644; // permission bits to restore (an executable link output keeps +x)
  std::string content;  // the bytes; depfiles hold base-dir placeholders, not absolute paths
};

struct Entry {
  std::vector<EntryFile> files;
  std::string stdout_text;  // replayed on a hit
  std::string stderr_text;  // replayed on a hit (warnings)
  int exit_status = 0;      // always 0 today: failed steps are never stored
  uint64_t duration_ms = 0; // how long the real run took: the time a hit saves

  const EntryFile* find(std::string_view role) const;
};

std::string encode_entry(const Entry& entry);
Result<Entry> decode_entry(std::string_view payload);

}  // namespace edgecache
