#include "demo/greeting.h"

namespace demo {

std::string Farewell(const std::string& name) { return "goodbye, " + name; }

}  // namespace demo
