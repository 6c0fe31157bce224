#include "edgecache/process.h"

#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "edgecache/file_io.h"

extern char** environ;

namespace edgecache {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Memory-backed files rather than pipes: the child never blocks on a full
// pipe while we wait, and no temporary file touches the disk.
class CaptureFile {
 public:
  CaptureFile() : fd_(::memfd_create("edgecache-capture", MFD_CLOEXEC)) {}
  ~CaptureFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  CaptureFile(const CaptureFile&) = delete;
  CaptureFile& operator=(const CaptureFile&) = delete;
  int fd() const { return fd_; }
  std::string read_all() const { return read_fd_from_start(fd_); }

 private:
  int fd_;
};

}  // namespace

Result<ProcessResult> run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{"empty command"};
  CaptureFile out, err;
  if (out.fd() < 0 || err.fd() < 0)
    return Error{std::string("memfd_create: ") + std::strerror(errno)};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out.fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd(), STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return Error{"cannot run " + argv[0] + ": " + std::strerror(spawned)};
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Error{std::string("waitpid: ") + std::strerror(errno)};
  }
  ProcessResult result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.stdout_text = out.read_all();
  result.stderr_text = err.read_all();
  return result;
}

Result<std::string> find_program(const std::string& program, const std::string& path_env) {
  if (program.find('/') != std::string::npos) {
    if (is_executable_file(program)) return program;
    return Error{"compiler not found: " + program};
  }
  std::string self = real_path("/proc/self/exe");
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t end = path_env.find(':', start);
    if (end == std::string::npos) end = path_env.size();
    std::string dir = end > start ? path_env.substr(start, end - start) : ".";
    std::string candidate = dir + "/" + program;
    if (is_executable_file(candidate) && real_path(candidate) != self) return candidate;
    start = end + 1;
  }
  return Error{"compiler not found in PATH: " + program};
}

}  // namespace edgecache
