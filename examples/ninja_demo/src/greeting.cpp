#include "demo/greeting.h"

namespace demo {

std::string Greeting(const std::string& name) { return "hello, " + name; }

}  // namespace demo
