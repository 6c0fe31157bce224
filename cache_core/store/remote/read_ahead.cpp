#include "store/remote/read_ahead.h"

#include <algorithm>

#include "edgecache/blob_envelope.h"
#include "edgecache/manifest.h"

namespace edgecache {
namespace {

std::string slot_name(uint64_t client, const CacheKey& key) {
  return std::to_string(client) + ":" + key.to_string();
}

}  // namespace

ReadAhead::ReadAhead(Store& store, ReadAheadLimits limits) : store_(store), limits_(limits) {
  for (int i = 0; i < limits_.workers; ++i) workers_.emplace_back(&ReadAhead::work, this);
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ReadAhead::after_manifest(uint64_t client, const CacheKey& key, const std::string& blob) {
  if (key.kind != ObjectKind::kManifest) return;
  // No signing key: a reader without one ignores signatures. The manifest
  // only chooses which keys are fetched (see the header).
  auto payload = BlobCodec{}.open(key, blob);
  if (!payload) return;
  auto manifest = decode_manifest(*payload);
  if (!manifest) return;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    expire_locked(now);
    size_t count = std::min(manifest->candidates.size(), limits_.per_manifest);
    for (size_t i = 0; i < count && held_bytes_ < limits_.max_bytes; ++i) {
      CacheKey result{ObjectKind::kResult, manifest->candidates[i].result};
      std::string name = slot_name(client, result);
      auto [slot, inserted] = slots_.try_emplace(name);
      if (!inserted) continue;  // already read ahead or in flight
      slot->second.client = client;
      slot->second.key = result;
      slot->second.since = now;
      queue_.push_back(std::move(name));
      ++counts_.started;
    }
  }
  changed_.notify_all();
}

void ReadAhead::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::string name = std::move(queue_.front());
    queue_.pop_front();
    auto slot = slots_.find(name);
    if (slot == slots_.end() || slot->second.state != State::kQueued)
      continue;  // taken or dropped meanwhile
    slot->second.state = State::kFetching;
    const CacheKey key = slot->second.key;
    lock.unlock();
    Result<std::string> fetched = store_.get(key);
    lock.lock();
    // Nothing erases a slot in kFetching: take() waits, forget() and
    // end_client() mark it stale.
    slot = slots_.find(name);
    if (slot == slots_.end()) continue;
    if (fetched.ok() && !slot->second.stale && held_bytes_ + fetched->size() <= limits_.max_bytes) {
      held_bytes_ += fetched->size();
      slot->second.blob = std::move(*fetched);
      slot->second.state = State::kReady;
    } else {
      slots_.erase(slot);
      ++counts_.dropped;
    }
    changed_.notify_all();
  }
}

std::optional<std::string> ReadAhead::take(uint64_t client, const CacheKey& key,
                                           Deadline deadline) {
  if (key.kind != ObjectKind::kResult) return std::nullopt;
  const std::string name = slot_name(client, key);
  std::unique_lock lock(mutex_);
  expire_locked(std::chrono::steady_clock::now());
  auto slot = slots_.find(name);
  if (slot == slots_.end()) return std::nullopt;
  if (slot->second.state == State::kQueued) {
    slots_.erase(slot);  // not started: the caller's own fetch is as quick
    return std::nullopt;
  }
  // A fetch in flight started before this request: waiting for it is never
  // slower than starting another. The store's timeouts bound it.
  changed_.wait_until(lock, deadline, [&] {
    auto now = slots_.find(name);
    return now == slots_.end() || now->second.state != State::kFetching;
  });
  slot = slots_.find(name);
  if (slot == slots_.end() || slot->second.state != State::kReady) return std::nullopt;
  // The slot's own key, fetched for this client: the only answer it gives.
  std::string blob = std::move(slot->second.blob);
  held_bytes_ -= blob.size();
  slots_.erase(slot);
  ++counts_.served;
  return blob;
}

// Drops a slot; one being fetched is marked stale and dropped when its fetch ends.
void ReadAhead::drop_locked(std::map<std::string, Slot>::iterator slot) {
  if (slot->second.state == State::kFetching) {
    slot->second.stale = true;
    return;
  }
  held_bytes_ -= slot->second.blob.size();
  slots_.erase(slot);
  ++counts_.dropped;
}

void ReadAhead::forget(const CacheKey& key) {
  std::lock_guard lock(mutex_);
  for (auto slot = slots_.begin(); slot != slots_.end();) {
    auto next = std::next(slot);
    if (slot->second.key == key) drop_locked(slot);
    slot = next;
  }
}

void ReadAhead::end_client(uint64_t client) {
  std::lock_guard lock(mutex_);
  for (auto slot = slots_.begin(); slot != slots_.end();) {
    auto next = std::next(slot);
    if (slot->second.client == client) drop_locked(slot);
    slot = next;
  }
}

void ReadAhead::expire_locked(std::chrono::steady_clock::time_point now) {
  for (auto slot = slots_.begin(); slot != slots_.end();) {
    auto next = std::next(slot);
    if (slot->second.state == State::kReady && now - slot->second.since > limits_.ttl)
      drop_locked(slot);
    slot = next;
  }
}

ReadAheadCounts ReadAhead::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace edgecache
