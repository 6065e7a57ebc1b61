# cmake --install: headers, libaftersales.a and libaftersales.so (with its
# SONAME), the CMake package (find_package(aftersales CONFIG REQUIRED) then
# aftersales::aftersales or aftersales::aftersales_static), a pkg-config
# file, the CLI, and the JSON Schemas of policy files (share/aftersales/schemas).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(AFTERSALES_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/aftersales)

install(TARGETS aftersales_shared aftersales_core aftersales_dep_re2 aftersales_dep_cctz
  EXPORT aftersalesTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/aftersales DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_BINARY_DIR}/include/aftersales/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/aftersales)
if(AFTERSALES_BUILD_CLI)
  install(TARGETS aftersales_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
# The JSON Schemas of policy files and policy test files, for editors
# (docs/policy-language.md, "Editor support").
install(FILES ${PROJECT_SOURCE_DIR}/docs/schemas/policy.schema.json
              ${PROJECT_SOURCE_DIR}/docs/schemas/policy-tests.schema.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/aftersales/schemas)

install(EXPORT aftersalesTargets NAMESPACE aftersales:: DESTINATION ${AFTERSALES_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/aftersalesConfig.cmake.in
  ${PROJECT_BINARY_DIR}/aftersalesConfig.cmake INSTALL_DESTINATION ${AFTERSALES_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/aftersalesConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/aftersalesConfig.cmake ${PROJECT_BINARY_DIR}/aftersalesConfigVersion.cmake
        DESTINATION ${AFTERSALES_CMAKE_DIR})

configure_file(${CMAKE_CURRENT_LIST_DIR}/aftersales.pc.in ${PROJECT_BINARY_DIR}/aftersales.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/aftersales.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
