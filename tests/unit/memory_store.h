#pragma once
// A Store held in memory, for unit tests of what sits above the Store
// interface (TieredStore, StepCache, explain): no directory, no server.
// `failure` makes every call fail as a broken backend would.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "edgecache/store.h"

namespace edgecache::testing {

class MemoryStore : public Store {
 public:
  explicit MemoryStore(std::string name = "memory", bool read_only = false)
      : name_(std::move(name)), read_only_(read_only) {}

  std::string description() const override { return name_; }
  bool read_only() const override { return read_only_; }

  Result<std::string> get(const CacheKey& key) override {
    ++gets;
    if (failure) return *failure;
    auto it = objects.find(key.to_string());
    if (it == objects.end()) return Error::not_found();
    return it->second;
  }
  Status put(const CacheKey& key, std::string_view blob) override {
    ++puts;
    if (failure) return *failure;
    objects[key.to_string()] = std::string(blob);
    return ok_status();
  }
  Status exists(const CacheKey& key) override {
    if (failure) return *failure;
    if (objects.count(key.to_string()) == 0) return Error::not_found();
    return ok_status();
  }
  Status remove(const CacheKey& key) override {
    if (failure) return *failure;
    if (objects.erase(key.to_string()) == 0) return Error::not_found();
    return ok_status();
  }

  std::map<std::string, std::string> objects;  // CacheKey::to_string() -> blob
  std::optional<Error> failure;                // when set, every call returns it
  int gets = 0;                                // get() calls, failed ones included
  int puts = 0;                                // put() calls, failed ones included

 private:
  std::string name_;
  bool read_only_;
};

}  // namespace edgecache::testing
