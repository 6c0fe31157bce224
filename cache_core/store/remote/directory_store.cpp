#include "store/remote/directory_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "edgecache/file_io.h"

namespace edgecache {
namespace {

Error errno_error(const std::string& what, const std::string& path) {
  return Error{what + " " + path + ": " + std::strerror(errno)};
}

// The object's size, kNotFound, or kFailed: stat() sorted by errno.
Result<size_t> stat_object(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Error::not_found();
    return errno_error("cannot stat", path);
  }
  if (!S_ISREG(st.st_mode)) return Error{"not a regular file: " + path};
  return static_cast<size_t>(st.st_size);
}

// A spec of another scheme has no directory: refusing beats writing under "/".
Error no_directory() { return Error{"not a file:// remote: no directory"}; }

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

Result<std::string> DirectoryStore::get(const CacheKey& key) {
  if (directory_.empty()) return no_directory();
  std::string path = object_path(key);
  Result<size_t> size = stat_object(path);
  if (!size.ok()) return size.failure();
  if (*size > max_object_bytes_) {
    return Error{path + ": " + std::to_string(*size) + " bytes, over the limit of " +
                 std::to_string(max_object_bytes_)};
  }
  Result<std::string> content = read_file(path);
  // Another machine may have evicted it between stat and open: a miss.
  if (!content.ok() && stat_object(path).code() == ErrorCode::kNotFound) return Error::not_found();
  return content;
}

Status DirectoryStore::put(const CacheKey& key, std::string_view blob) {
  if (read_only_) return Error{description() + " is read-only"};
  if (directory_.empty()) return no_directory();
  return write_file_atomic(object_path(key), blob);
}

Status DirectoryStore::exists(const CacheKey& key) {
  if (directory_.empty()) return no_directory();
  Result<size_t> size = stat_object(object_path(key));
  if (!size.ok()) return size.failure();
  return ok_status();
}

Status DirectoryStore::remove(const CacheKey& key) {
  if (read_only_) return Error{description() + " is read-only"};
  if (directory_.empty()) return no_directory();
  std::string path = object_path(key);
  if (::unlink(path.c_str()) == 0) return ok_status();
  if (errno == ENOENT || errno == ENOTDIR) return Error::not_found();
  return errno_error("cannot remove", path);
}

}  // namespace edgecache
