#include "build_summary.h"

#include <cstdio>

namespace edgecache::ninja {
namespace {

/// "0.4s", "12.3s", "4m31s", "2h05m": short, and precise where it matters.
std::string format_duration(uint64_t ms) {
  char text[32];
  const uint64_t seconds = ms / 1000;
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof text, "%um%02us", static_cast<unsigned>(seconds / 60),
                  static_cast<unsigned>(seconds % 60));
  } else {
    std::snprintf(text, sizeof text, "%uh%02um", static_cast<unsigned>(seconds / 3600),
                  static_cast<unsigned>(seconds / 60 % 60));
  }
  return text;
}

}  // namespace

std::optional<std::string> format_build_summary(const std::optional<CacheCounts>& cache,
                                                const RunnerCounts& runner) {
  if (!cache) return std::nullopt;
  if (runner.ran == 0 && runner.restored == 0) return std::nullopt;
  const int hits = cache->local_hits + cache->remote_hits;
  // A verified hit's command ran too: it is a hit, not one more edge.
  const int ran = runner.ran - cache->verified;
  const int edges = hits + ran;
  std::string verified;
  if (cache->verified > 0) {
    verified = ", " + std::to_string(cache->verified) + " hits verified (" +
               std::to_string(cache->verify_mismatches) + " differed)";
  }
  return "edgecache: " + std::to_string(hits) + "/" + std::to_string(edges) +
         " edges from cache (" + std::to_string(cache->local_hits) + " local, " +
         std::to_string(cache->remote_hits) + " remote), " + std::to_string(ran) + " ran" +
         verified + (cache->saved_ms > 0 ? ", " + format_duration(cache->saved_ms) + " saved" : "");
}

}  // namespace edgecache::ninja
