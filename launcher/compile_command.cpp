#include "compile_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include "background_upload.h"
#include "edgecache/cache_session.h"
#include "edgecache/compile_step.h"
#include "edgecache/compiler_identity.h"
#include "edgecache/compiler_invocation.h"
#include "edgecache/config.h"
#include "edgecache/file_io.h"
#include "edgecache/hit_verification.h"
#include "edgecache/miss_explanation.h"
#include "edgecache/process.h"
#include "edgecache/stats.h"
#include "edgecache/step_ledger.h"
#include "temporary_depfile.h"
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

// The directory of this executable, where edgecache-remote-helper is
// installed beside it; "" when unknown (then no helper is used).
std::string own_directory() {
  char path[4096];
  ssize_t length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0) return "";
  std::string self(path, static_cast<size_t>(length));
  return self.substr(0, self.find_last_of('/'));
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
  (void)StatsFile(config.cache_dir())
      .add({{name, 1}});  // stats are best effort: never fail a compile
}

RunPlace place_of(const CompileStep& prepared) {
  return run_place_of(absolute_path(prepared.step.outputs.front().path, current_directory()));
}

std::string input_key_of(CacheSession& session, const CompileStep& prepared) {
  return session.steps().input_key(prepared.step).to_string();
}

int replay_hit(CacheSession& session, const CompilerInvocation& inv, const LookupOutcome& hit,
               const Config& config) {
  write_all(STDOUT_FILENO, session.paths().restore(hit.entry.stdout_text));
  write_all(STDERR_FILENO, session.paths().restore(hit.entry.stderr_text));
  (void)session.flush_stats();  // stats are best effort: never fail a compile
  const bool remote = hit.hit_outcome() == StepOutcome::kRemoteHit;
  log_decision(config.log_file(), inv.object,
               std::string("hit ") + (remote ? "remote " : "local ") + hit.result_key.to_string());
  return hit.entry.exit_status;
}

// One process per compile: each says a problem at most once per cache dir
// and kind within a few minutes (print_warning_once), but the switching off
// of the remote is said by the process that did it, every time.
void report_store_warnings(CacheSession& session) {
  const std::string& cache_dir = session.config().cache_dir();
  for (const SessionWarning& warning : session.warnings()) {
    switch (warning.kind) {
      case SessionWarning::Kind::kRemoteOff:
        print_warning(warning.text);
        break;
      case SessionWarning::Kind::kRemoteFailure:
        break;  // said by kRemoteOff when it switches the remote off
      default:
        print_warning_once(cache_dir, warning_kind_name(warning.kind), warning.text);
    }
  }
  // Said by the background upload that switched the remote off (it has no terminal).
  if (std::string off = take_upload_warning(cache_dir); !off.empty()) print_warning(off);
}

// One real run of the compile, with our depfile added when the command has
// none (so the headers are known), its output passed through to ours.
struct RealRun {
  ProcessResult result;
  StepStart start;
  uint64_t duration_ms = 0;
};

// `start`: step_start() before the source was first read.
std::optional<RealRun> run_real(const CompilerInvocation& inv, const CompileStep& prepared,
                                const StepStart& start) {
  std::vector<std::string> argv = inv.argv;
  if (!prepared.our_depfile.empty()) argv.insert(argv.end(), {"-MD", "-MF", prepared.our_depfile});
  RealRun run;
  run.start = start;
  wait_past_start_granule(start);
  auto started = std::chrono::steady_clock::now();
  auto result = run_process(argv);
  if (!result) {
    print_warning(result.error());
    return std::nullopt;
  }
  auto elapsed = std::chrono::steady_clock::now() - started;
  run.duration_ms =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
  run.result = std::move(*result);
  write_all(STDOUT_FILENO, run.result.stdout_text);
  write_all(STDERR_FILENO, run.result.stderr_text);
  return run;
}

int run_miss(CacheSession& session, const CompilerInvocation& inv, CompileStep& prepared,
             const LookupOutcome& lookup, const StepStart& start) {
  StepLedger& ledger = session.ledger();
  const RunPlace place = place_of(prepared);
  const std::string input_key = input_key_of(session, prepared);
  std::string why =
      ledger.why_missed(place, lookup, prepared.step, input_key, session.remote_use());
  const Config& config = session.config();
  session.steps().read_listings_before_run(prepared.step);
  TemporaryDepfile depfile(prepared.our_depfile);
  std::optional<RealRun> run = run_real(inv, prepared, start);
  if (!run) return 127;
  if (run->result.exit_status != 0) {
    ledger.failed();
    (void)session.flush_stats();
    log_decision(config.log_file(), inv.object,
                 "failed exit=" + std::to_string(run->result.exit_status));
    return run->result.exit_status;
  }
  // The remote writes wait until the compile's result is handed back (below).
  session.store().defer_remote_writes();
  StoreOutcome stored =
      session.steps().store(prepared.step, run->result.stdout_text, run->result.stderr_text,
                            run->duration_ms, run->start);
  depfile.remove();  // before the _exit() of a background upload below
  ledger.missed(lookup.cause);
  ledger.stored(place, input_key, stored, why);
  (void)session.flush_stats();
  log_decision(
      config.log_file(), inv.object,
      "miss (" + why + ") " +
          (stored.kind == StoreResultKind::kStored ? "stored " + stored.result_key.to_string()
                                                   : "not stored: " + stored.reason));
  report_store_warnings(session);
  if (upload_in_background(session)) ::_exit(run->result.exit_status);
  return run->result.exit_status;
}

// EDGECACHE_VERIFY: the hit's outputs are on disk; the real compile runs
// over them and its outputs (and messages) are the ones kept. A mismatch is
// printed and counted; with "strict" the compile then fails.
int verify_hit(CacheSession& session, const CompilerInvocation& inv, CompileStep& prepared,
               const LookupOutcome& hit) {
  const Config& config = session.config();
  TemporaryDepfile depfile(prepared.our_depfile);
  std::optional<RealRun> run = run_real(inv, prepared, step_start());
  depfile.remove();
  if (!run) return 127;
  const VerifyOutcome checked = compare_real_run(prepared.step, hit.entry, run->result.exit_status,
                                                 session.paths(), config.verify_ignore());
  const bool remote = hit.hit_outcome() == StepOutcome::kRemoteHit;
  Counters counters{{counter::kVerifyChecked, 1}};
  if (!checked.ignored.empty()) counters[counter::kVerifyIgnored] = 1;
  if (checked.mismatch()) {
    counters[counter::kVerifyMismatch] = 1;
    print_warning("verify: " + prepared.step.outputs.front().path +
                  " differs from the cache entry " + hit.result_key.to_string() + ": " +
                  checked.describe() + " (the real output is kept)");
  }
  (void)session.flush_stats(counters);
  log_decision(config.log_file(), inv.object,
               std::string("hit ") + (remote ? "remote " : "local ") + hit.result_key.to_string() +
                   (checked.mismatch() ? " verify mismatch: " + checked.describe() : " verified"));
  if (checked.mismatch() && config.verify().strict && run->result.exit_status == 0) return 1;
  return run->result.exit_status;
}

}  // namespace

int run_compile_command(const std::vector<std::string>& argv) {
  Config config = Config::load(process_config_inputs());
  if (config.disabled()) return exec_compiler(argv);
  if (!config.errors().empty()) {
    print_warning_once(config.cache_dir(), "config",
                       "configuration error: " + config.errors().front() +
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
    log_decision(config.log_file(), inv.object, "uncacheable " + inv.uncacheable_reason);
    return exec_compiler(resolved);
  }
  CacheSession session(config, SessionOptions{false, own_directory()});
  for (const std::string& warning : session.setup_warnings()) {
    print_warning_once(config.cache_dir(), "setup", warning);
  }
  // Before the source is first read: a change from here on means the key
  // may not describe what the compiler read, so the result is not stored.
  const StepStart start = step_start();
  CompileStep prepared;
  CompileContext context{*compiler, config.cache_dir(), current_directory(),
                         isatty(STDERR_FILENO) != 0, &session.hasher()};
  if (auto reason = make_compile_step(inv, context, session.paths(), &prepared)) {
    count(config, counter::kUncacheablePrefix + *reason);
    log_decision(config.log_file(), inv.object, "uncacheable " + *reason);
    return exec_compiler(resolved);
  }
  LookupOutcome outcome = session.steps().lookup(prepared.step);
  if (outcome.result == LookupResult::kHit) {
    report_store_warnings(session);
    const bool verifying =
        sampled_for_verify(config.verify(), session.steps().input_key(prepared.step));
    session.ledger().hit(place_of(prepared), input_key_of(session, prepared),
                         outcome.result_key.to_string(), outcome.hit_outcome(),
                         outcome.entry.duration_ms, verifying);
    if (verifying) return verify_hit(session, inv, prepared, outcome);
    return replay_hit(session, inv, outcome, config);
  }
  return run_miss(session, inv, prepared, outcome, start);
}

}  // namespace edgecache
