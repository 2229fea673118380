# Every build option of isoster, in one place. CMakePresets.json names the configurations that
# the scripts, CI and developers use (release-native, portable, asan); a plain configure gets the
# defaults below.

# Tests and benchmarks: ON (their packages are required), OFF, or AUTO (built when GoogleTest and
# Eigen, or Google Benchmark, are found). The default follows PROJECT_IS_TOP_LEVEL: AUTO for
# isoster's own build, OFF under a consumer's add_subdirectory(isoster), so that neither a
# consumer nor a plain configure needs GoogleTest or Google Benchmark. The presets set ON.
if(PROJECT_IS_TOP_LEVEL)
  set(_isoster_default AUTO)
else()
  set(_isoster_default OFF)
endif()
set(ISOSTER_BUILD_TESTS ${_isoster_default} CACHE STRING "Build the tests: ON, OFF or AUTO")
set(ISOSTER_BUILD_BENCHMARKS ${_isoster_default} CACHE STRING "Build the benchmarks: ON, OFF or AUTO")
set_property(CACHE ISOSTER_BUILD_TESTS ISOSTER_BUILD_BENCHMARKS PROPERTY STRINGS ON OFF AUTO)

option(ISOSTER_NATIVE "Optimise for the build machine's CPU (-march=native)" OFF)
option(ISOSTER_SANITIZE "Build with -fsanitize=address,undefined" OFF)
# The campaign engine (`isoster campaign`, the isoster-campaign and isoster-merge executables)
# needs MPI and parallel HDF5; the core, `isoster fit` and `isoster mock` need neither.
option(ISOSTER_CAMPAIGN "Build the MPI campaign engine (needs MPI and parallel HDF5)" ON)
# Debian's shared CFITSIO pulls in libcurl and ~35 more libraries, loaded at every process start;
# statically, CFITSIO's https driver (libcurl) is replaced by stubs that fail to open.
option(ISOSTER_STATIC_TOOL
  "Link CFITSIO (without https), Boost.Program_options and libstdc++ statically into isoster" OFF)
set(ISOSTER_CUDA OFF CACHE STRING "CUDA backend: OFF (AUTO/ON arrive with the GPU backend)")
set_property(CACHE ISOSTER_CUDA PROPERTY STRINGS OFF)
