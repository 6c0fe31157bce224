#include <gtest/gtest.h>

#include <map>

#include "remote_test_support.h"
#include "store/remote/aws_credentials.h"
#include "store/remote/s3_store.h"

namespace edgecache {
namespace {

using testing::TempDir;

// A fake environment: only the variables given exist.
std::function<const char*(const char*)> environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

TEST(AwsCredentials, EnvironmentVariablesComeFirst) {
  auto credentials = load_aws_credentials(environment({{"AWS_ACCESS_KEY_ID", "AKID"},
                                                       {"AWS_SECRET_ACCESS_KEY", "secret"},
                                                       {"AWS_SESSION_TOKEN", "token"}}));
  ASSERT_TRUE(credentials.ok()) << credentials.error();
  EXPECT_EQ(credentials->access_key_id, "AKID");
  EXPECT_EQ(credentials->secret_access_key, "secret");
  EXPECT_EQ(credentials->session_token, "token");
  EXPECT_EQ(credentials->source, "environment");
}

TEST(AwsCredentials, ReadsTheNamedProfileFromTheCredentialsFile) {
  TempDir home;
  ASSERT_TRUE(make_directories(home / ".aws").ok());
  ASSERT_TRUE(
      write_file_atomic(home / ".aws/credentials",
                        "# comment\n[default]\naws_access_key_id=D\naws_secret_access_key=d\n\n"
                        "[ci]\n aws_access_key_id = C \naws_secret_access_key=c-secret\r\n")
          .ok());
  auto ci = load_aws_credentials(environment({{"HOME", home.path()}, {"AWS_PROFILE", "ci"}}));
  ASSERT_TRUE(ci.ok()) << ci.error();
  EXPECT_EQ(ci->access_key_id, "C");
  EXPECT_EQ(ci->secret_access_key, "c-secret");
  auto fallback = load_aws_credentials(environment({{"HOME", home.path()}}));
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->access_key_id, "D");
  auto missing =
      load_aws_credentials(environment({{"HOME", home.path()}, {"AWS_PROFILE", "nope"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("profile 'nope'"), std::string::npos) << missing.error();
  EXPECT_EQ(missing.error().find("c-secret"), std::string::npos);
}

TEST(AwsCredentials, NoneAtAllSaysWhatToSet) {
  auto none = load_aws_credentials(environment({{"HOME", "/nonexistent"}}));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().find("AWS_ACCESS_KEY_ID"), std::string::npos) << none.error();
}

TEST(S3Store, BuildsPathAndVirtualHostedUrls) {
  RemoteSpec path = parse_remote_spec("s3://team-cache/ci|endpoint=http://127.0.0.1:9000").value();
  EXPECT_EQ(S3Store::base_url(path), "http://127.0.0.1:9000/team-cache/ci");
  RemoteSpec aws = parse_remote_spec("s3://team-cache|region=eu-west-1").value();
  EXPECT_EQ(S3Store::base_url(aws), "https://team-cache.s3.eu-west-1.amazonaws.com");
  RemoteSpec aws_path = parse_remote_spec("s3://team-cache/p|region=eu-west-1|style=path").value();
  EXPECT_EQ(S3Store::base_url(aws_path), "https://s3.eu-west-1.amazonaws.com/team-cache/p");
  RemoteSpec virtual_endpoint =
      parse_remote_spec("s3://team-cache/p|endpoint=https://minio.lan:9000|style=virtual").value();
  EXPECT_EQ(S3Store::base_url(virtual_endpoint), "https://team-cache.minio.lan:9000/p");
}

TEST(S3Store, WithoutCredentialsEveryCallFailsAsAuth) {
  RemoteSpec spec = parse_remote_spec("s3://team-cache|endpoint=http://127.0.0.1:1").value();
  S3Store store(spec, Error{"no AWS credentials: set AWS_ACCESS_KEY_ID"});
  Result<std::string> reply = store.get(testing::test_key("k"));
  EXPECT_EQ(testing::code_of(reply), ErrorCode::kFailed);
  EXPECT_NE(reply.error().find("[auth]"), std::string::npos) << reply.error();
}

}  // namespace
}  // namespace edgecache
