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

}  // namespace edgecache
