# The CMake module's integration tests, included from
# tests/integration/CMakeLists.txt. Each script installs this build into a
# private prefix (cmake --install, hence EDGECACHE_BUILD_DIR) and configures
# and builds examples/with_module or examples/plain_project against it.
set(_cmake_module_tests
  routes             # include, find_package, top-level include: cold misses, clean rebuild hits
  user_launcher      # a launcher the user set is kept and reported
  relocatable        # EDGECACHE_RELOCATABLE: identical objects and hits across checkout paths
  bad_settings       # bad mode/remote fail naming the variable; missing programs only warn
)
if(TARGET edgecache-ninja)
  list(APPEND _cmake_module_tests
    ninja_mode       # EDGECACHE_MODE=ninja: edgecache-ninja as the make program
  )
endif()
find_program(EDGECACHE_TEST_DPKG_DEB dpkg-deb)
mark_as_advanced(EDGECACHE_TEST_DPKG_DEB)
if(EDGECACHE_TEST_DPKG_DEB)
  list(APPEND _cmake_module_tests
    package          # cpack -G DEB: contents and dependencies of the .deb
  )
endif()

edgecache_script_tests(cmake_module cmake_module NAMES ${_cmake_module_tests}
  ENV "EDGECACHE_BUILD_DIR=${CMAKE_BINARY_DIR}")
