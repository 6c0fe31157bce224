#include "store/remote/s3_store.h"

namespace edgecache {
namespace {

// The HTTP remote S3Store hands to HttpStore: same timeouts and TLS options,
// the bucket's base URL, plain layout.
RemoteSpec http_spec(const RemoteSpec& s3) {
  RemoteSpec http = s3;
  http.url = S3Store::base_url(s3);
  http.scheme = http.url.starts_with("https://") ? RemoteScheme::kHttps : RemoteScheme::kHttp;
  http.layout = RemoteLayout::kPlain;
  http.username.clear();
  http.password.clear();
  http.bearer_token.clear();  // an edgecache token must never go to S3
  return http;
}

}  // namespace

S3Store::S3Store(RemoteSpec spec) : S3Store(std::move(spec), load_aws_credentials()) {}

S3Store::S3Store(RemoteSpec spec, Result<AwsCredentials> credentials) : spec_(std::move(spec)) {
  AwsSigning signing;
  if (credentials) {
    signing = AwsSigning{spec_.region, std::move(*credentials)};
  } else {
    credentials_error_ = credentials.error();
  }
  http_ = std::make_unique<HttpStore>(http_spec(spec_), HttpStore::kDefaultMaxBodyBytes,
                                      std::move(signing));
}

std::string S3Store::base_url(const RemoteSpec& spec) {
  std::string endpoint =
      spec.endpoint.empty() ? "https://s3." + spec.region + ".amazonaws.com" : spec.endpoint;
  std::string prefix = spec.prefix.empty() ? "" : "/" + spec.prefix;
  if (!spec.virtual_hosted) return endpoint + "/" + spec.bucket + prefix;
  auto host = endpoint.find("://") + 3;
  return endpoint.substr(0, host) + spec.bucket + "." + endpoint.substr(host) + prefix;
}

std::string S3Store::description() const {
  return spec_.url + " (" + base_url(spec_) + ", region " + spec_.region +
         (spec_.virtual_hosted ? ", virtual-hosted" : ", path style") +
         (spec_.read_only ? ", read-only)" : ")");
}

Error S3Store::no_credentials() const {
  return Error{spec_.url + ": " + credentials_error_ + " [auth]"};
}

Result<std::string> S3Store::get(const CacheKey& key) {
  if (!credentials_error_.empty()) return no_credentials();
  return http_->get(key);
}

Status S3Store::put(const CacheKey& key, std::string_view blob) {
  if (!credentials_error_.empty()) return no_credentials();
  return http_->put(key, blob);
}

Status S3Store::exists(const CacheKey& key) {
  if (!credentials_error_.empty()) return no_credentials();
  return http_->exists(key);
}

Status S3Store::remove(const CacheKey& key) {
  if (!credentials_error_.empty()) return no_credentials();
  return http_->remove(key);
}

}  // namespace edgecache
