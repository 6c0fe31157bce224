#include "edgecache/remote_spec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace edgecache {
namespace {

constexpr std::string_view kSchemeSeparator = "://";
constexpr long kMaxTimeoutMs = 3'600'000;  // an hour: anything longer is a typo

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// An error about the remote `url_text`: quotes only the URL part, redacted;
// attributes are never quoted whole because a header value may be a secret.
Error spec_error(std::string_view url_text, const std::string& what) {
  if (url_text.find(kSchemeSeparator) == std::string_view::npos) {
    return Error{"bad remote URL: " + what};
  }
  return Error{"bad remote URL " + redact_url_credentials(url_text) + ": " + what};
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (error != std::errc{} || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

std::string_view strip_trailing_slashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

std::optional<std::string> parse_file_url(std::string_view rest, RemoteSpec* spec) {
  if (rest.starts_with("localhost/")) rest.remove_prefix(std::string_view("localhost").size());
  if (!rest.starts_with('/')) return "file:// URL must name an absolute path (file:///dir)";
  spec->directory = std::string(strip_trailing_slashes(rest));
  spec->url = "file://" + spec->directory;
  return std::nullopt;
}

std::optional<std::string> parse_credentials(std::string_view userinfo, RemoteSpec* spec) {
  auto colon = userinfo.find(':');
  auto user = percent_decode(userinfo.substr(0, colon));
  auto password = percent_decode(colon == std::string_view::npos ? "" : userinfo.substr(colon + 1));
  if (!user || !password) return "bad percent-encoding in user:password";
  spec->username = std::move(*user);
  spec->password = std::move(*password);
  return std::nullopt;
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

std::optional<std::string> check_port(std::string_view port) {
  unsigned number = 0;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size() || number == 0 ||
      number > 65535) {
    return "bad port '" + std::string(port) + "'";
  }
  return std::nullopt;
}

// Checks "host", "host:port", "[v6]" or "[v6]:port".
std::optional<std::string> check_host_port(std::string_view host_port) {
  std::string_view host = host_port;
  std::string_view after_host;  // "" or ":port"
  if (host_port.starts_with('[')) {
    auto close = host_port.find(']');
    if (close == std::string_view::npos) return "unterminated '[' in host";
    host = host_port.substr(1, close - 1);
    after_host = host_port.substr(close + 1);
  } else {
    auto colon = host_port.rfind(':');
    if (colon != std::string_view::npos) {
      host = host_port.substr(0, colon);
      after_host = host_port.substr(colon);
    }
    if (!std::all_of(host.begin(), host.end(), is_host_char)) {
      return "bad host '" + std::string(host) + "'";
    }
  }
  if (host.empty()) return "empty host";
  if (after_host.empty()) return std::nullopt;
  if (!after_host.starts_with(':')) return "junk after ']' in host";
  return check_port(after_host.substr(1));
}

std::optional<std::string> parse_http_url(std::string_view scheme, std::string_view rest,
                                          RemoteSpec* spec) {
  if (rest.find_first_of("?#") != std::string_view::npos) return "query or fragment not supported";
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (auto error = parse_credentials(authority.substr(0, at), spec)) return error;
    authority.remove_prefix(at + 1);
  }
  if (auto error = check_host_port(authority)) return error;
  path = strip_trailing_slashes(path);
  if (path == "/") path = "";
  spec->url = std::string(scheme) + "://" + std::string(authority) + std::string(path);
  return std::nullopt;
}

// A number in 0..max, or nullopt.
std::optional<long> parse_number(std::string_view text, long max) {
  long number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || number < 0 ||
      number > max) {
    return std::nullopt;
  }
  return number;
}

constexpr std::string_view kRedisDefaultPort = "6379";
constexpr long kMaxRedisDb = 1'000'000;

// redis://[[user]:password@]host[:port][/db]
std::optional<std::string> parse_redis_url(std::string_view rest, RemoteSpec* spec) {
  if (rest.find_first_of("?#") != std::string_view::npos) return "query or fragment not supported";
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view db = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (auto error = parse_credentials(authority.substr(0, at), spec)) return error;
    authority.remove_prefix(at + 1);
  }
  if (auto error = check_host_port(authority)) return error;
  std::string host_port(authority);
  bool has_port = authority.ends_with(']') ? false : authority.rfind(':') != std::string_view::npos;
  if (!has_port) host_port += ":" + std::string(kRedisDefaultPort);
  db = strip_trailing_slashes(db);
  if (!db.empty()) {
    auto number = parse_number(db, kMaxRedisDb);
    if (!number) return "bad database number '" + std::string(db) + "' (expected /0, /1, ...)";
    spec->redis_db = static_cast<int>(*number);
  }
  spec->url = "redis://" + host_port + "/" + std::to_string(spec->redis_db);
  return std::nullopt;
}

// Bucket names as S3 allows them: 3..63 of [a-z0-9.-], starting and ending
// with a letter or digit.
bool is_bucket_name(std::string_view name) {
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  };
  return name.size() >= 3 && name.size() <= 63 && std::all_of(name.begin(), name.end(), ok) &&
         name.front() != '.' && name.front() != '-' && name.back() != '.' && name.back() != '-';
}

// s3://bucket[/prefix]
std::optional<std::string> parse_s3_url(std::string_view rest, RemoteSpec* spec) {
  if (rest.find_first_of("?#") != std::string_view::npos) return "query or fragment not supported";
  auto slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  if (bucket.find('@') != std::string_view::npos) {
    return "credentials do not belong in an s3:// URL (use AWS_ACCESS_KEY_ID and "
           "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)";
  }
  if (!is_bucket_name(bucket)) return "bad bucket name '" + std::string(bucket) + "'";
  std::string_view prefix = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  while (prefix.starts_with('/')) prefix.remove_prefix(1);
  while (prefix.ends_with('/')) prefix.remove_suffix(1);
  spec->bucket = std::string(bucket);
  spec->prefix = std::string(prefix);
  spec->url = "s3://" + spec->bucket + (prefix.empty() ? "" : "/" + spec->prefix);
  return std::nullopt;
}

std::optional<std::string> parse_url(std::string_view url_text, RemoteSpec* spec) {
  if (url_text.find_first_of(" \t\r\n") != std::string_view::npos) return "white space in URL";
  auto separator = url_text.find(kSchemeSeparator);
  if (separator == std::string_view::npos)
    return "no scheme (expected http://, https://, file://, redis:// or s3://)";
  std::string scheme = lower(url_text.substr(0, separator));
  std::string_view rest = url_text.substr(separator + kSchemeSeparator.size());
  if (scheme == "file") {
    spec->scheme = RemoteScheme::kFile;
    return parse_file_url(rest, spec);
  }
  if (scheme == "http" || scheme == "https") {
    spec->scheme = scheme == "http" ? RemoteScheme::kHttp : RemoteScheme::kHttps;
    return parse_http_url(scheme, rest, spec);
  }
  if (scheme == "redis") {
    spec->scheme = RemoteScheme::kRedis;
    return parse_redis_url(rest, spec);
  }
  if (scheme == "rediss") {
    return "rediss:// (Redis over TLS) is not supported: use redis:// on a trusted network "
           "or a TLS tunnel such as stunnel";
  }
  if (scheme == "s3") {
    spec->scheme = RemoteScheme::kS3;
    return parse_s3_url(rest, spec);
  }
  return "unknown scheme '" + scheme + "' (expected http, https, file, redis or s3)";
}

std::optional<std::string> parse_flag(std::string_view name, std::optional<std::string_view> value,
                                      bool* flag) {
  if (!value || *value == "true") {
    *flag = true;
  } else if (*value == "false") {
    *flag = false;
  } else {
    return "attribute '" + std::string(name) + "' takes no value or true/false";
  }
  return std::nullopt;
}

std::optional<std::string> parse_timeout(std::string_view name,
                                         std::optional<std::string_view> value, long* timeout_ms) {
  std::string_view text = value.value_or("");
  auto number = parse_number(text, kMaxTimeoutMs);
  if (!number || *number == 0) {
    return "attribute '" + std::string(name) + "' needs a number of milliseconds (1.." +
           std::to_string(kMaxTimeoutMs) + "), got '" + std::string(text) + "'";
  }
  *timeout_ms = *number;
  return std::nullopt;
}

std::optional<std::string> parse_header(std::optional<std::string_view> value, RemoteSpec* spec) {
  std::string_view text = value.value_or("");
  auto equals = text.find('=');
  std::string_view name = text.substr(0, equals);
  bool bad_name = name.empty() || name.find_first_of(": \t\r\n") != std::string_view::npos;
  if (equals == std::string_view::npos || bad_name) return "attribute 'header' needs Name=Value";
  std::string_view header_value = text.substr(equals + 1);
  if (header_value.find_first_of("\r\n") != std::string_view::npos) {
    return "header '" + std::string(name) + "' has a line break in its value";
  }
  spec->headers.push_back({std::string(name), std::string(header_value)});
  return std::nullopt;
}

std::optional<std::string> parse_layout(std::optional<std::string_view> value, RemoteSpec* spec) {
  if (value == "bazel") {
    spec->layout = RemoteLayout::kBazel;
  } else if (value == "plain") {
    spec->layout = RemoteLayout::kPlain;
  } else {
    return "bad layout '" + std::string(value.value_or("")) + "' (expected bazel or plain)";
  }
  return std::nullopt;
}

// The attributes each scheme understands beyond read-only and the timeouts.
bool attribute_applies(RemoteScheme scheme, std::string_view name) {
  if (name == "read-only" || name == "connect-timeout" || name == "timeout" ||
      name == "first-byte-timeout")
    return true;
  bool tls = name == "ca-file" || name == "insecure-skip-tls-verify";
  switch (scheme) {
    case RemoteScheme::kHttp:
    case RemoteScheme::kHttps:
      return name == "layout" || name == "header" || tls;
    case RemoteScheme::kFile:
      return name == "layout";
    case RemoteScheme::kRedis:
      return false;
    case RemoteScheme::kS3:
      return name == "endpoint" || name == "region" || name == "style" || tls;
  }
  return false;
}

std::string_view scheme_name(RemoteScheme scheme) {
  switch (scheme) {
    case RemoteScheme::kHttp:
      return "http://";
    case RemoteScheme::kHttps:
      return "https://";
    case RemoteScheme::kFile:
      return "file://";
    case RemoteScheme::kRedis:
      return "redis://";
    case RemoteScheme::kS3:
      return "s3://";
  }
  return "?";
}

std::optional<std::string> parse_endpoint(std::optional<std::string_view> value, RemoteSpec* spec) {
  std::string_view text = strip_trailing_slashes(value.value_or(""));
  RemoteSpec endpoint;
  std::optional<std::string> error;
  if (text.starts_with("http://"))
    error = parse_http_url("http", text.substr(7), &endpoint);
  else if (text.starts_with("https://"))
    error = parse_http_url("https", text.substr(8), &endpoint);
  else
    error = "attribute 'endpoint' needs http://host[:port] or https://host[:port]";
  if (error) return error;
  if (!endpoint.username.empty() ||
      endpoint.url.find('/', text.find("://") + 3) != std::string::npos) {
    return "attribute 'endpoint' takes only scheme, host and port";
  }
  spec->endpoint = endpoint.url;
  return std::nullopt;
}

std::optional<std::string> parse_s3_attribute(std::string_view name,
                                              std::optional<std::string_view> value,
                                              RemoteSpec* spec) {
  if (name == "endpoint") return parse_endpoint(value, spec);
  if (name == "region") {
    std::string_view region = value.value_or("");
    auto ok = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; };
    if (region.empty() || !std::all_of(region.begin(), region.end(), ok)) {
      return "attribute 'region' needs a region name such as eu-west-1";
    }
    spec->region = std::string(region);
    return std::nullopt;
  }
  if (value == "virtual" || value == "path") {  // name == "style"
    spec->virtual_hosted = value == "virtual";
    return std::nullopt;
  }
  return "attribute 'style' needs virtual or path";
}

std::optional<std::string> parse_attribute(std::string_view attribute, RemoteSpec* spec) {
  auto equals = attribute.find('=');
  std::string_view name = attribute.substr(0, equals);
  std::optional<std::string_view> value;
  if (equals != std::string_view::npos) value = attribute.substr(equals + 1);
  if (!attribute_applies(spec->scheme, name)) {
    bool known =
        attribute_applies(RemoteScheme::kHttp, name) || attribute_applies(RemoteScheme::kS3, name);
    if (!known) return "unknown attribute '" + std::string(name) + "'";
    return "attribute '" + std::string(name) + "' does not apply to " +
           std::string(scheme_name(spec->scheme));
  }
  if (name == "layout") return parse_layout(value, spec);
  if (name == "read-only") return parse_flag(name, value, &spec->read_only);
  if (name == "insecure-skip-tls-verify") return parse_flag(name, value, &spec->insecure);
  if (name == "connect-timeout") return parse_timeout(name, value, &spec->connect_timeout_ms);
  if (name == "timeout") return parse_timeout(name, value, &spec->operation_timeout_ms);
  if (name == "first-byte-timeout") return parse_timeout(name, value, &spec->first_byte_timeout_ms);
  if (name == "header") return parse_header(value, spec);
  if (name == "ca-file") {
    if (value.value_or("").empty()) return "attribute 'ca-file' needs a path";
    spec->ca_file = std::string(*value);
    return std::nullopt;
  }
  return parse_s3_attribute(name, value, spec);
}

// Where a white-space run is followed by "<scheme>://": the start of the
// next remote in a list; npos when there is none.
size_t next_remote_start(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!is_space(text[i])) continue;
    size_t start = i;
    while (start < text.size() && is_space(text[start])) ++start;
    size_t scheme_end = start;
    while (scheme_end < text.size() &&
           std::isalnum(static_cast<unsigned char>(text[scheme_end])) != 0) {
      ++scheme_end;
    }
    if (scheme_end > start && text.substr(scheme_end).starts_with(kSchemeSeparator)) return start;
    i = start - 1;
  }
  return std::string_view::npos;
}

}  // namespace

Result<RemoteSpec> parse_remote_spec(std::string_view text) {
  std::vector<std::string_view> parts = split(trim(text), '|');
  std::string_view url_text = parts.front();
  if (url_text.empty()) return spec_error(url_text, "empty URL");
  RemoteSpec spec;
  if (auto error = parse_url(url_text, &spec)) return spec_error(url_text, *error);
  bool style_given = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view attribute = trim(parts[i]);
    if (attribute.empty()) continue;  // "url|" or "a||b": nothing to set
    if (auto error = parse_attribute(attribute, &spec)) return spec_error(url_text, *error);
    style_given = style_given || attribute.starts_with("style=");
  }
  // AWS itself prefers virtual-hosted names; other S3 servers mostly serve paths.
  if (spec.scheme == RemoteScheme::kS3 && !style_given) spec.virtual_hosted = spec.endpoint.empty();
  return spec;
}

std::vector<std::string_view> split_remote_list(std::string_view text) {
  std::vector<std::string_view> entries;
  text = trim(text);
  while (!text.empty()) {
    size_t next = next_remote_start(text);
    entries.push_back(trim(text.substr(0, next)));
    if (next == std::string_view::npos) break;
    text.remove_prefix(next);
  }
  return entries;
}

Result<std::vector<RemoteSpec>> parse_remote_list(std::string_view text) {
  std::vector<RemoteSpec> specs;
  for (std::string_view entry : split_remote_list(text)) {
    Result<RemoteSpec> spec = parse_remote_spec(entry);
    if (!spec) return Error{spec.error()};
    for (const RemoteSpec& earlier : specs) {
      if (earlier.url == spec->url)
        return Error{"remote " + redacted_url(*spec) + " is listed twice"};
    }
    specs.push_back(std::move(*spec));
  }
  if (specs.empty()) return Error{"bad remote URL: empty URL"};
  return specs;
}

std::string redacted_url(const RemoteSpec& spec) {
  if (spec.username.empty() && spec.password.empty()) return spec.url;
  auto separator = spec.url.find(kSchemeSeparator);
  if (separator == std::string::npos) return spec.url;
  std::string out = spec.url;
  out.insert(separator + kSchemeSeparator.size(), "***@");
  return out;
}

std::string redact_url_credentials(std::string_view text) {
  std::string out;
  for (;;) {
    auto separator = text.find(kSchemeSeparator);
    if (separator == std::string_view::npos) break;
    size_t authority_start = separator + kSchemeSeparator.size();
    out.append(text.substr(0, authority_start));
    text.remove_prefix(authority_start);
    // The authority ends where a path, an attribute or the quoted text ends.
    std::string_view authority = text.substr(0, text.find_first_of("/|?# \t\r\n\"'<>"));
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
      out.append("***");
      text.remove_prefix(at);
    }
  }
  out.append(text);
  return out;
}

std::string_view layout_name(RemoteLayout layout) {
  return layout == RemoteLayout::kBazel ? "bazel" : "plain";
}

std::string remote_object_path(RemoteLayout layout, const CacheKey& key) {
  if (layout == RemoteLayout::kBazel) return "ac/" + key.hex64();
  return "v" + std::to_string(kFormatVersion) + "/" + static_cast<char>(key.kind) + "/" +
         key.digest.hex().substr(0, 2) + "/" + key.to_string();
}

}  // namespace edgecache
