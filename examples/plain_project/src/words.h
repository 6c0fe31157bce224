#pragma once
#ifdef __cplusplus
#include <string>
#include <vector>
std::vector<std::string> split_words(const std::string& text);
extern "C" {
#endif
int count_vowels(const char* text);
#ifdef __cplusplus
}
#endif
