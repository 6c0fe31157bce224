#pragma once
// Little-endian integer and length-prefixed string encoding with strict
// bounds: a ByteReader never reads past its input and reports truncation.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace edgecache {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void bytes(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string& str() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  std::optional<uint8_t> u8() { return fixed<uint8_t>(); }
  std::optional<uint32_t> u32() { return fixed<uint32_t>(); }
  std::optional<uint64_t> u64() { return fixed<uint64_t>(); }
  // A length-prefixed string; nullopt when the length exceeds what is left.
  std::optional<std::string_view> bytes() {
    auto n = u64();
    if (!n || *n > in_.size()) return std::nullopt;
    std::string_view s = in_.substr(0, *n);
    in_.remove_prefix(*n);
    return s;
  }
  bool at_end() const { return in_.empty(); }

 private:
  template <typename T>
  std::optional<T> fixed() {
    if (in_.size() < sizeof(T)) return std::nullopt;
    T v;
    std::memcpy(&v, in_.data(), sizeof v);
    in_.remove_prefix(sizeof v);
    return v;
  }
  std::string_view in_;
};

}  // namespace edgecache
