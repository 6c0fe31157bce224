#include "edgecache/file_hasher.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <vector>

#include "edgecache/shared_listings.h"
#include "edgecache/step_cache.h"  // step_start
#include "edgecache/watched_stats.h"

namespace edgecache {

namespace {

// How long a directory must have been left alone before its stamp stands for
// its names: FAT's two-second timestamps, the coarsest a filesystem keeps.
constexpr int64_t kListingStampSettle = 2'000'000'000;

}  // namespace

FileStamp stamp_of(const struct stat& st) {
  FileStamp stamp;
  stamp.device = st.st_dev;
  stamp.inode = st.st_ino;
  stamp.size = static_cast<uint64_t>(st.st_size);
  stamp.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
  stamp.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
  stamp.is_directory = S_ISDIR(st.st_mode);
  return stamp;
}

std::optional<FileStamp> stat_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return stamp_of(st);
}

std::optional<FileStamp> lstat_file(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return stamp_of(st);
}

// Five numbers of at most 20 digits (and a sign), four dashes.
constexpr size_t kStampTextMax = 5 * 21 + 4;

namespace {

// Writes stamp_text() into `out`; returns its length.
size_t format_stamp(const FileStamp& stamp, char (&out)[kStampTextMax]) {
  char* at = out;
  char* const end = out + kStampTextMax;
  auto put = [&](auto value) { at = std::to_chars(at, end, value).ptr; };
  put(stamp.device);
  *at++ = '-';
  put(stamp.inode);
  *at++ = '-';
  put(stamp.size);
  *at++ = '-';
  put(stamp.mtime_ns);
  *at++ = '-';
  put(stamp.ctime_ns);
  return static_cast<size_t>(at - out);
}

}  // namespace

std::string stamp_text(const FileStamp& stamp) {
  char text[kStampTextMax];
  return std::string(text, format_stamp(stamp, text));
}

bool stamp_text_is(const FileStamp& stamp, std::string_view text) {
  char now[kStampTextMax];
  return std::string_view(now, format_stamp(stamp, now)) == text;
}

std::optional<Hash128> FileHasher::hash_file(const std::string& path) {
  if (auto digest = predicted(path)) return digest;
  auto stamp = stat_file(path);
  if (!stamp || stamp->is_directory) return std::nullopt;
  return hash_file_at(path, *stamp);
}

std::optional<Hash128> FileHasher::hash_file_at(const std::string& path, const FileStamp& stamp) {
  auto key = std::make_pair(path, stamp);
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;

  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Hasher hasher;
  char buffer[65536];
  bool failed = false;
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) failed = true;
    if (n <= 0) break;
    hasher.update(std::string_view(buffer, static_cast<size_t>(n)));
  }
  ::close(fd);
  if (failed) return std::nullopt;
  Hash128 digest = hasher.digest();
  memo_.emplace(std::move(key), digest);
  return digest;
}

namespace {

// Ahead of the build only (`predicted` is empty otherwise): the temporary of
// an atomic write ("version.h.tmp.<pid>.<n>.<r>", write_file_atomic) of a
// predicted file is that file's restore in flight; the listing the step
// will see names the file, which the predictions already add. Counting the
// temporary made a prefetch lookup racing with the restore pool miss
// (a lost head start, never a hit: the main thread keys from the disk).
bool restore_in_flight(const std::string& name, const std::set<std::string>& predicted) {
  const size_t temp = name.find(".tmp.");
  return temp != std::string::npos && temp > 0 && predicted.count(name.substr(0, temp)) != 0;
}

}  // namespace

std::set<std::string> FileHasher::predicted_names(const std::string& dir) const {
  if (!predictions_) return {};
  std::set<std::string> names = predictions_->names_in(dir);
  const std::string prefix = dir == "/" ? dir : dir + "/";
  for (auto it = expected_dirs_.upper_bound(prefix);
       it != expected_dirs_.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
    std::string_view rest = std::string_view(*it).substr(prefix.size());
    names.emplace(rest.substr(0, rest.find('/')));
  }
  return names;
}

bool FileHasher::predicted_directory(const std::string& path) const {
  if (!predictions_) return false;
  return expected_dirs_.count(path) != 0 || !predicted_names(path).empty();
}

namespace {

// fingerprint()'s hash of a directory's names, `sorted`.
std::string directory_names_fingerprint(const std::vector<std::string>& sorted) {
  Hasher hasher;
  for (const std::string& name : sorted) hasher.update_field(name);
  return std::string(kDirectoryNamesPrefix) + hasher.digest().hex();
}

}  // namespace

std::optional<std::string> FileHasher::read_directory_fingerprint(const std::string& path) {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (dirent* entry = ::readdir(dir)) names.emplace_back(entry->d_name);
    ::closedir(dir);
  } else if (predicted_directory(path)) {
    names = {".", ".."};  // made by Ninja before the step runs: empty but for predictions
  } else {
    return std::nullopt;
  }
  const std::set<std::string> predicted = predicted_names(path);
  std::erase_if(names, [&](const std::string& name) { return restore_in_flight(name, predicted); });
  for (const std::string& name : predicted) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return directory_names_fingerprint(names);
}

bool FileHasher::current(const std::string& dir, DirListing& entry) {
  if (lookup_ == 0 || entry.checked == lookup_) return true;
  if (entry.absent) return false;
  // `stamp` is set only when the dir had settled before the read (see
  // listing()): then any change since shows in it. The watched stats keep
  // a directory's stamp while no name in it changes.
  auto now = directory_stamp(dir);
  if (entry.stamp.empty() || !now || !stamp_text_is(*now, entry.stamp)) return false;
  entry.checked = lookup_;
  return true;
}

namespace {

// The names a listing fingerprint counts (is_ignored_listing_name), in order.
std::vector<std::string_view> visible_names(
    const std::shared_ptr<const std::vector<std::string>>& names) {
  std::vector<std::string_view> visible;
  if (names) {
    for (const std::string& name : *names) {
      if (!is_ignored_listing_name(name)) visible.emplace_back(name);
    }
  }
  return visible;
}

}  // namespace

std::optional<int64_t> FileHasher::names_changed_since(const std::string& dir,
                                                       int64_t since_ns) const {
  auto it = listings_.find(dir);
  if (it == listings_.end() || it->second.names_changed_ns == 0 ||
      it->second.names_changed_ns < since_ns)
    return std::nullopt;
  return it->second.names_changed_ns;
}

FileHasher::DirListing& FileHasher::listing(const std::string& dir) {
  auto it = listings_.find(dir);
  if (it != listings_.end() && current(dir, it->second)) return it->second;
  DirListing listing;
  listing.checked = lookup_;
  // The clock first, then the dir's stamp, then its names. A change after
  // the stamp gets a timestamp from the clock then or later, truncated to
  // the filesystem's granule (1 ns on ext4, xfs, btrfs, tmpfs; 100 ns on
  // NTFS and SMB; 10 ms on exFAT; whole seconds on small-inode ext4 and
  // many NFS servers; two on FAT). So the stamp is recorded only when the
  // dir's last change is older than the clock by more than the coarsest of
  // these (kListingStampSettle): any later change then carries a newer
  // timestamp, whatever the granule, and shows in the stamp.
  const int64_t clock = step_start().coarse_ns;
  auto settled = [clock](const FileStamp& stamp) {
    return std::max(stamp.mtime_ns, stamp.ctime_ns) < clock - kListingStampSettle;
  };
  auto take_stamp = [&](const FileStamp& stamp) {
    listing.read_ns = clock;
    listing.changed_ns = std::max(stamp.mtime_ns, stamp.ctime_ns);
    if (settled(stamp)) listing.stamp = stamp_text(stamp);
  };
  std::optional<FileStamp> now;
  if (shared_ != nullptr && watched_ != nullptr) now = directory_stamp(dir);
  if (now && now->is_directory && settled(*now)) {
    // Read by another thread at this stamp (through any path): the same names.
    listing.names = shared_->find(*now);
    if (listing.names) take_stamp(*now);
  }
  if (!listing.names) {
    if (DIR* handle = ::opendir(dir.c_str())) {
      struct stat st {};
      std::optional<FileStamp> read_at;
      if (::fstat(::dirfd(handle), &st) == 0) {
        read_at = stamp_of(st);
        take_stamp(*read_at);
      }
      auto names = std::make_shared<std::vector<std::string>>();
      while (dirent* entry = ::readdir(handle)) names->emplace_back(entry->d_name);
      ::closedir(handle);
      std::sort(names->begin(), names->end());
      listing.names = std::move(names);
      if (shared_ != nullptr && read_at && settled(*read_at))
        shared_->keep(*read_at, listing.names);
    }
  }
  if (it == listings_.end()) return listings_.emplace(dir, std::move(listing)).first->second;
  // Read again: a change of the names is remembered for the steps running
  // now (names_changed_since), whose stored listing must be from before it.
  const DirListing& before = it->second;
  listing.names_changed_ns = before.names_changed_ns;
  if (!before.absent && visible_names(before.names) != visible_names(listing.names))
    listing.names_changed_ns = clock;
  it->second = std::move(listing);
  return it->second;
}

std::string FileHasher::listing_stamp(const std::string& dir) {
  if (!may_exist(dir)) return "";
  return listing(dir).stamp;
}

std::string FileHasher::absence_stamp(const std::string& path) {
  // Up from `path` through the ancestors may_exist() found absent, to the
  // nearest one it listed: that listing must lack the next name down.
  std::string_view below = path;
  for (int levels = 1;; ++levels) {
    auto slash = below.find_last_of('/');
    if (slash == std::string_view::npos || slash == 0) return "";
    auto it = listings_.find(std::string(below.substr(0, slash)));
    if (it == listings_.end()) return "";
    if (it->second.absent) {
      below = below.substr(0, slash);
      continue;
    }
    if (!it->second.names || it->second.stamp.empty()) return "";
    const auto& names = *it->second.names;
    if (std::binary_search(names.begin(), names.end(), below.substr(slash + 1))) return "";
    return std::to_string(levels) + ":" + it->second.stamp;
  }
}

std::optional<int64_t> FileHasher::change_of_listing_read_since(const std::string& dir,
                                                                int64_t since_ns) const {
  auto it = listings_.find(dir);
  if (it == listings_.end() || !it->second.names || it->second.read_ns < since_ns)
    return std::nullopt;
  return it->second.changed_ns;
}

bool FileHasher::exists(const std::string& path) {
  if (predictions_ && (predictions_->find(path) || predicted_directory(path)))
    return true;  // as may_exist()
  // The nearest ancestor with a memoized listing answers: absent when it
  // lacks the next name down (most pch probes: "<search dir>/fmt/x.h.gch"
  // in a search dir with no fmt/), present when it is the parent and names
  // the path. Else one lstat().
  std::string_view below = path;
  for (auto slash = below.find_last_of('/'); slash != std::string_view::npos && slash > 0;
       slash = below.find_last_of('/')) {
    auto it = listings_.find(below.substr(0, slash));
    if (it == listings_.end()) {
      below = below.substr(0, slash);
      continue;
    }
    // Changed since it was read (or not checked in this lookup and not
    // checkable): the disk answers.
    if (!current(it->first, it->second)) break;
    if (it->second.absent) return false;
    if (!it->second.names) break;
    const auto& names = *it->second.names;
    if (!std::binary_search(names.begin(), names.end(), below.substr(slash + 1))) return false;
    if (below.size() == path.size()) return true;
    break;  // it names the next dir down, whose own listing is not memoized
  }
  return watched_ ? watched_->exists(path) : lstat_file(path).has_value();
}

bool FileHasher::probe_exists(const std::string& path) {
  if (watched_ != nullptr && !may_exist(path)) return false;
  return exists(path);
}

void FileHasher::begin_lookup() {
  ++lookup_;
  catch_up();
}

void FileHasher::catch_up() {
  if (watched_) watched_->catch_up();
}

std::optional<FileStamp> FileHasher::stamp(const std::string& path) {
  return watched_ ? watched_->stat(path) : stat_file(path);
}

std::optional<FileStamp> FileHasher::directory_stamp(const std::string& path) {
  return watched_ ? watched_->stat_directory(path) : stat_file(path);
}

bool FileHasher::may_exist(const std::string& path) {
  if (predictions_ && (predictions_->find(path) || predicted_directory(path))) return true;
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos || path == "/") return true;
  const std::string_view name = std::string_view(path).substr(slash + 1);
  auto it =
      listings_.find(slash == 0 ? std::string_view("/") : std::string_view(path).substr(0, slash));
  // A parent already found current in this lookup answers at once, without
  // a copy of its name (most pch probes and absent dependencies).
  if (it != listings_.end() && (lookup_ == 0 || it->second.checked == lookup_)) {
    if (it->second.absent) return false;
    if (it->second.names)
      return std::binary_search(it->second.names->begin(), it->second.names->end(), name);
  }
  std::string parent = slash == 0 ? "/" : path.substr(0, slash);
  if (it != listings_.end() && it->second.absent && !current(parent, it->second)) {
    listings_.erase(it);  // derived again below from its ancestors, each checked
    it = listings_.end();
  } else if (it != listings_.end() && !it->second.absent) {
    listing(parent);  // checked once per lookup; read again when it changed
  }
  if (it == listings_.end()) {
    // Ancestors first: a missing directory is seen in its parent's listing
    // (memoized), which spares a failed opendir() per absent subdirectory,
    // and is remembered as absent, so each further name in it costs one
    // lookup here instead of a walk up its ancestors.
    if (parent != "/" && !may_exist(parent)) {
      DirListing absent;
      absent.absent = true;
      absent.checked = lookup_;
      listings_.emplace(parent, std::move(absent));
      return false;
    }
    listing(parent);
    it = listings_.find(parent);
  }
  if (it->second.absent) return false;
  if (it->second.names) {
    return std::binary_search(it->second.names->begin(), it->second.names->end(), name);
  }
  return stat_file(path).has_value();  // an unreadable parent: ask directly
}

bool is_ignored_listing_name(std::string_view name) {
  if (name == "." || name == "..") return true;
  // Ninja's and our own state beside build.ninja, written during a build.
  if (name.substr(0, 7) == ".ninja_" || name == ".edgecache") return true;
  // A temporary of an atomic write ("x.o.tmp.<n>") is judged by its target,
  // and so is clang's ("x-<8 hex digits>.o.tmp", renamed when the compile
  // ends): a parallel compile's temporary must not change another's key.
  if (auto temp = name.find(".tmp."); temp != std::string_view::npos) name = name.substr(0, temp);
  std::string target;
  if (name.size() > 4 && name.substr(name.size() - 4) == ".tmp") {
    std::string_view stem = name.substr(0, name.size() - 4);
    auto dot = stem.rfind('.');
    if (dot != std::string_view::npos && dot >= 9 && stem[dot - 9] == '-' &&
        stem.substr(dot - 8, 8).find_first_not_of("0123456789abcdef") == std::string_view::npos) {
      target = std::string(stem.substr(0, dot - 9)) + std::string(stem.substr(dot));
      name = target;
    }
  }
  static constexpr std::string_view kSuffixes[] = {".o", ".obj", ".d",   ".gcno", ".gcda", ".dwo",
                                                   ".a", ".so",  ".lib", ".dll",  ".exe",  ".pdb"};
  for (std::string_view suffix : kSuffixes) {
    if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix)
      return true;
  }
  return false;
}

std::string FileHasher::listing_fingerprint(const std::string& dir) {
  if (!may_exist(dir)) return kAbsentFingerprint;
  DirListing& memo = listing(dir);
  std::set<std::string> predicted = predicted_names(dir);
  if (!predicted.empty() || predicted_directory(dir)) {
    // Ahead of the build: the names on disk and the predicted ones (a dir
    // Ninja makes for the step: empty but for them), made each time
    // (predictions are added while the listing stays memoized).
    if (memo.names) {
      for (const std::string& name : *memo.names) {
        if (!restore_in_flight(name, predicted)) predicted.insert(name);
      }
    }
    Hasher hasher;
    for (const std::string& name : predicted) {
      if (!is_ignored_listing_name(name)) hasher.update_field(name);
    }
    return std::string(kListingPrefix) + hasher.digest().hex();
  }
  if (!memo.names) return stat_file(dir) ? "unreadable" : kAbsentFingerprint;
  if (memo.fingerprint.empty()) {
    Hasher hasher;
    for (const std::string& name : *memo.names) {
      if (!is_ignored_listing_name(name)) hasher.update_field(name);
    }
    memo.fingerprint = std::string(kListingPrefix) + hasher.digest().hex();
  }
  return memo.fingerprint;
}

bool is_listing_fingerprint(std::string_view fingerprint) {
  return fingerprint.substr(0, kListingPrefix.size()) == kListingPrefix ||
         fingerprint.substr(0, kProbedPrefix.size()) == kProbedPrefix;
}

std::string FileHasher::probed_fingerprint(const std::string& dir,
                                           const std::vector<std::string>& probed) {
  if (!may_exist(dir)) return kAbsentFingerprint;
  DirListing& memo = listing(dir);
  // Ahead of the build: the predicted names count as on disk (a dir Ninja
  // makes for the step has only them).
  const std::set<std::string> predicted = predicted_names(dir);
  if (!memo.names && predicted.empty() && !predicted_directory(dir))
    return stat_file(dir) ? "unreadable" : kAbsentFingerprint;
  Hasher hasher;
  std::string names;
  for (const std::string& name : probed) {
    if (!names.empty()) names += '/';
    names += name;
    const bool on_disk =
        memo.names && std::binary_search(memo.names->begin(), memo.names->end(), name);
    if (on_disk || predicted.count(name)) hasher.update_field(name);
  }
  return std::string(kProbedPrefix) + hasher.digest().hex() + ":" + names;
}

std::optional<std::vector<std::string>> FileHasher::probed_names_of(std::string_view fingerprint) {
  if (fingerprint.substr(0, kProbedPrefix.size()) != kProbedPrefix) return std::nullopt;
  fingerprint.remove_prefix(kProbedPrefix.size());
  const size_t colon = fingerprint.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  fingerprint.remove_prefix(colon + 1);
  std::vector<std::string> names;
  while (!fingerprint.empty()) {
    const size_t slash = fingerprint.find('/');
    names.emplace_back(fingerprint.substr(0, slash));
    if (slash == std::string_view::npos) break;
    fingerprint.remove_prefix(slash + 1);
  }
  return names;
}

void FileHasher::forget(const std::string& path) {
  if (forget_listener_) forget_listener_(path);
  if (watched_) watched_->forget(path);
  // The smallest stamp: every memoized hash of `path` sorts at or after it.
  FileStamp lowest{
      0, 0, 0, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min(), false};
  for (auto it = memo_.lower_bound({path, lowest}); it != memo_.end() && it->first.first == path;) {
    it = memo_.erase(it);
  }
  // `path` may be a directory the step made: its listing and those below.
  std::string below = path + "/";
  for (auto it = listings_.lower_bound(path);
       it != listings_.end() &&
       (it->first == path || it->first.compare(0, below.size(), below) == 0);) {
    it = listings_.erase(it);
  }
  std::string child = path;
  for (auto slash = child.find_last_of('/'); slash != std::string::npos && slash > 0;
       slash = child.find_last_of('/')) {
    std::string dir = child.substr(0, slash);
    auto found = listings_.find(dir);
    if (found != listings_.end()) {
      // Already naming the child: this listing and all above are unchanged.
      const auto& names = found->second.names;
      if (names && std::binary_search(names->begin(), names->end(),
                                      std::string_view(child).substr(slash + 1)))
        return;
      listings_.erase(found);
    }
    child = std::move(dir);
  }
}

std::string FileHasher::lookup_fingerprint_of_directory(const std::string& dir) {
  // Ahead of the build, the names are those on disk and the predicted ones.
  if (predicted_directory(dir)) return fingerprint(dir);
  DirListing& memo = listing(dir);
  if (!memo.names) return fingerprint(dir);  // absent, unreadable or not a directory
  // As fingerprint() reads it: every name, sorted ("." and ".." too).
  if (memo.names_fingerprint.empty())
    memo.names_fingerprint = directory_names_fingerprint(*memo.names);
  return memo.names_fingerprint;
}

std::string FileHasher::fingerprint(const std::string& path) {
  if (auto digest = predicted(path)) return digest->hex();
  auto stamp = stat_file(path);
  if (!stamp && !predicted_directory(path)) return kAbsentFingerprint;
  if (!stamp || stamp->is_directory) {
    auto names = read_directory_fingerprint(path);
    return names ? *names : "unreadable";
  }
  // The stamp just read keys the memo: one stat per fingerprint (a link's
  // lookup asks for each of its objects).
  auto content = hash_file_at(path, *stamp);
  return content ? content->hex() : "unreadable";
}

}  // namespace edgecache
