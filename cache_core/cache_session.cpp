#include "edgecache/cache_session.h"

#include <algorithm>
#include <chrono>

#include "edgecache/remote_store.h"
#include "store/remote/remote_health.h"
#include "store/remote/sharded_store.h"

namespace edgecache {
namespace {

// One state file per server, so switching servers starts from a clean slate
// and one server's failures never switch off another.
std::string health_file(const Config& config, const RemoteSpec& spec) {
  return config.cache_dir() + "/remote-health-" + hash_bytes(spec.url).hex().substr(0, 12) +
         ".json";
}

// How every remote of a session is watched: one policy, so the warnings
// say the duration the health state actually applies.
const RemoteHealthPolicy kHealthPolicy{};

// "a minute", "5 minutes", "30 seconds".
std::string duration_in_words(std::chrono::milliseconds duration) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  if (seconds == 60) return "a minute";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + " minutes";
  return std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
}

}  // namespace

CacheSession::CacheSession(const Config& config, SessionOptions options)
    : config_(config), options_(options), paths_(config.base_dirs()) {
  local_ = std::make_unique<LocalStore>(config.cache_dir(), config.max_size());
  if (!config.remote().empty()) {
    if (options.no_remote)
      remote_off_reason_ = "--no-remote";
    else if (config.no_remote())
      remote_off_reason_ = "no_remote is set";
    else
      open_remote();
  }
  tiered_ = std::make_unique<TieredStore>(local_.get(), remote_.get(), remote_gate());
  step_cache_ = std::make_unique<StepCache>(
      *tiered_, paths_, hasher_,
      BlobCodec{config.compression_level(), config.signing_key(), kDefaultMaxPayloadSize,
                config.compression(), config.local_compression()});
  ledger_ = std::make_unique<StepLedger>(config.cache_dir(), config.base_dirs(), *local_);
}

CacheSession::~CacheSession() = default;

RemoteGate CacheSession::remote_gate() {
  RemoteGate gate;
  if (health_) {
    gate.allowed = [this] { return !health_->should_skip(); };
    gate.on_failure = [this](const Error& failure) {
      if (health_->record_failure(failure.message, failure.code == ErrorCode::kTimeout)) {
        remote_switched_off_here_ = true;
      }
    };
    gate.on_success = [this] { health_->record_success(); };
  } else if (sharded_) {
    gate.whole_remote_off_after_failure = false;
    gate.on_failure = [this](const Error&) {
      if (sharded_->take_switched_off()) remote_switched_off_here_ = true;
    };
  }
  return gate;
}

void CacheSession::open_remote() {
  auto specs = parse_remote_list(config_.remote());
  if (!specs) {
    remote_off_reason_ = "its URL is not usable";
    setup_warnings_.push_back("remote cache disabled: " + specs.error());
    return;
  }
  for (RemoteSpec& spec : *specs) spec.bearer_token = config_.remote_token();
  if (specs->size() > 1) return open_servers(std::move(*specs));
  remote_ = make_single_remote(split_remote_list(config_.remote()).front(), specs->front());
  health_ = std::make_unique<RemoteHealth>(health_file(config_, specs->front()),
                                           std::chrono::system_clock::now, kHealthPolicy);
}

void CacheSession::open_servers(std::vector<RemoteSpec> specs) {
  std::vector<ShardedStore::Server> servers;
  for (const RemoteSpec& spec : specs) {
    servers.push_back(
        {make_remote_store(spec), spec.url,
         std::make_unique<RemoteHealth>(health_file(config_, spec), std::chrono::system_clock::now,
                                        kHealthPolicy)});
  }
  auto sharded = std::make_unique<ShardedStore>(std::move(servers));
  sharded_ = sharded.get();
  remote_ = std::move(sharded);
}

// An http(s) remote goes through the remote helper unless remote_helper=off
// or the face keeps its own connections (empty helper_dir).
std::unique_ptr<Store> CacheSession::make_single_remote(std::string_view entry,
                                                        const RemoteSpec& spec) {
  const std::string mode = config_.remote_helper();
  bool http = spec.scheme == RemoteScheme::kHttp || spec.scheme == RemoteScheme::kHttps;
  if (!http || mode == "off" || options_.helper_dir.empty()) return make_remote_store(spec);
  const bool automatic = mode == "auto";
  std::string program = automatic ? options_.helper_dir + "/edgecache-remote-helper" : mode;
  HelperLaunch launch =
      helper_launch_for(entry, spec.bearer_token, program, config_.remote_helper_idle_timeout());
  launch.warn_if_missing = !automatic;
  auto socket = helper_socket_path(launch);
  if (!socket) {
    setup_warnings_.push_back("remote helper not used: " + socket.error());
    return make_remote_store(spec);
  }
  launch.socket_path = *socket;
  auto store = std::make_unique<HelperStore>(spec, std::move(launch),
                                             [spec] { return make_remote_store(spec); });
  helper_ = store.get();
  return store;
}

std::string CacheSession::remote_helper_problem() const {
  return helper_ ? helper_->problem() : "";
}

std::string CacheSession::remote_description() const {
  return remote_ ? remote_->description() : "";
}

RemoteUse CacheSession::remote_use() const {
  using State = RemoteUse::State;
  if (config_.remote().empty()) return {State::kNone, ""};
  if (!remote_) return {State::kOff, remote_off_reason_};
  if (tiered_->remote_skipped())
    return {State::kOff, "it failed recently and is skipped for " +
                             duration_in_words(kHealthPolicy.disabled_for)};
  return {remote_->read_only() ? State::kReadOnly : State::kOn, ""};
}

std::string CacheSession::remote_off_warning() const {
  if (!remote_switched_off_here_) return "";
  const std::vector<StoreWarning>& warnings = tiered_->warnings();
  auto last = std::find_if(warnings.rbegin(), warnings.rend(),
                           [](const StoreWarning& w) { return w.tier == StoreTier::kRemote; });
  if (last == warnings.rend()) return "";
  return last->text + "; remote cache off for " + duration_in_words(kHealthPolicy.disabled_for);
}

const char* warning_kind_name(SessionWarning::Kind kind) {
  switch (kind) {
    case SessionWarning::Kind::kRemoteHelper:
      return "remote-helper";
    case SessionWarning::Kind::kRemoteOff:
      return "remote-off";
    case SessionWarning::Kind::kLocalIo:
      return "local-io";
    case SessionWarning::Kind::kRemoteFailure:
      return "remote";
  }
  return "remote";
}

std::vector<SessionWarning> CacheSession::warnings() const {
  using Kind = SessionWarning::Kind;
  std::vector<SessionWarning> out;
  if (std::string problem = remote_helper_problem(); !problem.empty())
    out.push_back({Kind::kRemoteHelper, problem});
  if (std::string off = remote_off_warning(); !off.empty()) out.push_back({Kind::kRemoteOff, off});
  const std::vector<StoreWarning>& failures = tiered_->warnings();
  for (StoreTier tier : {StoreTier::kLocal, StoreTier::kRemote}) {
    auto first = std::find_if(failures.begin(), failures.end(),
                              [tier](const StoreWarning& w) { return w.tier == tier; });
    if (first == failures.end()) continue;
    if (tier == StoreTier::kLocal)
      out.push_back({Kind::kLocalIo, first->text + " (build continues without it)"});
    else
      out.push_back({Kind::kRemoteFailure, first->text});
  }
  return out;
}

Status CacheSession::flush_stats(const Counters& extra) {
  Counters all = tiered_->counters();
  for (auto& [name, value] : ledger_->counters()) all[name] += value;
  ledger_->counters().clear();  // added once, whatever happens to the write
  for (auto& [name, value] : extra) all[name] += value;
  return StatsFile(config_.cache_dir()).add(all);
}

}  // namespace edgecache
