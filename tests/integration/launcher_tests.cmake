# The launcher's integration tests: bash scripts that build real projects
# with real cmake, ninja, gcc and clang, each in its own scratch dir.
foreach(name warm_rebuild changes second_checkout faults correctness parallel)
  add_test(NAME integration.launcher_${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/launcher_${name}.sh)
  set_tests_properties(integration.launcher_${name} PROPERTIES
    ENVIRONMENT "EDGECACHE_BIN=$<TARGET_FILE:edgecache>;EDGECACHE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    TIMEOUT 300)
endforeach()

add_test(NAME integration.setup_commands COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/setup_commands.sh)
set_tests_properties(integration.setup_commands PROPERTIES
  ENVIRONMENT "EDGECACHE_BIN=$<TARGET_FILE:edgecache>;EDGECACHE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  TIMEOUT 300)

add_test(NAME integration.security_signed_entries
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/security_signed_entries.sh)
set_tests_properties(integration.security_signed_entries PROPERTIES
  ENVIRONMENT "EDGECACHE_BIN=$<TARGET_FILE:edgecache>;EDGECACHE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  TIMEOUT 300)

# Crash, concurrency and disk-full stress (issue: hardening).
foreach(name kill_loop concurrent_trim disk_full)
  add_test(NAME integration.stress_${name} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/stress_${name}.sh)
  set_tests_properties(integration.stress_${name} PROPERTIES
    ENVIRONMENT "EDGECACHE_BIN=$<TARGET_FILE:edgecache>;EDGECACHE_NINJA_BIN=$<TARGET_FILE:edgecache-ninja>;EDGECACHE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    LABELS stress TIMEOUT 600)
endforeach()
