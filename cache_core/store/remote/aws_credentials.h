#pragma once
// AWS credentials as the AWS command line tools find them, for S3Store.
//
// In this order:
//  1. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN);
//  2. the profile AWS_PROFILE (else "default") in the shared credentials file,
//     AWS_SHARED_CREDENTIALS_FILE or else ~/.aws/credentials (INI:
//     [name] then aws_access_key_id = ..., aws_secret_access_key = ...,
//     aws_session_token = ...).
// Secrets stay in this struct: no message ever quotes them.

#include <functional>
#include <string>

#include "edgecache/result.h"

namespace edgecache {

struct AwsCredentials {
  std::string access_key_id;      // not secret, but not printed either
  std::string secret_access_key;  // secret
  std::string session_token;      // secret; empty for long-term keys
  std::string source;             // "environment" or "<file> [profile]": safe to print
};

// `getenv` is injectable for tests; the error says what to set.
Result<AwsCredentials> load_aws_credentials(const std::function<const char*(const char*)>& getenv =
                                                [](const char* name) { return std::getenv(name); });

}  // namespace edgecache
