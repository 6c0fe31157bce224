#include "shapes.h"

unsigned checksum(const char* text) {
  unsigned sum = 2166136261u;  /* FNV-1a */
  for (; *text; ++text) sum = (sum ^ (unsigned char)*text) * 16777619u;
  return sum;
}
