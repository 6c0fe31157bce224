#pragma once
// Layered configuration. Each source is one layer, later layers win:
//   built-in defaults < defaults of the CMake build tree around the working
//   dir (base_dir: its source and build dirs, see build_tree.h) < user file
//   ($XDG_CONFIG_HOME/edgecache/config.json) < project file (edgecache.json, searched upward from
//   the working dir) < EDGECACHE_* environment < command-line flags.
// A malformed layer or value never stops a build: it is reported in errors()
// and the value from the layers below is used.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace edgecache {

struct VerifyMode;  // hit_verification.h

// One setting users can change.
struct SettingSpec {
  std::string key;          // name in JSON files and for `edgecache config`
  std::string env;          // environment variable
  std::string description;  // one line for `edgecache config` and the README table
  bool secret = false;      // never printed
};

const std::vector<SettingSpec>& setting_specs();

struct SettingValue {
  std::string value;
  std::string origin;  // "default", "default from <dir>/CMakeCache.txt", a file path, "env
                       // EDGECACHE_X", "command line"
};

// Everything the loader reads from the process, injectable for tests.
struct ConfigInputs {
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::string cwd;
  std::map<std::string, std::string> command_line;  // key -> value
};
ConfigInputs process_config_inputs();

class Config {
 public:
  static Config load(const ConfigInputs& inputs);

  const SettingValue& setting(const std::string& key) const;
  const std::vector<std::string>& errors() const { return errors_; }
  const std::string& project_file() const { return project_file_; }  // "" when none

  // Typed views; invalid values were reported and replaced by a lower layer's.
  std::string cache_dir() const;
  uint64_t max_size() const;
  std::vector<std::string> base_dirs() const;
  std::string remote() const;
  std::string remote_token() const;
  bool no_remote() const;
  std::string remote_helper() const;        // "auto", "off" or a helper's absolute path
  long remote_helper_idle_timeout() const;  // seconds; 0: the helper never exits for idleness
  // Whether the launcher leaves its remote writes to a detached process.
  bool background_uploads() const;
  bool disabled() const;
  std::string log_file() const;
  bool compression() const;
  int compression_level() const;
  // Entries in the local cache compressed too (only with compression()).
  bool local_compression() const;
  std::vector<std::string> exclude_rules() const;
  std::string signing_key() const;
  VerifyMode verify() const;
  std::vector<std::string> verify_ignore() const;

 private:
  std::map<std::string, SettingValue> values_;
  std::vector<std::string> errors_;
  std::string project_file_;
  bool in_ci_ = false;  // the CI environment variable says so (for background_uploads=auto)
};

// "5G", "500M", "64k", "1000": bytes; nullopt when malformed.
std::optional<uint64_t> parse_size(const std::string& text);
std::optional<bool> parse_bool(const std::string& text);

}  // namespace edgecache
