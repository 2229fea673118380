# Dependencies, all from Debian packages, as imported targets.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(CFITSIO REQUIRED IMPORTED_TARGET cfitsio)
# The command-line tool can link its dependencies statically: Debian's shared CFITSIO pulls in
# libcurl and ~35 more libraries, which cost ~6 ms at every process start (more than a fit).
# Statically, CFITSIO's https driver (libcurl) is replaced by stubs that fail to open.
option(ISOSTER_STATIC_TOOL
  "Link CFITSIO (without https), Boost.Program_options and libstdc++ statically into isoster" OFF)
if(ISOSTER_STATIC_TOOL)
  set(Boost_USE_STATIC_LIBS ON)
  find_library(ISOSTER_CFITSIO_ARCHIVE NAMES libcfitsio.a)
  find_package(ZLIB REQUIRED)
  find_package(BZip2 REQUIRED)
  if(NOT ISOSTER_CFITSIO_ARCHIVE)
    message(FATAL_ERROR "ISOSTER_STATIC_TOOL=ON but libcfitsio.a was not found")
  endif()
  add_library(isoster_cfitsio_static INTERFACE)
  target_include_directories(isoster_cfitsio_static INTERFACE ${CFITSIO_INCLUDE_DIRS})
  target_link_libraries(isoster_cfitsio_static INTERFACE ${ISOSTER_CFITSIO_ARCHIVE} ZLIB::ZLIB
    BZip2::BZip2 m Threads::Threads)
  # Interface source: compiled into every executable that links CFITSIO this way, so the linker
  # always sees the replacements (an archive member would be skipped before libcfitsio.a).
  target_sources(isoster_cfitsio_static INTERFACE ${PROJECT_SOURCE_DIR}/src/io/no_network_curl.c)
endif()
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(OpenMP REQUIRED COMPONENTS CXX)
if(ISOSTER_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(Eigen3 3.3 REQUIRED NO_MODULE)
  include(GoogleTest)
endif()
if(ISOSTER_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
if(ISOSTER_CAMPAIGN)
  find_package(MPI 3.1 REQUIRED COMPONENTS C CXX)
  # The parallel build of HDF5's C API (Debian: libhdf5-openmpi-dev); a serial h5cc installed
  # beside it would otherwise win.
  set(HDF5_PREFER_PARALLEL TRUE)
  find_package(HDF5 1.10.7 REQUIRED COMPONENTS C)
  if(NOT HDF5_IS_PARALLEL OR NOT TARGET hdf5::hdf5)
    message(FATAL_ERROR "ISOSTER_CAMPAIGN needs parallel HDF5 (Debian: libhdf5-openmpi-dev), "
                        "or configure with -DISOSTER_CAMPAIGN=OFF")
  endif()
endif()
if(NOT ISOSTER_CUDA STREQUAL "OFF")
  message(FATAL_ERROR "ISOSTER_CUDA=${ISOSTER_CUDA}: the GPU backend is not part of this release yet")
endif()
