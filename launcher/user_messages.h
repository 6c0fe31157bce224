#pragma once
// What the launcher says to the user: warnings on stderr, prefixed
// "edgecache: ", and at most once per cache dir and kind of problem within a
// few minutes, because one process runs per compile and a build of 500 files
// must not print 500 copies of "disk full".

#include <string>

namespace edgecache {

void print_warning(const std::string& message);
// Prints unless the same `kind` was printed for `scope` (a cache dir) recently.
void print_warning_once(const std::string& scope, const std::string& kind,
                        const std::string& message);

// Appends one line to the decision log named by EDGECACHE_LOG (if any):
// "<object>: <decision>", the object as the compile names it (its -o, or
// "-" when it names none), so the log says which compile did what (the
// integration tests read it: tests/integration/lib.sh, step_outcomes).
void log_decision(const std::string& log_file, const std::string& object, const std::string& line);

}  // namespace edgecache
