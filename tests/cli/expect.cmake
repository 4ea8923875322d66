# Runs a command and checks its exit code and output. Usage:
#   cmake -DCOMMAND="a;b;c" -DEXPECT_EXIT=2 -DEXPECT_OUTPUT="regex" [-DREPEAT_IDENTICAL=ON] -P expect.cmake
# With REPEAT_IDENTICAL the command runs twice and the outputs must be byte-identical.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED EXPECT_OUTPUT AND NOT "${out}${err}" MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match /${EXPECT_OUTPUT}/\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(REPEAT_IDENTICAL)
  execute_process(COMMAND ${COMMAND} OUTPUT_VARIABLE again)
  if(NOT again STREQUAL out)
    message(FATAL_ERROR "two runs gave different output:\n${out}\n---\n${again}")
  endif()
endif()
