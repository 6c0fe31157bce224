#include "key/build_tree.h"

#include <sys/stat.h>

#include "edgecache/file_io.h"
#include "edgecache/path_normalizer.h"

namespace edgecache {
namespace {

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string parent_of(const std::string& dir) {
  size_t slash = dir.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
}

// The nearest dir at or above `start_dir` holding a CMakeCache.txt; "" if none.
std::string find_cache_dir(const std::string& start_dir) {
  std::string dir = start_dir;
  for (;;) {
    if (is_regular_file(dir == "/" ? "/CMakeCache.txt" : dir + "/CMakeCache.txt")) return dir;
    if (dir == "/" || dir.empty() || dir[0] != '/') return "";
    dir = parent_of(dir);
  }
}

}  // namespace

std::string cmake_cache_value(const std::string& text, const std::string& name) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ':') {
      size_t eq = line.find('=');
      if (eq != std::string_view::npos) {
        std::string value(line.substr(eq + 1));
        if (!value.empty() && value.back() == '\r') value.pop_back();
        return value;
      }
    }
    pos = end + 1;
  }
  return "";
}

std::optional<BuildTree> find_build_tree(const std::string& start_dir) {
  std::string dir = find_cache_dir(start_dir);
  if (dir.empty()) return std::nullopt;
  BuildTree tree;
  tree.build_dir = dir;
  tree.cache_file = (dir == "/" ? "" : dir) + "/CMakeCache.txt";
  auto text = read_file(tree.cache_file);
  if (!text) return std::nullopt;
  std::string source = cmake_cache_value(*text, "CMAKE_HOME_DIRECTORY");
  // Only a clean absolute path can be a base dir.
  if (!source.empty() && source[0] == '/') tree.source_dir = absolute_path(source, "/");
  return tree;
}

std::string step_identity(const std::string& absolute_output) {
  std::string dir = find_cache_dir(parent_of(absolute_output));
  if (dir.empty() || dir == "/") return "abs:" + absolute_output;
  return "build:" + absolute_output.substr(dir.size() + 1);
}

}  // namespace edgecache
