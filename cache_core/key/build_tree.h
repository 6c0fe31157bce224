#pragma once
// The CMake build tree a directory belongs to, found with no configuration:
// the nearest CMakeCache.txt at or above the directory names the build dir
// (where it lies) and the top source dir (CMAKE_HOME_DIRECTORY). Both faces
// run inside the build dir (Ninja starts compiles there; edgecache-ninja
// changes into it), so these are the natural default base dirs, and the
// build dir is what identifies a step across checkouts (its outputs' paths
// relative to it).

#include <optional>
#include <string>

namespace edgecache {

struct BuildTree {
  std::string build_dir;   // absolute: the directory holding CMakeCache.txt
  std::string source_dir;  // absolute: CMAKE_HOME_DIRECTORY; "" when the file lacks it
  std::string cache_file;  // build_dir + "/CMakeCache.txt"
};

// Searches `start_dir` (absolute) and its parents; nullopt when no regular
// CMakeCache.txt is found. Reads the file only when found.
std::optional<BuildTree> find_build_tree(const std::string& start_dir);

// The value of `name` in CMakeCache.txt text ("NAME:TYPE=value" lines); ""
// when absent.
std::string cmake_cache_value(const std::string& text, const std::string& name);

// What identifies a step's output across build dirs and checkouts: its path
// relative to the build tree it lies in ("build:CMakeFiles/a.dir/a.cpp.o"),
// or, outside any build tree, its absolute path ("abs:/tmp/x.o").
// `absolute_output` must be absolute and lexically clean.
std::string step_identity(const std::string& absolute_output);

}  // namespace edgecache
