#pragma once
// Path independence: absolute paths below the configured base directories are
// replaced by placeholders in keys and stored depfiles, so two checkouts at
// different absolute paths share entries, and restored back to the current
// tree's paths on a hit.

#include <string>
#include <string_view>
#include <vector>

#include "edgecache/file_io.h"

namespace edgecache {

class PathNormalizer {
 public:
  PathNormalizer() = default;
  // Base dirs are made absolute and lexically clean; the longest match wins.
  explicit PathNormalizer(std::vector<std::string> base_dirs);

  // Replaces every base-dir prefix in `text` ("/src/a.h", "-I/src/inc",
  // "-ffile-prefix-map=/src=.") by its placeholder "@BASE<n>@". A base dir
  // only matches at a path boundary: "/src" does not match in "/srcx/a.h".
  std::string normalize(std::string_view text) const;
  // The inverse, with this checkout's base dirs.
  std::string restore(std::string_view text) const;

  bool empty() const { return base_dirs_.empty(); }
  const std::vector<std::string>& base_dirs() const { return base_dirs_; }
  // True when `path` (absolute) is one of, or below, a base dir.
  bool covers(std::string_view path) const;

 private:
  std::vector<std::string> base_dirs_;  // sorted longest first
  // placeholders_[i] stands for base_dirs_[i]; numbered in the configured order
  std::vector<std::string> placeholders_;
};

}  // namespace edgecache
