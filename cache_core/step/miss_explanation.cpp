#include "edgecache/miss_explanation.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <optional>

#include "edgecache/blob_envelope.h"
#include "edgecache/file_hasher.h"
#include "edgecache/manifest.h"
#include "key/build_tree.h"

namespace edgecache {
namespace {

std::optional<CacheKey> parse_key(const std::string& text) {
  if (text.size() != 34 || text[1] != '-') return std::nullopt;
  auto digest = Hash128::from_hex(text.substr(2));
  if (!digest || (text[0] != 'm' && text[0] != 'r')) return std::nullopt;
  return CacheKey{static_cast<ObjectKind>(text[0]), *digest};
}

std::optional<Manifest> load_manifest(Store& local, const std::string& key_text) {
  auto key = parse_key(key_text);
  if (!key || key->kind != ObjectKind::kManifest) return std::nullopt;
  Result<std::string> blob = local.get(*key);
  if (!blob.ok()) return std::nullopt;
  auto payload = open_blob(ObjectKind::kManifest, *blob);
  if (!payload) return std::nullopt;
  auto manifest = decode_manifest(*payload);
  if (!manifest) return std::nullopt;
  return std::move(*manifest);
}

const ManifestCandidate* candidate_for(const Manifest& manifest, const std::string& result_key) {
  auto key = parse_key(result_key);
  for (const ManifestCandidate& candidate : manifest.candidates) {
    if (key && candidate.result == key->digest) return &candidate;
  }
  return nullptr;
}

std::string short_fingerprint(const std::string& fingerprint) {
  return fingerprint.size() > 12 ? fingerprint.substr(0, 12) : fingerprint;
}

std::string utc_time(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

std::string joined(const std::vector<std::string>& lines, const char* separator) {
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : separator) + line;
  return out;
}

// The placeholders a run's own build tree gives (source dir, then build dir:
// the order of the default base dirs), for printing and re-basing recipes.
PathNormalizer tree_paths(const std::string& source_dir, const std::string& build_dir) {
  return PathNormalizer(std::vector<std::string>{source_dir, build_dir});
}

// The normalizer whose placeholders a run's recipes carry.
PathNormalizer run_paths(const std::string& base_dirs) {
  std::vector<std::string> dirs;
  size_t start = 0;
  while (start <= base_dirs.size()) {
    size_t end = std::min(base_dirs.find(':', start), base_dirs.size());
    if (end > start) dirs.push_back(base_dirs.substr(start, end - start));
    start = end + 1;
  }
  return PathNormalizer(dirs);
}

std::string field_value(const KeyRecipe& recipe, const std::string& name) {
  for (const RecipeField& field : recipe.fields()) {
    if (field.name == name) return field.value;
  }
  return "";
}

// Which discovered dependencies differ between two candidates.
std::vector<std::string> describe_dependency_changes(const ManifestCandidate& before,
                                                     const ManifestCandidate& after) {
  std::map<std::string, std::string> old_deps;
  for (const Dependency& dep : before.deps) old_deps[dep.path] = dep.fingerprint;
  std::vector<std::string> lines;
  for (const Dependency& dep : after.deps) {
    auto it = old_deps.find(dep.path);
    if (dep.path.rfind("@absolute-", 0) == 0) {  // a pseudo-dependency: the paths a result embeds
      if (it != old_deps.end() && it->second != dep.fingerprint)
        lines.push_back("the result embeds its checkout's path (" + it->second + " -> " +
                        dep.fingerprint + ")");
      if (it != old_deps.end()) old_deps.erase(it);
      continue;
    }
    if (it == old_deps.end()) {
      lines.push_back("new dependency " + dep.path);
    } else if (it->second != dep.fingerprint && is_listing_fingerprint(dep.fingerprint) &&
               is_listing_fingerprint(it->second)) {
      const bool probed = dep.fingerprint.rfind(std::string(kProbedPrefix), 0) == 0;
      lines.push_back("searched directory " + dep.path + " has files added or removed" +
                      (probed ? " by a name an #include looks for" : ""));
    } else if (it->second != dep.fingerprint) {
      lines.push_back("dependency " + dep.path + " changed (" + short_fingerprint(it->second) +
                      " -> " + short_fingerprint(dep.fingerprint) + ")");
    }
    if (it != old_deps.end()) old_deps.erase(it);
  }
  for (auto& [path, fingerprint] : old_deps)
    lines.push_back("dependency " + path + " no longer used");
  return lines;
}

// A changed compiler in one sentence, replacing the raw tool fields.
void describe_tool_change(const KeyRecipe& before, const KeyRecipe& after,
                          std::vector<std::string>* lines) {
  if (field_value(before, "tool") == field_value(after, "tool")) return;
  lines->erase(std::remove_if(lines->begin(), lines->end(),
                              [](const std::string& line) {
                                return line.find(" tool: ") != std::string::npos ||
                                       line.find(" tool-version: ") != std::string::npos ||
                                       line.find(" tool-name: ") != std::string::npos;
                              }),
               lines->end());
  std::string old_version = field_value(before, "tool-version"),
              new_version = field_value(after, "tool-version");
  std::string name = field_value(after, "tool-name");
  if (!old_version.empty() && !new_version.empty() && old_version != new_version) {
    lines->insert(lines->begin(), "compiler changed (" + old_version + " → " + new_version + ")");
  } else {
    lines->insert(lines->begin(), "compiler changed: another binary at the same path (" + name +
                                      (new_version.empty() ? "" : ", " + new_version) + ")");
  }
}

KeyRecipe map_recipe(const KeyRecipe& recipe,
                     const std::function<std::string(const std::string&)>& map) {
  KeyRecipe out;
  for (const RecipeField& field : recipe.fields()) out.add(map(field.name), map(field.value));
  return out;
}

// Why the paths alone made two keys differ, or "" when they did not.
std::string path_sentence(const RunPlace& place, const StepRun& earlier, bool other_tree) {
  std::string theirs = earlier.base_dirs.empty() ? "none" : earlier.base_dirs;
  std::string ours = place.base_dirs.empty() ? "none" : place.base_dirs;
  if (other_tree && place.base_dirs.empty())
    return "another build dir or checkout: paths differ (`" + earlier.build_dir + "` vs `" +
           place.build_dir + "`) and they are part of the key; set base_dir";
  if (other_tree)
    return "another build dir or checkout: paths differ (`" + earlier.build_dir + "` vs `" +
           place.build_dir + "`) and the base dirs differ too (`" + theirs + "` vs `" + ours + "`)";
  return "the base dirs changed (`" + theirs + "` vs `" + ours + "`), so paths in the key changed";
}

// What differs between `recipe` (this run at `place`) and `earlier`'s:
// both recipes with their placeholders restored and the earlier run's build
// tree replaced by this one, so only real changes are listed; a sentence
// first when paths alone account for some of the difference.
std::optional<std::vector<std::string>> describe_difference(const KeyRecipe& recipe,
                                                            const RunPlace& place,
                                                            const StepRun& earlier, Store& local) {
  auto old_manifest = load_manifest(local, earlier.input_key);
  if (!old_manifest) return std::nullopt;
  const KeyRecipe& before = old_manifest->recipe;
  PathNormalizer their_bases = run_paths(earlier.base_dirs), our_bases = run_paths(place.base_dirs);
  bool other_tree = !earlier.build_dir.empty() && !place.build_dir.empty() &&
                    earlier.build_dir != place.build_dir &&
                    earlier.source_dir.empty() == place.source_dir.empty();
  PathNormalizer their_tree = tree_paths(earlier.source_dir, earlier.build_dir);
  PathNormalizer our_tree = tree_paths(place.source_dir, place.build_dir);
  KeyRecipe before_here = map_recipe(before, [&](const std::string& text) {
    std::string absolute = their_bases.restore(text);
    return other_tree ? our_tree.restore(their_tree.normalize(absolute)) : absolute;
  });
  KeyRecipe now =
      map_recipe(recipe, [&](const std::string& text) { return our_bases.restore(text); });
  std::vector<std::string> lines = describe_recipe_changes(before_here, now);
  describe_tool_change(before, recipe, &lines);
  if (describe_recipe_changes(before, recipe).size() >
      describe_recipe_changes(before_here, now).size())
    lines.insert(lines.begin(), path_sentence(place, earlier, other_tree));
  return lines;
}

// The earlier run whose recipe differs least from `recipe` (the newest of
// equals), and what differs; nullopt when no earlier manifest is at hand.
std::optional<std::pair<const StepRun*, std::vector<std::string>>> closest_run(
    const KeyRecipe& recipe, const RunPlace& place, const std::vector<const StepRun*>& runs,
    Store& local) {
  std::optional<std::pair<const StepRun*, std::vector<std::string>>> best;
  for (const StepRun* run : runs) {
    auto lines = describe_difference(recipe, place, *run, local);
    if (lines && (!best || lines->size() < best->second.size()))
      best.emplace(run, std::move(*lines));
  }
  return best;
}

std::string evicted_suffix(const RemoteUse& remote) {
  switch (remote.state) {
    case RemoteUse::State::kNone:
      return "; no remote is configured";
    case RemoteUse::State::kOff:
      return "; the remote was off for this run (" + remote.why_off + ")";
    case RemoteUse::State::kReadOnly:
      return "; the remote is read-only, so it never got it";
    case RemoteUse::State::kOn:
      return "; the remote does not have it either";
  }
  return "";
}

std::string first_build_sentence(const RemoteUse& remote) {
  switch (remote.state) {
    case RemoteUse::State::kNone:
      return "first build of this output: no earlier run in the local cache (no remote configured)";
    case RemoteUse::State::kOff:
      return "not in the local cache, and the remote was off for this run (" + remote.why_off + ")";
    default:
      return "first build of this output: no earlier run anywhere in the cache";
  }
}

std::string not_in_cache_sentence(const KeyRecipe& recipe, const std::string& input_key,
                                  const RunPlace& place, const std::vector<StepRun>& all_runs,
                                  const RemoteUse& remote, Store& local) {
  // Runs that were not cached stored nothing to compare with; the newest
  // one with this key says why nothing is in the cache.
  std::vector<StepRun> history;
  const StepRun* uncached = nullptr;
  for (const StepRun& run : all_runs) {
    if (run.outcome != StepOutcome::kUncached)
      history.push_back(run);
    else if (uncached == nullptr && run.input_key == input_key && !input_key.empty())
      uncached = &run;
  }
  auto same = std::find_if(history.begin(), history.end(),
                           [&](const StepRun& r) { return r.input_key == input_key; });
  if (same == history.end() && uncached != nullptr)
    return "the earlier run with this key was not cached (" + uncached->why + ")";
  if (same != history.end()) {
    return "an earlier run stored this step (" + utc_time(same->time_ms) +
           "), but its entry is no longer in the local cache: evicted or cleaned" +
           evicted_suffix(remote);
  }
  if (history.empty()) return first_build_sentence(remote);
  std::vector<const StepRun*> runs;
  for (const StepRun& run : history) runs.push_back(&run);
  auto closest = closest_run(recipe, place, runs, local);
  if (!closest) {
    // No recipe to compare (single-level steps keep none), but without base
    // dirs every key holds the working dir: another build dir alone misses.
    auto other = std::find_if(history.begin(), history.end(), [&](const StepRun& r) {
      return !r.build_dir.empty() && r.build_dir != place.build_dir;
    });
    if (place.base_dirs.empty() && other != history.end() && !place.build_dir.empty())
      return path_sentence(place, *other, true);
    return "changed since the earlier runs of this output, whose manifests are no longer in the "
           "local cache";
  }
  std::vector<std::string>& lines = closest->second;
  if (lines.empty())
    return "the key differs from the closest earlier run's, but in no field the cache records";
  if (lines.front().find(" paths ") != std::string::npos) return joined(lines, "; ");
  return "changed since the closest earlier run: " + joined(lines, "; ");
}

}  // namespace

RunPlace run_place_of(const std::string& absolute_output) {
  RunPlace place;
  place.identity = step_identity(absolute_output);
  std::string dir = absolute_output.substr(0, absolute_output.find_last_of('/'));
  if (auto tree = find_build_tree(dir.empty() ? "/" : dir)) {
    place.build_dir = tree->build_dir;
    place.source_dir = tree->source_dir;
  }
  return place;
}

std::string explain_miss(const LookupOutcome& lookup, const KeyRecipe& recipe,
                         const std::string& input_key, const RunPlace& place,
                         const std::vector<StepRun>& history, const RemoteUse& remote,
                         Store& local) {
  switch (lookup.cause) {
    case MissCause::kNotInCache:
      return not_in_cache_sentence(recipe, input_key, place, history, remote, local);
    case MissCause::kEntryGone:
      return lookup.miss_detail + evicted_suffix(remote);
    default:
      return lookup.miss_detail;
  }
}

Result<std::vector<std::string>> explain_output(const std::string& output, Store& local,
                                                const StepHistory& history) {
  RunPlace place = run_place_of(absolute_path(output, current_directory()));
  std::vector<StepRun> runs = history.runs(place.identity);
  if (runs.empty())
    return Error{"the cache has no record of " + output +
                 " (built without edgecache, or the cache was cleaned)"};
  const StepRun& latest = runs.front();
  place.build_dir = latest.build_dir;
  place.source_dir = latest.source_dir;
  place.base_dirs = latest.base_dirs;
  if (latest.outcome == StepOutcome::kUncached) {
    // It ran without the cache: why is all there is to say.
    return std::vector<std::string>{
        "last run: uncached, it ran without the cache" +
            (latest.build_dir.empty() ? "" : ", in " + latest.build_dir),
        "why: " + latest.why};
  }
  std::vector<std::string> lines{std::string("last run: ") + history_outcome_name(latest.outcome) +
                                 ", input key " + latest.input_key + ", result " +
                                 latest.result_key +
                                 (latest.build_dir.empty() ? "" : ", in " + latest.build_dir)};
  if (!latest.why.empty()) lines.push_back("why it missed: " + latest.why);
  auto now_manifest = load_manifest(local, latest.input_key);
  std::vector<const StepRun*> others;
  for (size_t i = 1; i < runs.size(); ++i) {
    if (runs[i].outcome == StepOutcome::kUncached) continue;  // nothing stored to compare with
    if (runs[i].input_key != latest.input_key || runs[i].result_key != latest.result_key)
      others.push_back(&runs[i]);
  }
  if (others.empty()) {
    if (latest.why.empty())
      lines.push_back("no earlier run with another key: nothing changed since it was first stored");
    return lines;
  }
  if (!now_manifest) {
    lines.push_back(
        "the manifests are no longer in the local cache: cannot compare with earlier runs");
    return lines;
  }
  // The same input key: only discovered dependencies can differ.
  auto same_key = std::find_if(others.begin(), others.end(),
                               [&](const StepRun* r) { return r->input_key == latest.input_key; });
  std::vector<std::string> changes;
  const StepRun* earlier = nullptr;
  if (same_key != others.end()) {
    earlier = *same_key;
    const ManifestCandidate* now = candidate_for(*now_manifest, latest.result_key);
    const ManifestCandidate* old = candidate_for(*now_manifest, earlier->result_key);
    if (now && old) changes = describe_dependency_changes(*old, *now);
    PathNormalizer ours = run_paths(place.base_dirs);
    for (std::string& change : changes) change = ours.restore(change);
  } else if (auto closest = closest_run(now_manifest->recipe, place, others, local)) {
    earlier = closest->first;
    changes = std::move(closest->second);
  } else {
    lines.push_back(
        "the earlier runs' manifests are no longer in the local cache: cannot compare fields");
    return lines;
  }
  lines.push_back(std::string("closest earlier run: ") + history_outcome_name(earlier->outcome) +
                  ", input key " + earlier->input_key +
                  (earlier->build_dir.empty() ? "" : ", in " + earlier->build_dir));
  if (changes.empty()) changes.push_back("no field differs that the cache still records");
  for (const std::string& change : changes) lines.push_back("  " + change);
  return lines;
}

}  // namespace edgecache
