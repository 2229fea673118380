# Build provenance: version, git revision and the flags that decide the sampling speed.
find_package(Git QUIET)
set(ISOSTER_GIT_REVISION "unknown")
if(GIT_FOUND AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    OUTPUT_VARIABLE _rev OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _rev)
    set(ISOSTER_GIT_REVISION "${_rev}")
  endif()
  # Re-configure (and so refresh the revision written into every output) after each commit.
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/.git/logs/HEAD)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
      ${CMAKE_CURRENT_SOURCE_DIR}/.git/logs/HEAD)
  endif()
endif()
set(ISOSTER_BUILD_FLAGS "${CMAKE_BUILD_TYPE}")
if(ISOSTER_NATIVE)
  string(APPEND ISOSTER_BUILD_FLAGS " native")
endif()
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/include/isoster/version.hpp.in
  ${CMAKE_CURRENT_BINARY_DIR}/generated/isoster/version.hpp @ONLY)
