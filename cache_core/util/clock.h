#pragma once
// The wall clock, in one place so every timestamp the cache writes (run
// records, history) reads the same clock.

#include <cstdint>

namespace edgecache {

// CLOCK_REALTIME in nanoseconds since the epoch.
int64_t now_ns();

}  // namespace edgecache
