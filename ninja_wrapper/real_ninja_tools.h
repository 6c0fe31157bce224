// `-t TOOL` is handed to the real `ninja` binary: its tools (targets, clean,
// compdb, restat, recompact, ...) read the same build.ninja, .ninja_log and
// .ninja_deps, so there is no reason to re-implement them. CMake itself runs
// `-t restat` and `-t recompact` through CMAKE_MAKE_PROGRAM after generating.
#pragma once

#include <optional>
#include <string>

#include "ninja_options.h"

namespace edgecache::ninja {

/// The real ninja: $EDGECACHE_REAL_NINJA if set, else the first executable
/// `ninja` on PATH that is not this very program (CMake users often put
/// edgecache-ninja first on PATH under the name `ninja`).
std::optional<std::string> find_real_ninja();

/// Replaces this process with `ninja [-C dir] -f file -t tool args...`, so the
/// tool's output and exit status are the real ninja's. Returns only when that
/// fails, with the exit code to use (the error is printed).
int exec_real_ninja_tool(const NinjaOptions& options);

}  // namespace edgecache::ninja
