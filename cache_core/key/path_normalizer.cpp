#include "edgecache/path_normalizer.h"

#include <unistd.h>

#include <algorithm>
#include <climits>

namespace edgecache {
namespace {

bool is_path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '+' || c == '~';
}

// Replaces each `from[i]` by `to[i]` where it ends at a path boundary.
// It runs for every dependency of every lookup: only positions holding the
// first byte of some `from` are compared (every base dir starts with '/' and
// every placeholder with '@', so that is one memchr), and unchanged stretches
// are copied whole.
std::string replace_prefixes(std::string_view text, const std::vector<std::string>& from,
                             const std::vector<std::string>& to) {
  std::string firsts;
  for (const std::string& f : from) {
    if (!f.empty() && firsts.find(f[0]) == std::string::npos) firsts += f[0];
  }
  auto next_candidate = [&](size_t pos) {
    return firsts.size() == 1 ? text.find(firsts[0], pos) : text.find_first_of(firsts, pos);
  };
  std::string out;
  size_t copied = 0;  // text[0, copied) is in `out` already
  for (size_t i = next_candidate(0); i != std::string_view::npos;) {
    size_t k = 0;
    for (; k < from.size(); ++k) {
      size_t end = i + from[k].size();
      if (!from[k].empty() && text.compare(i, from[k].size(), from[k]) == 0 &&
          (end >= text.size() || !is_path_char(text[end]))) {
        break;
      }
    }
    if (k == from.size()) {
      i = next_candidate(i + 1);
      continue;
    }
    out.append(text.substr(copied, i - copied));
    out += to[k];
    copied = i + from[k].size();
    i = next_candidate(copied);
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

}  // namespace

PathNormalizer::PathNormalizer(std::vector<std::string> base_dirs) {
  // Placeholders are numbered in the user's order, so the same config names
  // the same placeholder in every checkout; matching tries longest first so a
  // nested base dir wins over its parent.
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string& dir : base_dirs) {
    if (dir.empty()) continue;
    std::string clean = absolute_path(dir, current_directory());
    if (clean == "/") continue;
    bool seen = std::any_of(pairs.begin(), pairs.end(), [&](auto& p) { return p.first == clean; });
    if (!seen) pairs.emplace_back(clean, "@BASE" + std::to_string(pairs.size()) + "@");
  }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (auto& [dir, placeholder] : pairs) {
    base_dirs_.push_back(dir);
    placeholders_.push_back(placeholder);
  }
}

std::string PathNormalizer::normalize(std::string_view text) const {
  if (base_dirs_.empty()) return std::string(text);
  return replace_prefixes(text, base_dirs_, placeholders_);
}

std::string PathNormalizer::restore(std::string_view text) const {
  if (base_dirs_.empty()) return std::string(text);
  return replace_prefixes(text, placeholders_, base_dirs_);
}

bool PathNormalizer::covers(std::string_view path) const {
  for (const std::string& dir : base_dirs_) {
    if (path.compare(0, dir.size(), dir) == 0 &&
        (path.size() == dir.size() || path[dir.size()] == '/')) {
      return true;
    }
  }
  return false;
}

}  // namespace edgecache
