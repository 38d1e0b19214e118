# Installs headers, the library and a relocatable package config (handoff::handoff).
include(CMakePackageConfigHelpers)
install(TARGETS handoff EXPORT handoffTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/handoff DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(HANDOFF_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/handoff)
install(EXPORT handoffTargets NAMESPACE handoff:: DESTINATION ${HANDOFF_CMAKE_DIR})
configure_package_config_file(cmake/handoffConfig.cmake.in
  "${PROJECT_BINARY_DIR}/handoffConfig.cmake" INSTALL_DESTINATION ${HANDOFF_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/handoffConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/handoffConfig.cmake"
              "${PROJECT_BINARY_DIR}/handoffConfigVersion.cmake"
        DESTINATION ${HANDOFF_CMAKE_DIR})
if(HANDOFF_BUILD_EXAMPLES)
  install(TARGETS handoff_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
