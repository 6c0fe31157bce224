#pragma once
// Several servers that together hold one cache (`EDGECACHE_REMOTE='a b c'`).
//
// Each key lives on one server, chosen by rendezvous (highest random weight)
// hashing: every server scores the key with hash(server id, key) and the
// highest score wins. Adding or removing a server moves only the keys it wins
// or held; the others stay where they were (ccache's `shards=` does the same).
//
// Each server has its own health: a server that fails is switched off for
// this process at once and, through its RemoteHealth state file, for every
// process once the policy says so; its keys are then misses (reads) or not
// uploaded (writes) while the other servers keep serving theirs. There is no
// fallback to the next-ranked server: a key written elsewhere would be found
// by nobody once the server is back.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "edgecache/store.h"
#include "store/remote/remote_health.h"

namespace edgecache {

class ShardedStore : public Store {
 public:
  struct Server {
    std::unique_ptr<Store> store;          // the server's own backend
    std::string id;                        // what the key is hashed with: its URL, no secrets
    std::unique_ptr<RemoteHealth> health;  // shared switch-off state; may be null
  };

  // `servers` must not be empty; ids must be distinct.
  explicit ShardedStore(std::vector<Server> servers);

  std::string description() const override;
  bool read_only() const override;  // true when every server is read-only

  Result<std::string> get(const CacheKey& key) override;
  Status put(const CacheKey& key, std::string_view blob) override;
  Status exists(const CacheKey& key) override;
  Status remove(const CacheKey& key) override;

  // The index of the server that holds `key` (rendezvous hashing).
  size_t server_for(const CacheKey& key) const;
  size_t server_count() const { return shards_.size(); }

  // True once if, since the last call, a failure here was the one (across
  // processes) that switched a server off: the face prints the warning then.
  bool take_switched_off();

 private:
  struct Shard {
    Server server;
    std::atomic<bool> off{false};  // this process stopped using the server after a failure
  };

  // The server for `key`, or null when it is switched off.
  Shard* usable_shard(const CacheKey& key);
  template <typename T>
  Result<T> note(Shard& shard, Result<T> result);
  Error note_failure(Shard& shard, Error failure);

  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<bool> switched_off_here_{false};
};

}  // namespace edgecache
