#include "util/worker_thread.h"

#include <pthread.h>
#include <signal.h>

#include <system_error>
#include <utility>

namespace edgecache {

bool start_worker_thread(std::vector<std::thread>& threads, std::function<void()> body) {
  sigset_t all, old;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);  // inherited by the new thread
  bool started = true;
  try {
    threads.emplace_back(std::move(body));
  } catch (const std::system_error&) {
    started = false;
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return started;
}

}  // namespace edgecache
