#pragma once
// The remote writes of a compile that missed (its entry, then the merge of
// its manifest: several round trips and a 50-100 ms confirmation pause, see
// TieredStore::update), done by a child process after the launcher has
// handed the compile's result back to the build, so a cold build does not
// wait for the remote.
//
// What must stay true:
//  - nothing is lost that a synchronous upload would have written: the child
//    runs the same writes in the same order; when it cannot be started (no
//    free slot, fork fails) the launcher does them itself, before exiting;
//  - it never breaks or slows a build: the child has its own session, its
//    stdio on /dev/null (Ninja waits for the end of the pipe it gave the
//    compile, never for the child) and nothing to report but cache entries;
//    a remote that fails switches itself off for every process as always
//    (remote_health.h), and the child that switched it off leaves its
//    warning in <cache dir>/uploads/warning for the next launcher (or
//    `edgecache wait-uploads`) to print; a child that crashes loses only its
//    entries;
//  - bounded: at most kUploadSlots children per cache dir at once, each
//    holding an flock on <cache dir>/uploads/slot-<i>.lock while it runs;
//    `edgecache wait-uploads` takes every slot in turn, so it returns once
//    every upload started before it has ended (for CI, before the machine
//    goes away).

#include <string>

namespace edgecache {

class CacheSession;

inline constexpr int kUploadSlots = 16;

// Runs `session`'s deferred remote writes (TieredStore::defer_remote_writes)
// in a detached child, or here when no child can take them. True when a child
// took them: the caller then leaves at once with _exit(), touching neither
// the session nor its stores again (the child shares their open connections:
// a TLS shutdown from the launcher's destructors would cut the child's).
// The child never returns (it exits when done).
[[nodiscard]] bool upload_in_background(CacheSession& session);

// Waits until no upload of the cache dir `cache_dir` is running.
void wait_for_uploads(const std::string& cache_dir);

// The warning a background upload left (the one that switched the remote
// off: its stdio is /dev/null), taken so that one process prints it; "" when
// there is none. Every launcher asks at its end, `edgecache wait-uploads`
// after waiting.
std::string take_upload_warning(const std::string& cache_dir);

}  // namespace edgecache
