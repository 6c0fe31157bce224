#pragma once
// A remote store's address and options, parsed from ccache's attribute form:
//   http://user:pw@host:8080/edgecache|layout=bazel|read-only|timeout=5000
//   https://cache.example/ec|header=X-Team=core|ca-file=/etc/ssl/ca.pem
//   file:///mnt/shared/edgecache|read-only
//   redis://user:password@host:6379/2|timeout=500
//   s3://bucket/prefix|endpoint=http://127.0.0.1:9000|region=eu-west-1|style=path
// Several servers for one cache: URLs separated by white space, each with
// its own attributes (parse_remote_list).

#include <string>
#include <string_view>
#include <vector>

#include "edgecache/cache_key.h"
#include "edgecache/result.h"

namespace edgecache {

enum class RemoteScheme { kHttp, kHttps, kFile, kRedis, kS3 };

// Where objects live under the remote's base URL or directory.
enum class RemoteLayout {
  kPlain,  // <base>/v<kFormatVersion>/<kind>/<2 hex>/<key>: WebDAV, file://
  kBazel,  // <base>/ac/<hex64>: bazel-remote's HTTP action cache
};

struct RemoteHeader {
  std::string name;   // e.g. "X-Team"; no ':' or white space
  std::string value;  // may be a secret: never put it in a message
};

struct RemoteSpec {
  RemoteScheme scheme = RemoteScheme::kHttp;
  // Without attributes, credentials or trailing '/': safe to print.
  // "http://host:8080/edgecache" or "file:///mnt/shared/edgecache".
  std::string url;
  std::string directory;  // file:// only: the absolute path of the directory
  RemoteLayout layout = RemoteLayout::kPlain;
  bool read_only = false;             // attribute `read-only`
  long connect_timeout_ms = 1000;     // attribute `connect-timeout=<ms>`
  long operation_timeout_ms = 10000;  // attribute `timeout=<ms>`, whole request
  // attribute `first-byte-timeout=<ms>`: a lookup (GET, HEAD) whose request
  // went out and got no response byte this long is a timeout, so a server
  // that accepts and never answers costs a compile half a second, not the
  // whole-request timeout (uploads keep `timeout`)
  long first_byte_timeout_ms = 500;
  std::vector<RemoteHeader> headers;  // attribute `header=Name=Value`, repeatable
  std::string ca_file;                // attribute `ca-file=<path>`; empty: system CAs
  bool insecure = false;              // attribute `insecure-skip-tls-verify`
  std::string username;               // from the URL's user:password@, percent-decoded
  std::string password;               // secret
  std::string bearer_token;  // secret; set by the caller from config/env, never from the URL

  int redis_db = 0;  // redis:// only: the database number from the URL's path

  // s3:// only. Credentials are not part of the spec: S3Store reads them
  // from the AWS environment variables or files when it is made.
  std::string bucket;                // the bucket name, from the URL's host part
  std::string prefix;                // key prefix inside the bucket, no leading/trailing '/'
  std::string endpoint;              // attribute `endpoint=http(s)://host[:port]`; empty: AWS
  std::string region = "us-east-1";  // attribute `region=<name>`
  bool virtual_hosted =
      false;  // attribute `style=virtual|path`; default: virtual for AWS, path with an endpoint
};

// Parses `text`. Errors name the bad part and never contain the password.
Result<RemoteSpec> parse_remote_spec(std::string_view text);

// Parses a list of remotes separated by white space ("a b|read-only c"):
// several servers that share one cache. A white-space run starts a new remote
// only where a scheme ("xyz://") follows, so a header value may hold spaces.
// Two entries with the same URL are an error.
Result<std::vector<RemoteSpec>> parse_remote_list(std::string_view text);

// The entries of such a list as written, each with its attributes.
std::vector<std::string_view> split_remote_list(std::string_view text);

// The spec's URL with "***@" where credentials were, e.g. "http://***@host/c".
std::string redacted_url(const RemoteSpec& spec);

// Replaces the user:password@ part of every URL in `text` with "***@", so
// that a URL quoted in any message (a config dump, a curl error) is safe.
std::string redact_url_credentials(std::string_view text);

std::string_view layout_name(RemoteLayout layout);

// The object's path relative to the remote's base, without a leading '/':
// "ac/<hex64>" (bazel) or "v2/r/ab/r-ab..." (plain: two-level folders keep
// directories small and suit nginx's create_full_put_path).
std::string remote_object_path(RemoteLayout layout, const CacheKey& key);

}  // namespace edgecache
