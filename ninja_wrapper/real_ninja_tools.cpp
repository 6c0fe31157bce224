#include "real_ninja_tools.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "ninja/util.h"  // Error

namespace edgecache::ninja {
namespace {

namespace fs = std::filesystem;

/// The canonical path of `path`, or empty if it does not resolve.
fs::path resolved_path(const fs::path& path) {
  std::error_code ec;
  fs::path resolved = fs::canonical(path, ec);
  return ec ? fs::path() : resolved;
}

bool is_executable_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::string> find_real_ninja() {
  if (const char* forced = std::getenv("EDGECACHE_REAL_NINJA"); forced && *forced)
    return std::string(forced);
  const char* path_env = std::getenv("PATH");
  if (path_env == nullptr) return std::nullopt;
  const fs::path self = resolved_path("/proc/self/exe");
  std::string_view rest(path_env);
  while (true) {
    const size_t colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    // An empty PATH entry means the current directory, as for execvp.
    const fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / "ninja";
    if (is_executable_file(candidate) && resolved_path(candidate) != self)
      return candidate.string();
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

int exec_real_ninja_tool(const NinjaOptions& options) {
  const std::optional<std::string> ninja = find_real_ninja();
  if (!ninja) {
    Error("'-t %s' needs the real ninja, but none is on PATH (or set EDGECACHE_REAL_NINJA)",
          options.tool.c_str());
    return 1;
  }
  std::vector<std::string> args = {*ninja};
  // -C is passed on, not applied here: the real ninja resolves -f and the
  // tool's arguments relative to it exactly as for a direct call.
  if (!options.working_dir.empty()) args.insert(args.end(), {"-C", options.working_dir});
  args.insert(args.end(), {"-f", options.input_file, "-t", options.tool});
  args.insert(args.end(), options.args.begin(), options.args.end());

  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  ::execv(ninja->c_str(), argv.data());
  Error("running %s: %s", ninja->c_str(), std::strerror(errno));
  return 1;
}

}  // namespace edgecache::ninja
