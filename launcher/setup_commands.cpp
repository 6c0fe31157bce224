#include "setup_commands.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "edgecache/compiler_identity.h"
#include "edgecache/config.h"
#include "edgecache/file_io.h"
#include "edgecache/local_store.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/remote_probe.h"
#include "edgecache/stats.h"

namespace edgecache {
namespace {

struct ConnectOptions {
  std::string url;
  bool read_only = false;
  bool save_token = false;
  std::string token_env = "EDGECACHE_REMOTE_TOKEN";
};

bool parse_connect_args(const std::vector<std::string>& args, ConnectOptions* out) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--read-only")
      out->read_only = true;
    else if (args[i] == "--save-token")
      out->save_token = true;
    else if (args[i] == "--token-env" && i + 1 < args.size())
      out->token_env = args[++i];
    else if (args[i].rfind("-", 0) != 0 && out->url.empty())
      out->url = args[i];
    else
      return false;
  }
  return !out->url.empty();
}

void print_probe(const ProbeReport& report) {
  for (const ProbeStep& step : report.steps) {
    std::printf("  %-20s %s (%.0f ms)%s%s\n", step.name.c_str(), step.ok ? "ok" : "FAILED",
                step.milliseconds, step.ok ? "" : ": ",
                step.ok ? "" : (step.failure + " - " + step.detail).c_str());
  }
}

// Updates (or creates) the project file with the remote; nothing is written
// when the existing file is not a JSON object.
bool write_project_file(const std::string& path, const std::string& url, const std::string& token) {
  nlohmann::json json = nlohmann::json::object();
  if (auto text = read_file(path)) {
    json = nlohmann::json::parse(*text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      std::fprintf(stderr, "edgecache connect: %s is not a JSON object; not changed\n",
                   path.c_str());
      return false;
    }
  }
  json["remote"] = url;
  if (!token.empty()) json["remote_token"] = token;
  Status written = write_file_atomic(path, json.dump(2) + "\n");
  if (!written) std::fprintf(stderr, "edgecache connect: %s\n", written.error().c_str());
  return written.ok();
}

std::string project_file_path() {
  Config config = Config::load(process_config_inputs());
  return config.project_file().empty() ? current_directory() + "/edgecache.json"
                                       : config.project_file();
}

}  // namespace

int connect_command(const std::vector<std::string>& args) {
  ConnectOptions options;
  if (!parse_connect_args(args, &options)) {
    std::fprintf(stderr,
                 "usage: edgecache connect URL [--read-only] [--token-env VAR] [--save-token]\n");
    return 2;
  }
  std::string url;
  for (std::string_view entry : split_remote_list(options.url)) {
    url += (url.empty() ? "" : " ") + std::string(entry) + (options.read_only ? "|read-only" : "");
  }
  auto specs = parse_remote_list(url);
  if (!specs) {
    std::fprintf(stderr, "edgecache connect: %s\n", specs.error().c_str());
    return 2;
  }
  const char* token = std::getenv(options.token_env.c_str());
  bool all_ok = true;
  for (RemoteSpec& spec : *specs) {
    spec.bearer_token = token ? token : "";
    auto store = make_remote_store(spec);
    std::printf("Checking %s\n", store->description().c_str());
    ProbeReport report = probe_remote(*store, !spec.read_only);
    print_probe(report);
    all_ok = all_ok && report.ok();
  }
  if (!all_ok) {
    std::fprintf(stderr, "edgecache connect: the server failed the check; nothing was written\n");
    return 1;
  }
  bool read_only = specs->front().read_only;
  std::string path = project_file_path();
  if (options.save_token && token) {
    std::fprintf(stderr,
                 "edgecache: warning: the token is saved in plain text in %s; keep that file out "
                 "of version control\n",
                 path.c_str());
  }
  if (!write_project_file(path, url, options.save_token && token ? token : "")) return 1;
  std::printf(
      "\nConnected. Wrote \"remote\" to %s:\n  every edgecache build below %s now reads%s this "
      "cache.\n",
      path.c_str(), path.substr(0, path.find_last_of('/')).c_str(), read_only ? "" : " and writes");
  if (!options.save_token && token && *token) {
    std::printf("  The token was not saved: set %s where builds run.\n", options.token_env.c_str());
  }
  std::printf(
      "  Off for one build: EDGECACHE_NO_REMOTE=1. Off for good: remove \"remote\" from the "
      "file.\n");
  return 0;
}

namespace {

struct DoctorReport {
  int failures = 0;
  void line(bool ok, const std::string& what, const std::string& detail) {
    std::printf("  [%s] %-26s %s\n", ok ? " ok " : "FAIL", what.c_str(), detail.c_str());
    if (!ok) ++failures;
  }
};

void check_cache_dir(const Config& config, DoctorReport& report) {
  std::string probe = config.cache_dir() + "/doctor-probe-" + std::to_string(getpid());
  Status written = write_file_atomic(probe, "probe");
  ::unlink(probe.c_str());
  report.line(written.ok(), "cache dir writable", written ? config.cache_dir() : written.error());
  CacheUsage usage = LocalStore(config.cache_dir(), config.max_size()).usage();
  report.line(true, "cache size",
              std::to_string(usage.bytes / (1024 * 1024)) + " MiB in " +
                  std::to_string(usage.files) + " files, limit " +
                  std::to_string(config.max_size() / (1024 * 1024)) + " MiB");
}

void check_remote(const Config& config, DoctorReport& report) {
  if (config.remote().empty()) {
    report.line(true, "remote", "none configured (local cache only)");
    return;
  }
  auto specs = parse_remote_list(config.remote());
  if (!specs) {
    report.line(false, "remote", specs.error());
    return;
  }
  if (config.no_remote()) report.line(true, "remote", "configured but switched off (no_remote)");
  for (RemoteSpec& spec : *specs) {
    spec.bearer_token = config.remote_token();
    auto store = make_remote_store(spec);
    ProbeReport probe = probe_remote(*store, !spec.read_only);
    for (const ProbeStep& step : probe.steps) {
      char timing[32];
      std::snprintf(timing, sizeof timing, " (%.1f ms)", step.milliseconds);
      report.line(step.ok, "remote " + step.name,
                  step.ok ? redacted_url(spec) + timing
                          : redacted_url(spec) + ": " + step.failure + ": " + step.detail);
    }
  }
}

void check_compilers(const Config& config, DoctorReport& report) {
  const char* path = std::getenv("PATH");
  for (const char* name : {"cc", "c++"}) {
    auto found = find_program(name, path ? path : "/usr/bin:/bin");
    if (!found) {
      report.line(true, std::string("compiler ") + name, "not on PATH");
      continue;
    }
    auto identity = compiler_identity(*found, config.cache_dir());
    report.line(
        identity.ok(), std::string("compiler ") + name,
        identity ? *found + " (content " + identity->hex().substr(0, 12) + ")" : identity.error());
  }
}

void check_hit_rate(const Config& config, DoctorReport& report) {
  auto counters = StatsFile(config.cache_dir()).read_all();
  Counters c = counters ? *counters : Counters{};
  int64_t hits = c[counter::kLocalHit] + c[counter::kRemoteHit];
  int64_t total = hits + c[counter::kMiss];
  report.line(true, "hit rate",
              total == 0 ? "no cached compiles yet"
                         : std::to_string(100 * hits / total) + "% of " + std::to_string(total) +
                               " lookups (edgecache stats --zero to restart)");
}

}  // namespace

int doctor_command(const std::vector<std::string>&) {
  Config config = Config::load(process_config_inputs());
  DoctorReport report;
  std::printf("edgecache doctor\n");
  for (const std::string& error : config.errors()) report.line(false, "configuration", error);
  if (config.errors().empty())
    report.line(true, "configuration", "no errors (edgecache config shows every value)");
  if (config.disabled())
    report.line(true, "disabled", "EDGECACHE_DISABLE/disable is set: no caching");
  check_cache_dir(config, report);
  check_remote(config, report);
  check_compilers(config, report);
  check_hit_rate(config, report);
  std::printf(report.failures == 0 ? "All checks passed.\n" : "%d check(s) failed.\n",
              report.failures);
  return report.failures == 0 ? 0 : 1;
}

}  // namespace edgecache
