# Configures and builds tests/consumer/subdirectory (isoster through add_subdirectory), then runs
# its consumer: a parent project needs no test framework and gets no test targets.
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC}/tests/consumer/subdirectory -B ${WORK}
  -DISOSTER_SOURCE=${SRC} -DCMAKE_BUILD_TYPE=Release RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure with add_subdirectory(isoster) failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK} --target consumer -j 2 RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "consumer build failed")
endif()
execute_process(COMMAND ${WORK}/consumer RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message(STATUS "${out}")
if(rc)
  message(FATAL_ERROR "consumer run failed")
endif()
