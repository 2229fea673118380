# `cmake --install`: the isoster binary, libisoster, its public headers and a CMake package, so that
# another project can find_package(isoster) and link isoster::isoster.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
install(TARGETS isoster EXPORT isosterTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS isoster_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/isoster-qa DESTINATION ${CMAKE_INSTALL_BINDIR})
if(ISOSTER_CAMPAIGN)
  install(TARGETS isoster_campaign_cli isoster_merge_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY include/isoster DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/generated/isoster/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/isoster)
install(EXPORT isosterTargets NAMESPACE isoster:: FILE isosterTargets.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/isoster)
configure_package_config_file(cmake/isosterConfig.cmake.in
  ${PROJECT_BINARY_DIR}/isosterConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/isoster)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/isosterConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/isosterConfig.cmake ${PROJECT_BINARY_DIR}/isosterConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/isoster)
