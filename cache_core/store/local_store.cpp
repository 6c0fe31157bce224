#include "edgecache/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>
#include <vector>

#include "edgecache/file_io.h"
#include "edgecache/file_lock.h"

namespace edgecache {
namespace {

constexpr int kShards = 16;
// Evicting to a bit under the limit keeps a full cache from evicting on every put.
constexpr double kEvictTarget = 0.9;
// A temporary file this old belongs to a writer that died before its rename.
constexpr time_t kStaleTempAge = 3600;

int shard_of(const CacheKey& key) { return static_cast<int>(key.digest.high >> 60); }

struct ObjectFile {
  std::string path;
  uint64_t size;
  int64_t mtime_ns;
};

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  return names;
}

// Every object in a shard; deletes stale temporary files on the way.
std::vector<ObjectFile> scan_shard(const std::string& shard_dir) {
  std::vector<ObjectFile> objects;
  time_t now = std::time(nullptr);
  for (const std::string& sub : list_dir(shard_dir)) {
    if (sub.size() != 2) continue;  // skip "size", "lock"
    std::string sub_dir = shard_dir + "/" + sub;
    for (const std::string& name : list_dir(sub_dir)) {
      std::string path = sub_dir + "/" + name;
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (is_temporary_file_name(name)) {
        if (now - st.st_mtime > kStaleTempAge) ::unlink(path.c_str());
        continue;
      }
      objects.push_back({path, static_cast<uint64_t>(st.st_size),
                         int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec});
    }
  }
  return objects;
}

CacheUsage parse_usage(const std::string& text) {
  CacheUsage usage;
  std::istringstream in(text);
  in >> usage.bytes >> usage.files;
  return in.fail() ? CacheUsage{} : usage;
}

std::string format_usage(const CacheUsage& usage) {
  return std::to_string(usage.bytes) + " " + std::to_string(usage.files) + "\n";
}

}  // namespace

LocalStore::LocalStore(std::string dir, uint64_t max_size)
    : dir_(std::move(dir)), max_size_(max_size) {}

std::string LocalStore::shard_dir(int shard) const {
  static const char* kHex = "0123456789abcdef";
  return dir_ + "/" + kHex[shard];
}

std::string LocalStore::object_path(const CacheKey& key) const {
  std::string hex = key.digest.hex();
  return dir_ + "/" + hex.substr(0, 1) + "/" + hex.substr(1, 2) + "/" + key.to_string();
}

Result<std::string> LocalStore::get(const CacheKey& key) {
  std::string path = object_path(key);
  auto content = read_file(path);
  if (!content) {
    if (errno == ENOENT) return Error::not_found();
    return content;
  }
  // Refreshing mtime is what makes eviction least-recently-used.
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  return content;
}

Status LocalStore::get_into(const CacheKey& key, ReadBuffer* buffer) {
  std::string path = object_path(key);
  Status read = read_file_into(path, buffer);
  if (!read) return errno == ENOENT ? Error::not_found() : read;
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // as get(): least-recently-used
  return read;
}

Status LocalStore::put(const CacheKey& key, std::string_view blob) {
  std::string path = object_path(key);
  struct stat old {};
  bool replaced = ::stat(path.c_str(), &old) == 0;
  Status written = write_file_atomic(path, blob);
  if (!written) return written;
  int64_t delta = static_cast<int64_t>(blob.size()) - (replaced ? old.st_size : 0);
  account(shard_of(key), delta, replaced ? 0 : 1);
  return ok_status();
}

// One lock per shard, not per object: no lock files to evict, and writers of
// two manifests of one shard at the same moment are rare and brief.
std::unique_ptr<FileLock> LocalStore::lock_for_update(const CacheKey& key) {
  std::string dir = shard_dir(shard_of(key));
  if (!make_directories(dir)) return nullptr;
  auto lock = std::make_unique<FileLock>(dir + "/update.lock");
  return lock->locked() ? std::move(lock) : nullptr;
}

Status LocalStore::exists(const CacheKey& key) {
  struct stat st {};
  if (::stat(object_path(key).c_str(), &st) == 0) return ok_status();
  return Error::not_found();
}

Status LocalStore::remove(const CacheKey& key) {
  std::string path = object_path(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Error::not_found();
  if (::unlink(path.c_str()) != 0)
    return Error{"cannot remove " + path + ": " + std::strerror(errno)};
  account(shard_of(key), -static_cast<int64_t>(st.st_size), -1);
  return ok_status();
}

void LocalStore::account(int shard, int64_t bytes_delta, int64_t files_delta) {
  FileLock lock(shard_dir(shard) + "/size");
  if (!lock.locked()) return;
  CacheUsage usage = parse_usage(lock.read_all());
  usage.bytes =
      static_cast<uint64_t>(std::max<int64_t>(0, static_cast<int64_t>(usage.bytes) + bytes_delta));
  usage.files =
      static_cast<uint64_t>(std::max<int64_t>(0, static_cast<int64_t>(usage.files) + files_delta));
  uint64_t shard_limit = max_size_ / kShards;
  if (max_size_ > 0 && usage.bytes > shard_limit) {
    usage = evict_shard(shard, static_cast<uint64_t>(shard_limit * kEvictTarget));
  }
  lock.replace_content(format_usage(usage));
}

// Called with the shard's size lock held. Readers need no lock: an object
// removed under a reader's feet is a miss, and rename-based writes are atomic.
CacheUsage LocalStore::evict_shard(int shard, uint64_t shard_limit) {
  std::vector<ObjectFile> objects = scan_shard(shard_dir(shard));
  std::sort(objects.begin(), objects.end(),
            [](const ObjectFile& a, const ObjectFile& b) { return a.mtime_ns < b.mtime_ns; });
  CacheUsage usage;
  for (const ObjectFile& object : objects) usage.bytes += object.size;
  usage.files = objects.size();
  for (const ObjectFile& object : objects) {
    if (usage.bytes <= shard_limit) break;
    if (::unlink(object.path.c_str()) == 0 || errno == ENOENT) {
      usage.bytes -= object.size;
      usage.files -= 1;
    }
  }
  return usage;
}

CacheUsage LocalStore::usage() const {
  CacheUsage total;
  for (int shard = 0; shard < kShards; ++shard) {
    auto text = read_file(shard_dir(shard) + "/size");
    if (!text) continue;
    CacheUsage usage = parse_usage(*text);
    total.bytes += usage.bytes;
    total.files += usage.files;
  }
  return total;
}

Status LocalStore::trim(uint64_t max_size) {
  for (int shard = 0; shard < kShards; ++shard) {
    Status made = make_directories(shard_dir(shard));
    if (!made) return made;
    FileLock lock(shard_dir(shard) + "/size");
    if (!lock.locked()) return Error{"cannot lock " + shard_dir(shard) + "/size"};
    uint64_t limit = max_size == 0 ? UINT64_MAX : max_size / kShards;
    lock.replace_content(format_usage(evict_shard(shard, limit)));
  }
  return ok_status();
}

Status LocalStore::clean() { return trim(1); }

void LocalStore::for_each_object(
    const std::function<void(const std::string& path, const CacheKey& key)>& visit) const {
  for (int shard = 0; shard < kShards; ++shard) {
    for (const ObjectFile& object : scan_shard(shard_dir(shard))) {
      std::string name = object.path.substr(object.path.find_last_of('/') + 1);
      auto digest = name.size() == 34 ? Hash128::from_hex(name.substr(2)) : std::nullopt;
      if (!digest || (name[0] != 'm' && name[0] != 'r') || name[1] != '-') continue;
      visit(object.path, CacheKey{static_cast<ObjectKind>(name[0]), *digest});
    }
  }
}

}  // namespace edgecache
