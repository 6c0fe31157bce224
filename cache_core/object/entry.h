#pragma once
// A result entry: everything a step produced, so a hit can replay it.
//
// Payload format (inside the blob envelope, kind 'r'; format version 2),
// little-endian:
//   u32 file count, then per file: bytes role, u32 mode, bytes content
//   bytes stdout, bytes stderr, u32 exit status (as int32), u64 duration in ms
// where "bytes" is a u64 length followed by that many bytes. The mode is
// st_mode-like: the file type (S_IFREG 0100000 or S_IFLNK 0120000) or'ed with
// the permission bits; for a symlink the content is the link's target text.
// Version 1 had permission bits only (no symlinks): its entries are never
// read by version 2 (the envelope's version differs), so a symlink is never
// restored as a regular file holding its target's name.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgecache/result.h"

namespace edgecache {

enum class EntryFileKind { kRegular, kSymlink };

struct EntryFile {
  std::string role;      // what the file is for the step: "object", "depfile", "output:2", ...
  uint32_t mode = 0644;  // permission bits to restore (an executable link output keeps +x)
  std::string content;   // the bytes (a symlink: its target); depfiles hold base-dir placeholders
  EntryFileKind kind = EntryFileKind::kRegular;
};

struct Entry {
  std::vector<EntryFile> files;
  std::string stdout_text;   // replayed on a hit
  std::string stderr_text;   // replayed on a hit (warnings)
  int exit_status = 0;       // always 0 today: failed steps are never stored
  uint64_t duration_ms = 0;  // how long the real run took: the time a hit saves

  const EntryFile* find(std::string_view role) const;
};

// One file of an entry, its bytes left where they are (in the opened
// payload, or in an EntryFile): what a restore writes from, with no copy.
struct EntryFileView {
  std::string_view role;
  uint32_t mode = 0644;
  std::string_view content;
  EntryFileKind kind = EntryFileKind::kRegular;

  EntryFileView() = default;
  EntryFileView(std::string_view role_, uint32_t mode_, std::string_view content_,
                EntryFileKind kind_)
      : role(role_), mode(mode_), content(content_), kind(kind_) {}
  // NOLINTNEXTLINE(google-explicit-constructor): an EntryFile is viewed wherever a view is asked
  // for
  EntryFileView(const EntryFile& file)
      : role(file.role), mode(file.mode), content(file.content), kind(file.kind) {}
};

// An entry decoded in place: valid while the payload it views lives.
struct EntryView {
  std::vector<EntryFileView> files;
  std::string_view stdout_text;
  std::string_view stderr_text;
  int exit_status = 0;
  uint64_t duration_ms = 0;

  const EntryFileView* find(std::string_view role) const;
};

std::string encode_entry(const Entry& entry);
Result<Entry> decode_entry(std::string_view payload);
// The same checks as decode_entry(), without copying any byte.
Result<EntryView> decode_entry_view(std::string_view payload);

}  // namespace edgecache
