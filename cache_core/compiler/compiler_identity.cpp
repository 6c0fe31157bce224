#include "edgecache/compiler_identity.h"

#include <cstdlib>
#include <optional>

#include "compiler/compiler_memo.h"
#include "edgecache/file_hasher.h"
#include "edgecache/file_io.h"
#include "edgecache/process.h"

namespace edgecache {

Result<Hash128> compiler_identity(const std::string& binary, const std::string& cache_dir) {
  // stat() follows the symlinks (c++ -> /etc/alternatives/c++ -> g++-12):
  // the file it lands on, named by device and inode with its size and times,
  // is what runs. A changed or replaced binary has another stamp (ctime moves
  // on every write), so the stamp alone keys the memo, without realpath()'s
  // readlink of every component of every link. (read_compiler_memo keeps the
  // memo for the process: each later compile of the build asks memory.)
  auto stamp = stat_file(binary);
  if (!stamp || stamp->is_directory) return Error{"cannot stat compiler " + binary};
  Hasher memo_key;
  memo_key.update_field("stamp");
  memo_key.update_field(stamp_text(*stamp));
  std::string memo_path = cache_dir + "/compilers/" + memo_key.digest().hex();
  std::optional<Hash128> identity;
  if (auto memo = read_compiler_memo(memo_path)) identity = Hash128::from_hex(*memo);
  if (!identity) {
    FileHasher hasher;
    identity = hasher.hash_file(binary);
    if (!identity) return Error{"cannot read compiler " + binary};
    write_compiler_memo(memo_path, identity->hex());
  }
  return *identity;
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
