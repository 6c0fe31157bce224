#include "edgecache/tiered_store.h"

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

void TieredStore::note_remote_failure(const StoreReply& reply, const char* what) {
  counters_[counter::kRemoteError] += 1;
  warnings_.push_back(std::string("remote cache ") + what + " failed: " + reply.message);
  gate_.on_failure(reply);
  // One failure is enough to stop waiting on the remote for the rest of this
  // process; the gate decides whether other processes skip it too.
  if (gate_.whole_remote_off_after_failure) remote_off_ = true;
}

std::optional<FetchedObject> TieredStore::get(const CacheKey& key) {
  std::string blob;
  if (local_) {
    StoreReply reply = local_->get(key, &blob);
    if (reply.ok()) {
      counters_[counter::kBytesRead] += static_cast<int64_t>(blob.size());
      return FetchedObject{std::move(blob), HitSource::kLocal};
    }
    if (reply.failed()) warnings_.push_back("local cache read failed: " + reply.message);
  }
  if (!remote_usable()) return std::nullopt;
  StoreReply reply = remote_->get(key, &blob);
  if (reply.failed()) {
    note_remote_failure(reply, "read");
    return std::nullopt;
  }
  if (!reply.ok()) return std::nullopt;
  // Only a hit forgets earlier failures: a miss says nothing about writes,
  // and a remote that answers GETs but fails every PUT (unwritable
  // directory, server refusing uploads) must still reach the switch-off.
  gate_.on_success();
  counters_[counter::kRemoteBytesRead] += static_cast<int64_t>(blob.size());
  if (local_) {
    StoreReply filled = local_->put(key, blob);
    if (filled.failed()) warnings_.push_back("local cache write failed: " + filled.message);
  }
  return FetchedObject{std::move(blob), HitSource::kRemote};
}

void TieredStore::put(const CacheKey& key, std::string_view blob) {
  if (local_) {
    StoreReply reply = local_->put(key, blob);
    if (reply.ok()) counters_[counter::kBytesWritten] += static_cast<int64_t>(blob.size());
    else warnings_.push_back("local cache write failed: " + reply.message);
  }
  if (!remote_usable() || remote_->read_only()) return;
  StoreReply reply = remote_->put(key, blob);
  if (reply.failed()) {
    note_remote_failure(reply, "write");
    return;
  }
  if (!reply.ok()) return;  // kUnavailable: that server is switched off
  gate_.on_success();
  counters_[counter::kRemoteBytesWritten] += static_cast<int64_t>(blob.size());
}

void TieredStore::discard_local(const CacheKey& key) {
  if (local_) local_->remove(key);
}

}  // namespace edgecache
