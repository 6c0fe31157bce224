#include "store/remote/remote_health.h"

#include <unistd.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "edgecache/file_io.h"
#include "edgecache/file_lock.h"

namespace edgecache {
namespace {

constexpr int kStateVersion = 1;
constexpr size_t kMaxStoredMessage = 500;  // keeps the file small whatever the error

struct HealthState {
  int64_t failures = 0;           // failures since first_failure_ms
  int64_t timeouts = 0;           // how many of them were timeouts
  int64_t first_failure_ms = 0;   // start of the current counting window
  int64_t disabled_until_ms = 0;  // remote is skipped before this time
  std::string last_error;         // the latest failure, redacted by the caller
};

int64_t to_ms(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

int64_t integer_field(const nlohmann::json& json, const char* name) {
  auto it = json.find(name);
  return it != json.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// Anything unreadable, foreign or corrupt reads as the healthy state.
HealthState load(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text) return {};
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || integer_field(json, "version") != kStateVersion) return {};
  HealthState state;
  state.failures = integer_field(json, "failures");
  state.timeouts = integer_field(json, "timeouts");
  state.first_failure_ms = integer_field(json, "first_failure_ms");
  state.disabled_until_ms = integer_field(json, "disabled_until_ms");
  auto error = json.find("last_error");
  if (error != json.end() && error->is_string()) state.last_error = error->get<std::string>();
  return state;
}

// Best effort: a state file that cannot be written only costs the sharing.
void save(const std::string& path, const HealthState& state) {
  nlohmann::json json = {{"version", kStateVersion},
                         {"failures", state.failures},
                         {"timeouts", state.timeouts},
                         {"first_failure_ms", state.first_failure_ms},
                         {"disabled_until_ms", state.disabled_until_ms},
                         {"last_error", state.last_error}};
  // Replacement of invalid UTF-8 keeps dump() from throwing on odd bytes.
  (void)write_file_atomic(path,
                          json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// flock() on a companion file for one read-modify-write. If the lock cannot
// be had, the update still happens, merely unserialized.
FileLock lock_state(const std::string& state_file) {
  std::string lock_path = state_file + ".lock";
  auto slash = lock_path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) (void)make_directories(lock_path.substr(0, slash));
  return FileLock(lock_path);
}

}  // namespace

RemoteHealth::RemoteHealth(std::string state_file, Clock now, RemoteHealthPolicy policy)
    : state_file_(std::move(state_file)), now_(std::move(now)), policy_(policy) {}

bool RemoteHealth::should_skip() const {
  return to_ms(now_()) < load(state_file_).disabled_until_ms;
}

bool RemoteHealth::record_failure(const std::string& message, bool timeout) {
  FileLock lock = lock_state(state_file_);
  HealthState state = load(state_file_);
  int64_t now = to_ms(now_());
  if (now < state.disabled_until_ms) return false;  // already off: someone else warned
  if (state.failures == 0 || now - state.first_failure_ms > policy_.window.count()) {
    state.failures = 0;
    state.timeouts = 0;
    state.first_failure_ms = now;
  }
  state.failures += 1;
  if (timeout) state.timeouts += 1;
  state.last_error = message.substr(0, kMaxStoredMessage);
  bool switched_off =
      state.failures >= policy_.max_failures || state.timeouts >= policy_.max_timeouts;
  if (switched_off) {
    state.disabled_until_ms = now + policy_.disabled_for.count();
    state.failures = 0;  // after the pause the remote gets a fresh count
    state.timeouts = 0;
  }
  save(state_file_, state);
  return switched_off;
}

void RemoteHealth::record_success() {
  // The common case (no failures on record) takes neither the lock nor a write.
  if (load(state_file_).failures == 0) return;
  FileLock lock = lock_state(state_file_);
  HealthState state = load(state_file_);
  if (state.failures == 0) return;
  state.failures = 0;
  state.timeouts = 0;
  state.first_failure_ms = 0;
  save(state_file_, state);
}

}  // namespace edgecache
