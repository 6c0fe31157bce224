#pragma once
// A remote store over HTTP(S) with libcurl: nginx WebDAV, bazel-remote, or
// any server that answers GET/PUT/HEAD/DELETE on a path.
//
// Wire protocol (format version kFormatVersion):
//   GET    <object url>  200 + body: hit; 404: miss
//   PUT    <object url>  any 2xx: stored (nginx answers 201/204, bazel-remote 200)
//   HEAD   <object url>  200: present; 404: absent
//   DELETE <object url>  2xx: removed; 404: absent
// where <object url> = spec.url + "/" + remote_object_path(spec.layout, key).
// Redirects are not followed, so credentials never go to another host.
// An error reply's S3-style "<Code>...</Code>" (S3, and servers that copy it)
// is quoted in the message, and a 404 whose code is NoSuchBucket is an error,
// not a miss. With AwsSigning every request is signed with AWS SigV4 by
// libcurl (CURLOPT_AWS_SIGV4, libcurl >= 7.75) and carries
// x-amz-content-sha256 (the body's SHA-256) and x-amz-security-token.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "edgecache/remote_spec.h"
#include "edgecache/store.h"
#include "store/remote/aws_credentials.h"

namespace edgecache {

// What S3Store adds to HTTP: SigV4 signing for one region.
struct AwsSigning {
  std::string region;          // e.g. "us-east-1"; empty: no signing
  AwsCredentials credentials;  // the keys that sign
};

class CurlEasy;      // one libcurl easy handle (RAII), defined in http_store.cpp
struct HttpRequest;  // one call's method and buffers, defined in http_store.cpp

// Thread-safe: each call borrows an easy handle from a small pool guarded by a
// mutex, so several lookups can be in flight at once. A returned handle keeps
// its open connections, so successive calls reuse them (keep-alive).
class HttpStore : public Store {
 public:
  static constexpr size_t kDefaultMaxBodyBytes = size_t{512} << 20;  // 512 MiB

  // `spec` must have an http or https scheme. A GET whose body is larger
  // than `max_body_bytes` fails (kFailed) instead of allocating it.
  explicit HttpStore(RemoteSpec spec, size_t max_body_bytes = kDefaultMaxBodyBytes,
                     AwsSigning signing = {});
  ~HttpStore() override;
  HttpStore(const HttpStore&) = delete;
  HttpStore& operator=(const HttpStore&) = delete;

  // "http://***@host:8080/cache (bazel)": never the password, token or headers.
  std::string description() const override;
  bool read_only() const override { return spec_.read_only; }

  Result<std::string> get(const CacheKey& key) override;
  Status put(const CacheKey& key, std::string_view blob) override;
  Status exists(const CacheKey& key) override;
  Status remove(const CacheKey& key) override;

  // The full URL of `key`'s object (without credentials).
  std::string object_url(const CacheKey& key) const;

 private:
  Status perform(const CacheKey& key, HttpRequest& request);
  std::unique_ptr<CurlEasy> acquire_handle();
  void release_handle(std::unique_ptr<CurlEasy> handle);

  RemoteSpec spec_;        // the remote, with its secrets
  AwsSigning signing_;     // S3: how to sign (secret), else empty
  size_t max_body_bytes_;  // GET bodies beyond this are an error

  std::mutex pool_mutex_;                                // guards idle_handles_
  std::vector<std::unique_ptr<CurlEasy>> idle_handles_;  // handles not in use now
};

}  // namespace edgecache
