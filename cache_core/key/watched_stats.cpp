#include "edgecache/watched_stats.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <spawn.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <functional>

namespace edgecache {

namespace {

// On a directory: what changes its names (and so its stamp, and what a name
// under it leads to), and the directory itself moving away or going. Only
// events about the directory's own names: asking for any event its entries
// raise (IN_MODIFY, IN_ATTRIB, IN_OPEN...) makes the kernel visit every name
// it has cached in that directory, absent ones included, at each watch (14 ms
// for one /tmp here, at every build); each kept file has its own watch.
constexpr uint32_t kDirectoryEvents =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MOVE_SELF | IN_DELETE_SELF;
// On a kept file: its content, its attributes (a touch), and the file itself
// moving away or going (a rename over its name is an event in its directory).
constexpr uint32_t kFileEvents = IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF;
// Self events that change where a directory is: whatever was kept below it
// may now be something else.
constexpr uint32_t kGone = IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED | IN_UNMOUNT;

// ZFS has no constant in <linux/magic.h>.
constexpr int64_t kZfsMagic = 0x2fc12fc1;

// Filesystems whose every change is made through this kernel, so inotify
// sees it. Network and FUSE filesystems are changed by other machines and
// daemons unseen; anything not named here is not trusted.
bool changes_only_through_this_kernel(int64_t magic) {
  switch (magic) {
    case EXT4_SUPER_MAGIC:  // also ext2 and ext3
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
    case TMPFS_MAGIC:
    case RAMFS_MAGIC:
    case OVERLAYFS_SUPER_MAGIC:  // containers' root: changed through the overlay
    case F2FS_SUPER_MAGIC:
    case kZfsMagic:
      return true;
    default:
      return false;
  }
}

std::string child_of(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Releasing an inotify instance that has had watches waits for a kernel
// grace period (fsnotify's SRCU: 5-30 ms measured here), whether close()
// or the process's exit does it: at the end of every build. So the
// instance is handed to a child that holds it until this process is gone
// (`cat` reading a pipe whose only writer is this process) and pays that
// wait after the build has returned. False when no child could be started.
bool hand_over_to_child(int fd) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fd, STDERR_FILENO + 1);  // dup2 clears CLOEXEC
  // Nothing else this process inherited (a lock a parent holds, a job
  // server's pipe) outlives it in the child.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 2);
  char cat[] = "cat";
  char* argv[] = {cat, nullptr};
  pid_t child = 0;
  const bool started = ::posix_spawnp(&child, "cat", &actions, nullptr, argv, environ) == 0;
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[0]);
  // The write end stays open (close-on-exec) until this process exits.
  if (!started) ::close(pipe_fds[1]);
  return started;
}

// A quarter of the user's inotify watches (fs.inotify.max_user_watches:
// 8,192 on older kernels, up to a million on newer ones by memory).
size_t watch_budget() {
  std::ifstream limit("/proc/sys/fs/inotify/max_user_watches");
  size_t watches = 0;
  return limit >> watches ? watches / 4 : 2048;
}

}  // namespace

WatchedStats::WatchedStats() : WatchedStats(watch_budget()) {}

WatchedStats::WatchedStats(size_t watch_budget)
    : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)), watch_budget_(watch_budget) {}

WatchedStats::~WatchedStats() {
  if (fd_ < 0) return;
  if (watched_.load()) hand_over_to_child(fd_);
  ::close(fd_);
}

WatchedStats::Shard& WatchedStats::shard_of(const std::string& path) {
  return shards_[std::hash<std::string>{}(path) % shards_.size()];
}

std::optional<WatchedStats::Known> WatchedStats::known(const std::string& path) {
  Shard& shard = shard_of(path);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.known.find(path);
  if (it == shard.known.end()) return std::nullopt;
  answered_.fetch_add(1, std::memory_order_relaxed);
  return it->second;
}

std::optional<FileStamp> WatchedStats::stat(const std::string& path) {
  return stat_as(path, Kind::kFile);
}

std::optional<FileStamp> WatchedStats::stat_directory(const std::string& path) {
  return stat_as(path, Kind::kDirectory);
}

std::optional<FileStamp> WatchedStats::stat_as(const std::string& path, Kind kind) {
  if (auto answer = known(path)) return *answer;
  Observed seen = observe(path, kind);
  // A symlink's target can be retargeted by an event in a directory no
  // watch covers: asked of the disk every time.
  if (seen.symlink) return stat_file(path);
  return seen.stamp;
}

bool WatchedStats::exists(const std::string& path) {
  if (auto answer = known(path)) return answer->has_value();
  return observe(path, Kind::kFile).found;
}

WatchedStats::Observed WatchedStats::observe(const std::string& path, Kind kind) {
  Observed seen;
  struct stat st {};
  int error = 0;
  auto read = [&] {
    seen.found = ::lstat(path.c_str(), &st) == 0;
    error = seen.found ? 0 : errno;
    seen.symlink = seen.found && S_ISLNK(st.st_mode);
    if (seen.found && !seen.symlink) seen.stamp = stamp_of(st);
  };
  if (fd_ < 0 || path.empty() || path.front() != '/') {
    read();
    return seen;
  }
  // Everything kept from here on relies on the watches put now: a
  // drop_all() meanwhile (a directory above moved) may have left them on
  // the old directories, so nothing is kept then.
  const uint64_t generation = generation_.load();
  const Directory above = watch_directories_above(path);
  if (above == Directory::kUntrusted) {
    read();
    return seen;
  }
  Shard& shard = shard_of(path);
  // Read and kept under the shard's lock: an event applied meanwhile drops
  // the answer after it is kept, or came before the read, which sees it.
  // True when that is all: read across a drop_all(), or absent (not merely
  // unreadable), which is kept: its directory is watched, so its creation
  // will be an event. Most asked names are absent (pch probes): no watch is
  // tried for them.
  auto read_settles_it = [&] {
    read();
    if (generation_.load() != generation) return true;
    if (!seen.found && error == ENOENT) shard.known.emplace(path, std::nullopt);
    return !seen.found;
  };
  auto keepable = [&] {
    return kind == Kind::kDirectory ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
  };
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    if (read_settles_it()) return seen;
    // Never kept: not worth a watch. A directory above that was missing
    // (its creation not applied yet) is not watched.
    if (above == Directory::kAbsent || seen.symlink || !keepable()) return seen;
  }
  // Found: watched, then read again, so that a change after that read is
  // an event. IN_ONLYDIR: a directory's watch fails on anything else.
  int wd = -1;
  {
    std::lock_guard<std::mutex> lock(watches_mutex_);
    wd = kind == Kind::kDirectory ? add_watch(path, kDirectoryEvents | IN_ONLYDIR | IN_DONT_FOLLOW)
                                  : add_watch(path, kFileEvents | IN_DONT_FOLLOW);
  }
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (read_settles_it()) return seen;
  // Replaced between the reads by something the watch does not cover, or
  // the watch failed: not kept.
  if (wd < 0 || seen.symlink || !keepable()) return seen;
  if (local_filesystem(seen.stamp->device, path)) shard.known.emplace(path, seen.stamp);
  return seen;
}

WatchedStats::Directory WatchedStats::watch_directories_above(const std::string& path) {
  std::lock_guard<std::mutex> lock(watches_mutex_);
  // A directory is entered below only once every one above it is watched,
  // and they are forgotten all at once (drop_all): a watched parent answers
  // for all of them, without a copy of each ancestor's name.
  const auto last_slash = path.find_last_of('/');
  if (last_slash != std::string::npos && last_slash > 0) {
    auto parent = directories_.find(std::string_view(path).substr(0, last_slash));
    if (parent != directories_.end() && parent->second == Directory::kWatched)
      return Directory::kWatched;
  }
  for (size_t slash = path.find('/'); slash != std::string::npos && slash + 1 < path.size();
       slash = path.find('/', slash + 1)) {
    std::string dir = slash == 0 ? "/" : path.substr(0, slash);
    auto [it, added] = directories_.try_emplace(dir, Directory::kUntrusted);
    if (added) it->second = watch_directory(dir);
    // A missing directory: nothing below exists, until its parent (watched)
    // reports its name, which drops everything (apply()).
    if (it->second != Directory::kWatched) return it->second;
  }
  return Directory::kWatched;
}

WatchedStats::Directory WatchedStats::watch_directory(const std::string& dir) {
  // IN_DONT_FOLLOW with IN_ONLYDIR: a symlink here fails (ENOTDIR).
  const int wd = add_watch(dir, kDirectoryEvents | IN_ONLYDIR | IN_DONT_FOLLOW);
  if (wd < 0) return errno == ENOENT ? Directory::kAbsent : Directory::kUntrusted;
  struct statfs fs {};
  const bool trusted = ::statfs(dir.c_str(), &fs) == 0 &&
                       changes_only_through_this_kernel(static_cast<int64_t>(fs.f_type));
  return trusted ? Directory::kWatched : Directory::kUntrusted;
}

int WatchedStats::add_watch(const std::string& path, uint32_t mask) {
  // The user's watches are shared with their editor's and IDE's file
  // watchers: this process takes at most its budget of them.
  if (paths_of_watch_.size() >= watch_budget_) {
    errno = ENOSPC;
    return -1;
  }
  const int wd = ::inotify_add_watch(fd_, path.c_str(), mask | IN_MASK_ADD);
  if (wd < 0) return wd;
  watched_.store(true);
  std::vector<std::string>& paths = paths_of_watch_[wd];
  if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  return wd;
}

bool WatchedStats::local_filesystem(uint64_t device, const std::string& path) {
  std::lock_guard<std::mutex> lock(watches_mutex_);
  auto it = local_devices_.find(device);
  if (it != local_devices_.end()) return it->second;
  struct statfs fs {};
  const bool local = ::statfs(path.c_str(), &fs) == 0 &&
                     changes_only_through_this_kernel(static_cast<int64_t>(fs.f_type));
  local_devices_.emplace(device, local);
  return local;
}

void WatchedStats::catch_up() {
  if (fd_ < 0) return;
  std::lock_guard<std::mutex> lock(catch_up_mutex_);
  alignas(struct inotify_event) char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) drop_all();  // events may be lost: nothing is trusted
    if (n <= 0) return;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(buffer + at);
      apply(event->wd, event->mask, event->len ? std::string(event->name) : std::string());
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + event->len);
    }
  }
}

void WatchedStats::apply(int wd, uint32_t mask, const std::string& name) {
  if (mask & IN_Q_OVERFLOW) return drop_all();
  std::vector<std::string> paths;
  // Whether a directory above kept paths moved or went, or a name that
  // leads to one changed: anything kept below may now lead elsewhere.
  bool moved_above = false;
  {
    std::lock_guard<std::mutex> lock(watches_mutex_);
    auto it = paths_of_watch_.find(wd);
    if (it == paths_of_watch_.end()) return;
    paths = it->second;
    for (const std::string& path : paths) {
      if (name.empty()) {
        moved_above = moved_above || ((mask & kGone) && directories_.count(path) != 0);
      } else {
        moved_above = moved_above || directories_.count(child_of(path, name)) != 0;
      }
    }
    if (mask & IN_IGNORED) paths_of_watch_.erase(it);  // the kernel dropped the watch
  }
  if (moved_above) return drop_all();
  for (const std::string& path : paths) {
    drop(path);  // the file itself, or a directory whose names or attributes changed
    if (!name.empty()) drop(child_of(path, name));
  }
}

void WatchedStats::forget(const std::string& path) {
  drop(path);
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos) drop(slash == 0 ? "/" : path.substr(0, slash));
}

void WatchedStats::drop(const std::string& path) {
  Shard& shard = shard_of(path);
  std::lock_guard<std::mutex> lock(shard.mutex);
  shard.known.erase(path);
}

void WatchedStats::drop_all() {
  generation_.fetch_add(1);
  {
    // Watched again on next use: one may now be a new directory at the old name.
    std::lock_guard<std::mutex> lock(watches_mutex_);
    directories_.clear();
  }
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    shard.known.clear();
  }
}

}  // namespace edgecache
