#include "admin_commands.h"

#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "background_upload.h"
#include "edgecache/cache_check.h"
#include "edgecache/cache_session.h"
#include "edgecache/config.h"
#include "edgecache/local_store.h"
#include "edgecache/miss_explanation.h"
#include "edgecache/remote_spec.h"
#include "edgecache/stats.h"
#include "edgecache/step_history.h"
#include "edgecache/uncached_reason.h"
#include "run_report.h"
#include "setup_commands.h"
#include "user_messages.h"

#ifndef EDGECACHE_VERSION
#define EDGECACHE_VERSION "0.0.0"
#endif

namespace edgecache {
namespace {

constexpr const char* kUsage = R"(usage: edgecache <compiler> [compiler args...]
       edgecache <command> [options]

As a compiler launcher (CMAKE_CXX_COMPILER_LAUNCHER=edgecache):
  edgecache g++ -c a.cpp -o a.o    compile through the cache

Commands:
  stats [--json] [--zero]   hits, misses, uncacheable calls by reason, cache size
  clean                     remove every entry from the local cache
  trim [--max-size SIZE]    evict least recently used entries down to SIZE
  config                    every setting, its value and where it came from
  connect URL [--read-only] [--token-env VAR] [--save-token]
                            check a remote cache with a real round trip and
                            write it to the project's edgecache.json
  verify [--repair]         open every local cache object; exit 1 if any is bad
  doctor                    check that the cache can work here (exit 1 if not)
  explain <output>          why the step that wrote <output> missed: which flag,
                            input, header, environment variable or tool changed
  report <build dir> [--output FILE]
                            an HTML page of the last edgecache-ninja build:
                            summary, timeline, why each edge missed
  wait-uploads              wait until the uploads compiles left running in the
                            background have reached the remote (end of a CI job)
  --version                 print the version
  --help                    print this help

Environment: EDGECACHE_DIR, EDGECACHE_MAX_SIZE, EDGECACHE_BASEDIR,
EDGECACHE_REMOTE, EDGECACHE_REMOTE_TOKEN, EDGECACHE_NO_REMOTE,
EDGECACHE_DISABLE, EDGECACHE_LOG (see `edgecache config`).
)";

std::string human_size(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buffer;
}

Config load_config() { return Config::load(process_config_inputs()); }

int print_stats(bool json) {
  Config config = load_config();
  auto counters = StatsFile(config.cache_dir()).read_all();
  Counters c = counters ? *counters : Counters{};
  CacheUsage usage = LocalStore(config.cache_dir(), config.max_size()).usage();
  if (json) {
    nlohmann::json out = c;
    out["cache.bytes"] = usage.bytes;
    out["cache.files"] = usage.files;
    out["cache.max_bytes"] = config.max_size();
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  int64_t hits = c[counter::kLocalHit] + c[counter::kRemoteHit];
  int64_t lookups = hits + c[counter::kMiss];
  std::printf("Cache directory       %s\n", config.cache_dir().c_str());
  std::printf("Hits                  %lld (local %lld, remote %lld)\n",
              static_cast<long long>(hits), static_cast<long long>(c[counter::kLocalHit]),
              static_cast<long long>(c[counter::kRemoteHit]));
  std::printf("Misses                %lld\n", static_cast<long long>(c[counter::kMiss]));
  if (lookups > 0)
    std::printf("Hit rate              %.1f %%\n",
                100.0 * static_cast<double>(hits) / static_cast<double>(lookups));
  std::printf("Time saved            %.1f s\n",
              static_cast<double>(c[counter::kTimeSavedMs]) / 1000.0);
  std::printf("Failed compiles       %lld\n", static_cast<long long>(c[counter::kFailedCommand]));
  for (auto& [name, value] : c) {
    const bool uncached = name.rfind(counter::kUncacheablePrefix, 0) == 0;
    const bool not_stored = name.rfind("not-stored.", 0) == 0;
    if (!uncached && !not_stored && name.rfind("miss.", 0) != 0) continue;
    std::printf("  %-28s %lld", name.c_str(), static_cast<long long>(value));
    // The reason in words, as the run record and explain say it.
    if (uncached || not_stored)
      std::printf("  (%s)", uncached_phrase(name.substr(name.find('.') + 1)).c_str());
    std::printf("\n");
  }
  std::printf("Corrupt entries       %lld\n", static_cast<long long>(c[counter::kCorruptEntry]));
  std::printf("Bad signatures        %lld\n", static_cast<long long>(c[counter::kBadSignature]));
  if (c[counter::kVerifyChecked] > 0) {
    std::printf("Verified hits         %lld (%lld differed, %lld accepted by verify_ignore)\n",
                static_cast<long long>(c[counter::kVerifyChecked]),
                static_cast<long long>(c[counter::kVerifyMismatch]),
                static_cast<long long>(c[counter::kVerifyIgnored]));
  }
  std::printf("Remote errors         %lld\n", static_cast<long long>(c[counter::kRemoteError]));
  std::printf("Remote read/written   %s / %s\n",
              human_size(static_cast<uint64_t>(c[counter::kRemoteBytesRead])).c_str(),
              human_size(static_cast<uint64_t>(c[counter::kRemoteBytesWritten])).c_str());
  std::printf("Cache size            %s in %llu files (limit %s)\n",
              human_size(usage.bytes).c_str(), static_cast<unsigned long long>(usage.files),
              human_size(config.max_size()).c_str());
  return 0;
}

int stats_command(const std::vector<std::string>& args) {
  bool json = false, zero = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--json")
      json = true;
    else if (args[i] == "--zero" || args[i] == "-z")
      zero = true;
    else {
      std::fprintf(stderr, "edgecache stats: unknown option %s\n", args[i].c_str());
      return 2;
    }
  }
  if (zero) {
    Status zeroed = StatsFile(load_config().cache_dir()).zero();
    if (!zeroed) {
      std::fprintf(stderr, "edgecache stats: %s\n", zeroed.error().c_str());
      return 1;
    }
    std::printf("Statistics zeroed\n");
    return 0;
  }
  return print_stats(json);
}

int clean_command(const std::vector<std::string>&) {
  Config config = load_config();
  Status cleaned = LocalStore(config.cache_dir(), config.max_size()).clean();
  if (!cleaned) {
    std::fprintf(stderr, "edgecache clean: %s\n", cleaned.error().c_str());
    return 1;
  }
  std::printf("Cleaned %s\n", config.cache_dir().c_str());
  return 0;
}

int trim_command(const std::vector<std::string>& args) {
  Config config = load_config();
  uint64_t max_size = config.max_size();
  for (size_t i = 1; i < args.size(); ++i) {
    std::string value;
    if (args[i] == "--max-size" && i + 1 < args.size())
      value = args[++i];
    else if (args[i].rfind("--max-size=", 0) == 0)
      value = args[i].substr(11);
    else {
      std::fprintf(stderr, "edgecache trim: unknown option %s\n", args[i].c_str());
      return 2;
    }
    auto parsed = parse_size(value);
    if (!parsed) {
      std::fprintf(stderr, "edgecache trim: bad size \"%s\" (use e.g. 500M, 2G)\n", value.c_str());
      return 2;
    }
    max_size = *parsed;
  }
  LocalStore store(config.cache_dir(), max_size);
  Status trimmed = store.trim(max_size);
  if (!trimmed) {
    std::fprintf(stderr, "edgecache trim: %s\n", trimmed.error().c_str());
    return 1;
  }
  std::printf("Trimmed to %s (now %s)\n", human_size(max_size).c_str(),
              human_size(store.usage().bytes).c_str());
  return 0;
}

std::string displayed_value(const SettingSpec& spec, const SettingValue& value) {
  if (spec.secret) return value.value.empty() ? "" : "(set, hidden)";
  if (spec.key == "remote") return redact_url_credentials(value.value);
  return value.value;
}

int config_command(const std::vector<std::string>&) {
  Config config = load_config();
  for (const SettingSpec& spec : setting_specs()) {
    const SettingValue& value = config.setting(spec.key);
    std::printf("%-18s %-40s (%s)\n", spec.key.c_str(), displayed_value(spec, value).c_str(),
                value.origin.c_str());
  }
  if (!config.project_file().empty())
    std::printf("\nproject file: %s\n", config.project_file().c_str());
  for (const std::string& error : config.errors())
    std::fprintf(stderr, "edgecache: config error: %s\n", error.c_str());
  return config.errors().empty() ? 0 : 1;
}

int verify_command(const std::vector<std::string>& args) {
  bool repair = args.size() == 2 && args[1] == "--repair";
  if (args.size() > 2 || (args.size() == 2 && !repair)) {
    std::fprintf(stderr, "usage: edgecache verify [--repair]\n");
    return 2;
  }
  Config config = load_config();
  LocalStore local(config.cache_dir(), config.max_size());
  CheckReport report =
      check_local_store(local, BlobCodec{1, config.signing_key(), kDefaultMaxPayloadSize}, repair);
  for (const std::string& bad : report.bad) std::printf("bad: %s\n", bad.c_str());
  std::printf("%llu objects checked, %zu bad%s\n", static_cast<unsigned long long>(report.objects),
              report.bad.size(), repair && !report.bad.empty() ? " (removed)" : "");
  return report.bad.empty() || repair ? 0 : 1;
}

int explain_command(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: edgecache explain <output file>\n");
    return 2;
  }
  Config config = load_config();
  LocalStore local(config.cache_dir(), config.max_size());
  auto lines = explain_output(args[1], local, StepHistory(config.cache_dir()));
  if (!lines) {
    std::fprintf(stderr, "edgecache explain: %s\n", lines.error().c_str());
    return 1;
  }
  std::printf("%s\n", args[1].c_str());
  for (const std::string& line : *lines) std::printf("  %s\n", line.c_str());
  return 0;
}

int wait_uploads_command(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "usage: edgecache wait-uploads\n");
    return 2;
  }
  const std::string cache_dir = load_config().cache_dir();
  wait_for_uploads(cache_dir);
  if (std::string off = take_upload_warning(cache_dir); !off.empty()) print_warning(off);
  return 0;
}

}  // namespace

std::optional<int> run_admin_command(const std::vector<std::string>& args) {
  static const std::map<std::string, std::function<int(const std::vector<std::string>&)>> commands =
      {{"stats", stats_command},     {"clean", clean_command},
       {"trim", trim_command},       {"config", config_command},
       {"explain", explain_command}, {"connect", connect_command},
       {"verify", verify_command},   {"doctor", doctor_command},
       {"report", report_command},   {"wait-uploads", wait_uploads_command}};
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::printf("edgecache %s\n", EDGECACHE_VERSION);
    return 0;
  }
  auto it = commands.find(args[0]);
  if (it == commands.end()) return std::nullopt;
  return it->second(args);
}

}  // namespace edgecache
