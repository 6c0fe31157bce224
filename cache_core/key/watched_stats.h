#pragma once
// File stamps that stay known while the kernel says nothing changed.
//
// A warm edgecache-ninja build matches each compile's manifest by a stat of
// every header the compile read: on fmt's tests, 28,000 stats, most of them
// of the same few hundred libstdc++ headers, a third of the build's CPU. One
// process shares a WatchedStats between its lookup threads: the first stat
// of a path puts an inotify watch on it (and on each directory above it)
// before reading its stamp, and later lookups take the stamp from memory
// until an event says the file, or the name that leads to it, changed.
//
// What must stay true, so that no answer is older than the lookup asking:
// - The watch is in place before the stamp is read, so a change after the
//   read is queued as an event.
// - catch_up() runs at the start of every lookup and applies every event
//   queued before it (the kernel queues one before the changing system call
//   returns), under one lock, so a lookup never runs beside a half-applied
//   batch. A change during a lookup counts from the next one, as a stat
//   taken at the lookup's start would.
// - Only what an event would report is kept: regular files (stat()) and
//   directories (stat_directory(): their names only; a chmod or touch of a
//   directory during the build is not an event here) reached without a
//   symlink anywhere on the path (a symlink's retargeting
//   is an event in a directory that may not be watched), on filesystems
//   whose changes all pass through this kernel (not NFS, SMB or FUSE, whose
//   other clients change files unseen). An absent name is kept when its
//   directory is watched: its creation there is an event.
// - A change made through a shared writable mmap raises no event: the
//   stamp stays as read until the next event about that file. (Editors and
//   build tools write with write(2).)
// Without inotify (none left, a sandbox) every stat() is a plain stat; at
// most a quarter of the user's inotify watches are taken (their editor's
// file watchers need the rest), and past that, paths are asked of the disk.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "edgecache/file_hasher.h"

namespace edgecache {

class WatchedStats {
 public:
  // At most a quarter of fs.inotify.max_user_watches.
  WatchedStats();
  // At most `watch_budget` watches.
  explicit WatchedStats(size_t watch_budget);
  ~WatchedStats();
  WatchedStats(const WatchedStats&) = delete;
  WatchedStats& operator=(const WatchedStats&) = delete;

  // False when inotify could not be set up: stat() is then a plain stat.
  bool watching() const { return fd_ >= 0; }

  // Applies every change the kernel has reported since the last call. Any
  // thread, at the start of each lookup.
  void catch_up();

  // stat_file(path), from memory when the path is a regular file, watched,
  // and no event since said it changed. Any thread. `path` absolute.
  std::optional<FileStamp> stat(const std::string& path);
  // stat() of a directory, kept while no name in it changes (its times and
  // permissions are not watched: what a build reads through it are its
  // names, and the files' own watches).
  std::optional<FileStamp> stat_directory(const std::string& path);
  // Whether `path` exists (a dangling symlink counts, as for lstat()), the
  // same way: the pch probes of every compile ask for thousands of names
  // that are never there.
  bool exists(const std::string& path);

  // A step of this build wrote `path`: its stamp is read again (its event
  // may not have been applied yet).
  void forget(const std::string& path);

  // How many stat() calls were answered from memory, for tests and stats.
  uint64_t answered() const { return answered_.load(std::memory_order_relaxed); }

 private:
  // What is kept of a path: its stamp, or nullopt when it is absent.
  using Known = std::optional<FileStamp>;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Known> known;
  };
  // What lstat() found, read (and kept when it may be) by observe().
  struct Observed {
    bool found = false;    // the name exists
    bool symlink = false;  // ... and is a symlink (never kept)
    Known stamp;           // its own stamp when found and not a symlink
  };
  Shard& shard_of(const std::string& path);
  // The kept answer for `path`, if any.
  std::optional<Known> known(const std::string& path);
  // What a kept path is watched as.
  enum class Kind { kFile, kDirectory };
  // stat(), or stat_directory() for kDirectory.
  std::optional<FileStamp> stat_as(const std::string& path, Kind kind);
  // lstat() of `path`, kept when the watches allow and it is of `kind`.
  Observed observe(const std::string& path, Kind kind);
  // What a directory above kept paths is to this process.
  enum class Directory {
    kWatched,    // watched, on a trusted filesystem
    kAbsent,     // missing when its parent (watched) was asked
    kUntrusted,  // a symlink, not a directory, unwatchable, or on an untrusted filesystem
  };
  // Watches each directory above `path` (once per process), down to the
  // first missing one. kWatched: all are; kAbsent: one is missing (only the
  // path's absence may be kept); kUntrusted: nothing about it may be.
  Directory watch_directories_above(const std::string& path);
  Directory watch_directory(const std::string& dir);
  // inotify_add_watch(), within this process's budget (-1 and ENOSPC past
  // it), the watch remembered for `path`. watches_mutex_ held.
  int add_watch(const std::string& path, uint32_t mask);
  // Whether files on `device` change only through this kernel (statfs of
  // `path`, remembered per device).
  bool local_filesystem(uint64_t device, const std::string& path);
  void apply(int wd, uint32_t mask, const std::string& name);
  void drop(const std::string& path);
  void drop_all();

  int fd_ = -1;
  // How many watches this process may hold at once.
  size_t watch_budget_ = 0;
  std::array<Shard, 64> shards_;
  std::atomic<uint64_t> answered_{0};
  // Whether any watch was put (the instance then takes a while to release).
  std::atomic<bool> watched_{false};
  // Counts drop_all() calls: a stamp read across one is not kept.
  std::atomic<uint64_t> generation_{0};
  // Held while events are read and applied (catch_up).
  std::mutex catch_up_mutex_;
  // Guards the maps below.
  std::mutex watches_mutex_;
  // Each directory above a kept path.
  // (Found by string_view too: a parent is looked up without a copy.)
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  std::unordered_map<std::string, Directory, NameHash, std::equal_to<>> directories_;
  // The paths each watch was put on (one inode: several spellings, hard links).
  std::unordered_map<int, std::vector<std::string>> paths_of_watch_;
  // statfs verdict per device.
  std::map<uint64_t, bool> local_devices_;
};

}  // namespace edgecache
