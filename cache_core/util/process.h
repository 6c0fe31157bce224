#pragma once
// Running a command and capturing what it prints.

#include <string>
#include <vector>

#include "edgecache/result.h"

namespace edgecache {

struct ProcessResult {
  int exit_status = 0;  // the exit code, or 128 + signal number as shells report it
  std::string stdout_text;
  std::string stderr_text;
};

// Runs argv (argv[0] resolved through PATH unless it contains '/') with the
// current environment and stdin, capturing stdout and stderr in memory.
// An error only when the command could not be started.
Result<ProcessResult> run_process(const std::vector<std::string>& argv);

// Finds `program` the way execvp would (a name with '/' is taken as is),
// skipping any candidate that is the running executable itself, so a
// symlink named "gcc" pointing at edgecache does not find itself.
Result<std::string> find_program(const std::string& program, const std::string& path_env);

}  // namespace edgecache
