#include "edgecache/include_listing.h"

#include <filesystem>

#include "util/text_search.h"

namespace edgecache {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

// Reads "name" or <name> at the start of `rest` (after spaces); false when
// the argument is something else (a macro).
bool read_spelling(std::string_view rest, IncludeSpelling* out) {
  rest = skip_spaces(rest);
  if (rest.empty() || (rest.front() != '"' && rest.front() != '<')) return false;
  char close = rest.front() == '"' ? '"' : '>';
  auto end = rest.find(close, 1);
  if (end == std::string_view::npos) return false;
  out->name = std::string(rest.substr(1, end - 1));
  out->quoted = close == '"';
  return !out->name.empty();
}

}  // namespace

std::string join_path(const std::string& dir, std::string_view relative) {
  std::string joined = relative.empty() ? dir : dir + "/" + std::string(relative);
  if (joined.find("/.") == std::string::npos && joined.find("//") == std::string::npos)
    return joined;
  std::string normal = std::filesystem::path(joined).lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

namespace {

std::string_view parent_of(std::string_view path) {
  auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

}  // namespace

std::vector<IncludeSpelling> scan_include_spellings(std::string_view text, bool* computed) {
  std::vector<IncludeSpelling> spellings;
  // Directives: '#' first on a line, then include / include_next / import.
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    std::string_view line =
        skip_spaces(text.substr(pos, end == std::string_view::npos ? end : end - pos));
    pos = end == std::string_view::npos ? text.size() : end + 1;
    // "%:" (digraph) and "??=" (trigraph) spell '#' too; a C++20 header
    // unit import ("import <x>;", "export import \"y\";") has none.
    if (line.substr(0, 2) == "%:") {
      line = skip_spaces(line.substr(2));
    } else if (line.substr(0, 3) == "?\?=") {
      line = skip_spaces(line.substr(3));
    } else if (!line.empty() && line.front() == '#') {
      line = skip_spaces(line.substr(1));
    } else {
      if (line.substr(0, 7) == "export ") line = skip_spaces(line.substr(7));
      IncludeSpelling spelling;
      if (line.substr(0, 6) == "import" && read_spelling(line.substr(6), &spelling))
        spellings.push_back(std::move(spelling));
      continue;
    }
    for (std::string_view word : {"include_next", "include", "import"}) {
      if (line.substr(0, word.size()) != word) continue;
      IncludeSpelling spelling;
      if (read_spelling(line.substr(word.size()), &spelling))
        spellings.push_back(std::move(spelling));
      else
        *computed = true;
      break;
    }
  }
  // __has_include(...) and __has_include_next(...) anywhere.
  for (size_t pos = find_text(text, "__has_include"); pos != std::string_view::npos;
       pos = find_text(text, "__has_include", pos + 1)) {
    // "#define __has_include(x) 0" (a portability fallback) asks nothing.
    size_t line_start = text.rfind('\n', pos);
    line_start = line_start == std::string_view::npos ? 0 : line_start;
    if (text.substr(line_start, pos - line_start).find("define") != std::string_view::npos)
      continue;
    std::string_view rest = text.substr(pos + 13);
    if (rest.substr(0, 5) == "_next") rest.remove_prefix(5);
    rest = skip_spaces(rest);
    IncludeSpelling spelling;
    if (!rest.empty() && rest.front() == '(' && read_spelling(rest.substr(1), &spelling)) {
      spellings.push_back(std::move(spelling));
    } else if (!rest.empty() && rest.front() == '(') {
      *computed = true;
    }
  }
  return spellings;
}

IncludeListings::IncludeListings(const IncludeSearch& search) : search_(search) {
  // The top of every search dir, whatever is asked: at least whether it
  // exists (a search dir that appears later is searched from then on).
  dirs_.insert(search.quote_dirs.begin(), search.quote_dirs.end());
  dirs_.insert(search.bracket_dirs.begin(), search.bracket_dirs.end());
  for (const std::string& name : search.forced_includes) {
    if (!name.empty() && name.front() == '/') continue;
    // -include looks in the working directory first.
    probe(join_path(search.cwd, parent_of(name)),
          std::string_view(name).substr(name.find_last_of('/') + 1));
    add_lookup("", IncludeSpelling{name, true});
  }
}

void IncludeListings::add_lookup(const std::string& includer_dir, const IncludeSpelling& spelling) {
  const std::string_view name =
      std::string_view(spelling.name).substr(spelling.name.find_last_of('/') + 1);
  if (is_ignored_listing_name(name)) saw_ignored_name_ = true;
  std::string_view relative = parent_of(spelling.name);
  if (!spelling.name.empty() && spelling.name.front() == '/') {
    probe(std::string(relative.empty() ? "/" : relative), name);
    return;
  }
  if (spelling.quoted) {
    if (search_.includer_dir_searched && !includer_dir.empty())
      probe(join_path(includer_dir, relative), name);
    for (const std::string& dir : search_.quote_dirs) probe(join_path(dir, relative), name);
  }
  for (const std::string& dir : search_.bracket_dirs) probe(join_path(dir, relative), name);
}

void IncludeListings::probe(const std::string& dir, std::string_view name) {
  dirs_.insert(dir);
  std::set<std::string>& names = probed_[dir];
  names.emplace(name);
  // GCC looks for a precompiled b.h.gch (a file, or a dir of them) in each
  // directory just before b.h.
  names.emplace(std::string(name) + ".gch");
}

void IncludeListings::add_file(const std::string& path, std::string_view content) {
  ScannedIncludes scanned;
  scanned.spellings = scan_include_spellings(content, &scanned.computed);
  add_scanned(path, scanned);
}

void IncludeListings::add_scanned(const std::string& path, const ScannedIncludes& scanned) {
  std::string dir(parent_of(path));
  computed_ = computed_ || scanned.computed;
  for (const IncludeSpelling& spelling : scanned.spellings) add_lookup(dir, spelling);
  files_.push_back(path);
}

void IncludeListings::read_ahead(FileHasher& hasher) const {
  for (const std::string& dir : dirs_) hasher.listing_fingerprint(dir);
}

void IncludeListings::finish(std::vector<Dependency>* deps, FileHasher& hasher,
                             const PathNormalizer& paths) {
  if (computed_) {
    // A computed name: any file read could have been asked for by its path
    // below any search dir, from any includer.
    std::set<std::string> bases(search_.quote_dirs.begin(), search_.quote_dirs.end());
    bases.insert(search_.bracket_dirs.begin(), search_.bracket_dirs.end());
    for (const std::string& file : files_) bases.emplace(parent_of(file));
    std::set<std::string> relatives;
    for (const std::string& file : files_) {
      for (const std::string& base : bases) {
        if (file.size() <= base.size() + 1 || file.compare(0, base.size(), base) != 0 ||
            file[base.size()] != '/')
          continue;
        relatives.emplace(parent_of(std::string_view(file).substr(base.size() + 1)));
      }
    }
    for (const std::string& base : bases) {
      for (const std::string& relative : relatives) dirs_.insert(join_path(base, relative));
    }
  }
  for (const std::string& dir : dirs_) {
    std::string fingerprint;
    if (computed_) {
      fingerprint = hasher.listing_fingerprint(dir);
    } else {
      auto names = probed_.find(dir);
      fingerprint = hasher.probed_fingerprint(
          dir, names == probed_.end()
                   ? std::vector<std::string>()
                   : std::vector<std::string>(names->second.begin(), names->second.end()));
    }
    std::string stamp =
        fingerprint == kAbsentFingerprint ? hasher.absence_stamp(dir) : hasher.listing_stamp(dir);
    deps->push_back({paths.normalize(dir), std::move(fingerprint), std::move(stamp)});
  }
}

}  // namespace edgecache
