#pragma once
// `edgecache stats|clean|trim|config|--version|--help`.

#include <optional>
#include <string>
#include <vector>

namespace edgecache {

// Runs an admin command when args[0] names one; nullopt when it does not
// (then the arguments are a compiler command line).
std::optional<int> run_admin_command(const std::vector<std::string>& args);

}  // namespace edgecache
