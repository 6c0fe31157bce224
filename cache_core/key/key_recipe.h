#pragma once
// A cache key as an ordered list of named fields, kept so that a miss can be
// explained field by field against an earlier recipe (`edgecache explain`).

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "edgecache/hash.h"
#include "edgecache/result.h"

namespace edgecache {

struct RecipeField {
  std::string name;   // "tool", "arg", "input:<path>", "env:<NAME>", ... (may repeat)
  std::string value;  // text, or a content hash in hex for file inputs
  bool operator==(const RecipeField&) const = default;
};

class KeyRecipe {
 public:
  void add(std::string name, std::string value);
  void add_hash(std::string name, const Hash128& hash) { add(std::move(name), hash.hex()); }

  // Hash of kFormatVersion and every field, in order.
  Hash128 digest() const;
  const std::vector<RecipeField>& fields() const { return fields_; }

  nlohmann::json to_json() const;
  static Result<KeyRecipe> from_json(const nlohmann::json& json);

 private:
  std::vector<RecipeField> fields_;
};

// One line per difference between two recipes, e.g.
// "changed arg #3: -O2 -> -O3", "added input:src/new.h".
std::vector<std::string> describe_recipe_changes(const KeyRecipe& before, const KeyRecipe& after);

}  // namespace edgecache
