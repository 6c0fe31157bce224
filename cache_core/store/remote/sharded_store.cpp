#include "store/remote/sharded_store.h"

#include "edgecache/hash.h"

namespace edgecache {
namespace {

// The server's score for a key; the highest wins. Hashing the id and the key
// together gives each server an independent, uniform score per key.
uint64_t score(const std::string& id, const CacheKey& key) {
  return hash_bytes(id + '\n' + key.to_string()).high;
}

}  // namespace

ShardedStore::ShardedStore(std::vector<Server> servers) {
  for (Server& server : servers) {
    auto shard = std::make_unique<Shard>();
    shard->server = std::move(server);
    shards_.push_back(std::move(shard));
  }
}

std::string ShardedStore::description() const {
  std::string text = std::to_string(shards_.size()) + " servers:";
  for (const auto& shard : shards_) text += " " + shard->server.store->description();
  return text;
}

bool ShardedStore::read_only() const {
  for (const auto& shard : shards_) {
    if (!shard->server.store->read_only()) return false;
  }
  return true;
}

size_t ShardedStore::server_for(const CacheKey& key) const {
  size_t best = 0;
  uint64_t best_score = 0;
  for (size_t i = 0; i < shards_.size(); ++i) {
    uint64_t s = score(shards_[i]->server.id, key);
    if (i == 0 || s > best_score) {
      best = i;
      best_score = s;
    }
  }
  return best;
}

ShardedStore::Shard* ShardedStore::usable_shard(const CacheKey& key) {
  Shard& shard = *shards_[server_for(key)];
  if (shard.off) return nullptr;
  if (shard.server.health && shard.server.health->should_skip()) {
    shard.off = true;  // another process switched it off: skip it for the rest of this one
    return nullptr;
  }
  return &shard;
}

Error ShardedStore::note_failure(Shard& shard, Error failure) {
  shard.off = true;
  if (shard.server.health &&
      shard.server.health->record_failure(failure.message, failure.code == ErrorCode::kTimeout)) {
    switched_off_here_ = true;
  }
  failure.message += " (only this server is switched off; the other " +
                     std::to_string(shards_.size() - 1) + " keep serving)";
  return failure;
}

template <typename T>
Result<T> ShardedStore::note(Shard& shard, Result<T> result) {
  if (result.failed()) return note_failure(shard, result.failure());
  if (result.ok() && shard.server.health) shard.server.health->record_success();
  return result;
}

Result<std::string> ShardedStore::get(const CacheKey& key) {
  Shard* shard = usable_shard(key);
  if (!shard) return Error::unavailable();
  return note(*shard, shard->server.store->get(key));
}

Status ShardedStore::put(const CacheKey& key, std::string_view blob) {
  Shard* shard = usable_shard(key);
  if (!shard || shard->server.store->read_only()) return Error::unavailable();
  return note(*shard, shard->server.store->put(key, blob));
}

Status ShardedStore::exists(const CacheKey& key) {
  Shard* shard = usable_shard(key);
  if (!shard) return Error::unavailable();
  return note(*shard, shard->server.store->exists(key));
}

Status ShardedStore::remove(const CacheKey& key) {
  Shard* shard = usable_shard(key);
  if (!shard) return Error::unavailable();
  return shard->server.store->remove(key);
}

bool ShardedStore::take_switched_off() { return switched_off_here_.exchange(false); }

}  // namespace edgecache
