#include "store/remote/directory_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "edgecache/file_io.h"

namespace edgecache {
namespace {

StoreReply reply(StoreStatus status, std::string message = {}) {
  return StoreReply{status, std::move(message)};
}

StoreReply errno_reply(const std::string& what, const std::string& path) {
  return reply(StoreStatus::kError, what + " " + path + ": " + std::strerror(errno));
}

// kOk with `size` filled, kNotFound, or kError: stat() sorted by errno.
StoreReply stat_object(const std::string& path, size_t* size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return reply(StoreStatus::kNotFound);
    return errno_reply("cannot stat", path);
  }
  if (!S_ISREG(st.st_mode)) return reply(StoreStatus::kError, "not a regular file: " + path);
  *size = static_cast<size_t>(st.st_size);
  return reply(StoreStatus::kOk);
}

// A spec of another scheme has no directory: refusing beats writing under "/".
StoreReply no_directory() {
  return reply(StoreStatus::kError, "not a file:// remote: no directory");
}

}  // namespace

DirectoryStore::DirectoryStore(const RemoteSpec& spec, size_t max_object_bytes)
    : directory_(spec.directory),
      layout_(spec.layout),
      read_only_(spec.read_only),
      max_object_bytes_(max_object_bytes) {}

std::string DirectoryStore::description() const {
  return "file://" + directory_ + " (" + std::string(layout_name(layout_)) +
         (read_only_ ? ", read-only)" : ")");
}

std::string DirectoryStore::object_path(const CacheKey& key) const {
  return directory_ + "/" + remote_object_path(layout_, key);
}

StoreReply DirectoryStore::get(const CacheKey& key, std::string* blob) {
  blob->clear();
  if (directory_.empty()) return no_directory();
  std::string path = object_path(key);
  size_t size = 0;
  StoreReply found = stat_object(path, &size);
  if (!found.ok()) return found;
  if (size > max_object_bytes_) {
    return reply(StoreStatus::kError, path + ": " + std::to_string(size) +
                                          " bytes, over the limit of " +
                                          std::to_string(max_object_bytes_));
  }
  Result<std::string> content = read_file(path);
  if (!content) {
    // Another machine may have evicted it between stat and open: a miss.
    if (stat_object(path, &size).status == StoreStatus::kNotFound)
      return reply(StoreStatus::kNotFound);
    return reply(StoreStatus::kError, content.error());
  }
  *blob = std::move(content.value());
  return reply(StoreStatus::kOk);
}

StoreReply DirectoryStore::put(const CacheKey& key, std::string_view blob) {
  if (read_only_) return reply(StoreStatus::kError, description() + " is read-only");
  if (directory_.empty()) return no_directory();
  Status written = write_file_atomic(object_path(key), blob);
  if (!written) return reply(StoreStatus::kError, written.error());
  return reply(StoreStatus::kOk);
}

StoreReply DirectoryStore::exists(const CacheKey& key) {
  if (directory_.empty()) return no_directory();
  size_t size = 0;
  return stat_object(object_path(key), &size);
}

StoreReply DirectoryStore::remove(const CacheKey& key) {
  if (read_only_) return reply(StoreStatus::kError, description() + " is read-only");
  if (directory_.empty()) return no_directory();
  std::string path = object_path(key);
  if (::unlink(path.c_str()) == 0) return reply(StoreStatus::kOk);
  if (errno == ENOENT || errno == ENOTDIR) return reply(StoreStatus::kNotFound);
  return errno_reply("cannot remove", path);
}

}  // namespace edgecache
