# `edgecache report` and `edgecache explain` for edgecache-ninja's edges,
# included from tests/integration/CMakeLists.txt. report_html renders the
# page in a real headless Chromium (installed through apt-get when missing).
if(TARGET edgecache AND TARGET edgecache-ninja)
  foreach(name html bad_input explain_edges)
    add_test(NAME integration.report_${name} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report_${name}.sh)
    set_tests_properties(integration.report_${name} PROPERTIES
      ENVIRONMENT "EDGECACHE_BIN=$<TARGET_FILE:edgecache>;EDGECACHE_NINJA_BIN=$<TARGET_FILE:edgecache-ninja>;EDGECACHE_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
      LABELS "integration;report" TIMEOUT 300)
  endforeach()
endif()
