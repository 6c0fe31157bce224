#include "observed_run.h"

#include <sys/stat.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "edgecache/step_cache.h"

namespace edgecache::ninja {
namespace {

/// True when `dir` is an ancestor directory of one of `paths`.
bool is_ancestor_of_any(const std::string& dir, const std::set<std::string>& paths) {
  const std::string prefix = dir.back() == '/' ? dir : dir + "/";
  auto next = paths.lower_bound(prefix);
  return next != paths.end() && next->compare(0, prefix.size(), prefix) == 0;
}

/// The written paths the step leaves behind without declaring them.
std::vector<std::string> undeclared_writes(const ObservedAccesses& accesses,
                                           const ObservedStepPaths& paths) {
  std::vector<std::string> undeclared;
  for (const std::string& path : accesses.written) {
    if (paths.owned.count(path) || paths.ignored.count(path)) continue;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;  // a temporary, gone again
    // A directory made to hold a declared output: Ninja makes it too.
    if (S_ISDIR(st.st_mode) && is_ancestor_of_any(path, paths.owned)) continue;
    undeclared.push_back(path);
  }
  return undeclared;
}

/// `path` relative to `dir` when below it, for messages.
std::string shown(const std::string& path, const std::string& dir) {
  if (dir.empty() || path.size() <= dir.size() + 1 || path.compare(0, dir.size(), dir) != 0 ||
      path[dir.size()] != '/')
    return path;
  return path.substr(dir.size() + 1);
}

/// "a, b, c (and 4 more)": the first few of `paths`, as the user sees them.
std::string first_paths(const std::vector<std::string>& paths, const std::string& dir) {
  constexpr size_t kShown = 3;
  std::string text;
  for (size_t i = 0; i < paths.size() && i < kShown; ++i)
    text += (i ? ", " : "") + shown(paths[i], dir);
  if (paths.size() > kShown) text += " (and " + std::to_string(paths.size() - kShown) + " more)";
  return text;
}

/// The reason code of a '!' message, and its detail (the program's path).
std::pair<std::string, std::string> untraceable_reason(const std::string& message) {
  static const std::pair<const char*, const char*> kKinds[] = {
      {"untraceable static binary ", "untraceable-static-binary"},
      {"untraceable setuid program ", "untraceable-setuid-program"},
      {"untraceable 32-bit program ", "untraceable-32-bit-program"},
      {"untraceable program for another machine ", "untraceable-foreign-program"},
  };
  for (const auto& [prefix, code] : kKinds) {
    const std::string_view start(prefix);
    if (message.compare(0, start.size(), start) == 0) return {code, message.substr(start.size())};
  }
  return {"untraceable-program", message};
}

bool changed_since(const struct stat& st, const StepStart& start) {
  const int64_t mtime = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  const int64_t ctime = int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
  // `start` is step_start() before the inputs were hashed, and the command
  // began after its granule (wait_past_start_granule).
  return edgecache::written_during_run(std::max(mtime, ctime), start);
}

/// Fingerprints one path of the read set into `verdict`; false when the
/// verdict is final (not cacheable, or not storable).
bool add_read_dependency(const std::string& path, bool listed, const StepStart& start,
                         FileHasher& hasher, const PathNormalizer& normalizer,
                         ObservationVerdict* verdict) {
  const std::string name = normalizer.normalize(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    // With the stamp of the nearest listed ancestor that lacks it (as a
    // compile's shadowing candidates are): a later lookup then compares one
    // directory's stamp instead of listing it. A link probes hundreds of
    // library and program paths that are not there.
    std::string stamp = hasher.may_exist(path) ? "" : hasher.absence_stamp(path);
    verdict->deps.push_back({name, kAbsentFingerprint, std::move(stamp)});
    return true;
  }
  const bool directory = S_ISDIR(st.st_mode);
  if (!directory && !S_ISREG(st.st_mode)) {
    verdict->uncacheable_reason = "reads-special-file";
    verdict->detail = path;
    return false;
  }
  if (directory && !listed) {
    verdict->deps.push_back({name, kDirectoryFingerprint, ""});
    return true;
  }
  // Created, edited or listed-and-changed while the step ran: what the step
  // saw is not what we would record.
  if (changed_since(st, start)) {
    verdict->not_stored_reason = "input-changed-during-run";
    verdict->detail = path;
    return false;
  }
  std::string fingerprint = hasher.fingerprint(path);
  if (fingerprint == kAbsentFingerprint || fingerprint == "unreadable") {
    verdict->uncacheable_reason = "unreadable-input";
    verdict->detail = path;
    return false;
  }
  auto stamp = directory ? std::nullopt : stat_file(path);
  verdict->deps.push_back({name, std::move(fingerprint), stamp ? stamp_text(*stamp) : ""});
  return true;
}

}  // namespace

Result<ObservedAccesses> parse_trace(const std::string& text) {
  ObservedAccesses accesses;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    // A line without its newline: a writer died mid-write; nothing after it can be trusted.
    if (end == std::string::npos) return Error{"trace ends in a partial line"};
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.size() < 3 || line[1] != ' ')
      return Error{"malformed trace line: " + std::string(line)};
    std::string path(line.substr(2));
    switch (line[0]) {
      case 'x':
      case 'r':
        accesses.reads.insert(std::move(path));
        break;
      case 's':
        accesses.probes.insert(std::move(path));
        break;
      case 'd':
        accesses.listed.insert(std::move(path));
        break;
      case 'w':
      case 'u':
        accesses.written.insert(std::move(path));
        break;
      case 'a':
        accesses.appended.insert(std::move(path));
        break;
      case '!':
        accesses.untraceable.push_back(std::move(path));
        break;
      default:
        return Error{"unknown trace tag in: " + std::string(line)};
    }
  }
  return accesses;
}

ObservationVerdict judge_observation(const ObservedAccesses& accesses,
                                     const ObservedStepPaths& paths, const StepStart& start,
                                     FileHasher& hasher, const PathNormalizer& normalizer) {
  ObservationVerdict verdict;
  if (!accesses.untraceable.empty()) {
    auto [reason, detail] = untraceable_reason(accesses.untraceable.front());
    verdict.uncacheable_reason = std::move(reason);
    verdict.detail = std::move(detail);
    return verdict;
  }
  if (std::vector<std::string> undeclared = undeclared_writes(accesses, paths);
      !undeclared.empty()) {
    verdict.uncacheable_reason = "writes-undeclared-files";
    verdict.detail = first_paths(undeclared, paths.cwd);
    return verdict;
  }
  std::set<std::string> read_set = accesses.reads;
  read_set.insert(accesses.probes.begin(), accesses.probes.end());
  read_set.insert(accesses.listed.begin(), accesses.listed.end());
  for (const std::string& path : read_set) {
    // What the step made or changed itself, and its own products, are not inputs.
    if (accesses.written.count(path) || accesses.appended.count(path) || paths.owned.count(path) ||
        paths.ignored.count(path)) {
      continue;
    }
    if (!add_read_dependency(path, accesses.listed.count(path) > 0, start, hasher, normalizer,
                             &verdict)) {
      verdict.deps.clear();
      verdict.detail = shown(verdict.detail, paths.cwd);
      return verdict;
    }
  }
  return verdict;
}

}  // namespace edgecache::ninja
