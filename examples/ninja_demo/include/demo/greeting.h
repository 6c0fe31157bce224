#pragma once

#include <string>

namespace demo {

std::string Greeting(const std::string& name);
std::string Farewell(const std::string& name);

}  // namespace demo
