#pragma once
// What every unit test may use: a temporary directory per test, removed
// afterwards with everything in it.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "edgecache/file_io.h"

namespace edgecache::testing {

// A fresh directory under $TMPDIR. `path()` is "" if it could not be made,
// which fails the test that uses it at its first file operation.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "edgecache-unit.XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory (nothing is created).
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string operator/(const std::string& name) const { return file(name); }
  // Writes `content` to `name` (its directory must exist) and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = file(name);
    EXPECT_TRUE(write_file_atomic(p, content));
    return p;
  }

 private:
  std::string path_;
};

}  // namespace edgecache::testing
