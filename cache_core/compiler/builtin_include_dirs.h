#pragma once
// The compiler's built-in include search: the directories it looks in after
// the command line's, as it reports them itself (`-E -v`), memoized beside
// its identity (compiler_identity.h) so it is asked once.
// Private to cache_core (compile_step.cpp).

#include <string>
#include <vector>

#include "edgecache/hash.h"

namespace edgecache {

// The compiler's built-in include directories for `language` ("c", "c++")
// and the flags that move them (--sysroot, -nostdinc, -stdlib=, -target,
// -m32): asked once (`-E -v`) and memoized beside the identity.
std::vector<std::string> compiler_system_include_dirs(const std::string& binary,
                                                      const Hash128& identity,
                                                      const std::string& language,
                                                      const std::vector<std::string>& flags,
                                                      const std::string& cache_dir);

}  // namespace edgecache
