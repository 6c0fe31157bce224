#pragma once
// `edgecache <compiler> <args...>`: the compiler launcher.

#include <string>
#include <vector>

namespace edgecache {

// Runs the compile through the cache and returns the exit status to exit
// with: always the compiler's (or the replayed one's), never the cache's.
int run_compile_command(const std::vector<std::string>& argv);

}  // namespace edgecache
