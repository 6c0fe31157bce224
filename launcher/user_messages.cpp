#include "user_messages.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "edgecache/hash.h"

namespace edgecache {
namespace {

constexpr time_t kWarnInterval = 300;

}  // namespace

void print_warning(const std::string& message) {
  std::string line = "edgecache: warning: " + message + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

void print_warning_once(const std::string& scope, const std::string& kind,
                        const std::string& message) {
  // The marker lives in the temp dir, not the cache dir: the problem may be
  // that the cache dir is unwritable.
  const char* tmp = std::getenv("TMPDIR");
  std::string marker = std::string(tmp && *tmp ? tmp : "/tmp") + "/edgecache-warned-" +
                       hash_bytes(scope + "\n" + kind).hex().substr(0, 16);
  struct stat st {};
  time_t now = std::time(nullptr);
  if (::stat(marker.c_str(), &st) == 0 && now - st.st_mtime < kWarnInterval) return;
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) ::close(fd);
  print_warning(message);
}

void log_decision(const std::string& log_file, const std::string& object, const std::string& line) {
  if (log_file.empty()) return;
  // O_APPEND writes of one short line are atomic between processes.
  int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  std::string text = (object.empty() ? "-" : object) + ": " + line + "\n";
  ssize_t ignored = ::write(fd, text.data(), text.size());
  (void)ignored;
  ::close(fd);
}

}  // namespace edgecache
