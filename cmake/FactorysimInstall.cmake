# Install rules and the exported CMake package, so that other projects can
#   find_package(factorysim CONFIG REQUIRED)
#   target_link_libraries(tool PRIVATE factorysim::factorysim)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS factorysim EXPORT factorysimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/factorysim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_BINARY_DIR}/generated/include/factorysim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET factorysim_cli)
  install(TARGETS factorysim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(FACTORYSIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/factorysim)
install(EXPORT factorysimTargets NAMESPACE factorysim:: DESTINATION ${FACTORYSIM_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/factorysimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/factorysimConfig.cmake INSTALL_DESTINATION ${FACTORYSIM_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/factorysimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/factorysimConfig.cmake ${PROJECT_BINARY_DIR}/factorysimConfigVersion.cmake
  DESTINATION ${FACTORYSIM_CMAKE_DIR})
