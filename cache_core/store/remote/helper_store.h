#pragma once
// A remote store reached through a long-lived local helper process that keeps
// the server connections open (helper_protocol.h): the launcher's way to an
// http(s):// remote, so each compile pays a Unix-socket round trip instead of
// loading libcurl and a TCP/TLS handshake.
//
// The helper is started on first use (one per user, remote and helper
// program, found by its socket path), lives while launchers use it and exits
// when idle. Starting it is serialized by an flock on "<socket>.lock", so
// concurrent launchers start one helper; a socket file whose helper died is
// removed under that lock and a new helper started.
//
// The helper never breaks or slows a build: whenever it cannot be used (not
// installed, does not start within connect-timeout, dies or hangs mid-request)
// the call goes to `direct`, the store the launcher would use without a helper;
// a helper that failed to start or hung is skipped by every process for a
// minute ("<socket>.failed"), and problem() says why, once per process.
// Server answers (hit, miss, error, timeout) pass through unchanged: a slow
// server is the remote health's business, not a reason to bypass the helper.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "edgecache/remote_spec.h"
#include "edgecache/store.h"
#include "edgecache/unix_socket.h"

namespace edgecache {

struct HelperLaunch {
  std::string program;      // the helper executable (an absolute path)
  std::string socket_path;  // CRSH_IPC_ENDPOINT; helper_socket_path() picks it
  std::string url;          // CRSH_URL: the remote as written, credentials included
  std::vector<std::pair<std::string, std::string>> attributes;  // CRSH_ATTR_*
  long idle_timeout_s = 600;                                    // CRSH_IDLE_TIMEOUT
  bool warn_if_missing = true;  // false: a missing program falls back silently
};

// The per-user socket for (program, remote entry, token, idle timeout):
// "$XDG_RUNTIME_DIR/edgecache/helper-<hash>.sock" or
// "/tmp/edgecache-<uid>/helper-<hash>.sock", in a 0700 directory this user
// owns. An error when no such directory can be made safely.
Result<std::string> helper_socket_path(const HelperLaunch& launch);

// The launch description of `entry` (one remote as written, "url|attr|...").
HelperLaunch helper_launch_for(std::string_view entry, const std::string& bearer_token,
                               const std::string& program, long idle_timeout_s);

class HelperStore : public Store {
 public:
  using DirectFactory = std::function<std::unique_ptr<Store>()>;

  // `direct` makes the fallback store; it is called only when needed.
  HelperStore(RemoteSpec spec, HelperLaunch launch, DirectFactory direct);
  ~HelperStore() override;

  std::string description() const override;
  bool read_only() const override { return spec_.read_only; }

  Result<std::string> get(const CacheKey& key) override;
  Status put(const CacheKey& key, std::string_view blob) override;
  Status exists(const CacheKey& key) override;
  Status remove(const CacheKey& key) override;

  // Why this process went around the helper ("" when it did not): for one
  // warning. Only failures worth telling: a missing optional helper is not.
  const std::string& problem() const { return problem_; }
  // True once a call was answered by the helper.
  bool used_helper() const { return used_helper_; }

 private:
  struct Exchange;   // one request's reply status and deadline, defined in helper_store.cpp
  enum class Reach;  // what connecting found, defined in helper_store.cpp

  bool ensure_connected();
  Reach connect_existing();
  Reach read_greeting(UnixSocket& socket);
  bool usable(Reach reach);
  bool start_helper();
  Reach spawn_and_wait(Deadline deadline);
  bool exchange(const std::string& request, Exchange* reply, long reply_ms);
  void give_up(const std::string& why, bool for_everyone);
  Store& direct();

  RemoteSpec spec_;                // the remote (with secrets), for timeouts and description
  HelperLaunch launch_;            // how to find and start the helper
  DirectFactory make_direct_;      // the fallback store's maker
  std::unique_ptr<Store> direct_;  // made on first fallback
  std::mutex mutex_;               // one request at a time on the one connection
  UnixSocket socket_;              // connected to the helper, greeting read
  bool has_exists_ = false;        // the helper offers `exists`
  bool bypass_ = false;            // this process no longer tries the helper
  bool used_helper_ = false;
  std::string problem_;
};

}  // namespace edgecache
