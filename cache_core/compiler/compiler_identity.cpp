#include "edgecache/compiler_identity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "compiler/compiler_memo.h"
#include "edgecache/file_hasher.h"
#include "edgecache/file_io.h"
#include "edgecache/process.h"

namespace edgecache {

Result<Hash128> compiler_identity(const std::string& binary, const std::string& cache_dir) {
  std::string resolved = real_path(binary);
  auto stamp = stat_file(resolved);
  if (!stamp) return Error{"cannot stat compiler " + resolved};
  Hasher memo_key;
  memo_key.update_field(resolved);
  memo_key.update_field(std::to_string(stamp->size) + ":" + std::to_string(stamp->mtime_ns) + ":" +
                        std::to_string(stamp->ctime_ns) + ":" + std::to_string(stamp->inode));
  std::string memo_path = cache_dir + "/compilers/" + memo_key.digest().hex();
  if (auto memo = read_compiler_memo(memo_path)) {
    if (auto hash = Hash128::from_hex(*memo)) return *hash;
  }
  FileHasher hasher;
  auto content = hasher.hash_file(resolved);
  if (!content) return Error{"cannot read compiler " + resolved};
  write_compiler_memo(memo_path, content->hex());
  return *content;
}

std::string compiler_version(const std::string& binary, const Hash128& identity,
                             const std::string& cache_dir) {
  std::string memo_path = cache_dir + "/compilers/version-" + identity.hex();
  if (auto memo = read_compiler_memo(memo_path)) return *memo;
  auto result = run_process({binary, "--version"});
  if (!result || result->exit_status != 0) return "";
  std::string line = result->stdout_text.substr(0, result->stdout_text.find('\n'));
  write_compiler_memo(memo_path, line);
  return line;
}

}  // namespace edgecache
