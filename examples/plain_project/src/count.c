#include "words.h"

#include <string.h>

int count_vowels(const char* text) {
  int n = 0;
  for (; *text; ++text) n += strchr("aeiouAEIOU", *text) != NULL;
  return n;
}
