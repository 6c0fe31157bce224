#include <cstdio>

#include "greet/greet.h"
#include "version.h"

int main() {
  double values[] = {1, 2, 3};
  std::printf("%s (hello %s)\n", greet::greeting("edgecache").c_str(), HELLO_VERSION);
  std::printf("words: %zu, area: %.2f, mean: %.1f\n", greet::split_words("a b c").size(),
              greet::area_of_circle(1.0), mean_of(values, 3));
  return 0;
}
