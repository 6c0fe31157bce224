// edgecache-ninja: Ninja with a build cache. Parses the command line, hands
// `-t` tools to the real ninja, and runs builds through Ninja's own Builder
// with the caching command runner. See build_session.h for the build flow.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "build_session.h"
#include "edge_cache_hooks.h"
#include "ninja/status.h"
#include "ninja_options.h"
#include "real_ninja_tools.h"

using namespace edgecache::ninja;

int main(int argc, char** argv) {
  // Line-buffered like Ninja, so our output interleaves with the commands'.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);

  ParsedCommandLine parsed = parse_command_line(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const NinjaOptions& options = *parsed.options;
  if (!options.tool.empty()) return exec_real_ninja_tool(options);

  StatusPrinter status(options.config);
  if (!options.working_dir.empty()) {
    // Ninja's wording and quotes: editors parse it to follow the cwd change.
    if (options.config.verbosity != BuildConfig::NO_STATUS_UPDATE)
      status.Info("Entering directory `%s'", options.working_dir.c_str());
    if (::chdir(options.working_dir.c_str()) < 0) {
      std::fprintf(stderr, "ninja: fatal: chdir to '%s' - %s\n", options.working_dir.c_str(),
                   std::strerror(errno));
      return 1;
    }
  }
  std::unique_ptr<EdgeCacheHooks> hooks = make_edge_cache_hooks(options.cache);
  const int exit_code = run_build_command(options, hooks.get(), &status);
  if (hooks != nullptr) hooks->finish();
  std::fflush(stdout);
  if (exit_code == 0 && hooks != nullptr && hooks->strict_verify_failed()) {
    std::fprintf(
        stderr, "edgecache: --verify=strict: cached outputs differed from real runs (see above)\n");
    return 1;
  }
  return exit_code;
}
