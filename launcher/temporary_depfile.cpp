#include "temporary_depfile.h"

#include <limits.h>
#include <unistd.h>

#include <cstring>
#include <iterator>

namespace edgecache {
namespace {

constexpr int kEndingSignals[] = {SIGINT, SIGTERM, SIGHUP};
static_assert(std::size(kEndingSignals) == TemporaryDepfile::kSignals);

// Read by the handler: a fixed buffer, written before the handlers are set.
char g_path[PATH_MAX] = "";

// Async-signal-safe only: unlink, then the signal again with its default
// action (blocked until this returns), so the launcher ends as it would have.
void remove_and_end(int signal_number) {
  if (g_path[0] != '\0') ::unlink(g_path);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

}  // namespace

TemporaryDepfile::TemporaryDepfile(const std::string& path) {
  if (path.empty() || path.size() >= sizeof(g_path)) return;
  std::memcpy(g_path, path.c_str(), path.size() + 1);
  struct sigaction action {};
  action.sa_handler = remove_and_end;
  sigemptyset(&action.sa_mask);
  // Only where the signal would end the launcher anyway: an ignored SIGINT
  // (a background job of a script) stays ignored.
  for (int i = 0; i < kSignals; ++i) {
    struct sigaction current {};
    installed_[i] = ::sigaction(kEndingSignals[i], nullptr, &current) == 0 &&
                    !(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL &&
                    ::sigaction(kEndingSignals[i], &action, &previous_[i]) == 0;
  }
  armed_ = true;
}

TemporaryDepfile::~TemporaryDepfile() { remove(); }

void TemporaryDepfile::remove() {
  if (!armed_) return;
  ::unlink(g_path);
  for (int i = 0; i < kSignals; ++i) {
    if (installed_[i]) ::sigaction(kEndingSignals[i], &previous_[i], nullptr);
  }
  g_path[0] = '\0';
  armed_ = false;
}

}  // namespace edgecache
