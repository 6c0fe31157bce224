#include "store/remote/http_store.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

#include "store/remote/curl_library.h"
#include "store/remote/curl_transfer.h"
#include "store/remote/shared_transfers.h"
#include "util/hmac.h"

namespace edgecache {

// One easy handle and the multi handle that drives its transfers
// (curl_transfer.h). Between calls the multi handle keeps the connection
// cache, so the next request to the same host reuses the open connection.
// In a process that shares its connections (shared_transfers.h) the
// engine's multi handle drives them instead, and the handle has none.
class CurlEasy {
 public:
  explicit CurlEasy(bool own_multi)
      : handle_(curl_library().loaded ? curl_library().easy_init() : nullptr),
        multi_(curl_library().loaded && own_multi ? curl_library().multi_init() : nullptr) {}
  CURL* get() const { return handle_.get(); }
  CURLM* multi() const { return multi_.get(); }

 private:
  struct Deleter {
    void operator()(CURL* handle) const { curl_library().easy_cleanup(handle); }
  };
  struct MultiDeleter {
    void operator()(CURLM* multi) const { curl_library().multi_cleanup(multi); }
  };
  std::unique_ptr<CURL, Deleter> handle_;  // declared first: destroyed after the multi
  std::unique_ptr<CURLM, MultiDeleter> multi_;
};

namespace {

constexpr size_t kMaxIdleHandles = 8;   // more parallel calls work, extra handles are dropped
constexpr size_t kMinSecretLength = 4;  // shorter "secrets" would garble every message
constexpr size_t kMaxErrorBody = 4096;  // of an error reply, enough for its <Code>

enum class Method { kGet, kPut, kHead, kDelete };

const char* method_name(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPut:
      return "PUT";
    case Method::kHead:
      return "HEAD";
    case Method::kDelete:
      return "DELETE";
  }
  return "?";
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_library().slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_library().slist_append(list.get(), line.c_str());
  if (grown != nullptr) {
    (void)list.release();  // `grown` owns the old nodes now
    list.reset(grown);
  }
}

}  // namespace

struct HttpRequest {
  Method method = Method::kGet;
  std::string_view upload{};        // PUT: the bytes not yet sent
  std::string* download = nullptr;  // GET: receives the body
  size_t max_body = 0;              // GET: the body limit
  bool body_too_large = false;      // set when the limit stopped the transfer
  std::string error_body{};         // HEAD/PUT/DELETE: the start of the reply's body
};

namespace {

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* request = static_cast<HttpRequest*>(user);
  size_t bytes = size * count;
  if (request->download == nullptr) {  // HEAD/PUT/DELETE: keep the start, for an error's <Code>
    size_t room = kMaxErrorBody - std::min(kMaxErrorBody, request->error_body.size());
    request->error_body.append(data, std::min(room, bytes));
    return bytes;
  }
  if (request->download->size() + bytes > request->max_body) {
    request->body_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  request->download->append(data, bytes);
  return bytes;
}

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
  auto* request = static_cast<HttpRequest*>(user);
  size_t bytes = std::min(size * count, request->upload.size());
  std::memcpy(buffer, request->upload.data(), bytes);
  request->upload.remove_prefix(bytes);
  return bytes;
}

// S3's x-amz-content-sha256: the body's SHA-256 in hex, or the literal S3
// accepts for a body it should not check, should libcrypto be missing.
std::string content_sha256(std::string_view bytes) {
  Result<std::string> digest = sha256(bytes);
  if (!digest) return "UNSIGNED-PAYLOAD";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : *digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 15];
  }
  return hex;
}

Slist request_headers(const RemoteSpec& spec, const AwsSigning& signing, std::string_view upload) {
  Slist headers;
  if (!signing.region.empty()) {
    // Signed by curl along with the request: S3 checks the body against it.
    append(headers, "x-amz-content-sha256: " + content_sha256(upload));
    if (!signing.credentials.session_token.empty()) {
      append(headers, "x-amz-security-token: " + signing.credentials.session_token);
    }
  }
  // curl waits up to a second for "100 Continue" before a large PUT body;
  // our servers never refuse based on headers, so skip the round trip. Not
  // when signing: libcurl 7.88 signs the suppressed header as "expect:", so
  // the server's signature would never match.
  if (signing.region.empty()) append(headers, "Expect:");
  for (const RemoteHeader& header : spec.headers) {
    // "Name;" is curl's spelling of a header with an empty value.
    append(headers, header.value.empty() ? header.name + ";" : header.name + ": " + header.value);
  }
  if (!spec.bearer_token.empty()) append(headers, "Authorization: Bearer " + spec.bearer_token);
  return headers;
}

void set_connection_options(CURL* curl, const RemoteSpec& spec) {
  curl_library().easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required for use from several threads
  curl_library().easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_library().easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_library().easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_library().easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, spec.connect_timeout_ms);
  curl_library().easy_setopt(curl, CURLOPT_TIMEOUT_MS, spec.operation_timeout_ms);
  if (!spec.ca_file.empty()) curl_library().easy_setopt(curl, CURLOPT_CAINFO, spec.ca_file.c_str());
  if (spec.insecure) {
    curl_library().easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_library().easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  // A bearer token wins over the URL's user:password: both would set Authorization.
  if (spec.bearer_token.empty() && !spec.username.empty()) {
    curl_library().easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_library().easy_setopt(curl, CURLOPT_USERNAME, spec.username.c_str());
    curl_library().easy_setopt(curl, CURLOPT_PASSWORD, spec.password.c_str());
  }
}

void set_signing_options(CURL* curl, const AwsSigning& signing, std::string* sigv4) {
  if (signing.region.empty()) return;
  *sigv4 = "aws:amz:" + signing.region + ":s3";
  curl_library().easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4->c_str());
  curl_library().easy_setopt(curl, CURLOPT_USERNAME, signing.credentials.access_key_id.c_str());
  curl_library().easy_setopt(curl, CURLOPT_PASSWORD, signing.credentials.secret_access_key.c_str());
}

void set_method_options(CURL* curl, HttpRequest& request) {
  curl_library().easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_library().easy_setopt(curl, CURLOPT_WRITEDATA, &request);
  switch (request.method) {
    case Method::kGet:
      curl_library().easy_setopt(curl, CURLOPT_HTTPGET, 1L);
      // Refuses at once when Content-Length announces too much; write_body
      // catches bodies without a length.
      curl_library().easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                                 static_cast<curl_off_t>(request.max_body));
      break;
    case Method::kHead:
      curl_library().easy_setopt(curl, CURLOPT_NOBODY, 1L);
      break;
    case Method::kPut:
      curl_library().easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_library().easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
      curl_library().easy_setopt(curl, CURLOPT_READDATA, &request);
      curl_library().easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                                 static_cast<curl_off_t>(request.upload.size()));
      break;
    case Method::kDelete:
      curl_library().easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
      break;
  }
}

// The <Code> of an S3-style XML error body ("NoSuchBucket", ...), or "".
std::string s3_error_code(const std::string& body) {
  auto start = body.find("<Code>");
  auto end = body.find("</Code>");
  if (start == std::string::npos || end == std::string::npos || end < start) return "";
  std::string code = body.substr(start + 6, end - start - 6);
  bool plain =
      code.size() <= 64 &&
      code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
          std::string::npos;
  return plain ? code : "";
}

Status map_http_status(Method method, long status, const std::string& what,
                       const std::string& error_body) {
  bool success = method == Method::kGet ? status == 200 : status >= 200 && status < 300;
  if (success) return ok_status();
  std::string code = s3_error_code(error_body);
  if (status == 404 && code != "NoSuchBucket") return Error::not_found();
  return Error{what + ": HTTP " + std::to_string(status) + (code.empty() ? "" : " " + code)};
}

Error map_curl_error(CURLcode code, const char* detail, const RemoteSpec& spec,
                     const std::string& what) {
  std::string message = what + ": " + curl_library().easy_strerror(code);
  if (detail[0] != '\0') message += " (" + std::string(detail) + ")";
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return Error::timed_out(message +
                            " [connect-timeout=" + std::to_string(spec.connect_timeout_ms) +
                            "ms, timeout=" + std::to_string(spec.operation_timeout_ms) + "ms]");
  }
  return Error{message};
}

void replace_all(std::string& text, const std::string& secret) {
  if (secret.size() < kMinSecretLength) return;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
  }
}

// Defence in depth: messages are built from the credential-free URL, but a
// server or curl detail could echo a secret back.
Error scrubbed(Error failure, const RemoteSpec& spec, const AwsSigning& signing) {
  failure.message = redact_url_credentials(failure.message);
  replace_all(failure.message, spec.password);
  replace_all(failure.message, spec.bearer_token);
  replace_all(failure.message, signing.credentials.secret_access_key);
  replace_all(failure.message, signing.credentials.session_token);
  for (const RemoteHeader& header : spec.headers) replace_all(failure.message, header.value);
  return failure;
}

}  // namespace

HttpStore::HttpStore(RemoteSpec spec, size_t max_body_bytes, AwsSigning signing)
    : spec_(std::move(spec)), signing_(std::move(signing)), max_body_bytes_(max_body_bytes) {
  // libcurl is loaded by the first request (CurlEasy calls curl_library(),
  // which loads it and runs curl_global_init once, thread-safely), not here:
  // a launcher whose compile hits locally never pays for it, and the remote
  // helper listens on its socket before loading it.
}

HttpStore::~HttpStore() = default;

std::string HttpStore::description() const {
  return redacted_url(spec_) + " (" + std::string(layout_name(spec_.layout)) +
         (spec_.read_only ? ", read-only)" : ")");
}

std::string HttpStore::object_url(const CacheKey& key) const {
  return spec_.url + "/" + remote_object_path(spec_.layout, key);
}

Result<std::string> HttpStore::get(const CacheKey& key) {
  std::string blob;
  HttpRequest request{.method = Method::kGet, .download = &blob, .max_body = max_body_bytes_};
  Status done = perform(key, request);
  if (!done.ok()) return done.failure();  // never hand out an error page or half a body
  return blob;
}

Status HttpStore::put(const CacheKey& key, std::string_view blob) {
  if (spec_.read_only) return Error{description() + " is read-only"};
  HttpRequest request{.method = Method::kPut, .upload = blob};
  return perform(key, request);
}

Status HttpStore::exists(const CacheKey& key) {
  HttpRequest request{.method = Method::kHead};
  return perform(key, request);
}

Status HttpStore::remove(const CacheKey& key) {
  if (spec_.read_only) return Error{description() + " is read-only"};
  HttpRequest request{.method = Method::kDelete};
  return perform(key, request);
}

Status HttpStore::perform(const CacheKey& key, HttpRequest& request) {
  std::string url = object_url(key);
  std::string what = std::string(method_name(request.method)) + " " + redacted_url(spec_) + "/" +
                     remote_object_path(spec_.layout, key);
  std::unique_ptr<CurlEasy> handle = acquire_handle();
  CURL* curl = handle->get();
  if (curl == nullptr) {
    const std::string& why = curl_library().error;
    return Error{what + ": " + (why.empty() ? "cannot create a curl handle" : why)};
  }

  Slist headers = request_headers(spec_, signing_, request.upload);
  std::string sigv4;
  char detail[CURL_ERROR_SIZE] = {};
  curl_library().easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_library().easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_library().easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
  set_connection_options(curl, spec_);
  set_signing_options(curl, signing_, &sigv4);
  set_method_options(curl, request);
  // Lookups give up early on a silent server; uploads may take `timeout`.
  const bool lookup = request.method == Method::kGet || request.method == Method::kHead;
  const long first_byte_timeout_ms = lookup ? spec_.first_byte_timeout_ms : 0;
  TransferOutcome transfer;
  if (SharedTransfers* shared = SharedTransfers::instance()) {
    // Concurrent requests wait for the connection being opened, to ride it
    // as HTTP/2 streams if the server offers that, instead of each opening
    // its own (an https server only: plain http speaks HTTP/1.1 here).
    if (spec_.url.rfind("https://", 0) == 0) curl_library().easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
    transfer = shared->perform(curl, first_byte_timeout_ms);
  } else {
    transfer = perform_transfer(handle->multi(), curl, first_byte_timeout_ms);
  }
  CURLcode code = transfer.code;
  long status = 0;
  curl_library().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  release_handle(std::move(handle));  // resets the options, which point into this frame

  if (request.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return Error{what + ": body larger than the limit of " + std::to_string(request.max_body) +
                 " bytes"};
  }
  if (transfer.first_byte_timed_out) {
    return scrubbed(Error::timed_out(what + ": no response [first-byte-timeout=" +
                                     std::to_string(spec_.first_byte_timeout_ms) + "ms]"),
                    spec_, signing_);
  }
  if (code != CURLE_OK) return scrubbed(map_curl_error(code, detail, spec_, what), spec_, signing_);
  if (request.download != nullptr && status != 200) {
    request.error_body = request.download->substr(0, kMaxErrorBody);
  }
  Status answered = map_http_status(request.method, status, what, request.error_body);
  if (!answered.ok()) return scrubbed(answered.failure(), spec_, signing_);
  return answered;
}

std::unique_ptr<CurlEasy> HttpStore::acquire_handle() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!idle_handles_.empty()) {
      std::unique_ptr<CurlEasy> handle = std::move(idle_handles_.back());
      idle_handles_.pop_back();
      return handle;
    }
  }
  return std::make_unique<CurlEasy>(SharedTransfers::instance() == nullptr);
}

void HttpStore::release_handle(std::unique_ptr<CurlEasy> handle) {
  if (handle->get() == nullptr) return;
  // Reset drops every option (and so every pointer into the finished call)
  // but keeps the live connections, which is the point of the pool.
  curl_library().easy_reset(handle->get());
  std::lock_guard lock(pool_mutex_);
  if (idle_handles_.size() < kMaxIdleHandles) idle_handles_.push_back(std::move(handle));
}

}  // namespace edgecache
