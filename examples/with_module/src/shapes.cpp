#include "shapes.h"

#include <cassert>
#include <cstdio>

namespace shapes {

double circle_area(double radius) {
  assert(radius >= 0);  // __FILE__: a checkout path unless -ffile-prefix-map
  return 3.14159265358979 * radius * radius;
}

std::string describe(double radius) {
  char text[64];
  std::snprintf(text, sizeof text, "circle r=%.1f area=%.2f", radius, circle_area(radius));
  return text;
}

}  // namespace shapes
