// edgecache-remote-helper: the long-lived process that keeps an http(s)
// remote's connections open for every launcher of this user (helper_store.h
// starts it, helper_server.h serves, helper_protocol.h is the wire format:
// ccache's storage helper protocol). Configured only by the CRSH_* environment
// its client sets; prints nothing (its stdio is /dev/null); exits when idle.

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "edgecache/helper_server.h"
#include "edgecache/remote_probe.h"
#include "edgecache/remote_spec.h"
#include "edgecache/remote_store.h"

namespace {

std::string env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? value : "";
}

// The remote as the launcher wrote it: CRSH_URL and the |attributes, but
// the bearer token (kept out of URLs) in the spec's own field.
edgecache::Result<edgecache::RemoteSpec> spec_from_environment() {
  std::string text = env("CRSH_URL");
  std::string token;
  long count = std::strtol(env("CRSH_NUM_ATTR").c_str(), nullptr, 10);
  for (long i = 0; i < count; ++i) {
    std::string name = env("CRSH_ATTR_KEY_" + std::to_string(i));
    std::string value = env("CRSH_ATTR_VALUE_" + std::to_string(i));
    if (name == "bearer-token")
      token = value;
    else
      text += "|" + name + (value.empty() ? "" : "=" + value);
  }
  auto spec = edgecache::parse_remote_spec(text);
  if (spec) spec->bearer_token = token;
  return spec;
}

}  // namespace

int main() {
  ::signal(SIGPIPE, SIG_IGN);
  if (::chdir("/") != 0) return 2;  // never keep a build dir busy
  auto spec = spec_from_environment();
  std::string socket_path = env("CRSH_IPC_ENDPOINT");
  if (!spec || socket_path.empty()) return 2;
  if (spec->scheme != edgecache::RemoteScheme::kHttp &&
      spec->scheme != edgecache::RemoteScheme::kHttps)
    return 2;
  // Many compiles' requests at once: one connection pool (HTTP/2 streams).
  edgecache::share_http_connections();
  auto store = edgecache::make_remote_store(*spec);
  long idle_s = std::strtol(env("CRSH_IDLE_TIMEOUT").c_str(), nullptr, 10);
  edgecache::HelperServer server(*store,
                                 {socket_path, std::chrono::milliseconds(idle_s * 1000),
                                  std::string("edgecache-remote-helper ") + EDGECACHE_VERSION,
                                  /*read_ahead=*/true});
  auto exit = server.run();
  // Client threads may still be running: leave without destructors.
  ::_exit(exit ? 0 : 1);
}
