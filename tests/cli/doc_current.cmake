# docs/scenario.md must be exactly what `factorysim schema --format markdown` prints.
execute_process(COMMAND "${FACTORYSIM}" schema --format markdown OUTPUT_VARIABLE generated RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "factorysim schema --format markdown failed")
endif()
file(READ "${DOC}" current)
if(NOT current STREQUAL generated)
  message(FATAL_ERROR "${DOC} is out of date; regenerate it:\n  build/factorysim schema --format markdown > docs/scenario.md")
endif()
