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

// Repeated names ("arg") are numbered by occurrence so that a changed flag
// shows as one change, not as a shift of every later argument.
std::map<std::string, std::string> numbered(const KeyRecipe& recipe,
                                            std::vector<std::string>* order) {
  std::map<std::string, std::string> result;
  std::map<std::string, int> seen;
  for (const RecipeField& field : recipe.fields()) {
    int n = seen[field.name]++;
    std::string name = n == 0 ? field.name : field.name + " #" + std::to_string(n + 1);
    if (std::find(order->begin(), order->end(), name) == order->end()) order->push_back(name);
    result[name] = field.value;
  }
  return result;
}

}  // namespace

std::vector<std::string> describe_recipe_changes(const KeyRecipe& before, const KeyRecipe& after) {
  std::vector<std::string> order;
  auto old_fields = numbered(before, &order);
  auto new_fields = numbered(after, &order);
  std::vector<std::string> changes;
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
