#include "edgecache/stats.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "edgecache/file_io.h"
#include "edgecache/file_lock.h"

namespace edgecache {
namespace {

constexpr int kShards = 16;

Counters parse_counters(const std::string& text) {
  Counters counters;
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return counters;  // corrupt: start over
  for (auto& [name, value] : json.items()) {
    if (value.is_number_integer()) counters[name] = value.get<int64_t>();
  }
  return counters;
}

}  // namespace

StatsFile::StatsFile(std::string cache_dir) : dir_(std::move(cache_dir) + "/stats") {}

Status StatsFile::add(const Counters& delta) const {
  if (delta.empty()) return ok_status();
  Status made = make_directories(dir_);
  if (!made) return made;
  std::string path = dir_ + "/" + std::to_string(getpid() % kShards) + ".json";
  FileLock file(path);
  if (!file.locked()) return Error{"cannot lock " + path + ": " + std::strerror(errno)};
  Counters counters = parse_counters(file.read_all());
  for (auto& [name, value] : delta) counters[name] += value;
  if (!file.replace_content(nlohmann::json(counters).dump())) {
    return Error{"cannot write " + path + ": " + std::strerror(errno)};
  }
  return ok_status();
}

Result<Counters> StatsFile::read_all() const {
  Counters total;
  for (int i = 0; i < kShards; ++i) {
    auto text = read_file(dir_ + "/" + std::to_string(i) + ".json");
    if (!text) continue;
    for (auto& [name, value] : parse_counters(*text)) total[name] += value;
  }
  return total;
}

Status StatsFile::zero() const {
  for (int i = 0; i < kShards; ++i) {
    std::string path = dir_ + "/" + std::to_string(i) + ".json";
    FileLock file(path);
    if (file.locked() && !file.replace_content("{}")) {
      return Error{"cannot reset " + path + ": " + std::strerror(errno)};
    }
  }
  return ok_status();
}

}  // namespace edgecache
