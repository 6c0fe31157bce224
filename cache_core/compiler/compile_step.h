#pragma once
// A GCC/Clang compile as a cache step: the input key's recipe, the outputs,
// the depfile that lists the headers, and the include search path used to
// detect headers that would shadow the ones found. Shared by the launcher
// and by edgecache-ninja for compile edges, so both key compiles alike.

#include <optional>
#include <string>

#include "edgecache/compiler_invocation.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/step_cache.h"

namespace edgecache {

struct CompileStep {
  Step step;
  // Set when the command has no -MD/-MMD: the caller appends
  // "-MD -MF <our_depfile>" to the real run so the headers are known,
  // and deletes the file afterwards.
  std::string our_depfile;
};

struct CompileContext {
  std::string compiler;          // resolved path of the compiler binary
  std::string cache_dir;         // for the memoized compiler identity
  std::string cwd;               // where the compile runs
  bool stderr_is_tty = false;    // GCC colours diagnostics for a terminal
  FileHasher* hasher = nullptr;  // the caller's memo for pch probes (a private one when null)
};

// A private temporary path for a depfile the cache asks for itself.
std::string temporary_depfile_name(const std::string& object, const char* what);

// Builds the step for a cacheable invocation. Returns the reason when the
// call turns out uncacheable after all (e.g. "time-macros" in the source).
std::optional<std::string> make_compile_step(const CompilerInvocation& inv,
                                             const CompileContext& context,
                                             const PathNormalizer& paths, CompileStep* out);

}  // namespace edgecache
