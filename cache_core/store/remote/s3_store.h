#pragma once
// A remote store in an S3 bucket (AWS or any S3-compatible server):
//   s3://bucket/prefix|endpoint=http://host:9000|region=eu-west-1|style=path
//
// Objects (format version kFormatVersion) are at
//   <prefix>/v<kFormatVersion>/<kind>/<2 hex>/<key>   (remote_object_path, plain layout)
// read with GET, written with PUT (S3 makes a PUT visible whole or not at all),
// probed with HEAD, removed with DELETE, every request signed with SigV4 by
// libcurl (see HttpStore). Addressing:
//   path style:     <endpoint>/<bucket>/<prefix>/...   (default with an endpoint)
//   virtual-hosted: <scheme>://<bucket>.<endpoint host>/<prefix>/...  (default for AWS)
// Without an endpoint the host is s3.<region>.amazonaws.com over HTTPS.
// Credentials: aws_credentials.h; without any, every call fails with a message
// that says what to set (classified "auth").

#include <memory>
#include <string>

#include "edgecache/remote_spec.h"
#include "edgecache/store.h"
#include "store/remote/aws_credentials.h"
#include "store/remote/http_store.h"

namespace edgecache {

class S3Store : public Store {
 public:
  // `spec` must have the s3 scheme. Reads the credentials from the process
  // environment and files.
  explicit S3Store(RemoteSpec spec);
  // With credentials already found (tests, or a caller that has them).
  S3Store(RemoteSpec spec, Result<AwsCredentials> credentials);

  // "s3://bucket/prefix (http://host:9000, region us-east-1, path style)".
  std::string description() const override;
  bool read_only() const override { return spec_.read_only; }

  Result<std::string> get(const CacheKey& key) override;
  Status put(const CacheKey& key, std::string_view blob) override;
  Status exists(const CacheKey& key) override;
  Status remove(const CacheKey& key) override;

  // The URL objects are under, e.g. "http://127.0.0.1:9000/bucket/prefix"
  // or "https://bucket.s3.eu-west-1.amazonaws.com/prefix".
  static std::string base_url(const RemoteSpec& spec);

 private:
  Error no_credentials() const;

  RemoteSpec spec_;                  // the s3:// remote
  std::string credentials_error_;    // why there are no credentials, or ""
  std::unique_ptr<HttpStore> http_;  // the transport, signing every request
};

}  // namespace edgecache
