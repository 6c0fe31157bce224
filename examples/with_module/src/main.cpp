#include <cstdio>

#include "shapes.h"

int main() {
  std::string text = shapes::describe(2.0);
  std::printf("%s (checksum %08x)\n", text.c_str(), checksum(text.c_str()));
  return 0;
}
