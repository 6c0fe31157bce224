#include "edgecache/tiered_store.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <random>
#include <thread>

#include "edgecache/file_lock.h"

namespace edgecache {

TieredStore::TieredStore(Store* local, Store* remote, RemoteGate gate)
    : local_(local), remote_(remote), gate_(std::move(gate)) {}

bool TieredStore::remote_usable() {
  if (!remote_ || remote_off_) return false;
  if (!gate_.allowed()) {
    remote_off_ = true;
    return false;
  }
  return true;
}

void TieredStore::note_remote_failure(const Error& failure, const char* what) {
  counters_[counter::kRemoteError] += 1;
  warnings_.push_back(
      {StoreTier::kRemote, std::string("remote cache ") + what + " failed: " + failure.message});
  gate_.on_failure(failure);
  // One failure is enough to stop waiting on the remote for the rest of this
  // process; the gate decides whether other processes skip it too.
  if (gate_.whole_remote_off_after_failure) remote_off_ = true;
}

std::optional<FetchedObject> TieredStore::get(const CacheKey& key) {
  if (local_) {
    Result<std::string> local = local_->get(key);
    if (local.ok()) {
      counters_[counter::kBytesRead] += static_cast<int64_t>(local->size());
      return FetchedObject{std::move(*local), StoreTier::kLocal};
    }
    if (local.failed())
      warnings_.push_back({StoreTier::kLocal, "local cache read failed: " + local.error()});
  }
  if (!remote_usable()) return std::nullopt;
  Result<std::string> remote = remote_->get(key);
  if (remote.failed()) {
    note_remote_failure(remote.failure(), "read");
    return std::nullopt;
  }
  if (!remote.ok()) return std::nullopt;
  std::string& blob = *remote;
  // Only a hit forgets earlier failures: a miss says nothing about writes,
  // and a remote that answers GETs but fails every PUT (unwritable
  // directory, server refusing uploads) must still reach the switch-off.
  gate_.on_success();
  counters_[counter::kRemoteBytesRead] += static_cast<int64_t>(blob.size());
  if (local_) {
    Status filled = local_->put(key, blob);
    if (filled.failed())
      warnings_.push_back({StoreTier::kLocal, "local cache write failed: " + filled.error()});
  }
  return FetchedObject{std::move(blob), StoreTier::kRemote};
}

void TieredStore::put(const CacheKey& key, std::string_view blob) { put(key, blob, blob); }

void TieredStore::put(const CacheKey& key, std::string_view blob, std::string_view remote_blob) {
  if (local_) {
    Status written = local_->put(key, blob);
    if (written.ok())
      counters_[counter::kBytesWritten] += static_cast<int64_t>(blob.size());
    else
      warnings_.push_back({StoreTier::kLocal, "local cache write failed: " + written.error()});
  }
  if (!remote_ || remote_->read_only()) return;
  if (defer_remote_) {
    deferred_.push_back({key, std::string(remote_blob), std::nullopt});
    return;
  }
  put_remote(key, remote_blob);
}

void TieredStore::put_remote(const CacheKey& key, std::string_view blob) {
  if (!remote_usable() || remote_->read_only()) return;
  Status written = remote_->put(key, blob);
  if (written.failed()) {
    note_remote_failure(written.failure(), "write");
    return;
  }
  if (!written.ok()) return;  // kUnavailable: that server is switched off
  gate_.on_success();
  counters_[counter::kRemoteBytesWritten] += static_cast<int64_t>(blob.size());
}

// Called with the local update lock held (or none to be had).
void TieredStore::merge_local(const CacheKey& key, const ObjectUpdate& update) {
  Result<std::string> current = local_->get(key);
  if (current.ok() && update.holds_addition(*current)) return;
  const auto& merge = update.merge_local ? update.merge_local : update.merge;
  std::string merged = merge(current.ok() ? &*current : nullptr);
  Status written = local_->put(key, merged);
  if (written.ok())
    counters_[counter::kBytesWritten] += static_cast<int64_t>(merged.size());
  else
    warnings_.push_back({StoreTier::kLocal, "local cache write failed: " + written.error()});
}

void TieredStore::update_local(const CacheKey& key, const ObjectUpdate& update) {
  if (!local_) return;
  std::unique_ptr<FileLock> lock = local_->lock_for_update(key);
  merge_local(key, update);
}

void TieredStore::update(const CacheKey& key, const ObjectUpdate& update) {
  std::unique_ptr<FileLock> lock = local_ ? local_->lock_for_update(key) : nullptr;
  if (local_) merge_local(key, update);
  if (defer_remote_) {
    if (remote_ && !remote_->read_only()) deferred_.push_back({key, "", update});
    return;
  }
  update_remote(key, update);
}

std::vector<TieredStore::DeferredWrite> TieredStore::take_deferred_writes() {
  std::vector<DeferredWrite> writes = std::move(deferred_);
  deferred_.clear();
  return writes;
}

void TieredStore::run_deferred_writes() { run_writes(take_deferred_writes()); }

void TieredStore::run_writes(const std::vector<DeferredWrite>& writes) {
  for (const DeferredWrite& write : writes) {
    if (!write.update) {
      put_remote(write.key, write.blob);
      continue;
    }
    // Writers sharing this local cache still take turns on the remote copy.
    std::unique_ptr<FileLock> lock = local_ ? local_->lock_for_update(write.key) : nullptr;
    update_remote(write.key, *write.update);
  }
}

namespace {

// Longer than another writer's read, merge and put take, unless it is
// descheduled in between: a random 50 to 100 ms.
void pause_before_confirming() {
  // One engine per thread: edgecache-ninja's uploader threads confirm at
  // once (a shared engine was a data race, ThreadSanitizer).
  thread_local std::minstd_rand jitter(
      static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(::time(nullptr)) ^
      static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  std::this_thread::sleep_for(std::chrono::milliseconds(50 + jitter() % 51));
}

}  // namespace

// Read, merge, put, read back: a server offers no lock. Two writers that both
// read the old object each put their own merge and the later put wins; the
// loser sees its addition missing when it reads back, and merges again. A
// put is trusted only when a second read-back, after a pause, still holds
// it: a writer that read before our put may land its stale merge just after
// our first read-back.
void TieredStore::update_remote(const CacheKey& key, const ObjectUpdate& update) {
  constexpr int kMaxPuts = 6;
  int puts = 0;
  bool seen_once = false;
  while (remote_usable() && !remote_->read_only()) {
    Result<std::string> current = remote_->get(key);
    if (current.failed()) return note_remote_failure(current.failure(), "read");
    if (!current.ok() && current.code() != ErrorCode::kNotFound)
      return;  // that server is switched off
    if (current.ok() && update.holds_addition(*current)) {
      if (puts == 0 || seen_once) return;
      seen_once = true;
      pause_before_confirming();
      continue;
    }
    seen_once = false;
    if (puts++ == kMaxPuts) return;
    std::string merged = update.merge(current.ok() ? &*current : nullptr);
    Status written = remote_->put(key, merged);
    if (written.failed()) return note_remote_failure(written.failure(), "write");
    if (!written.ok()) return;
    gate_.on_success();
    counters_[counter::kRemoteBytesWritten] += static_cast<int64_t>(merged.size());
  }
}

std::optional<std::string> TieredStore::get_remote(const CacheKey& key) {
  if (!remote_usable()) return std::nullopt;
  Result<std::string> blob = remote_->get(key);
  if (blob.failed()) {
    note_remote_failure(blob.failure(), "read");
    return std::nullopt;
  }
  if (!blob.ok()) return std::nullopt;
  counters_[counter::kRemoteBytesRead] += static_cast<int64_t>(blob->size());
  return std::move(*blob);
}

void TieredStore::discard_local(const CacheKey& key) {
  // Best effort: an object that cannot be removed is read, and discarded, again.
  if (local_) (void)local_->remove(key);
}

}  // namespace edgecache
