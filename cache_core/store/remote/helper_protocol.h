#pragma once
// The wire format between the launcher and a remote helper: ccache's remote
// storage helper protocol, version 1 (ccache's doc/remote_storage_helper_spec.md),
// so edgecache can drive any ccache storage helper and its own helper
// (edgecache-remote-helper) speaks the same.
//
// Why a helper at all: the launcher is one process per compile; on its own
// each remote hit pays libcurl's loading and a TCP (and TLS) handshake. A
// long-lived helper per (user, remote, helper program) keeps the connections,
// and the launcher talks to it over a Unix socket without loading libcurl.
//
// Startup (environment of the helper process):
//   CRSH_IPC_ENDPOINT  the Unix socket path to listen on (the client picks it)
//   CRSH_URL           the remote's URL as written (credentials included)
//   CRSH_IDLE_TIMEOUT  seconds without clients before the helper exits (0: never)
//   CRSH_NUM_ATTR, CRSH_ATTR_KEY_<i>, CRSH_ATTR_VALUE_<i>
//                      the remote's attributes (edgecache's |name=value list,
//                      plus bearer-token from remote_token)
// Messages (integers in host byte order; both ends are on one host):
//   greeting  server->client  <u8 version=1> <u8 n> <n capability bytes>
//             capabilities: 0 get/put/remove, 1 info, 2 exists
//   get       0x00 <key>                    -> 0x00 <u64 len> <bytes> | 0x01 (absent) | <err>
//   put       0x01 <key> <u8 flags> <u64 len> <bytes>   (flags bit 0: overwrite)
//                                           -> 0x00 | 0x01 (not stored) | <err>
//   remove    0x02 <key>                    -> 0x00 | 0x01 (absent) | <err>
//   stop      0x03                          -> 0x00, then the helper exits
//   info      0x04                          -> <msg identity> <u8 n> <n msg diagnostics>
//   exists    0x05 <key>                    -> 0x00 <u8 bool> | <err>
//   <key> = <u8 len> <bytes>; <msg> = <u8 len> <UTF-8 bytes>; <err> = 0x02 <msg>
// edgecache's keys on the wire: the 32 bytes whose hex spelling is
// CacheKey::hex64(), so a ccache helper with `layout=bazel` stores objects at
// "ac/<hex64>", exactly where HttpStore's bazel layout does.
// edgecache's helper marks a server timeout by starting the <err> message
// with "timeout: "; any error message naming a timeout counts as one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edgecache/cache_key.h"
#include "edgecache/unix_socket.h"

namespace edgecache::helper_wire {

inline constexpr uint8_t kProtocolVersion = 1;

enum class Capability : uint8_t { kGetPutRemove = 0, kInfo = 1, kExists = 2 };
enum class Request : uint8_t { kGet = 0, kPut = 1, kRemove = 2, kStop = 3, kInfo = 4, kExists = 5 };
enum class Response : uint8_t { kOk = 0, kNoop = 1, kErr = 2 };

inline constexpr uint8_t kPutOverwrite = 1;      // put flags, bit 0
inline constexpr size_t kMaxMessageBytes = 255;  // <msg> and <key> lengths are one byte
inline constexpr char kTimeoutPrefix[] = "timeout: ";

// The key's 32 wire bytes (hex64() decoded), and back: nullopt when `bytes`
// is not the wire form of a manifest or result key.
std::string key_bytes(const CacheKey& key);
std::optional<CacheKey> key_from_bytes(std::string_view bytes);

// Encoders append to `out`.
void put_u8(std::string* out, uint8_t value);
void put_u64(std::string* out, uint64_t value);
void put_key(std::string* out, const CacheKey& key);
void put_msg(std::string* out, std::string_view text);  // truncated to 255 bytes

// Decoders read from `socket` before `deadline`; false on any I/O failure.
bool read_u8(UnixSocket& socket, uint8_t* value, Deadline deadline);
bool read_u64(UnixSocket& socket, uint64_t* value, Deadline deadline);
// <u8 len> <bytes>: a key or a message.
bool read_short_string(UnixSocket& socket, std::string* text, Deadline deadline);

}  // namespace edgecache::helper_wire
