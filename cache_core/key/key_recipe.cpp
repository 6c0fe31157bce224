#include "edgecache/key_recipe.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "edgecache/cache_key.h"

namespace edgecache {

void KeyRecipe::add(std::string name, std::string value) {
  fields_.push_back({std::move(name), std::move(value)});
}

Hash128 KeyRecipe::digest() const {
  Hasher hasher;
  hasher.update_field("edgecache-format-" + std::to_string(kFormatVersion));
  for (const RecipeField& field : fields_) {
    hasher.update_field(field.name);
    hasher.update_field(field.value);
  }
  return hasher.digest();
}

nlohmann::json KeyRecipe::to_json() const {
  nlohmann::json fields = nlohmann::json::array();
  for (const RecipeField& field : fields_) fields.push_back({field.name, field.value});
  return fields;
}

Result<KeyRecipe> KeyRecipe::from_json(const nlohmann::json& json) {
  if (!json.is_array()) return Error{"recipe is not an array"};
  KeyRecipe recipe;
  for (const auto& item : json) {
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_string()) {
      return Error{"recipe field is not a [name, value] pair"};
    }
    recipe.add(item[0].get<std::string>(), item[1].get<std::string>());
  }
  return recipe;
}

namespace {

// Fields other than "arg", numbered by occurrence when a name repeats.
std::map<std::string, std::string> named_fields(const KeyRecipe& recipe,
                                                std::vector<std::string>* order) {
  std::map<std::string, std::string> result;
  std::map<std::string, int> seen;
  for (const RecipeField& field : recipe.fields()) {
    if (field.name == "arg") continue;
    int n = seen[field.name]++;
    std::string name = n == 0 ? field.name : field.name + " #" + std::to_string(n + 1);
    if (std::find(order->begin(), order->end(), name) == order->end()) order->push_back(name);
    result[name] = field.value;
  }
  return result;
}

std::vector<std::string> args_of(const KeyRecipe& recipe) {
  std::vector<std::string> args;
  for (const RecipeField& field : recipe.fields()) {
    if (field.name == "arg") args.push_back(field.value);
  }
  return args;
}

// An argument removed in one place and added in another reads as moved
// (the order of flags is part of the key: two -ffile-prefix-map swapped).
void name_moved_arguments(std::vector<std::string>* changes) {
  const std::string removed = "removed arg: ", added = "added arg: ";
  for (auto it = changes->begin(); it != changes->end(); ++it) {
    if (it->compare(0, removed.size(), removed) != 0) continue;
    const std::string arg = it->substr(removed.size());
    auto back = std::find(changes->begin(), changes->end(), added + arg);
    if (back == changes->end()) continue;
    *it = "moved arg: " + arg;
    changes->erase(back);
    it = changes->begin();  // erase may have moved it: start over (few entries)
  }
}

// Arguments compared as sequences (longest common subsequence), so one
// inserted flag reads as one addition, not as every later argument changing.
void describe_argument_changes(const std::vector<std::string>& a, const std::vector<std::string>& b,
                               std::vector<std::string>* changes) {
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<std::string> removed, added;
  auto flush = [&] {
    size_t paired = removed.size() == added.size() ? removed.size() : 0;
    for (size_t k = 0; k < paired; ++k)
      changes->push_back("changed arg: " + removed[k] + " -> " + added[k]);
    for (size_t k = paired; k < removed.size(); ++k)
      changes->push_back("removed arg: " + removed[k]);
    for (size_t k = paired; k < added.size(); ++k) changes->push_back("added arg: " + added[k]);
    removed.clear();
    added.clear();
  };
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      flush();
      ++i, ++j;
    } else if (j == b.size() || (i < a.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
      removed.push_back(a[i++]);
    } else {
      added.push_back(b[j++]);
    }
  }
  flush();
}

}  // namespace

std::vector<std::string> describe_recipe_changes(const KeyRecipe& before, const KeyRecipe& after) {
  std::vector<std::string> order;
  auto old_fields = named_fields(before, &order);
  auto new_fields = named_fields(after, &order);
  std::vector<std::string> changes;
  describe_argument_changes(args_of(before), args_of(after), &changes);
  name_moved_arguments(&changes);
  for (const std::string& name : order) {
    auto o = old_fields.find(name);
    auto n = new_fields.find(name);
    if (o == old_fields.end()) {
      changes.push_back("added " + name + ": " + n->second);
    } else if (n == new_fields.end()) {
      changes.push_back("removed " + name + ": " + o->second);
    } else if (o->second != n->second) {
      changes.push_back("changed " + name + ": " + o->second + " -> " + n->second);
    }
  }
  return changes;
}

}  // namespace edgecache
