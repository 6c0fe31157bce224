#pragma once
// Counters shared by every process using one cache directory.
//
// Format: <cache dir>/stats/<n>.json, n in 0..15, each a JSON object of
// counter name -> integer. A process adds to the file chosen by its pid under
// an exclusive flock, so concurrent compiles rarely contend and never lose an
// increment; readers sum all files.

#include <cstdint>
#include <map>
#include <string>

#include "edgecache/result.h"

namespace edgecache {

using Counters = std::map<std::string, int64_t>;

// Counter names in use (others, like "uncacheable.<reason>", are built).
namespace counter {
inline constexpr const char* kLocalHit = "hit.local";
inline constexpr const char* kRemoteHit = "hit.remote";
inline constexpr const char* kMiss = "miss";
inline constexpr const char* kUncacheablePrefix = "uncacheable.";
inline constexpr const char* kError = "error";
inline constexpr const char* kRemoteError = "remote.error";
inline constexpr const char* kBytesRead = "bytes.read";
inline constexpr const char* kBytesWritten = "bytes.written";
inline constexpr const char* kRemoteBytesRead = "remote.bytes.read";
inline constexpr const char* kRemoteBytesWritten = "remote.bytes.written";
inline constexpr const char* kCorruptEntry = "corrupt";
inline constexpr const char* kBadSignature = "rejected.signature";
inline constexpr const char* kFailedCommand = "failed";
inline constexpr const char* kTimeSavedMs = "time.saved.ms";
// --verify / EDGECACHE_VERIFY: hits re-run and compared, those whose real
// outputs or exit status differed, those whose differences verify_ignore accepted.
inline constexpr const char* kVerifyChecked = "verify.checked";
inline constexpr const char* kVerifyMismatch = "verify.mismatch";
inline constexpr const char* kVerifyIgnored = "verify.ignored";
}  // namespace counter

class StatsFile {
 public:
  explicit StatsFile(std::string cache_dir);
  Status add(const Counters& delta) const;
  Result<Counters> read_all() const;
  Status zero() const;

 private:
  std::string dir_;  // <cache dir>/stats
};

}  // namespace edgecache
