#include "compiler/builtin_include_dirs.h"

#include <cstdlib>
#include <sstream>

#include "compiler/compiler_memo.h"
#include "edgecache/process.h"

namespace edgecache {

std::vector<std::string> compiler_system_include_dirs(const std::string& binary,
                                                      const Hash128& identity,
                                                      const std::string& language,
                                                      const std::vector<std::string>& flags,
                                                      const std::string& cache_dir) {
  Hasher memo_key;
  memo_key.update_field("v2");  // v2: directories absent now are listed too
  memo_key.update_field(identity.hex());
  memo_key.update_field(language);
  // These add search dirs too; the `-E -v` run below sees them.
  for (const char* name : {"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH"}) {
    const char* value = std::getenv(name);
    memo_key.update_field(value ? value : "");
  }
  for (const std::string& flag : flags) memo_key.update_field(flag);
  std::string memo_path = cache_dir + "/compilers/dirs-" + memo_key.digest().hex();
  std::string listing;
  if (auto memo = read_compiler_memo(memo_path)) {
    listing = *memo;
  } else {
    std::vector<std::string> argv = {binary, "-x", language, "-E", "-v"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("/dev/null");
    auto result = run_process(argv);
    if (!result) return {};
    std::istringstream in(result->stderr_text);
    bool inside = false;
    // A built-in dir that does not exist now is searched all the same once
    // created ("ignoring nonexistent directory" in the listing).
    const std::string absent = "ignoring nonexistent directory \"";
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(absent, 0) == 0 && line.back() == '"') {
        listing += line.substr(absent.size(), line.size() - absent.size() - 1) + "\n";
      } else if (line.rfind("#include <...> search starts here:", 0) == 0)
        inside = true;
      else if (line.rfind("End of search list.", 0) == 0)
        inside = false;
      else if (inside && !line.empty() && line[0] == ' ')
        listing += line.substr(1) + "\n";
    }
    write_compiler_memo(memo_path, listing);
  }
  std::vector<std::string> dirs;
  std::istringstream in(listing);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) dirs.push_back(line);
  }
  return dirs;
}

}  // namespace edgecache
