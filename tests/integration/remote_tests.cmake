# Integration tests of the remote cache through the launcher: bash scripts
# that build the hello example against a real nginx WebDAV server
# (tests/fixtures/nginx_fixture.sh), a silent TCP server (slow_server.py) or a
# file:// directory, or a server that holds PUTs until told (held_put_server.py),
# each in its own scratch dir.
edgecache_script_tests(remote remote NAMES
  teammate bazel_layout read_only token refused http500 silent silent_cost corrupt no_remote file helper
  background_upload helper_http2)
