#pragma once
// The remote helper's read-ahead: when it hands a launcher a manifest, it
// starts fetching the result entries that manifest names (newest candidates
// first), so the launcher's next request, for the entry its headers select,
// is answered from memory instead of paying a second round trip to the server.
//
// What must stay true:
//  - what a manifest names is read ahead for the client that was served the
//    manifest (one launcher's connection) and served to that client only,
//    and dropped when it disconnects; a client that has written (an upload
//    reading its manifest back) gets no read-ahead: it will not ask;
//  - a blob is served only for the exact key it was fetched for, byte for
//    byte as the store returned it for that key, at most once; the manifest
//    only says which keys to fetch (it is opened without the signing key:
//    trusting it changes what is fetched, never what a key answers; the
//    launcher checks every entry's envelope and signature as always);
//  - only result entries are read ahead (a manifest can change; an entry's
//    key names its content), and a put or remove of a key drops what was
//    read ahead for it;
//  - bounded: at most `max_bytes` held, each blob at most `ttl` old, at most
//    `per_manifest` entries per manifest, `workers` fetches at a time;
//  - a fetch ahead that fails or finds nothing is forgotten: the launcher's
//    own request then goes to the server, so its answer (a miss, an error,
//    a timeout) is the server's, as without read-ahead.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "edgecache/store.h"
#include "edgecache/unix_socket.h"

namespace edgecache {

struct ReadAheadLimits {
  size_t max_bytes =
      size_t{64} << 20;     // blobs held, fetched or in flight (sizes known when fetched)
  size_t per_manifest = 3;  // newest candidates read ahead per manifest
  std::chrono::milliseconds ttl{30'000};  // a blob not asked for by then is dropped
  int workers = 4;                        // fetches at a time
};

// What became of the read-ahead so far, for tests and diagnostics.
struct ReadAheadCounts {
  int started = 0;  // fetches queued
  int served = 0;   // requests answered from memory
  int dropped = 0;  // fetched but not kept (too big, failed, expired, invalidated)
};

class ReadAhead {
 public:
  // `store` must be safe to call from several threads at once.
  ReadAhead(Store& store, ReadAheadLimits limits = {});
  // Waits for the fetches in flight (each bounded by the store's timeouts).
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // `blob` was just served to `client` for the manifest `key`: fetch what it
  // names, for that client. Anything else (a result key, an unreadable
  // manifest) is ignored.
  void after_manifest(uint64_t client, const CacheKey& key, const std::string& blob);
  // The blob read ahead for `client` for exactly `key`, waiting until
  // `deadline` for a fetch in flight; nullopt when there is none (then ask
  // the store).
  std::optional<std::string> take(uint64_t client, const CacheKey& key, Deadline deadline);
  // `key` was written or removed: whatever was read ahead for it is stale.
  void forget(const CacheKey& key);
  // `client` disconnected: what was read ahead for it goes.
  void end_client(uint64_t client);

  ReadAheadCounts counts() const;

 private:
  enum class State { kQueued, kFetching, kReady };
  struct Slot {
    uint64_t client = 0;  // the only one it is served to
    CacheKey key;         // the only key it answers
    State state = State::kQueued;
    std::string blob;
    std::chrono::steady_clock::time_point since;  // when queued
    bool stale = false;  // forgotten while fetching: dropped when the fetch ends
  };

  void work();
  void expire_locked(std::chrono::steady_clock::time_point now);
  void drop_locked(std::map<std::string, Slot>::iterator slot);

  Store& store_;
  ReadAheadLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;    // a slot changed state, or work was queued
  std::map<std::string, Slot> slots_;  // slot_name(client, key) -> slot
  std::deque<std::string> queue_;      // names of slots in kQueued, oldest first
  size_t held_bytes_ = 0;              // blobs of kReady slots
  ReadAheadCounts counts_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace edgecache
