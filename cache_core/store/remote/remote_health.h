#pragma once
// "The remote is down", shared by every edgecache process on the machine.
//
// The launcher runs one process per compile, so a remote that times out would
// cost every compile its timeout. After `max_failures` failures within
// `window`, or after a single timeout (a silent server costs every process
// that tries it a wait), the remote is switched off for `disabled_for`;
// every process sees that in a small state file in the local cache directory.
//
// State file (JSON, version 1), replaced atomically, read-modify-write under
// flock() on "<state file>.lock":
//   {"version":1, "failures":2, "timeouts":0, "first_failure_ms":..., "disabled_until_ms":...,
//    "last_error":"GET http://host/...: Timeout was reached"}
// Times are milliseconds since the Unix epoch (wall clock: shared by processes).
// A missing or unreadable file means healthy; it never makes a caller fail.

#include <chrono>
#include <functional>
#include <string>

namespace edgecache {

struct RemoteHealthPolicy {
  int max_failures = 3;                            // failures that switch the remote off...
  int max_timeouts = 1;                            // ...or timeouts among them...
  std::chrono::milliseconds window{60'000};        // ...when they all fall within this span
  std::chrono::milliseconds disabled_for{60'000};  // how long it then stays off
};

class RemoteHealth {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `state_file` is created (with its directory) on the first failure.
  // `now` is injectable so tests need not sleep.
  explicit RemoteHealth(std::string state_file, Clock now = std::chrono::system_clock::now,
                        RemoteHealthPolicy policy = {});

  // True while the remote is switched off: callers skip it.
  bool should_skip() const;

  // Counts one failure. Returns true only for the one call, across all
  // processes, that switched the remote off: that caller prints the warning.
  // `message` is kept in the state file: it must already be redacted.
  // `timeout`: the remote did not answer in time (ErrorCode::kTimeout).
  bool record_failure(const std::string& message, bool timeout = false);

  // Forgets earlier failures, so sporadic errors never add up to a switch-off.
  void record_success();

 private:
  std::string state_file_;     // the shared state, see the format above
  Clock now_;                  // wall clock, or a test's
  RemoteHealthPolicy policy_;  // thresholds
};

}  // namespace edgecache
