#include "background_upload.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgecache/cache_session.h"
#include "edgecache/file_io.h"

namespace edgecache {
namespace {

std::string uploads_dir(const std::string& cache_dir) { return cache_dir + "/uploads"; }

std::string warning_path(const std::string& cache_dir) {
  return uploads_dir(cache_dir) + "/warning";
}

std::string slot_path(const std::string& cache_dir, int slot) {
  return uploads_dir(cache_dir) + "/slot-" + std::to_string(slot) + ".lock";
}

// A free slot's lock file, locked; -1 when every slot is busy.
int take_free_slot(const std::string& cache_dir) {
  ::mkdir(uploads_dir(cache_dir).c_str(), 0700);
  for (int slot = 0; slot < kUploadSlots; ++slot) {
    int fd = ::open(slot_path(cache_dir, slot).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    ::close(fd);
  }
  return -1;
}

// The child's side: detached from the build, it writes and exits. Its
// counters are only what the uploads add (the launcher flushed the rest).
[[noreturn]] void run_uploads_in_child(CacheSession& session) {
  ::setsid();
  int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
    if (null > 2) ::close(null);
  }
  session.store().counters().clear();
  const bool said_by_launcher = !session.remote_off_warning().empty();  // it printed that one
  session.store().run_deferred_writes();
  (void)session.flush_stats();  // best effort, as every stats flush
  if (std::string off = session.remote_off_warning(); !off.empty() && !said_by_launcher) {
    (void)write_file_atomic(warning_path(session.config().cache_dir()),
                            off);  // best effort: it is only a warning
  }
  ::_exit(0);
}

}  // namespace

bool upload_in_background(CacheSession& session) {
  if (!session.store().has_deferred_writes()) return false;
  const std::string& cache_dir = session.config().cache_dir();
  // background_uploads off (or auto in CI): nothing may be left running when
  // the compile returns, so this process uploads.
  int slot = session.config().background_uploads() ? take_free_slot(cache_dir) : -1;
  pid_t pid = slot >= 0 ? ::fork() : -1;
  if (pid == 0) run_uploads_in_child(session);  // the slot's lock goes with the child's descriptor
  if (slot >= 0) ::close(slot);
  if (pid > 0) return true;
  // No child: this process uploads, as it did before background uploads.
  Counters before = session.store().counters();
  session.store().counters().clear();
  session.store().run_deferred_writes();
  (void)session.flush_stats();
  session.store().counters() = std::move(before);
  return false;
}

void wait_for_uploads(const std::string& cache_dir) {
  for (int slot = 0; slot < kUploadSlots; ++slot) {
    int fd = ::open(slot_path(cache_dir, slot).c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    (void)::flock(fd, LOCK_EX);  // released by close
    ::close(fd);
  }
}

std::string take_upload_warning(const std::string& cache_dir) {
  const std::string path = warning_path(cache_dir);
  // Renamed first: of several processes asking at once, one gets it.
  const std::string taken = path + "." + std::to_string(::getpid());
  if (::rename(path.c_str(), taken.c_str()) != 0) return "";
  auto text = read_file(taken);
  ::unlink(taken.c_str());
  return text ? *text : "";
}

}  // namespace edgecache
