#pragma once
#include <string>
#include <vector>

namespace greet {
std::string greeting(const std::string& name);
double area_of_circle(double radius);
std::vector<std::string> split_words(const std::string& text);
}  // namespace greet

extern "C" double mean_of(const double* values, int count);
