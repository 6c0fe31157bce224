# Integration tests of the remote cache through the launcher: bash scripts
# that build the hello example against a real nginx WebDAV server
# (tests/fixtures/nginx_fixture.sh), a silent TCP server (slow_server.py) or a
# file:// directory, each in its own scratch dir.
foreach(name teammate bazel_layout read_only token refused http500 silent corrupt no_remote file)
  add_test(NAME integration.remote_${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/remote_${name}.sh)
  set_tests_properties(integration.remote_${name} PROPERTIES
    ENVIRONMENT "EDGECACHE_BIN=$<TARGET_FILE:edgecache>;EDGECACHE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    TIMEOUT 300)
endforeach()
