#include "compile_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include "edgecache/cache_session.h"
#include "edgecache/compiler_identity.h"
#include "edgecache/compiler_invocation.h"
#include "edgecache/config.h"
#include "edgecache/file_io.h"
#include "edgecache/process.h"
#include "edgecache/stats.h"
#include "user_messages.h"

namespace edgecache {
namespace {

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Replaces this process with the compiler: the cheapest way to run a call the
// cache does not handle, with the compiler's own exit status and signals.
int exec_compiler(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  print_warning("cannot run " + argv[0]);
  return 127;
}

void count(const Config& config, const std::string& name) {
  StatsFile(config.cache_dir()).add({{name, 1}});
}

std::string language_of(const CompilerInvocation& inv) {
  for (size_t i = 1; i + 1 < inv.argv.size(); ++i) {
    if (inv.argv[i] == "-x") return inv.argv[i + 1];
  }
  const std::string& s = inv.source;
  std::string ext = s.substr(s.rfind('.') + 1);
  return ext == "c" || ext == "i" ? "c" : "c++";
}

// Flags that move the compiler's built-in include dirs.
std::vector<std::string> system_dir_flags(const CompilerInvocation& inv) {
  std::vector<std::string> flags;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i];
    if (a.rfind("--sysroot", 0) == 0 || a.rfind("-nostdinc", 0) == 0 || a.rfind("-stdlib=", 0) == 0 ||
        a.rfind("--target=", 0) == 0 || a == "-m32" || a == "-m64" || a == "-mx32") {
      flags.push_back(a);
    } else if ((a == "-target" || a == "-isysroot") && i + 1 < inv.argv.size()) {
      flags.push_back(a);
      flags.push_back(inv.argv[++i]);
    }
  }
  return flags;
}

struct PreparedCompile {
  Step step;
  std::string our_depfile;  // set when the launcher added -MD -MF itself
};

// Builds the step's input key. Returns the reason when the call turns out
// uncacheable (for example a source using __TIME__).
std::optional<std::string> prepare_step(const CompilerInvocation& inv, const std::string& compiler,
                                        CacheSession& session, PreparedCompile* out) {
  const PathNormalizer& paths = session.paths();
  std::string cwd = current_directory();
  auto identity = compiler_identity(compiler, session.config().cache_dir());
  if (!identity) return "compiler-unreadable";
  auto source = read_file(inv.source);
  if (!source) return "source-unreadable";
  if (source->find("__TIME__") != std::string::npos || source->find("__DATE__") != std::string::npos ||
      source->find("__TIMESTAMP__") != std::string::npos) {
    return "time-macros";
  }
  KeyRecipe& recipe = out->step.recipe;
  recipe.add("kind", "compile");
  recipe.add_hash("tool", *identity);
  recipe.add("tool-name", compiler.substr(compiler.find_last_of('/') + 1));
  for (size_t i = 1; i < inv.argv.size(); ++i) recipe.add("arg", paths.normalize(inv.argv[i]));
  recipe.add("cwd", paths.normalize(cwd));
  for (const std::string& name : compiler_environment_variables()) {
    if (const char* value = std::getenv(name.c_str())) recipe.add("env:" + name, paths.normalize(value));
  }
  recipe.add_hash("input:" + paths.normalize(inv.source), hash_bytes(*source));
  if (!inv.explicit_color) recipe.add("stderr-is-tty", isatty(STDERR_FILENO) ? "yes" : "no");
  // Debug info embeds the working directory: without a prefix map the
  // object is only right for this exact path.
  if (inv.debug_info && !inv.has_prefix_map) recipe.add("absolute-cwd", cwd);

  Step& step = out->step;
  step.scan_for_macros = true;
  step.outputs.push_back({"object", inv.object, false});
  if (inv.depfile_mode != DepfileMode::kNone) {
    step.outputs.push_back({"depfile", inv.depfile, true});
    step.discovered_deps_file = inv.depfile;
  } else {
    const char* tmp = std::getenv("TMPDIR");
    out->our_depfile = std::string(tmp && *tmp ? tmp : "/tmp") + "/edgecache-" +
                       std::to_string(getpid()) + ".d";
    step.discovered_deps_file = out->our_depfile;
  }
  std::string source_abs = absolute_path(inv.source, cwd);
  step.include_search_path.push_back(source_abs.substr(0, source_abs.find_last_of('/')));
  for (const std::string& dir : inv.include_dirs) step.include_search_path.push_back(absolute_path(dir, cwd));
  for (const std::string& dir : compiler_system_include_dirs(compiler, *identity, language_of(inv),
                                                            system_dir_flags(inv),
                                                            session.config().cache_dir())) {
    step.include_search_path.push_back(absolute_path(dir, cwd));
  }
  return std::nullopt;
}

int replay_hit(CacheSession& session, const LookupOutcome& hit, const Config& config) {
  write_all(STDOUT_FILENO, session.paths().restore(hit.entry.stdout_text));
  write_all(STDERR_FILENO, session.paths().restore(hit.entry.stderr_text));
  bool remote = hit.source == HitSource::kRemote;
  session.flush_stats({{remote ? counter::kRemoteHit : counter::kLocalHit, 1},
                       {counter::kTimeSavedMs, static_cast<int64_t>(hit.entry.duration_ms)}});
  log_decision(config.log_file(), std::string("hit ") + (remote ? "remote " : "local ") +
                                      hit.result_key.to_string());
  return hit.entry.exit_status;
}

void report_store_warnings(CacheSession& session) {
  const Config& config = session.config();
  if (session.remote_switched_off_here() && !session.store().warnings().empty()) {
    print_warning(session.store().warnings().back() + "; remote cache off for a minute");
  }
  for (const std::string& warning : session.store().warnings()) {
    if (warning.rfind("local", 0) == 0) {
      print_warning_once(config.cache_dir(), "local-io", warning + " (build continues without it)");
      break;
    }
  }
}

int run_miss(CacheSession& session, const CompilerInvocation& inv, PreparedCompile& prepared,
             const std::string& miss_detail) {
  const Config& config = session.config();
  std::vector<std::string> argv = inv.argv;
  if (!prepared.our_depfile.empty()) {
    argv.insert(argv.end(), {"-MD", "-MF", prepared.our_depfile});
  }
  int64_t start_ns = now_ns();
  auto started = std::chrono::steady_clock::now();
  auto result = run_process(argv);
  if (!result) {
    print_warning(result.error());
    return 127;
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  write_all(STDOUT_FILENO, result->stdout_text);
  write_all(STDERR_FILENO, result->stderr_text);
  if (result->exit_status != 0) {
    if (!prepared.our_depfile.empty()) ::unlink(prepared.our_depfile.c_str());
    session.flush_stats({{counter::kFailedCommand, 1}});
    log_decision(config.log_file(), "failed exit=" + std::to_string(result->exit_status));
    return result->exit_status;
  }
  uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
  StoreOutcome stored = session.steps().store(prepared.step, result->stdout_text, result->stderr_text, ms, start_ns);
  if (!prepared.our_depfile.empty()) ::unlink(prepared.our_depfile.c_str());
  Counters counters{{counter::kMiss, 1}};
  if (stored.kind == StoreResultKind::kSkipped) counters[std::string("not-stored.") + stored.reason] = 1;
  session.flush_stats(counters);
  log_decision(config.log_file(), "miss (" + miss_detail + ") " +
                                      (stored.kind == StoreResultKind::kStored ? "stored " + stored.result_key.to_string()
                                                                               : "not stored: " + stored.reason));
  report_store_warnings(session);
  return result->exit_status;
}

}  // namespace

int run_compile_command(const std::vector<std::string>& argv) {
  Config config = Config::load(process_config_inputs());
  if (config.disabled()) return exec_compiler(argv);
  if (!config.errors().empty()) {
    print_warning_once(config.cache_dir(), "config", "configuration error: " + config.errors().front() +
                                                         " (run `edgecache config`); compiling without the cache");
    return exec_compiler(argv);
  }
  const char* path_env = std::getenv("PATH");
  auto compiler = find_program(argv[0], path_env ? path_env : "/usr/bin:/bin");
  if (!compiler) return exec_compiler(argv);
  std::vector<std::string> resolved = argv;
  resolved[0] = *compiler;

  CompilerInvocation inv = classify_compiler_invocation(resolved);
  if (inv.cacheable && (std::getenv("DEPENDENCIES_OUTPUT") || std::getenv("SUNPRO_DEPENDENCIES"))) {
    inv.cacheable = false;
    inv.uncacheable_reason = "dependency-env";
  }
  if (!inv.cacheable) {
    count(config, counter::kUncacheablePrefix + inv.uncacheable_reason);
    log_decision(config.log_file(), "uncacheable " + inv.uncacheable_reason);
    return exec_compiler(resolved);
  }
  CacheSession session(config);
  for (const std::string& warning : session.setup_warnings()) {
    print_warning_once(config.cache_dir(), "setup", warning);
  }
  PreparedCompile prepared;
  if (auto reason = prepare_step(inv, *compiler, session, &prepared)) {
    count(config, counter::kUncacheablePrefix + *reason);
    log_decision(config.log_file(), "uncacheable " + *reason);
    return exec_compiler(resolved);
  }
  LookupOutcome outcome = session.steps().lookup(prepared.step);
  if (outcome.result == LookupResult::kHit) {
    report_store_warnings(session);
    return replay_hit(session, outcome, config);
  }
  return run_miss(session, inv, prepared, outcome.miss_detail);
}

}  // namespace edgecache
