#include <cstdio>

#include "words.h"

int main() {
  const char* text = "a plain project built through a cache";
  std::printf("%zu words, %d vowels\n", split_words(text).size(), count_vowels(text));
  return 0;
}
