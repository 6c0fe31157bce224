#include "compiler/compiler_memo.h"

#include <mutex>
#include <unordered_map>

#include "edgecache/file_io.h"

namespace edgecache {
namespace {

struct MemoCopies {
  std::mutex mutex;
  std::unordered_map<std::string, std::string> by_path;
};

MemoCopies& copies() {
  static MemoCopies instance;
  return instance;
}

}  // namespace

std::optional<std::string> read_compiler_memo(const std::string& path) {
  MemoCopies& memos = copies();
  {
    std::lock_guard<std::mutex> lock(memos.mutex);
    if (auto found = memos.by_path.find(path); found != memos.by_path.end()) return found->second;
  }
  auto content = read_file(path);
  if (!content) return std::nullopt;
  std::lock_guard<std::mutex> lock(memos.mutex);
  memos.by_path.emplace(path, *content);
  return *content;
}

void write_compiler_memo(const std::string& path, const std::string& content) {
  (void)write_file_atomic(path, content);  // a memo: a failure only costs time
  MemoCopies& memos = copies();
  std::lock_guard<std::mutex> lock(memos.mutex);
  memos.by_path[path] = content;
}

}  // namespace edgecache
