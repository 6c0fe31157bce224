#pragma once
// Content fingerprints of files and directories, memoized by stat data so a
// header read once in a process is not hashed again.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "edgecache/hash.h"
#include "edgecache/predicted_files.h"

struct stat;

namespace edgecache {

class SharedListings;
class WatchedStats;

// What identifies one version of a file without reading it.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  bool is_directory = false;
  auto operator<=>(const FileStamp&) const = default;
};

// The stamp of what a stat() or lstat() filled in.
FileStamp stamp_of(const struct stat& st);
std::optional<FileStamp> stat_file(const std::string& path);
// The same for the path itself: a symlink's own stamp, not its target's.
std::optional<FileStamp> lstat_file(const std::string& path);
// "<device>-<inode>-<size>-<mtime ns>-<ctime ns>": what manifests record.
std::string stamp_text(const FileStamp& stamp);
// stamp_text(stamp) == text, without making the string (asked for every
// header of every lookup).
bool stamp_text_is(const FileStamp& stamp, std::string_view text);

inline constexpr const char* kAbsentFingerprint = "absent";
// A directory whose existence, not its listing, was observed (a stat of it).
inline constexpr const char* kDirectoryFingerprint = "directory";
// Prefix of fingerprint() of a directory: the hash of all its names (a
// directory a step listed, seen by the tracer).
inline constexpr std::string_view kDirectoryNamesPrefix = "dir:";
// Prefix of a directory listing's fingerprint (include_listing.h).
inline constexpr std::string_view kListingPrefix = "listing:";
// Prefix of a directory's fingerprint restricted to the names a compile's
// include lookups probe there: "probed:<hash of those present>:<a/b/...>"
// (the probed names themselves follow, '/'-separated: no name holds one).
inline constexpr std::string_view kProbedPrefix = "probed:";
// Either kind of listing fingerprint.
bool is_listing_fingerprint(std::string_view fingerprint);

// Names a directory listing leaves out: build products the compiler never
// finds through #include (objects, depfiles, libraries, coverage notes, and
// their temporaries; Ninja's .ninja_log/.ninja_deps; our .edgecache run
// records), so a build writing them beside a source does not cost a miss.
// A compile whose #include names such a file is not stored (step_cache).
bool is_ignored_listing_name(std::string_view name);

class FileHasher {
 public:
  // False when `path` certainly does not exist, judged from listings of its
  // ancestors (memoized for the life of this hasher, so thousands of absent
  // names cost a few readdir() calls, not a stat() each). True when it might.
  bool may_exist(const std::string& path);

  // Whether `path` exists (a dangling symlink counts), from the memoized
  // listing of its parent, or of an ancestor that lacks the next name down,
  // when there is one; else from one lstat(): for a few names in dirs
  // nothing else reads (pch probes), cheaper than listing them.
  bool exists(const std::string& path);
  // exists() for a name probed in every lookup of a build (a pch beside
  // each header a source includes, in each search dir): with watched stats
  // (edgecache-ninja) from its parent's memoized listing, read once and
  // checked by the dir's watched stamp, as may_exist(); else exists() (the
  // launcher's one lookup: a few lstat()s cost less than listing big
  // system dirs).
  bool probe_exists(const std::string& path);
  // stat_file() of a file now, and of a directory (its names watched, not
  // its times): from the watched stats when set (memory while inotify
  // reports no change), else the disk.
  std::optional<FileStamp> stamp(const std::string& path);
  std::optional<FileStamp> directory_stamp(const std::string& path);

  // Content hash of a regular file; nullopt if it cannot be read.
  std::optional<Hash128> hash_file(const std::string& path);

  // Fingerprint used in manifests: "<content hash>" for a file,
  // "dir:<hash of the sorted entry names>" for a directory (a new header in
  // an include directory changes it), "absent" when nothing is there.
  std::string fingerprint(const std::string& path);
  // fingerprint() of a directory as a lookup sees it: from its memoized
  // listing, checked each lookup (a linker's library dir, thousands of
  // names, is not read again for every link), else as fingerprint().
  std::string lookup_fingerprint_of_directory(const std::string& dir);

  // "listing:<hash of the sorted names>" of a directory (names that
  // is_ignored_listing_name() accepts are left out), "absent" when nothing
  // is there, "unreadable" otherwise. Made once from the memoized listing
  // (edgecache-ninja asks for the same dirs on every compile edge).
  std::string listing_fingerprint(const std::string& dir);

  // "probed:<hash of the names of `probed` the dir has>:<probed, joined by
  // '/'>" (kProbedPrefix; `probed` sorted, without duplicates), "absent" or
  // "unreadable" as listing_fingerprint(). A file the build writes beside
  // headers (an executable in the build dir) changes it only when some
  // lookup asks for its name. The names on disk plus the predicted ones.
  std::string probed_fingerprint(const std::string& dir, const std::vector<std::string>& probed);
  // The probed names a probed_fingerprint() carries; nullopt when malformed.
  static std::optional<std::vector<std::string>> probed_names_of(std::string_view fingerprint);

  // stamp_text() of `dir` taken just before its memoized listing was read,
  // or "" when a later change could leave the stamp as it was: the dir was
  // changed less than two seconds before (a filesystem may truncate
  // timestamps to as much; a change in the same granule keeps the same
  // one), or "in the future" (a clock step, a file server's clock). A manifest
  // records it beside the listing's fingerprint; an equal stamp on a later
  // lookup means the names are unchanged (every create, remove or rename of
  // an entry sets the dir's mtime and ctime), so the dir is not read again.
  std::string listing_stamp(const std::string& dir);

  // For a path may_exist() found absent: "<n>:<stamp>", where the nearest
  // ancestor whose memoized listing lacks the next name down is n levels up
  // and <stamp> is that listing's stamp (see listing_stamp()); "" when there
  // is none, or when the absence was judged otherwise. A manifest records it
  // with the "absent" dependency; the ancestor's equal stamp on a later
  // lookup means its names are unchanged, so the path is still absent,
  // without a readdir.
  std::string absence_stamp(const std::string& path);

  // For a dir whose memoized listing was read at or after `since_ns` (the
  // coarse clock): the dir's last change when it was read. nullopt when the
  // listing was read before, or is not memoized, or the dir was not read.
  std::optional<int64_t> change_of_listing_read_since(const std::string& dir,
                                                      int64_t since_ns) const;

  // A lookup begins (edgecache-ninja, before it keys an edge). From the
  // first call on, a memoized directory listing answers a lookup only after
  // one stat per lookup shows its directory unchanged since it was read
  // (and the change before that read older than a timestamp granule); else
  // it is read again. So a header another process writes during the build
  // (not a step of it, which calls forget()) is seen by the lookups after
  // it. Without calls (the launcher: one lookup per process) listings are
  // memoized for the hasher's life, as read.
  // With watched stats set, the changes they were told of are applied first.
  void begin_lookup();
  // Applies the changes the watched stats were told of (if set), without
  // starting a lookup: cheap when begin_lookup() just did.
  void catch_up();
  // exists(), stamp() and directory_stamp() ask `watched` (shared by a
  // process's lookup threads) instead of the disk each time; forget() tells
  // it too. nullptr (the default): the disk.
  void set_watched_stats(WatchedStats* watched) { watched_ = watched; }
  // With watched stats: a directory another hasher of the build (a lookup
  // thread) read at the stamp it has now is not read again, whatever the
  // path to it (shared_listings.h). nullptr (the default): read here.
  void set_shared_listings(SharedListings* shared) { shared_ = shared; }

  // For a dir whose listing was read again and found to name other entries
  // than the read before it: when that second read was, if at or after
  // `since_ns` (the coarse clock). A step that began at `since_ns` may have
  // run while a header appeared in or left it: not stored.
  std::optional<int64_t> names_changed_since(const std::string& dir, int64_t since_ns) const;

  // A step of this build wrote `path` (absolute): drops the memoized hash
  // of it and every memoized directory listing the write may have changed
  // (its parent's, and each ancestor's that did not name the next component
  // yet), so a lookup after sees it, e.g. a header generated mid-build in an
  // earlier -I directory. The one entry point for everything this hasher
  // memoizes; callers: StepCache::restore and the build's finished commands.
  void forget(const std::string& path);
  // Also called with each path forget() is given: edgecache-ninja's hashers
  // on other threads (local_lookups.h) must forget what this one does.
  void set_forget_listener(std::function<void(const std::string&)> listener) {
    forget_listener_ = std::move(listener);
  }

  // Lookups ahead of the build only (predicted_files.h): a path with a
  // prediction answers hash_file, fingerprint and may_exist with it, whatever
  // is on disk now (a planned step will overwrite it). Never set on a hasher
  // whose answers decide a hit. nullptr (the default): the disk only.
  void set_predictions(const PredictedFiles* predictions) { predictions_ = predictions; }
  // The prediction for `path`, when predictions are set and one is made.
  std::optional<Hash128> predicted(const std::string& path) const {
    return predictions_ ? predictions_->find(path) : std::nullopt;
  }
  // Names of predicted files in `dir` (and of the expected directories
  // below), which listings made here include.
  std::set<std::string> predicted_names(const std::string& dir) const;
  // Lookups ahead of the build only: the directories Ninja makes before the
  // step being keyed runs (its outputs' parents, absolute), whether or not
  // they exist now. Replaced for each step; ignored without predictions.
  void set_expected_directories(std::set<std::string> dirs) { expected_dirs_ = std::move(dirs); }
  // With predictions: `path` will be a directory when the step runs (an
  // expected one or an ancestor of one, or one holding predicted files),
  // so stat, listing and "dir:" fingerprints answer as for one that exists.
  bool predicted_directory(const std::string& path) const;

 private:
  // hash_file() of a regular file whose stat_file() just gave `stamp`
  // (memoized by path and stamp).
  std::optional<Hash128> hash_file_at(const std::string& path, const FileStamp& stamp);
  // fingerprint() of a directory, its names read now; nullopt: unreadable.
  std::optional<std::string> read_directory_fingerprint(const std::string& path);
  struct DirListing {
    // Sorted entry names (shared with other hashers, never changed); null:
    // absent or unreadable.
    std::shared_ptr<const std::vector<std::string>> names;
    bool absent = false;  // known absent from an ancestor's listing (no opendir tried)
    std::string stamp;    // listing_stamp(): "" when not trustworthy
    // listing_fingerprint() of `names`, "" until first asked. Kept in the
    // listing itself, so forget() drops it with the names it was made from.
    std::string fingerprint;
    // fingerprint() of the dir made from `names`, "" until first asked.
    std::string names_fingerprint;
    int64_t read_ns = 0;     // the coarse clock just before the names were read
    int64_t changed_ns = 0;  // the dir's last change (max of mtime, ctime) then
    uint64_t checked = 0;    // the lookup (begin_lookup) that last found it current
    // When a read again found other names than the read before (0: never).
    int64_t names_changed_ns = 0;
  };
  // The memoized listing of a directory, read on first use, and again in a
  // lookup that finds it no longer current.
  DirListing& listing(const std::string& dir);
  // Whether `entry`, memoized for `dir`, may answer in this lookup: read (or
  // checked) in it, or its dir had settled before the read (`stamp` set)
  // and has that stamp still.
  // An entry known absent from an ancestor's listing is never carried into
  // another lookup: it is derived again from the ancestor, checked itself.
  bool current(const std::string& dir, DirListing& entry);
  // Forgetting a directory (erasing its entry) forgets its absence too.
  // Found by string_view too (exists() asks for each ancestor of a path).
  std::map<std::string, DirListing, std::less<>> listings_;
  std::map<std::pair<std::string, FileStamp>, Hash128> memo_;
  uint64_t lookup_ = 0;  // begin_lookup() calls; 0: listings are never checked again
  const PredictedFiles* predictions_ = nullptr;
  std::set<std::string> expected_dirs_;
  std::function<void(const std::string&)> forget_listener_;
  WatchedStats* watched_ = nullptr;
  SharedListings* shared_ = nullptr;
};

}  // namespace edgecache
