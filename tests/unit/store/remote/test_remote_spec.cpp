#include <gtest/gtest.h>

#include "edgecache/remote_spec.h"
#include "remote_test_support.h"

namespace edgecache {
namespace {

RemoteSpec parse_ok(std::string_view text) {
  Result<RemoteSpec> spec = parse_remote_spec(text);
  EXPECT_TRUE(spec.ok()) << text << ": " << (spec.ok() ? "" : spec.error());
  return spec.ok() ? *spec : RemoteSpec{};
}

std::string parse_error(std::string_view text) {
  Result<RemoteSpec> spec = parse_remote_spec(text);
  EXPECT_FALSE(spec.ok()) << text << " parsed, but should not";
  return spec.ok() ? "" : spec.error();
}

TEST(RemoteSpec, ParsesHttpUrlWithEveryAttribute) {
  RemoteSpec spec = parse_ok(
      "http://host:8080/edgecache|layout=bazel|read-only|connect-timeout=500|timeout=5000|"
      "header=X-Team=core|header=X-Empty=|ca-file=/etc/ca.pem");
  EXPECT_EQ(spec.scheme, RemoteScheme::kHttp);
  EXPECT_EQ(spec.url, "http://host:8080/edgecache");
  EXPECT_EQ(spec.layout, RemoteLayout::kBazel);
  EXPECT_TRUE(spec.read_only);
  EXPECT_EQ(spec.connect_timeout_ms, 500);
  EXPECT_EQ(spec.operation_timeout_ms, 5000);
  ASSERT_EQ(spec.headers.size(), 2u);
  EXPECT_EQ(spec.headers[0].name, "X-Team");
  EXPECT_EQ(spec.headers[0].value, "core");
  EXPECT_EQ(spec.headers[1].value, "");
  EXPECT_EQ(spec.ca_file, "/etc/ca.pem");
  EXPECT_FALSE(spec.insecure);
}

TEST(RemoteSpec, DefaultsArePlainWritableAndVerifiedWithShortTimeouts) {
  RemoteSpec spec = parse_ok("https://cache.example.com/");
  EXPECT_EQ(spec.scheme, RemoteScheme::kHttps);
  EXPECT_EQ(spec.url, "https://cache.example.com");
  EXPECT_EQ(spec.layout, RemoteLayout::kPlain);
  EXPECT_FALSE(spec.read_only);
  EXPECT_FALSE(spec.insecure);
  EXPECT_EQ(spec.connect_timeout_ms, 1000);
  EXPECT_EQ(spec.operation_timeout_ms, 10000);
  EXPECT_TRUE(spec.bearer_token.empty());
}

TEST(RemoteSpec, AcceptsFlagValuesAndIpv6Hosts) {
  RemoteSpec spec = parse_ok("HTTPS://[::1]:9443/a/b//|insecure-skip-tls-verify|read-only=false");
  EXPECT_EQ(spec.url, "https://[::1]:9443/a/b");
  EXPECT_TRUE(spec.insecure);
  EXPECT_FALSE(spec.read_only);
}

TEST(RemoteSpec, ParsesFileUrlAsDirectory) {
  RemoteSpec spec = parse_ok("file:///mnt/shared/edgecache/|read-only");
  EXPECT_EQ(spec.scheme, RemoteScheme::kFile);
  EXPECT_EQ(spec.directory, "/mnt/shared/edgecache");
  EXPECT_EQ(spec.url, "file:///mnt/shared/edgecache");
  EXPECT_TRUE(spec.read_only);
  EXPECT_EQ(parse_ok("file://localhost/srv/c").directory, "/srv/c");
}

TEST(RemoteSpec, TakesPercentDecodedCredentialsOutOfTheUrl) {
  RemoteSpec spec = parse_ok("http://alice:p%40ss%3Aword@host/cache");
  EXPECT_EQ(spec.username, "alice");
  EXPECT_EQ(spec.password, "p@ss:word");
  EXPECT_EQ(spec.url, "http://host/cache");
  EXPECT_EQ(redacted_url(spec), "http://***@host/cache");
}

TEST(RemoteSpec, ErrorsNameTheBadPart) {
  EXPECT_NE(parse_error("ftp://host/x").find("unknown scheme 'ftp'"), std::string::npos);
  EXPECT_NE(parse_error("host/x").find("no scheme"), std::string::npos);
  EXPECT_NE(parse_error("http:///x").find("empty host"), std::string::npos);
  EXPECT_NE(parse_error("http://:8080/x").find("empty host"), std::string::npos);
  EXPECT_NE(parse_error("http://host:80a/").find("bad port '80a'"), std::string::npos);
  EXPECT_NE(parse_error("http://host:/").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("http://ho st/").find("white space"), std::string::npos);
  EXPECT_NE(parse_error("http://h/x|colour=red").find("unknown attribute 'colour'"),
            std::string::npos);
  EXPECT_NE(parse_error("http://h/x|timeout=5s").find("'timeout'"), std::string::npos);
  EXPECT_NE(parse_error("http://h/x|connect-timeout=0").find("'connect-timeout'"),
            std::string::npos);
  EXPECT_NE(parse_error("http://h/x|timeout").find("'timeout'"), std::string::npos);
  EXPECT_NE(parse_error("http://h/x|layout=flat").find("bad layout 'flat'"), std::string::npos);
  EXPECT_NE(parse_error("http://h/x|header=NoValue").find("Name=Value"), std::string::npos);
  EXPECT_NE(parse_error("http://h/x|read-only=maybe").find("'read-only'"), std::string::npos);
  EXPECT_NE(parse_error("http://h/x?a=b").find("query"), std::string::npos);
  EXPECT_NE(parse_error("file://server/share").find("absolute path"), std::string::npos);
  EXPECT_NE(parse_error("file:///x|header=A=b").find("does not apply"), std::string::npos);
  EXPECT_NE(parse_error("").find("empty URL"), std::string::npos);
}

TEST(RemoteSpec, ErrorsNeverQuoteSecrets) {
  std::string error =
      parse_error("http://bob:hunter22@host/x|header=Authorization=Bearer%20tk99|bogus");
  EXPECT_EQ(error.find("hunter22"), std::string::npos) << error;
  EXPECT_EQ(error.find("tk99"), std::string::npos) << error;
  EXPECT_NE(error.find("http://***@host/x"), std::string::npos) << error;
  error = parse_error("http://bob:hunter22@host:bad/x");
  EXPECT_EQ(error.find("hunter22"), std::string::npos) << error;
}

TEST(RemoteSpec, RedactsCredentialsInAnyText) {
  EXPECT_EQ(redact_url_credentials("GET http://u:pw@h:1/x failed; see https://tok@c/ too"),
            "GET http://***@h:1/x failed; see https://***@c/ too");
  EXPECT_EQ(redact_url_credentials("'http://a:b@h'"), "'http://***@h'");
  EXPECT_EQ(redact_url_credentials("http://h/x@y and file:///a@b"), "http://h/x@y and file:///a@b");
  EXPECT_EQ(redact_url_credentials("no url here"), "no url here");
}

TEST(RemoteSpec, ObjectPathsFollowTheLayout) {
  CacheKey key = testing::test_key("object");
  std::string hex = key.digest.hex();
  EXPECT_EQ(remote_object_path(RemoteLayout::kBazel, key), "ac/" + key.hex64());
  EXPECT_EQ(remote_object_path(RemoteLayout::kPlain, key),
            "v" + std::to_string(kFormatVersion) + "/r/" + hex.substr(0, 2) + "/r-" + hex);
  CacheKey manifest = testing::test_key("object", ObjectKind::kManifest);
  EXPECT_EQ(remote_object_path(RemoteLayout::kPlain, manifest).substr(0, 5),
            "v" + std::to_string(kFormatVersion) + "/m/");
}

TEST(RemoteSpec, ParsesRedisUrls) {
  RemoteSpec spec = parse_ok("redis://builder:s%40cret@cache.example:6380/3|read-only|timeout=250");
  EXPECT_EQ(spec.scheme, RemoteScheme::kRedis);
  EXPECT_EQ(spec.url, "redis://cache.example:6380/3");
  EXPECT_EQ(spec.username, "builder");
  EXPECT_EQ(spec.password, "s@cret");
  EXPECT_EQ(spec.redis_db, 3);
  EXPECT_TRUE(spec.read_only);
  EXPECT_EQ(spec.operation_timeout_ms, 250);
  EXPECT_EQ(redacted_url(spec), "redis://***@cache.example:6380/3");
  RemoteSpec plain = parse_ok("redis://127.0.0.1");
  EXPECT_EQ(plain.url, "redis://127.0.0.1:6379/0");
  EXPECT_TRUE(plain.password.empty());
  RemoteSpec password_only = parse_ok("redis://:pw@[::1]");
  EXPECT_EQ(password_only.url, "redis://[::1]:6379/0");
  EXPECT_EQ(password_only.password, "pw");
  EXPECT_TRUE(password_only.username.empty());
}

TEST(RemoteSpec, RejectsBadRedisUrls) {
  EXPECT_NE(parse_error("redis://h/x").find("database number"), std::string::npos);
  EXPECT_NE(parse_error("redis://h:0").find("bad port"), std::string::npos);
  EXPECT_NE(parse_error("redis://h|layout=bazel").find("does not apply to redis://"),
            std::string::npos);
  EXPECT_NE(parse_error("redis://h|header=A=b").find("does not apply"), std::string::npos);
  EXPECT_NE(parse_error("rediss://h").find("not supported"), std::string::npos);
  std::string error = parse_error("redis://u:hunter22@h/x");
  EXPECT_EQ(error.find("hunter22"), std::string::npos) << error;
}

TEST(RemoteSpec, ParsesS3Urls) {
  RemoteSpec spec =
      parse_ok("s3://team-cache/ci/linux/|endpoint=http://127.0.0.1:9000|region=eu-west-1");
  EXPECT_EQ(spec.scheme, RemoteScheme::kS3);
  EXPECT_EQ(spec.url, "s3://team-cache/ci/linux");
  EXPECT_EQ(spec.bucket, "team-cache");
  EXPECT_EQ(spec.prefix, "ci/linux");
  EXPECT_EQ(spec.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(spec.region, "eu-west-1");
  EXPECT_FALSE(spec.virtual_hosted) << "an endpoint defaults to path style";
  RemoteSpec aws = parse_ok("s3://team-cache");
  EXPECT_TRUE(aws.virtual_hosted) << "AWS defaults to virtual-hosted style";
  EXPECT_EQ(aws.region, "us-east-1");
  EXPECT_TRUE(parse_ok("s3://b-1/p|endpoint=https://minio.lan|style=virtual").virtual_hosted);
  EXPECT_FALSE(parse_ok("s3://b-1|style=path").virtual_hosted);
}

TEST(RemoteSpec, RejectsBadS3Urls) {
  EXPECT_NE(parse_error("s3://Bad_Bucket").find("bucket name"), std::string::npos);
  EXPECT_NE(parse_error("s3://ab").find("bucket name"), std::string::npos);
  EXPECT_NE(parse_error("s3://key:secret@bucket").find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(parse_error("s3://bucket|endpoint=ftp://h").find("endpoint"), std::string::npos);
  EXPECT_NE(parse_error("s3://bucket|endpoint=http://h/path").find("only scheme"),
            std::string::npos);
  EXPECT_NE(parse_error("s3://bucket|style=sideways").find("virtual or path"), std::string::npos);
  EXPECT_NE(parse_error("s3://bucket|region=").find("region"), std::string::npos);
  EXPECT_NE(parse_error("s3://bucket|layout=bazel").find("does not apply to s3://"),
            std::string::npos);
  EXPECT_NE(parse_error("http://h/x|region=x").find("does not apply to http://"),
            std::string::npos);
}

TEST(RemoteSpec, ParsesAListOfServersEachWithItsAttributes) {
  auto specs = parse_remote_list(
      "  http://a:8080/c|read-only   http://b:8080/c|header=X-Team=core team\n"
      "redis://:pw@c s3://bucket|endpoint=http://d:9000 ");
  ASSERT_TRUE(specs.ok()) << specs.error();
  ASSERT_EQ(specs->size(), 4u);
  EXPECT_EQ((*specs)[0].url, "http://a:8080/c");
  EXPECT_TRUE((*specs)[0].read_only);
  EXPECT_EQ((*specs)[1].headers.at(0).value, "core team")
      << "a space inside a value is no separator";
  EXPECT_FALSE((*specs)[1].read_only);
  EXPECT_EQ((*specs)[2].scheme, RemoteScheme::kRedis);
  EXPECT_EQ((*specs)[3].endpoint, "http://d:9000");
  auto entries = split_remote_list("http://a/c|read-only http://b/c");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0], "http://a/c|read-only");
  EXPECT_EQ(parse_remote_list("http://a/c").value().size(), 1u);
}

TEST(RemoteSpec, ListErrorsNameTheBadServer) {
  auto twice = parse_remote_list("http://a/c http://a/c/");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().find("listed twice"), std::string::npos) << twice.error();
  auto bad = parse_remote_list("http://a/c http://u:hunter22@b/c|bogus");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("http://***@b/c"), std::string::npos) << bad.error();
  EXPECT_EQ(bad.error().find("hunter22"), std::string::npos) << bad.error();
  EXPECT_FALSE(parse_remote_list("   ").ok());
}

}  // namespace
}  // namespace edgecache
