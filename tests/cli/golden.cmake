# Approval test: runs a scenario and compares its JSON summary with the reviewed golden
# file. On a difference it prints a unified diff and fails; accepting the change is an
# explicit step: scripts/update-goldens.sh, then review the diff in the commit.
#   cmake -DFACTORYSIM=... -DSCENARIO=... -DGOLDEN=... -DWORK_DIR=... -P golden.cmake
get_filename_component(name "${SCENARIO}" NAME_WE)
set(actual "${WORK_DIR}/${name}.actual.json")
execute_process(COMMAND "${FACTORYSIM}" -q run "${SCENARIO}" --format json -o "${actual}"
                RESULT_VARIABLE code ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "factorysim run ${SCENARIO} exited with ${code}:\n${err}")
endif()
if(NOT EXISTS "${GOLDEN}")
  message(FATAL_ERROR "no golden summary ${GOLDEN}; create it with scripts/update-goldens.sh and review it")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${GOLDEN}" "${actual}" RESULT_VARIABLE differs)
if(differs)
  execute_process(COMMAND diff -u "${GOLDEN}" "${actual}" OUTPUT_VARIABLE diff_text)
  message(FATAL_ERROR "${SCENARIO}: the summary changed from its golden file:\n${diff_text}\n"
                      "If the change is intended, run scripts/update-goldens.sh and review the diff.")
endif()
