// edgecache: compiler launcher and cache administration.
#include <string>
#include <vector>

#include "admin_commands.h"
#include "compile_command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (auto status = edgecache::run_admin_command(args)) return *status;
  return edgecache::run_compile_command(args);
}
