#include "edgecache/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <random>
#include <vector>

namespace edgecache {
namespace {

constexpr std::string_view kTempMarker = ".tmp.";

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Unique per process and call, so concurrent writers never share a temp file.
std::string temp_name_for(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return path + std::string(kTempMarker) + std::to_string(getpid()) + "." +
         std::to_string(counter++) + "." + std::to_string(rng() % 1000000);
}

Status write_all(int fd, std::string_view content, const std::string& path) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{errno_text("cannot write", path)};
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

// Runs `create` (which makes something beside `path`); when that fails
// because a parent directory is missing, makes the parents and runs it once
// more. False when it still fails, with errno from the last attempt.
template <typename Create>
bool create_with_parents(const std::string& path, Create create) {
  if (create()) return true;
  if (errno != ENOENT) return false;
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos || !make_directories(path.substr(0, slash))) {
    errno = ENOENT;
    return false;
  }
  return create();
}

}  // namespace

namespace {

// Reads `path` to its end into memory `room(capacity, kept)` hands out:
// room for `capacity` bytes that holds the `kept` bytes read so far. Sized
// by fstat first (cache entries are hundreds of KB: read in place), grown
// when the file turns out longer. The bytes read.
template <typename Room>
Result<size_t> read_to_end(const std::string& path, Room room) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{errno_text("cannot open", path)};
  struct stat st {};
  size_t capacity =
      fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 65536;
  char* data = room(capacity, 0);
  size_t got = 0;
  for (;;) {
    if (got == capacity) {
      capacity *= 2;
      data = room(capacity, got);
    }
    ssize_t n = ::read(fd, data + got, capacity - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error error{errno_text("cannot read", path)};
      ::close(fd);
      return error;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  return got;
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
  std::string content;
  Result<size_t> got = read_to_end(path, [&content](size_t capacity, size_t) {
    content.resize(capacity);
    return content.data();
  });
  if (!got) return got.failure();
  content.resize(*got);
  return content;
}

char* ReadBuffer::grow(size_t capacity, size_t keep) {
  if (capacity > capacity_) {
    std::unique_ptr<char[]> larger(new char[capacity]);  // default-initialized: not cleared
    if (keep > 0) std::memcpy(larger.get(), data_.get(), keep);
    data_ = std::move(larger);
    capacity_ = capacity;
  }
  return data_.get();
}

void ReadBuffer::release() {
  data_.reset();
  capacity_ = 0;
  size_ = 0;
}

Status read_file_into(const std::string& path, ReadBuffer* buffer) {
  Result<size_t> got = read_to_end(
      path, [buffer](size_t capacity, size_t kept) { return buffer->grow(capacity, kept); });
  if (!got) return got.failure();
  buffer->set_size(*got);
  return ok_status();
}

std::string read_fd_from_start(int fd) {
  std::string text;
  char buffer[65536];
  off_t offset = 0;
  ssize_t n;
  while ((n = ::pread(fd, buffer, sizeof buffer, offset)) > 0) {
    text.append(buffer, static_cast<size_t>(n));
    offset += n;
  }
  return text;
}

Status make_directories(const std::string& path) {
  if (path.empty()) return ok_status();
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return ok_status();
    return Error{"not a directory: " + path};
  }
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    Status parent = make_directories(path.substr(0, slash));
    if (!parent) return parent;
  }
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) {
    return Error{errno_text("cannot create directory", path)};
  }
  return ok_status();
}

PathKind path_kind(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return PathKind::kAbsent;
  if (S_ISREG(st.st_mode)) return PathKind::kRegular;
  return S_ISLNK(st.st_mode) ? PathKind::kSymlink : PathKind::kOther;
}

Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
  // Checked before and not locked against a change after: the cache only
  // replaces its own outputs, and a device never turns up at such a path
  // between two system calls unless someone puts it there on purpose.
  PathKind existing = path_kind(path);
  if (existing != PathKind::kAbsent && existing != PathKind::kRegular) {
    return Error{"not a regular file, left alone: " + path};
  }
  std::string temp = temp_name_for(path);
  int fd = -1;
  if (!create_with_parents(path, [&] {
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        return fd >= 0;
      })) {
    return Error{errno_text("cannot create", temp)};
  }
  Status written = write_all(fd, content, temp);
  if (written && ::fchmod(fd, mode) != 0) written = Error{errno_text("cannot chmod", temp)};
  if (::close(fd) != 0 && written) written = Error{errno_text("cannot close", temp)};
  if (written && ::rename(temp.c_str(), path.c_str()) != 0) {
    written = Error{errno_text("cannot rename into place", path)};
  }
  if (!written) ::unlink(temp.c_str());
  return written;
}

Result<std::string> read_symlink(const std::string& path) {
  std::string target(256, '\0');
  for (;;) {
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) return Error{errno_text("cannot read symlink", path)};
    if (static_cast<size_t>(n) < target.size()) {
      target.resize(static_cast<size_t>(n));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

Status write_symlink_atomic(const std::string& path, const std::string& target) {
  PathKind existing = path_kind(path);
  if (existing == PathKind::kOther)
    return Error{"not a regular file or symlink, left alone: " + path};
  std::string temp = temp_name_for(path);
  if (!create_with_parents(path, [&] { return ::symlink(target.c_str(), temp.c_str()) == 0; })) {
    return Error{errno_text("cannot create symlink", temp)};
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Error error{errno_text("cannot rename into place", path)};
    ::unlink(temp.c_str());
    return error;
  }
  return ok_status();
}

bool is_temporary_file_name(std::string_view file_name) {
  return file_name.find(kTempMarker) != std::string_view::npos;
}

std::string absolute_path(std::string_view path, std::string_view cwd) {
  std::string joined = !path.empty() && path[0] == '/' ? std::string(path)
                                                       : std::string(cwd) + "/" + std::string(path);
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string result;
  for (std::string_view part : parts) {
    result += '/';
    result += part;
  }
  return result.empty() ? "/" : result;
}

std::string current_directory() {
  char buffer[PATH_MAX];
  if (!getcwd(buffer, sizeof buffer)) return ".";
  return buffer;
}

std::string real_path(const std::string& path) {
  char buffer[PATH_MAX];
  return ::realpath(path.c_str(), buffer) ? std::string(buffer) : path;
}

}  // namespace edgecache
