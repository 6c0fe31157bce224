#include "store/remote/helper_protocol.h"

#include <cstring>

namespace edgecache::helper_wire {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string hex_of(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 15];
  }
  return hex;
}

}  // namespace

std::string key_bytes(const CacheKey& key) {
  std::string hex = key.hex64();
  std::string bytes(hex.size() / 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(hex_value(hex[2 * i]) * 16 + hex_value(hex[2 * i + 1]));
  }
  return bytes;
}

std::optional<CacheKey> key_from_bytes(std::string_view bytes) {
  if (bytes.size() != 32) return std::nullopt;
  std::string hex = hex_of(bytes);
  auto digest = Hash128::from_hex(hex.substr(0, 32));
  if (!digest) return std::nullopt;
  // The second half says the kind: it is a hash of the kind and the digest.
  for (ObjectKind kind : {ObjectKind::kResult, ObjectKind::kManifest}) {
    CacheKey key{kind, *digest};
    if (key.hex64() == hex) return key;
  }
  return std::nullopt;
}

void put_u8(std::string* out, uint8_t value) { out->push_back(static_cast<char>(value)); }

void put_u64(std::string* out, uint64_t value) {
  char bytes[sizeof(value)];
  std::memcpy(bytes, &value, sizeof(value));  // host byte order, as the protocol says
  out->append(bytes, sizeof(bytes));
}

void put_key(std::string* out, const CacheKey& key) {
  std::string bytes = key_bytes(key);
  put_u8(out, static_cast<uint8_t>(bytes.size()));
  out->append(bytes);
}

void put_msg(std::string* out, std::string_view text) {
  text = text.substr(0, kMaxMessageBytes);
  put_u8(out, static_cast<uint8_t>(text.size()));
  out->append(text);
}

bool read_u8(UnixSocket& socket, uint8_t* value, Deadline deadline) {
  std::string byte;
  if (socket.read_exact(1, &byte, deadline) != IoStatus::kOk) return false;
  *value = static_cast<uint8_t>(byte[0]);
  return true;
}

bool read_u64(UnixSocket& socket, uint64_t* value, Deadline deadline) {
  std::string bytes;
  if (socket.read_exact(sizeof(*value), &bytes, deadline) != IoStatus::kOk) return false;
  std::memcpy(value, bytes.data(), sizeof(*value));
  return true;
}

bool read_short_string(UnixSocket& socket, std::string* text, Deadline deadline) {
  uint8_t length = 0;
  if (!read_u8(socket, &length, deadline)) return false;
  text->clear();
  return socket.read_exact(length, text, deadline) == IoStatus::kOk;
}

}  // namespace edgecache::helper_wire
