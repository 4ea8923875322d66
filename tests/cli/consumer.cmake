# Builds and runs tests/consumer against factorysim: VIA=package installs the build tree
# into WORK/install first; VIA=subdirectory configures factorysim as a subproject.
file(REMOVE_RECURSE "${WORK}")
if(VIA STREQUAL "package")
  execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK}/install"
                  RESULT_VARIABLE code OUTPUT_QUIET)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "cmake --install failed")
  endif()
  set(configure_args -DFACTORYSIM_VIA=package "-DCMAKE_PREFIX_PATH=${WORK}/install")
else()
  set(configure_args -DFACTORYSIM_VIA=subdirectory "-DFACTORYSIM_SOURCE_DIR=${SOURCE_DIR}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/consumer" -B "${WORK}/build" -G Ninja
                        -DCMAKE_BUILD_TYPE=Release ${configure_args}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed:\n${out}\n${err}")
endif()
if(VIA STREQUAL "subdirectory")
  return()  # configuring proves the subproject wiring; building it again would double CI time
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK}/build" RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "building the consumer failed:\n${out}\n${err}")
endif()
execute_process(COMMAND "${WORK}/build/consumer" RESULT_VARIABLE code OUTPUT_VARIABLE out)
if(NOT code EQUAL 0 OR NOT out MATCHES "fired 1, IT [0-9.]+ MW")
  message(FATAL_ERROR "the consumer failed (${code}): ${out}")
endif()
