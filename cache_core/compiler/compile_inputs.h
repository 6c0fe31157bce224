#pragma once
// Files a compile reads that its depfile does not name, put into the input
// key by content: precompiled headers (GCC's <header>.gch, a file or a
// directory of them; clang's -include-pch and <header>.pch), and files named
// by flags (-specs=, -fsanitize-ignorelist=, -fprofile-use=<file>, ...).
// Each is a recipe field "pch:<path>" or "file:<flag><path>", so `edgecache
// explain` names the one that changed.

#include <optional>
#include <string>

#include "edgecache/compiler_invocation.h"
#include "edgecache/file_hasher.h"
#include "edgecache/include_listing.h"
#include "edgecache/key_recipe.h"
#include "edgecache/path_normalizer.h"

namespace edgecache {

// Hashes each flag file and -include-pch file into `recipe`; returns the
// uncacheable reason when one names no readable regular file.
std::optional<std::string> add_flag_files(const CompilerInvocation& inv, const std::string& cwd,
                                          const PathNormalizer& paths, FileHasher& hasher,
                                          const std::string& cache_dir, KeyRecipe* recipe);

// The pch files the compiler may load in place of a header named by
// -include or by an #include of the primary source (GCC looks for
// <dir>/<name>.gch in each dir of that lookup; clang for <name>.pch and
// <name>.gch beside an -include name): each one present is keyed by content
// (memoized across processes in `cache_dir`, as compiler hashes are).
void add_pch_files(const IncludeSearch& search, const std::string& source_path,
                   const std::string& source_text, const PathNormalizer& paths, FileHasher& hasher,
                   const std::string& cache_dir, KeyRecipe* recipe);

}  // namespace edgecache
