#include <cmath>

#include "greet/greet.h"

namespace greet {
double area_of_circle(double radius) {
  int unused_for_warning_replay = 0;  // -Wall warns: the cache must replay it
  return M_PI * radius * radius;
}
}  // namespace greet
