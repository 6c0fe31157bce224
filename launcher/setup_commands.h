#pragma once
// `edgecache connect` and `edgecache doctor`: set up a shared cache and check
// that the cache can work on this machine.

#include <string>
#include <vector>

namespace edgecache {

int connect_command(const std::vector<std::string>& args);
int doctor_command(const std::vector<std::string>& args);

}  // namespace edgecache
