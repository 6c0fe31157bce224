#include "edgecache/config.h"

#include <sys/stat.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "edgecache/file_io.h"
#include "edgecache/hit_verification.h"
#include "edgecache/path_normalizer.h"
#include "key/build_tree.h"

namespace edgecache {
namespace {

using Layer = std::map<std::string, std::string>;

std::string home_relative(const ConfigInputs& in, const char* xdg, const char* fallback) {
  if (auto dir = in.getenv(xdg); dir && !dir->empty()) return *dir;
  auto home = in.getenv("HOME");
  return (home && !home->empty() ? *home : std::string("/tmp")) + "/" + fallback;
}

Layer default_layer(const ConfigInputs& in) {
  return {{"dir", home_relative(in, "XDG_CACHE_HOME", ".cache") + "/edgecache"},
          {"max_size", "5G"},
          {"base_dir", ""},
          {"remote", ""},
          {"remote_token", ""},
          {"no_remote", "false"},
          {"remote_helper", "auto"},
          {"remote_helper_idle_timeout", "600"},
          {"background_uploads", "auto"},
          {"disable", "false"},
          {"log", ""},
          {"compression", "true"},
          {"compression_level", "1"},
          {"local_compression", "false"},
          {"exclude_rules", ""},
          {"signing_key", ""},
          {"verify", ""},
          {"verify_ignore", ""}};
}

std::string env_name(const std::string& key) {
  for (const SettingSpec& spec : setting_specs()) {
    if (spec.key == key) return spec.env;
  }
  return key;
}

bool is_known_key(const std::string& key) {
  for (const SettingSpec& spec : setting_specs()) {
    if (spec.key == key) return true;
  }
  return false;
}

std::string json_value_to_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) {
      if (!joined.empty()) joined += ':';
      joined += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return joined;
  }
  return value.dump();  // numbers and booleans in their JSON spelling
}

// A missing file is an empty layer; a malformed one is an error and empty.
Layer json_file_layer(const std::string& path, std::vector<std::string>* errors) {
  auto text = read_file(path);
  if (!text) return {};
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    errors->push_back(path + ": not a JSON object; file ignored");
    return {};
  }
  Layer layer;
  for (auto& [key, value] : json.items()) {
    if (!is_known_key(key)) {
      errors->push_back(path + ": unknown key \"" + key + "\" ignored");
      continue;
    }
    layer[key] = json_value_to_text(value);
  }
  return layer;
}

std::string find_project_file(const std::string& cwd) {
  std::string dir = cwd;
  for (;;) {
    std::string candidate = dir + "/edgecache.json";
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
    if (dir == "/" || dir.empty()) return "";
    auto slash = dir.find_last_of('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

// Zero configuration for CMake builds: the build tree the working dir lies
// in gives the default base dirs (its source dir, then the build dir itself,
// always both and in this order, so every checkout numbers its placeholders
// alike). Any file, variable or flag that sets base_dir wins, "" included.
void add_build_tree_defaults(const ConfigInputs& in, std::map<std::string, SettingValue>* values) {
  auto tree = find_build_tree(absolute_path(in.cwd, "/"));
  if (!tree) return;
  std::string dirs =
      tree->source_dir.empty() ? tree->build_dir : tree->source_dir + ":" + tree->build_dir;
  (*values)["base_dir"] = {dirs, "default from " + tree->cache_file};
}

Layer env_layer(const ConfigInputs& in) {
  Layer layer;
  for (const SettingSpec& spec : setting_specs()) {
    if (auto value = in.getenv(spec.env)) layer[spec.key] = *value;
  }
  return layer;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Checks typed settings; a bad value is reported and the previous one kept.
bool is_valid(const std::string& key, const std::string& value) {
  if (key == "max_size") return parse_size(value).has_value();
  if (key == "no_remote" || key == "disable" || key == "compression" || key == "local_compression")
    return parse_bool(value).has_value();
  if (key == "verify") return parse_verify_mode(value).has_value();
  if (key == "remote_helper") return value == "auto" || value == "off" || value.starts_with("/");
  if (key == "background_uploads") return value == "auto" || parse_bool(value).has_value();
  if (key == "remote_helper_idle_timeout") {
    char* end = nullptr;
    long seconds = std::strtol(value.c_str(), &end, 10);
    return !value.empty() && *end == '\0' && seconds >= 0;
  }
  if (key == "compression_level") {
    char* end = nullptr;
    long level = std::strtol(value.c_str(), &end, 10);
    return !value.empty() && *end == '\0' && level >= -5 && level <= 19;
  }
  return true;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
  static const std::vector<SettingSpec> specs = {
      {"dir", "EDGECACHE_DIR", "local cache directory"},
      {"max_size", "EDGECACHE_MAX_SIZE", "local cache size limit (e.g. 5G, 500M)"},
      {"base_dir", "EDGECACHE_BASEDIR", "':'-separated dirs whose paths are made relative in keys"},
      {"remote", "EDGECACHE_REMOTE",
       "remote cache URL with |attributes (http://, https://, file://, redis://, s3://); several "
       "separated by spaces"},
      {"remote_token", "EDGECACHE_REMOTE_TOKEN", "bearer token for the remote", true},
      {"no_remote", "EDGECACHE_NO_REMOTE", "true: use the local cache only"},
      {"remote_helper", "EDGECACHE_REMOTE_HELPER",
       "launcher's way to an http(s) remote: auto (edgecache-remote-helper beside edgecache, which "
       "keeps connections open), off (direct), or the absolute path of a helper (a ccache storage "
       "helper works)"},
      {"remote_helper_idle_timeout", "EDGECACHE_REMOTE_HELPER_IDLE_TIMEOUT",
       "seconds the remote helper stays up without clients (0: until stopped)"},
      {"background_uploads", "EDGECACHE_BACKGROUND_UPLOADS",
       "launcher's remote writes after a miss: true (by a detached process, the compile returns at "
       "once), false (before the compile returns), auto (true, except false when the CI variable "
       "is set: a CI machine may go away before detached uploads end)"},
      {"disable", "EDGECACHE_DISABLE", "true: run every command without the cache"},
      {"log", "EDGECACHE_LOG", "file to append one line per cache decision to"},
      {"compression", "EDGECACHE_COMPRESSION",
       "compress what is sent to the remote (false: nothing compressed, 3x the bytes)"},
      {"compression_level", "EDGECACHE_COMPRESSION_LEVEL", "zstd level for new entries (-5..19)"},
      {"local_compression", "EDGECACHE_LOCAL_COMPRESSION",
       "compress new entries and manifests in the local cache too (a third of the disk; lookups "
       "and restores decompress, a warm rebuild about a fifth slower)"},
      {"exclude_rules", "EDGECACHE_EXCLUDE_RULES", "':'-separated Ninja rule names never cached"},
      {"signing_key", "EDGECACHE_SIGNING_KEY", "shared secret for signed entries", true},
      {"verify", "EDGECACHE_VERIFY",
       "re-run hits and compare: off, a fraction (0.05), all, or strict"},
      {"verify_ignore", "EDGECACHE_VERIFY_IGNORE",
       "':'-separated shell patterns of outputs whose differences are accepted"},
  };
  return specs;
}

ConfigInputs process_config_inputs() {
  ConfigInputs inputs;
  inputs.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
  inputs.cwd = current_directory();
  return inputs;
}

Config Config::load(const ConfigInputs& inputs) {
  Config config;
  // CI services (GitHub Actions, GitLab CI, CircleCI, Travis, Buildkite, ...)
  // set CI=true; "false" or "0" is someone saying it is not one.
  const std::optional<std::string> ci = inputs.getenv("CI");
  config.in_ci_ = ci && !ci->empty() && parse_bool(*ci).value_or(true);
  for (auto& [key, value] : default_layer(inputs)) config.values_[key] = {value, "default"};
  add_build_tree_defaults(inputs, &config.values_);
  std::string user_file =
      home_relative(inputs, "XDG_CONFIG_HOME", ".config") + "/edgecache/config.json";
  config.project_file_ = find_project_file(inputs.cwd);
  std::vector<std::pair<std::string, Layer>> layers;
  layers.emplace_back(user_file, json_file_layer(user_file, &config.errors_));
  if (!config.project_file_.empty()) {
    layers.emplace_back(config.project_file_,
                        json_file_layer(config.project_file_, &config.errors_));
  }
  layers.emplace_back("env", env_layer(inputs));
  layers.emplace_back("command line", inputs.command_line);
  for (auto& [origin, layer] : layers) {
    for (auto& [key, value] : layer) {
      if (!is_valid(key, value)) {
        config.errors_.push_back(origin + ": invalid value \"" + value + "\" for " + key +
                                 "; using " + config.values_[key].value);
        continue;
      }
      config.values_[key] = {value, origin == "env" ? "env " + env_name(key) : origin};
    }
  }
  return config;
}

const SettingValue& Config::setting(const std::string& key) const {
  static const SettingValue empty;
  auto it = values_.find(key);
  return it == values_.end() ? empty : it->second;
}

std::string Config::cache_dir() const { return setting("dir").value; }
uint64_t Config::max_size() const { return parse_size(setting("max_size").value).value_or(0); }
std::vector<std::string> Config::base_dirs() const { return split(setting("base_dir").value, ':'); }
std::string Config::remote() const { return setting("remote").value; }
std::string Config::remote_token() const { return setting("remote_token").value; }
bool Config::no_remote() const { return parse_bool(setting("no_remote").value).value_or(false); }
std::string Config::remote_helper() const { return setting("remote_helper").value; }
long Config::remote_helper_idle_timeout() const {
  return std::strtol(setting("remote_helper_idle_timeout").value.c_str(), nullptr, 10);
}
bool Config::background_uploads() const {
  const std::string& value = setting("background_uploads").value;
  return value == "auto" ? !in_ci_ : parse_bool(value).value_or(true);
}
bool Config::disabled() const { return parse_bool(setting("disable").value).value_or(false); }
std::string Config::log_file() const { return setting("log").value; }
bool Config::compression() const { return parse_bool(setting("compression").value).value_or(true); }

bool Config::local_compression() const {
  return compression() && parse_bool(setting("local_compression").value).value_or(false);
}

int Config::compression_level() const {
  return std::atoi(setting("compression_level").value.c_str());
}
std::vector<std::string> Config::exclude_rules() const {
  return split(setting("exclude_rules").value, ':');
}
std::string Config::signing_key() const { return setting("signing_key").value; }
VerifyMode Config::verify() const {
  return parse_verify_mode(setting("verify").value).value_or(VerifyMode{});
}
std::vector<std::string> Config::verify_ignore() const {
  return split(setting("verify_ignore").value, ':');
}

std::optional<uint64_t> parse_size(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || number < 0) return std::nullopt;
  std::string unit(end);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  if (!unit.empty() && (unit.back() == 'i')) unit.pop_back();
  double scale = 1;
  if (unit == "k" || unit == "K")
    scale = 1024.0;
  else if (unit == "M" || unit == "m")
    scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "g")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "t")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty())
    return std::nullopt;
  return static_cast<uint64_t>(number * scale);
}

std::optional<bool> parse_bool(const std::string& text) {
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off" || text.empty()) return false;
  return std::nullopt;
}

}  // namespace edgecache
