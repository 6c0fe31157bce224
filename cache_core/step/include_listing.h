#pragma once
// The compiler's include search as directory listings. A lookup of
// `#include "a/b.h"` visits <dir>/a for every dir of its search chain (the
// includer's own dir, -iquote, -I, -isystem, built-ins, -idirafter), so a
// header created in any of them later could be found instead of the one
// used, and a name probed by __has_include could start to exist. A compile
// records, for every directory its lookups could visit, which of the names
// it probes there exist (b.h and GCC's b.h.gch for "a/b.h" in <dir>/a):
// a new file by such a name in any of them is a miss, and a file no lookup
// asks for (an executable the build links into an -I'd build dir) is not.
// The names come from the files the compile read, whose contents the same
// manifest candidate checks, so equal contents mean the same names asked.
// When some include takes a macro (a name we cannot know), every such
// directory is keyed by its whole listing instead. Cheap either way:
// listings are memoized.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "edgecache/file_hasher.h"
#include "edgecache/manifest.h"
#include "edgecache/path_normalizer.h"

namespace edgecache {

// Where a compile's include lookups go (absolute dirs).
struct IncludeSearch {
  std::vector<std::string> quote_dirs;    // searched for "..." only, after the includer's dir
  std::vector<std::string> bracket_dirs;  // -I, -isystem, built-ins (also absent ones), -idirafter
  bool includer_dir_searched = true;      // false after -I-
  std::string cwd;                        // -include / -imacros names are looked up here first
  std::vector<std::string> forced_includes;  // their names as written
};

// dir + "/" + relative, lexically normal, without a trailing slash.
std::string join_path(const std::string& dir, std::string_view relative);

// One name a file asks the search for: #include, #include_next, #import,
// __has_include, __has_include_next with a literal argument.
struct IncludeSpelling {
  std::string name;
  bool quoted = false;  // "..." (else <...>)
};

// The literal include spellings in `text`; `computed` is set when some
// include or __has_include takes a macro, whose name we cannot know.
std::vector<IncludeSpelling> scan_include_spellings(std::string_view text, bool* computed);

// What scan_include_spellings() found in one file.
struct ScannedIncludes {
  std::vector<IncludeSpelling> spellings;
  bool computed = false;
};

// Collects the directories a compile's lookups could visit, file by file.
class IncludeListings {
 public:
  explicit IncludeListings(const IncludeSearch& search);
  // One file the compile read (absolute path) and its content.
  void add_file(const std::string& path, std::string_view content);
  // The same, with the content scanned before (scan_include_spellings()).
  void add_scanned(const std::string& path, const ScannedIncludes& scanned);
  // Reads (and memoizes in `hasher`) the listing of every directory
  // collected so far, so finish() records them as they are now.
  void read_ahead(FileHasher& hasher) const;
  // Appends one dependency per directory: its probed names' fingerprint now
  // (its whole listing's after a computed include).
  void finish(std::vector<Dependency>* deps, FileHasher& hasher, const PathNormalizer& paths);
  // A spelling whose name the listing filter ignores (file_hasher.h): such
  // a lookup cannot be keyed by listings, so the step must not be stored.
  bool saw_ignored_name() const { return saw_ignored_name_; }
  // Every directory collected so far.
  const std::set<std::string>& dirs() const { return dirs_; }

 private:
  void add_lookup(const std::string& includer_dir, const IncludeSpelling& spelling);
  const IncludeSearch& search_;
  void probe(const std::string& dir, std::string_view name);
  std::set<std::string> dirs_;  // every directory a lookup visits
  // The names lookups ask each directory for (a dir of dirs_ may have none:
  // a search dir no lookup reached, keyed by its existence).
  std::map<std::string, std::set<std::string>> probed_;
  std::vector<std::string> files_;  // the files read, for the computed-include fallback
  bool computed_ = false;
  bool saw_ignored_name_ = false;
};

}  // namespace edgecache
