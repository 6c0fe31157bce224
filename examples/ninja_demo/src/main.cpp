#include <iostream>

#include "demo/greeting.h"
#include "demo_version.h"

int main() {
  std::cout << demo::Greeting("edgecache") << " (demo " << DEMO_VERSION << ")\n";
  std::cout << demo::Farewell("edgecache") << "\n";
  return 0;
}
