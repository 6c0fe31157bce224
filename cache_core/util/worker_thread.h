// How helper threads start (edgecache-ninja's restore pool, remote prefetch
// and uploader; the shared HTTP transfer thread): with every signal blocked,
// since Ninja's SubprocessSet waits for SIGINT in the main thread's pselect,
// and without aborting the build when the system has no thread to give (a
// process limit).
#pragma once

#include <functional>
#include <thread>
#include <vector>

namespace edgecache {

/// Starts `body` on a new thread appended to `threads`, every signal
/// blocked in it. False when no thread could be started.
bool start_worker_thread(std::vector<std::thread>& threads, std::function<void()> body);

}  // namespace edgecache
