#pragma once
#ifdef __cplusplus
#include <string>
namespace shapes {
double circle_area(double radius);
std::string describe(double radius);
}  // namespace shapes
extern "C" {
#endif
unsigned checksum(const char* text);
#ifdef __cplusplus
}
#endif
