#include "edgecache/helper_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>

#include "edgecache/hash.h"
#include "store/remote/helper_protocol.h"

extern char** environ;

namespace edgecache {

using namespace helper_wire;

// One reply's status byte and, for err, its message.
struct HelperStore::Exchange {
  uint8_t status = 0;
  Deadline deadline;
};

namespace {

constexpr long kMarginMs = 100;           // the helper's own work on top of the server's time
constexpr time_t kFailedForSeconds = 60;  // a helper that failed is skipped this long by everyone
constexpr size_t kMaxBlobBytes = size_t{512} << 20;  // as HttpStore's body limit

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\n");
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\n");
  return std::string(text.substr(start, end - start + 1));
}

// A 0700 directory this user owns, for the sockets.
Result<std::string> socket_dir() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  std::string dir = runtime != nullptr && runtime[0] == '/'
                        ? std::string(runtime) + "/edgecache"
                        : "/tmp/edgecache-" + std::to_string(::getuid());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error{"cannot create " + dir + ": " + std::strerror(errno)};
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) {
    return Error{dir + " is not a directory of this user"};
  }
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
    return Error{dir + " is not private"};
  return dir;
}

bool recently_failed(const std::string& marker) {
  struct stat st {};
  return ::stat(marker.c_str(), &st) == 0 && std::time(nullptr) - st.st_mtime < kFailedForSeconds;
}

// Every descriptor above stderr: the helper must not keep a build's pipes
// open (Ninja waits for their end), so the spawn closes them.
std::vector<int> inherited_fds() {
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (*end == '\0' && end != entry->d_name && fd > 2 && fd != ::dirfd(dir))
      fds.push_back(static_cast<int>(fd));
  }
  ::closedir(dir);
  return fds;
}

std::vector<std::string> helper_environment(const HelperLaunch& launch) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    // Not a step's tracer (edgecache-ninja's observed runs): the helper outlives the step.
    std::string_view name(*entry);
    if (name.starts_with("CRSH_") || name.starts_with("LD_PRELOAD=") ||
        name.starts_with("EDGECACHE_TRACE"))
      continue;
    env.emplace_back(*entry);
  }
  env.push_back("CRSH_IPC_ENDPOINT=" + launch.socket_path);
  env.push_back("CRSH_URL=" + launch.url);
  env.push_back("CRSH_IDLE_TIMEOUT=" + std::to_string(launch.idle_timeout_s));
  env.push_back("CRSH_NUM_ATTR=" + std::to_string(launch.attributes.size()));
  for (size_t i = 0; i < launch.attributes.size(); ++i) {
    env.push_back("CRSH_ATTR_KEY_" + std::to_string(i) + "=" + launch.attributes[i].first);
    env.push_back("CRSH_ATTR_VALUE_" + std::to_string(i) + "=" + launch.attributes[i].second);
  }
  return env;
}

// Starts the helper detached: its own session, stdio on /dev/null, no
// inherited descriptors. Returns its pid, or an error.
Result<pid_t> spawn_helper(const HelperLaunch& launch) {
  std::vector<std::string> env = helper_environment(launch);
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  for (int fd : inherited_fds()) posix_spawn_file_actions_addclose(&actions, fd);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  std::string program = launch.program;
  char* argv[] = {program.data(), nullptr};
  pid_t pid = 0;
  int error = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) return Error{"cannot start " + launch.program + ": " + std::strerror(error)};
  return pid;
}

// An flock on `path`, tried until `deadline`; -1 when not had.
int lock_until(const std::string& path, Deadline deadline) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return fd;
}

// A request's first bytes: its code and the key.
std::string request_for(Request code, const CacheKey& key) {
  std::string request;
  put_u8(&request, static_cast<uint8_t>(code));
  put_key(&request, key);
  return request;
}

// The helper's error reply (helper_protocol.h: a timeout is marked by its prefix).
Error error_from_helper(std::string message) {
  bool timeout = message.starts_with(kTimeoutPrefix) || message.find("imeout") != std::string::npos;
  if (message.starts_with(kTimeoutPrefix)) message.erase(0, std::strlen(kTimeoutPrefix));
  return Error{std::move(message), timeout ? ErrorCode::kTimeout : ErrorCode::kFailed};
}

}  // namespace

Result<std::string> helper_socket_path(const HelperLaunch& launch) {
  auto dir = socket_dir();
  if (!dir) return Error{dir.error()};
  Hasher hasher;
  hasher.update_field(std::to_string(::getuid()));
  hasher.update_field(launch.program);
  hasher.update_field(launch.url);
  for (const auto& [name, value] : launch.attributes) {
    hasher.update_field(name);
    hasher.update_field(value);
  }
  hasher.update_field(std::to_string(launch.idle_timeout_s));
  std::string path = *dir + "/helper-" + hasher.digest().hex().substr(0, 24) + ".sock";
  if (path.size() >= 100) return Error{"socket path too long: " + path};
  return path;
}

HelperLaunch helper_launch_for(std::string_view entry, const std::string& bearer_token,
                               const std::string& program, long idle_timeout_s) {
  HelperLaunch launch;
  launch.program = program;
  launch.idle_timeout_s = idle_timeout_s;
  size_t bar = entry.find('|');
  launch.url = trim(entry.substr(0, bar));
  while (bar != std::string_view::npos) {
    size_t next = entry.find('|', bar + 1);
    std::string attribute =
        trim(entry.substr(bar + 1, next == std::string_view::npos ? next : next - bar - 1));
    bar = next;
    if (attribute.empty()) continue;
    size_t equals = attribute.find('=');
    if (equals == std::string::npos)
      launch.attributes.emplace_back(attribute, "");
    else
      launch.attributes.emplace_back(attribute.substr(0, equals), attribute.substr(equals + 1));
  }
  if (!bearer_token.empty()) launch.attributes.emplace_back("bearer-token", bearer_token);
  return launch;
}

HelperStore::HelperStore(RemoteSpec spec, HelperLaunch launch, DirectFactory direct)
    : spec_(std::move(spec)), launch_(std::move(launch)), make_direct_(std::move(direct)) {}

HelperStore::~HelperStore() = default;

std::string HelperStore::description() const {
  return redacted_url(spec_) + " (" + std::string(layout_name(spec_.layout)) +
         (spec_.read_only ? ", read-only" : "") + ", through " + launch_.program + ")";
}

Store& HelperStore::direct() {
  if (!direct_) direct_ = make_direct_();
  return *direct_;
}

void HelperStore::give_up(const std::string& why, bool for_everyone) {
  bypass_ = true;
  socket_ = UnixSocket();
  if (for_everyone) {
    int fd = ::open((launch_.socket_path + ".failed").c_str(),
                    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  if (!why.empty() && problem_.empty()) problem_ = why + "; using the remote directly";
}

// Why a connection did or did not come to be.
enum class HelperStore::Reach { kReady, kAbsent, kStale, kHung, kIncompatible };

HelperStore::Reach HelperStore::read_greeting(UnixSocket& socket) {
  const Deadline deadline = deadline_in(spec_.connect_timeout_ms);
  std::string version;
  IoStatus got = socket.read_exact(1, &version, deadline);
  if (got == IoStatus::kTimeout) return Reach::kHung;
  if (got != IoStatus::kOk) return Reach::kAbsent;  // it was exiting: start another
  std::string capabilities;
  if (static_cast<uint8_t>(version[0]) != kProtocolVersion ||
      !read_short_string(socket, &capabilities, deadline) ||
      capabilities.find(static_cast<char>(Capability::kGetPutRemove)) == std::string::npos) {
    return Reach::kIncompatible;
  }
  has_exists_ = capabilities.find(static_cast<char>(Capability::kExists)) != std::string::npos;
  return Reach::kReady;
}

HelperStore::Reach HelperStore::connect_existing() {
  int error = 0;
  UnixSocket socket = UnixSocket::connect(launch_.socket_path, &error);
  if (!socket.valid()) return error == ECONNREFUSED ? Reach::kStale : Reach::kAbsent;
  Reach reach = read_greeting(socket);
  if (reach == Reach::kReady) socket_ = std::move(socket);
  return reach;
}

// A helper that answers but hangs or speaks another protocol is skipped by
// every launcher for a while; false then.
bool HelperStore::usable(Reach reach) {
  if (reach == Reach::kHung) give_up("remote helper did not answer in time", true);
  if (reach == Reach::kIncompatible)
    give_up("remote helper " + launch_.program + " speaks another protocol", true);
  return reach != Reach::kHung && reach != Reach::kIncompatible;
}

bool HelperStore::ensure_connected() {
  if (socket_.valid()) return true;
  if (bypass_) return false;
  if (recently_failed(launch_.socket_path + ".failed")) {
    bypass_ = true;  // whoever marked it said why
    return false;
  }
  Reach reach = connect_existing();
  if (reach == Reach::kReady) return true;
  return usable(reach) && start_helper();
}

// Under the start lock: connect to a helper another launcher started
// meanwhile, or remove a stale socket, start ours and wait for it.
bool HelperStore::start_helper() {
  if (::access(launch_.program.c_str(), X_OK) != 0) {
    give_up(launch_.warn_if_missing ? "remote helper " + launch_.program + " not found" : "",
            false);
    return false;
  }
  const Deadline deadline = deadline_in(spec_.connect_timeout_ms);
  int lock = lock_until(launch_.socket_path + ".lock", deadline);
  if (lock < 0) {
    give_up("", false);  // another launcher is starting it and taking long: this call goes direct
    return false;
  }
  Reach reach = connect_existing();
  if (reach == Reach::kStale) ::unlink(launch_.socket_path.c_str());
  if (reach == Reach::kStale || reach == Reach::kAbsent) reach = spawn_and_wait(deadline);
  ::close(lock);
  if (reach == Reach::kReady) return true;
  (void)usable(reach);  // says why when it answered badly; other failures said so already
  return false;
}

// Starts the helper and waits until it greets, exits or `deadline` passes.
HelperStore::Reach HelperStore::spawn_and_wait(Deadline deadline) {
  auto pid = spawn_helper(launch_);
  if (!pid) {
    give_up(pid.error(), true);
    return Reach::kAbsent;
  }
  for (;;) {
    Reach reach = connect_existing();
    if (reach == Reach::kReady || reach == Reach::kHung || reach == Reach::kIncompatible)
      return reach;
    int status = 0;
    if (::waitpid(*pid, &status, WNOHANG) == *pid) {
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      give_up("remote helper " + launch_.program + " exited at start (status " +
                  std::to_string(code) + ")",
              true);
      return Reach::kAbsent;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      give_up("remote helper " + launch_.program + " did not start within connect-timeout", true);
      return Reach::kAbsent;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Sends one request and reads the reply's status byte. False when the helper
// failed (closed, died, hung): the caller then goes to the direct store.
bool HelperStore::exchange(const std::string& request, Exchange* reply, long reply_ms) {
  reply->deadline = deadline_in(reply_ms);
  IoStatus sent = socket_.write_all(request, reply->deadline);
  std::string status;
  IoStatus got = sent == IoStatus::kOk ? socket_.read_exact(1, &status, reply->deadline) : sent;
  if (got == IoStatus::kOk) {
    reply->status = static_cast<uint8_t>(status[0]);
    return true;
  }
  // A helper that died is replaced by the next launcher; one that hangs is
  // skipped by every launcher for a while.
  if (got == IoStatus::kTimeout)
    give_up("remote helper did not answer in time", true);
  else
    give_up("", false);
  return false;
}

Result<std::string> HelperStore::get(const CacheKey& key) {
  std::lock_guard lock(mutex_);
  if (ensure_connected()) {
    std::string request = request_for(Request::kGet, key);
    Exchange reply;
    if (exchange(request, &reply,
                 spec_.connect_timeout_ms + spec_.first_byte_timeout_ms + kMarginMs)) {
      used_helper_ = true;
      if (reply.status == static_cast<uint8_t>(Response::kNoop)) return Error::not_found();
      std::string message;
      if (reply.status == static_cast<uint8_t>(Response::kErr) &&
          read_short_string(socket_, &message, reply.deadline)) {
        return error_from_helper(message);
      }
      // The body may take the whole request timeout, as a direct GET may.
      Deadline body = deadline_in(spec_.operation_timeout_ms + kMarginMs);
      uint64_t length = 0;
      std::string blob;
      if (reply.status == static_cast<uint8_t>(Response::kOk) && read_u64(socket_, &length, body) &&
          length <= kMaxBlobBytes && socket_.read_exact(length, &blob, body) == IoStatus::kOk) {
        return blob;
      }
      give_up("", false);  // a garbled or cut reply: never trust this connection again
    }
  }
  return direct().get(key);
}

Status HelperStore::put(const CacheKey& key, std::string_view blob) {
  std::lock_guard lock(mutex_);
  if (ensure_connected()) {
    std::string request = request_for(Request::kPut, key);
    put_u8(&request, kPutOverwrite);
    put_u64(&request, blob.size());
    request.append(blob);
    Exchange reply;
    if (exchange(request, &reply,
                 spec_.connect_timeout_ms + spec_.operation_timeout_ms + kMarginMs)) {
      used_helper_ = true;
      std::string message;
      if (reply.status == static_cast<uint8_t>(Response::kOk)) return ok_status();
      if (reply.status == static_cast<uint8_t>(Response::kNoop))
        return Error{"the helper did not store it"};
      if (read_short_string(socket_, &message, reply.deadline)) return error_from_helper(message);
      give_up("", false);
    }
  }
  return direct().put(key, blob);
}

Status HelperStore::exists(const CacheKey& key) {
  std::lock_guard lock(mutex_);
  if (ensure_connected() && has_exists_) {
    std::string request = request_for(Request::kExists, key);
    Exchange reply;
    if (exchange(request, &reply,
                 spec_.connect_timeout_ms + spec_.first_byte_timeout_ms + kMarginMs)) {
      used_helper_ = true;
      uint8_t present = 0;
      std::string message;
      if (reply.status == static_cast<uint8_t>(Response::kOk) &&
          read_u8(socket_, &present, reply.deadline)) {
        if (present != 0) return ok_status();
        return Error::not_found();
      }
      if (reply.status == static_cast<uint8_t>(Response::kErr) &&
          read_short_string(socket_, &message, reply.deadline)) {
        return error_from_helper(message);
      }
      give_up("", false);
    }
  }
  return direct().exists(key);
}

Status HelperStore::remove(const CacheKey& key) {
  std::lock_guard lock(mutex_);
  if (ensure_connected()) {
    std::string request = request_for(Request::kRemove, key);
    Exchange reply;
    if (exchange(request, &reply,
                 spec_.connect_timeout_ms + spec_.operation_timeout_ms + kMarginMs)) {
      used_helper_ = true;
      std::string message;
      if (reply.status == static_cast<uint8_t>(Response::kOk)) return ok_status();
      if (reply.status == static_cast<uint8_t>(Response::kNoop)) return Error::not_found();
      if (read_short_string(socket_, &message, reply.deadline)) return error_from_helper(message);
      give_up("", false);
    }
  }
  return direct().remove(key);
}

}  // namespace edgecache
