#pragma once
// The serving half of the remote helper (helper_protocol.h): listens on a Unix
// socket and answers every connected launcher from one Store, whose open
// connections all of them share. edgecache-remote-helper is a thin main()
// around it.
//
// What must stay true:
//  - a socket file left by a crashed helper is replaced; a live helper's is
//    never taken over (run() fails instead);
//  - the helper exits after `idle_timeout` with no client connected and no
//    request, and at once when its socket file is removed or replaced, so it
//    never outlives its use;
//  - a client that dies mid-request costs its own thread only;
//  - with a ReadAhead, a manifest served starts fetching the entries it names,
//    and a get is answered from it only for the very key fetched
//    (read_ahead.h); puts and removes drop what was read ahead for their key.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "edgecache/result.h"
#include "edgecache/store.h"
#include "edgecache/unix_socket.h"

namespace edgecache {

class ReadAhead;

struct HelperServerOptions {
  std::string socket_path;                 // where clients connect
  std::chrono::milliseconds idle_timeout;  // 0: never exit for idleness
  std::string identity;                    // answer to `info`, e.g. "edgecache-remote-helper 0.9"
  bool read_ahead = false;                 // read ahead what served manifests name (read_ahead.h)
};

// Why run() returned.
enum class HelperExit { kIdle, kStopRequested, kSocketGone };

class HelperServer {
 public:
  // `store` must be safe to call from several threads at once (HttpStore is).
  HelperServer(Store& store, HelperServerOptions options);
  // Stops serving and waits for the client threads (about kAcceptPollMs when
  // idle; a request in flight first finishes).
  ~HelperServer();
  HelperServer(const HelperServer&) = delete;
  HelperServer& operator=(const HelperServer&) = delete;

  // Binds the socket and serves until one of HelperExit happens; an error
  // when the socket cannot be bound (or a live helper already owns it).
  // Client threads may still be finishing: the caller exits the process at
  // once (the protocol's stop does not wait) or destroys the server.
  Result<HelperExit> run();
  // Makes run() return kStopRequested soon, as the protocol's stop request does.
  void stop() { stop_ = true; }

 private:
  // One connected launcher.
  struct Client {
    UnixSocket socket;
    uint64_t id = 0;     // distinct per connection, for the read-ahead
    bool wrote = false;  // it has put: its reads are read-backs, not lookups
  };

  void serve_client(UnixSocket socket);
  bool answer(Client& client, uint8_t request);
  std::string get_reply(const Client& client, const CacheKey& key);
  bool socket_still_ours() const;
  void touch();

  Store& store_;
  HelperServerOptions options_;
  std::unique_ptr<ReadAhead> read_ahead_;     // with options_.read_ahead
  unsigned long socket_inode_ = 0;            // of the file we bound, to notice replacement
  std::atomic<int> clients_{0};               // connections being served
  std::atomic<int64_t> last_activity_ms_{0};  // steady clock, of the last request or close
  std::atomic<bool> stop_{false};             // a client asked the helper to stop
  std::atomic<uint64_t> next_client_id_{1};
};

}  // namespace edgecache
