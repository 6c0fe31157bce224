#pragma once
// Substring search over whole headers. std::string_view::find looks for the
// needle's first byte with memchr and compares from each hit: for "__DATE__"
// or "__has_include" in C++ headers, where '_' is everywhere, that was a
// quarter of what a cold build's step stores cost (perf, Ninja's project).
// glibc's memmem skips by the whole needle.

#include <string.h>

#include <string_view>

namespace edgecache {

// The first `needle` in `text` at or after `from`; npos when none.
inline size_t find_text(std::string_view text, std::string_view needle, size_t from = 0) {
  if (from > text.size()) return std::string_view::npos;
  const void* found =
      ::memmem(text.data() + from, text.size() - from, needle.data(), needle.size());
  return found == nullptr ? std::string_view::npos
                          : static_cast<size_t>(static_cast<const char*>(found) - text.data());
}

inline bool contains_text(std::string_view text, std::string_view needle) {
  return find_text(text, needle) != std::string_view::npos;
}

}  // namespace edgecache
