// A config file with any content: errors, never a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "edgecache/config.h"
#include "edgecache/file_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string home = [] {
    std::string dir = std::filesystem::temp_directory_path().string() + "/edgecache-fuzz-config-" +
                      std::to_string(getpid());
    std::filesystem::create_directories(dir + "/.config/edgecache");
    return dir;
  }();
  (void)edgecache::write_file_atomic(home + "/.config/edgecache/config.json",
                                     std::string(reinterpret_cast<const char*>(data), size));
  edgecache::ConfigInputs inputs;
  inputs.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return home;
    return std::nullopt;
  };
  inputs.cwd = home;
  edgecache::Config config = edgecache::Config::load(inputs);
  (void)config.max_size();
  (void)config.base_dirs();
  (void)edgecache::parse_size(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
