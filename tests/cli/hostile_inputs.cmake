# Writes inputs too large to keep in the repository: 10,000 levels of nesting and a
# 100 MB file (sparse, so it costs no disk space).
file(MAKE_DIRECTORY "${OUT}")
string(REPEAT "[" 10000 open)
file(WRITE "${OUT}/deep.json" "{\"name\": ${open}")
execute_process(COMMAND truncate -s 100M "${OUT}/huge.json" RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "truncate failed")
endif()
