#include "store/remote/aws_credentials.h"

#include <cstdlib>
#include <sstream>

#include "edgecache/file_io.h"

namespace edgecache {
namespace {

std::string trimmed(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  size_t end = text.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

std::string env(const std::function<const char*(const char*)>& getenv, const char* name) {
  const char* value = getenv(name);
  return value ? value : "";
}

// The keys of section [profile] in an INI text.
Result<AwsCredentials> from_profile(const std::string& text, const std::string& profile,
                                    const std::string& file) {
  AwsCredentials credentials;
  credentials.source = file + " [" + profile + "]";
  std::istringstream lines(text);
  std::string line;
  bool in_section = false, found = false;
  while (std::getline(lines, line)) {
    line = trimmed(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[') {
      in_section = line == "[" + profile + "]";
      found = found || in_section;
      continue;
    }
    auto equals = line.find('=');
    if (!in_section || equals == std::string::npos) continue;
    std::string name = trimmed(line.substr(0, equals));
    std::string value = trimmed(line.substr(equals + 1));
    if (name == "aws_access_key_id") credentials.access_key_id = value;
    if (name == "aws_secret_access_key") credentials.secret_access_key = value;
    if (name == "aws_session_token") credentials.session_token = value;
  }
  if (!found) return Error{"no AWS credentials: profile '" + profile + "' is not in " + file};
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Error{"no AWS credentials: profile '" + profile + "' in " + file +
                 " lacks aws_access_key_id or aws_secret_access_key"};
  }
  return credentials;
}

}  // namespace

Result<AwsCredentials> load_aws_credentials(const std::function<const char*(const char*)>& getenv) {
  AwsCredentials credentials;
  credentials.access_key_id = env(getenv, "AWS_ACCESS_KEY_ID");
  credentials.secret_access_key = env(getenv, "AWS_SECRET_ACCESS_KEY");
  if (!credentials.access_key_id.empty() && !credentials.secret_access_key.empty()) {
    credentials.session_token = env(getenv, "AWS_SESSION_TOKEN");
    credentials.source = "environment";
    return credentials;
  }
  std::string file = env(getenv, "AWS_SHARED_CREDENTIALS_FILE");
  if (file.empty() && !env(getenv, "HOME").empty())
    file = env(getenv, "HOME") + "/.aws/credentials";
  std::string profile = env(getenv, "AWS_PROFILE");
  if (profile.empty()) profile = "default";
  Result<std::string> text = file.empty() ? Result<std::string>(Error{"no HOME"}) : read_file(file);
  if (!text) {
    return Error{
        "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
        "with that profile in ~/.aws/credentials (" +
        (file.empty() ? "no HOME" : file + " not readable") + ")"};
  }
  return from_profile(*text, profile, file);
}

}  // namespace edgecache
