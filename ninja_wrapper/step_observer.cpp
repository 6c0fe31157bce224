#include "step_observer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <utility>

#include "edgecache/file_io.h"

namespace edgecache::ninja {
namespace {

/// `text` as one /bin/sh word.
std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string executable_dir() {
  char buffer[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "";
  std::string path(buffer, static_cast<size_t>(n));
  return path.substr(0, path.find_last_of('/'));
}

bool is_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

StepObserver::StepObserver(std::string trace_dir) : trace_dir_(std::move(trace_dir)) {
  const std::string dir = executable_dir();
  for (const std::string& candidate :
       {dir + "/" + kTracerLibrary, dir + "/../lib/edgecache/" + kTracerLibrary}) {
    if (!dir.empty() && is_file(candidate)) {
      tracer_ = candidate;
      break;
    }
  }
  if (tracer_.empty()) {
    unavailable_ = std::string("no ") + kTracerLibrary + " next to edgecache-ninja";
  } else if (tracer_.find_first_of(" :") != std::string::npos) {
    // LD_PRELOAD splits its value on spaces and colons.
    unavailable_ = "the tracer's path " + tracer_ + " has a space or colon";
  } else if (Status made = make_directories(trace_dir_); !made) {
    unavailable_ = "cannot create " + trace_dir_ + ": " + made.error();
  }
}

std::string StepObserver::new_trace_file() {
  return trace_dir_ + "/" + std::to_string(::getpid()) + "-" + std::to_string(++traces_) + ".trace";
}

std::string StepObserver::wrap_command(const std::string& command,
                                       const std::string& trace_file) const {
  // The outer shell only sets the environment; the inner one, and every
  // program it starts, runs with the tracer (a user's LD_PRELOAD is kept).
  // The file is created empty first: a run whose processes all failed to
  // load the tracer leaves it empty, which Judge refuses.
  return "export LD_PRELOAD=" + shell_quoted(tracer_) +
         "${LD_PRELOAD:+\" $LD_PRELOAD\"} EDGECACHE_TRACE_FILE=" + shell_quoted(trace_file) +
         " && : >\"$EDGECACHE_TRACE_FILE\" && exec /bin/sh -c " + shell_quoted(command);
}

ObservationVerdict StepObserver::judge(const std::string& trace_file, ObservedStepPaths paths,
                                       const StepStart& start, FileHasher& hasher,
                                       const PathNormalizer& normalizer) const {
  ObservationVerdict verdict;
  auto text = read_file(trace_file);
  discard(trace_file);
  auto accesses = text ? parse_trace(*text) : Result<ObservedAccesses>(Error{text.error()});
  if (!accesses || accesses->reads.empty()) {
    verdict.uncacheable_reason = "untraced-run";
    verdict.detail = accesses ? "the trace is empty" : accesses.error();
    return verdict;
  }
  paths.ignored.insert(tracer_);
  paths.ignored.insert(trace_file);
  return judge_observation(*accesses, paths, start, hasher, normalizer);
}

void StepObserver::discard(const std::string& trace_file) {
  if (!trace_file.empty()) ::unlink(trace_file.c_str());
}

}  // namespace edgecache::ninja
