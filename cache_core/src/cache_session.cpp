#include "edgecache/cache_session.h"

#include "edgecache/remote_probe.h"
#include "edgecache/remote_spec.h"

namespace edgecache {

CacheSession::CacheSession(const Config& config, SessionOptions options)
    : config_(config), paths_(config.base_dirs()) {
  local_ = std::make_unique<LocalStore>(config.cache_dir(), config.max_size());
  if (!options.no_remote && !config.no_remote() && !config.remote().empty()) open_remote();
  RemoteGate gate;
  if (health_) {
    gate.allowed = [this] { return !health_->should_skip(); };
    gate.on_failure = [this](const StoreReply& reply) {
      if (health_->record_failure(reply.message)) remote_switched_off_here_ = true;
    };
    gate.on_success = [this] { health_->record_success(); };
  }
  tiered_ = std::make_unique<TieredStore>(local_.get(), remote_.get(), std::move(gate));
  step_cache_ = std::make_unique<StepCache>(
      *tiered_, paths_, hasher_,
      BlobCodec{config.compression_level(), config.signing_key(), kDefaultMaxPayloadSize});
}

CacheSession::~CacheSession() = default;

void CacheSession::open_remote() {
  auto spec = parse_remote_spec(config_.remote());
  if (!spec) {
    setup_warnings_.push_back("remote cache disabled: " + spec.error());
    return;
  }
  spec->bearer_token = config_.remote_token();
  remote_ = make_remote_store(*spec);
  // One state file per remote, so switching servers starts from a clean slate.
  std::string name = "remote-health-" + hash_bytes(spec->url).hex().substr(0, 12) + ".json";
  health_ = std::make_unique<RemoteHealth>(config_.cache_dir() + "/" + name);
}

std::string CacheSession::remote_description() const {
  return remote_ ? remote_->description() : "";
}

Status CacheSession::flush_stats(const Counters& extra) {
  Counters all = tiered_->counters();
  for (auto& [name, value] : extra) all[name] += value;
  return StatsFile(config_.cache_dir()).add(all);
}

}  // namespace edgecache
