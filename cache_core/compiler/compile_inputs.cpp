#include "compiler/compile_inputs.h"

#include <dirent.h>

#include <set>
#include <vector>

#include "edgecache/compiler_identity.h"
#include "edgecache/file_io.h"

namespace edgecache {
namespace {

// A pch file's content hash, memoized across processes by stat data as a
// compiler's is (a pch is tens of MB, hashing it on every hit would cost
// more than the hit); for a directory of them (GCC tries each), the hash of
// every entry's name and content.
std::string pch_fingerprint(const std::string& path, const std::string& cache_dir) {
  auto stamp = stat_file(path);
  if (!stamp) return kAbsentFingerprint;
  if (!stamp->is_directory) {
    auto hash = compiler_identity(path, cache_dir);
    return hash ? hash->hex() : "unreadable";
  }
  std::set<std::string> names;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (dirent* entry = ::readdir(dir)) names.insert(entry->d_name);
    ::closedir(dir);
  }
  Hasher combined;
  for (const std::string& name : names) {
    if (name == "." || name == "..") continue;
    combined.update_field(name);
    combined.update_field(pch_fingerprint(path + "/" + name, cache_dir));
  }
  return "pch-dir:" + combined.digest().hex();
}

// Calls `visit` with each dir a lookup of a spelling visits, in order (the
// first is the includer's dir, or the cwd for -include), until it returns
// false. Without copying them: a source's every spelling walks them all.
template <typename Visit>
void for_each_lookup_dir(const IncludeSearch& search, const std::string& first_dir, bool quoted,
                         Visit visit) {
  if (quoted) {
    if (!first_dir.empty() && !visit(first_dir)) return;
    for (const std::string& dir : search.quote_dirs) {
      if (!visit(dir)) return;
    }
  }
  for (const std::string& dir : search.bracket_dirs) {
    if (!visit(dir)) return;
  }
}

struct PchProbe {
  const PathNormalizer& paths;
  FileHasher& hasher;
  const std::string& cache_dir;
  std::set<std::string> seen;
};

void add_pch_candidates(const IncludeSearch& search, const std::string& first_dir, bool quoted,
                        const std::string& name, PchProbe& probe, KeyRecipe* recipe) {
  for_each_lookup_dir(search, first_dir, quoted, [&](const std::string& dir) {
    std::string candidate = name.front() == '/' ? name : join_path(dir, name);
    const size_t header_size = candidate.size();
    for (const char* suffix : {".gch", ".pch"}) {
      candidate.resize(header_size);
      candidate += suffix;
      // Most candidates are absent: the memoized answer first, the set of
      // those already keyed (a header two spellings reach) only for a find.
      if (!probe.hasher.probe_exists(candidate) || !probe.seen.insert(candidate).second) continue;
      recipe->add("pch:" + probe.paths.normalize(candidate),
                  pch_fingerprint(candidate, probe.cache_dir));
    }
    return name.front() != '/';
  });
}

}  // namespace

std::optional<std::string> add_flag_files(const CompilerInvocation& inv, const std::string& cwd,
                                          const PathNormalizer& paths, FileHasher& hasher,
                                          const std::string& cache_dir, KeyRecipe* recipe) {
  for (const FlagFile& file : inv.flag_files) {
    auto stamp = stat_file(absolute_path(file.path, cwd));
    auto hash = stamp && !stamp->is_directory ? hasher.hash_file(absolute_path(file.path, cwd))
                                              : std::nullopt;
    // A name the compiler looks up elsewhere (a specs file in its own
    // dirs), a directory of profiles: not keyed here, so not cached.
    if (!hash) return file.reason;
    recipe->add_hash("file:" + file.flag + paths.normalize(file.path), *hash);
  }
  for (const std::string& pch : inv.include_pchs) {
    std::string fingerprint = pch_fingerprint(absolute_path(pch, cwd), cache_dir);
    if (fingerprint == kAbsentFingerprint || fingerprint == "unreadable")
      return std::string("pch-unreadable");
    recipe->add("pch:" + paths.normalize(pch), fingerprint);
  }
  return std::nullopt;
}

void add_pch_files(const IncludeSearch& search, const std::string& source_path,
                   const std::string& source_text, const PathNormalizer& paths, FileHasher& hasher,
                   const std::string& cache_dir, KeyRecipe* recipe) {
  PchProbe probe{paths, hasher, cache_dir, {}};
  for (const std::string& name : search.forced_includes) {
    if (!name.empty()) add_pch_candidates(search, search.cwd, true, name, probe, recipe);
  }
  std::string source_dir =
      search.includer_dir_searched ? source_path.substr(0, source_path.find_last_of('/')) : "";
  bool computed = false;
  for (const IncludeSpelling& spelling : scan_include_spellings(source_text, &computed)) {
    add_pch_candidates(search, source_dir, spelling.quoted, spelling.name, probe, recipe);
  }
}

}  // namespace edgecache
