#include "ninja_options.h"

#include <getopt.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

#include "edgecache/hit_verification.h"  // parse_verify_mode
#include "ninja/debug_flags.h"           // g_explaining, g_keep_depfile, ...
#include "ninja/metrics.h"               // g_metrics
#include "ninja/util.h"                  // Error, Warning, GetProcessorCount, SpellcheckString
#include "ninja/version.h"               // kNinjaVersion

namespace edgecache::ninja {
namespace {

// Long options without a short form.
enum LongOnly { kVersion = 256, kQuiet, kSkipCache, kNoRemote, kVerify };

/// -j when none is given; the same numbers as Ninja's own default so that
/// `edgecache-ninja` and `ninja` load a machine alike.
int default_parallelism() {
  const int processors = GetProcessorCount();
  if (processors <= 1) return 2;
  return processors == 2 ? 3 : processors + 2;
}

void print_usage(const BuildConfig& config) {
  std::fprintf(stderr,
               "usage: edgecache-ninja [options] [targets...]\n"
               "\n"
               "Ninja (%s) with a build cache. If targets are unspecified, builds the\n"
               "'default' target.\n"
               "\n"
               "options:\n"
               "  --version      print the ninja version (\"%s\")\n"
               "  -v, --verbose  show all command lines while building\n"
               "  --quiet        don't show progress status, just command output\n"
               "\n"
               "  -C DIR   change to DIR before doing anything else\n"
               "  -f FILE  specify input build file [default=build.ninja]\n"
               "\n"
               "  -j N     run N jobs in parallel (0 means infinity) [default=%d on this system]\n"
               "  -k N     keep going until N jobs fail (0 means infinity) [default=1]\n"
               "  -l N     do not start new jobs if the load average is greater than N\n"
               "  -n       dry run (don't run commands but act like they succeeded)\n"
               "\n"
               "  -d MODE  enable debugging (use '-d list' to list modes)\n"
               "  -t TOOL  run a subtool of the real ninja (use '-t list' to list subtools)\n"
               "    terminates toplevel options; further flags are passed to the tool\n"
               "  -w FLAG  adjust warnings (use '-w list' to list warnings)\n"
               "\n"
               "cache options:\n"
               "  --skip-cache  run every command; neither read nor write the cache\n"
               "  --no-remote   use only the local cache\n"
               "  --verify[=FRACTION|strict]\n"
               "                also run the command of every hit (or a sampled FRACTION)\n"
               "                and compare; strict: exit 1 when any output differed\n",
               kNinjaVersion, kNinjaVersion, config.parallelism);
}

/// Ninja's Fatal() wording, but returned as an exit code, not exit().
int fatal_usage(const char* message) {
  std::fprintf(stderr, "ninja: fatal: %s\n", message);
  return 1;
}

/// Ninja's error for an unknown -d or -w value, with a spelling suggestion.
void report_unknown(const char* what, const std::string& value, const char* suggestion) {
  if (suggestion != nullptr)
    ::Error("unknown %s '%s', did you mean '%s'?", what, value.c_str(), suggestion);
  else
    ::Error("unknown %s '%s'", what, value.c_str());
}

/// -d MODE. Returns false when the process should exit (list or unknown).
bool enable_debug_mode(const std::string& mode) {
  if (mode == "list") {
    std::printf(
        "debugging modes:\n"
        "  stats        print operation counts/timing info\n"
        "  explain      explain what caused a command to execute\n"
        "  keepdepfile  don't delete depfiles after they're read by ninja\n"
        "  keeprsp      don't delete @response files on success\n"
        "multiple modes can be enabled via -d FOO -d BAR\n");
    return false;
  }
  if (mode == "stats") {
    static Metrics metrics;  // lives as long as Ninja's global pointer to it
    g_metrics = &metrics;
  } else if (mode == "explain") {
    g_explaining = true;
  } else if (mode == "keepdepfile") {
    g_keep_depfile = true;
  } else if (mode == "keeprsp") {
    g_keep_rsp = true;
  } else if (mode == "nostatcache") {
    g_experimental_statcache = false;
  } else {
    const char* suggestion = SpellcheckString(mode.c_str(), "stats", "explain", "keepdepfile",
                                              "keeprsp", "nostatcache", nullptr);
    report_unknown("debug setting", mode, suggestion);
    return false;
  }
  return true;
}

/// -w FLAG. Returns false when the process should exit (list or unknown).
bool set_warning_flag(const std::string& flag, NinjaOptions* options) {
  if (flag == "list") {
    std::printf(
        "warning flags:\n  phonycycle={err,warn}  phony build statement references itself\n");
    return false;
  }
  if (flag == "dupbuild=err" || flag == "dupbuild=warn") {
    options->dupe_edges_should_err = flag == "dupbuild=err";
  } else if (flag == "phonycycle=err" || flag == "phonycycle=warn") {
    options->phony_cycle_should_err = flag == "phonycycle=err";
  } else if (flag == "depfilemulti=err" || flag == "depfilemulti=warn") {
    Warning("deprecated warning 'depfilemulti'");
  } else {
    const char* suggestion = SpellcheckString(flag.c_str(), "dupbuild=err", "dupbuild=warn",
                                              "phonycycle=err", "phonycycle=warn", nullptr);
    report_unknown("warning flag", flag, suggestion);
    return false;
  }
  return true;
}

/// Applies one numeric option (-j, -k, -l); returns an exit code on error.
std::optional<int> apply_number(int opt, const char* text, NinjaOptions* options) {
  char* end = nullptr;
  if (opt == 'l') {
    const double value = std::strtod(text, &end);
    if (end == text) return fatal_usage("-l parameter not numeric: did you mean -l 0.0?");
    options->config.max_load_average = value;
    return std::nullopt;
  }
  const long value = std::strtol(text, &end, 10);
  if (opt == 'j') {
    if (*end != '\0' || value < 0) return fatal_usage("invalid -j parameter");
    // 0 means "no limit"; INT_MAX is as good as infinite.
    options->config.parallelism = value > 0 ? static_cast<int>(value) : INT_MAX;
  } else {
    if (*end != '\0') return fatal_usage("-k parameter not numeric; did you mean -k 0?");
    // -k N allows N failures; N <= 0 means keep going regardless.
    options->config.failures_allowed = value > 0 ? static_cast<int>(value) : INT_MAX;
  }
  return std::nullopt;
}

/// --verify[=VALUE]: no value means every hit. False (message printed)
/// for a value parse_verify_mode rejects.
bool set_verify(const char* value, CacheOptions* cache) {
  cache->verify = value != nullptr ? value : "all";
  if (parse_verify_mode(*cache->verify)) return true;
  fatal_usage("--verify takes a fraction (0.05), all, or strict");
  return false;
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, char** argv) {
  static const option kLongOptions[] = {
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, kVersion},
      {"verbose", no_argument, nullptr, 'v'},
      {"quiet", no_argument, nullptr, kQuiet},
      {"skip-cache", no_argument, nullptr, kSkipCache},
      {"no-remote", no_argument, nullptr, kNoRemote},
      {"verify", optional_argument, nullptr, kVerify},
      {nullptr, 0, nullptr, 0},
  };
  NinjaOptions options;
  options.config.parallelism = default_parallelism();
  auto exit_with = [](int code) { return ParsedCommandLine{std::nullopt, code}; };

  int opt = 0;
  // `-t TOOL` ends option parsing: what follows belongs to the tool.
  while (options.tool.empty() &&
         (opt = getopt_long(argc, argv, "d:f:j:k:l:nt:vw:C:h", kLongOptions, nullptr)) != -1) {
    switch (opt) {
      case 'd':
        if (!enable_debug_mode(optarg)) return exit_with(1);
        break;
      case 'f':
        options.input_file = optarg;
        break;
      case 'j':
      case 'k':
      case 'l':
        if (std::optional<int> code = apply_number(opt, optarg, &options)) return exit_with(*code);
        break;
      case 'n':
        options.config.dry_run = true;
        break;
      case 't':
        options.tool = optarg;
        break;
      case 'v':
        options.config.verbosity = BuildConfig::VERBOSE;
        break;
      case kQuiet:
        options.config.verbosity = BuildConfig::NO_STATUS_UPDATE;
        break;
      case 'w':
        if (!set_warning_flag(optarg, &options)) return exit_with(1);
        break;
      case 'C':
        options.working_dir = optarg;
        break;
      case kSkipCache:
        options.cache.skip_cache = true;
        break;
      case kNoRemote:
        options.cache.no_remote = true;
        break;
      case kVerify:
        if (!set_verify(optarg, &options.cache)) return exit_with(1);
        break;
      case kVersion:
        // CMake reads this to accept us as CMAKE_MAKE_PROGRAM: it must be
        // the version of the Ninja we are built from, and nothing else.
        std::printf("%s\n", kNinjaVersion);
        return exit_with(0);
      case 'h':
      default:
        print_usage(options.config);
        return exit_with(1);
    }
  }
  for (int i = optind; i < argc; ++i) options.args.emplace_back(argv[i]);
  return ParsedCommandLine{std::move(options), 0};
}

}  // namespace edgecache::ninja
