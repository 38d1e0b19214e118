# Configures, builds and runs one packaging consumer in a fresh directory; any failing step
# fails the script (and so the CTest test). Run by tests/package/CMakeLists.txt:
#
#   cmake -DMODE=find_package|add_subdirectory -DCONSUMER_SOURCE_DIR=... -DWORK_DIR=...
#         -DHANDOFF_SOURCE_DIR=... -DHANDOFF_BINARY_DIR=... -DGENERATOR=... -DCXX_COMPILER=...
#         [-DBUILD_TYPE=...] [-DJOBS=2] [-DCXX_FLAGS=...] [-DSANITIZE=address,undefined] ...
#         -P run_consumer.cmake
#
# MODE=find_package: installs HANDOFF_BINARY_DIR into WORK_DIR/install, checks the installed
# files, moves the prefix to WORK_DIR/prefix (the package must be relocatable) and builds the
# consumer with CMAKE_PREFIX_PATH=WORK_DIR/prefix.
# MODE=add_subdirectory: builds the consumer with -DHANDOFF_SOURCE_DIR=HANDOFF_SOURCE_DIR.
cmake_minimum_required(VERSION 3.25)

foreach(var MODE CONSUMER_SOURCE_DIR WORK_DIR HANDOFF_SOURCE_DIR HANDOFF_BINARY_DIR GENERATOR
            CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT MODE MATCHES "^(find_package|add_subdirectory)$")
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()
if(NOT JOBS)
  set(JOBS 2)
endif()

string(TIMESTAMP _start_seconds "%s")

# Runs a command, echoing it; stops the script when it fails.
function(run_step what)
  message(STATUS "[${MODE}] ${what}")
  execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "[${MODE}] ${what} failed (${result})")
  endif()
endfunction()

# Fresh directories every run: nothing from an earlier run (cache, prefix, binary) can leak in.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(consumer_build "${WORK_DIR}/build")

# Same generator, compiler, flags and build type as the handoff build under test.
set(configure_args -S "${CONSUMER_SOURCE_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
    # Only the prefix under test may provide handoff: no user/system package registries.
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(GENERATOR_PLATFORM)
  list(APPEND configure_args -A "${GENERATOR_PLATFORM}")
endif()
if(GENERATOR_TOOLSET)
  list(APPEND configure_args -T "${GENERATOR_TOOLSET}")
endif()
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(TOOLCHAIN_FILE)
  list(APPEND configure_args "-DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN_FILE}")
endif()
if(CXX_COMPILER_LAUNCHER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_COMPILER_LAUNCHER}")
endif()
# A sanitized handoff build (HANDOFF_SANITIZE) installs an instrumented library; its consumers
# must compile and link with the same -fsanitize flags.
set(cxx_flags "${CXX_FLAGS}")
set(exe_linker_flags "${EXE_LINKER_FLAGS}")
if(SANITIZE)
  string(APPEND cxx_flags " -fsanitize=${SANITIZE} -fno-omit-frame-pointer")
  string(APPEND exe_linker_flags " -fsanitize=${SANITIZE}")
endif()
string(STRIP "${cxx_flags}" cxx_flags)
string(STRIP "${exe_linker_flags}" exe_linker_flags)
list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${cxx_flags}"
     "-DCMAKE_EXE_LINKER_FLAGS=${exe_linker_flags}")
if(WERROR)
  list(APPEND configure_args -DCONSUMER_WERROR=ON)
endif()

set(config_args)
if(BUILD_TYPE)
  set(config_args --config "${BUILD_TYPE}")
endif()

if(MODE STREQUAL "find_package")
  # The library is built by the main build before ctest runs; say so plainly if it is not.
  if(LIBRARY_FILE AND NOT EXISTS "${LIBRARY_FILE}")
    message(FATAL_ERROR "${LIBRARY_FILE} does not exist: build ${HANDOFF_BINARY_DIR} first")
  endif()
  set(install_dir "${WORK_DIR}/install")
  run_step("install ${HANDOFF_BINARY_DIR} into ${install_dir}"
    "${CMAKE_COMMAND}" --install "${HANDOFF_BINARY_DIR}" --prefix "${install_dir}"
    ${config_args})

  # The installed tree: package config, version file, exported targets, library and every
  # public header.
  if(NOT INSTALL_LIBDIR)
    set(INSTALL_LIBDIR lib)
  endif()
  if(NOT INSTALL_INCLUDEDIR)
    set(INSTALL_INCLUDEDIR include)
  endif()
  set(cmake_dir "${install_dir}/${INSTALL_LIBDIR}/cmake/handoff")
  set(expected "${cmake_dir}/handoffConfig.cmake" "${cmake_dir}/handoffConfigVersion.cmake"
      "${cmake_dir}/handoffTargets.cmake")
  if(LIBRARY_FILE)
    get_filename_component(library_name "${LIBRARY_FILE}" NAME)
    list(APPEND expected "${install_dir}/${INSTALL_LIBDIR}/${library_name}")
  endif()
  file(GLOB public_headers RELATIVE "${HANDOFF_SOURCE_DIR}/include"
       "${HANDOFF_SOURCE_DIR}/include/handoff/*.h")
  if(NOT public_headers)
    message(FATAL_ERROR "no public headers found in ${HANDOFF_SOURCE_DIR}/include/handoff")
  endif()
  foreach(header IN LISTS public_headers)
    list(APPEND expected "${install_dir}/${INSTALL_INCLUDEDIR}/${header}")
  endforeach()
  set(missing)
  foreach(file IN LISTS expected)
    if(NOT EXISTS "${file}")
      list(APPEND missing "${file}")
    endif()
  endforeach()
  if(missing)
    list(JOIN missing "\n  " missing)
    message(FATAL_ERROR "cmake --install did not install:\n  ${missing}")
  endif()
  list(LENGTH expected n_expected)
  message(STATUS "[${MODE}] installed tree has all ${n_expected} expected files")

  # The package must not point back into the source or build tree (relocatable prefix).
  file(GLOB cmake_files "${cmake_dir}/*.cmake")
  foreach(file IN LISTS cmake_files)
    file(READ "${file}" text)
    foreach(tree "${HANDOFF_SOURCE_DIR}" "${HANDOFF_BINARY_DIR}" "${install_dir}")
      string(FIND "${text}" "${tree}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "${file} contains the absolute path ${tree}")
      endif()
    endforeach()
  endforeach()

  # Use the package from another place than where it was installed.
  set(prefix "${WORK_DIR}/prefix")
  file(RENAME "${install_dir}" "${prefix}")
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${prefix}")
  run_step("configure the consumer against ${prefix}" "${CMAKE_COMMAND}" ${configure_args})

  # The consumer must have found handoff in the prefix under test, nowhere else.
  file(STRINGS "${consumer_build}/CMakeCache.txt" handoff_dir_line REGEX "^handoff_DIR:")
  string(REGEX REPLACE "^handoff_DIR:[A-Z]+=" "" handoff_dir "${handoff_dir_line}")
  file(REAL_PATH "${prefix}/${INSTALL_LIBDIR}/cmake/handoff" want_dir)
  if(handoff_dir STREQUAL "" OR NOT EXISTS "${handoff_dir}")
    message(FATAL_ERROR "the consumer's handoff_DIR is '${handoff_dir}'")
  endif()
  file(REAL_PATH "${handoff_dir}" got_dir)
  if(NOT got_dir STREQUAL want_dir)
    message(FATAL_ERROR "the consumer found handoff in ${got_dir}, not in ${want_dir}")
  endif()
else()
  list(APPEND configure_args "-DHANDOFF_SOURCE_DIR=${HANDOFF_SOURCE_DIR}")
  run_step("configure the consumer with add_subdirectory(${HANDOFF_SOURCE_DIR})"
    "${CMAKE_COMMAND}" ${configure_args})

  # handoff's tests, benchmarks and examples stay off for a subproject (CMakeLists.txt also
  # checks the targets): their options are OFF, their dependencies were never looked up.
  file(STRINGS "${consumer_build}/CMakeCache.txt" cache)
  foreach(option HANDOFF_BUILD_TESTS HANDOFF_BUILD_BENCHMARKS HANDOFF_BUILD_EXAMPLES
                 HANDOFF_INSTALL)
    if(NOT "${option}:BOOL=OFF" IN_LIST cache)
      message(FATAL_ERROR "${option} is not OFF in the subproject build")
    endif()
  endforeach()
  set(looked_up "${cache}")
  list(FILTER looked_up INCLUDE REGEX "^(GTest|benchmark)_DIR:")
  if(looked_up)
    message(FATAL_ERROR "the subproject build looked up test dependencies: ${looked_up}")
  endif()
  foreach(dir tests benchmarks examples)
    if(EXISTS "${consumer_build}/handoff-build/${dir}")
      message(FATAL_ERROR "the subproject build configured handoff's ${dir}/")
    endif()
  endforeach()
endif()

run_step("build the consumer"
  "${CMAKE_COMMAND}" --build "${consumer_build}" ${config_args} --parallel ${JOBS})

# Single-config generators put the program in the build directory, multi-config ones in a
# per-configuration subdirectory.
set(program)
foreach(candidate "${consumer_build}/handoff_consumer" "${consumer_build}/${BUILD_TYPE}/handoff_consumer"
                  "${consumer_build}/handoff_consumer.exe"
                  "${consumer_build}/${BUILD_TYPE}/handoff_consumer.exe")
  if(EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
    set(program "${candidate}")
    break()
  endif()
endforeach()
if(NOT program)
  message(FATAL_ERROR "handoff_consumer was not built in ${consumer_build}")
endif()
run_step("run ${program}" "${program}")

string(TIMESTAMP _end_seconds "%s")
math(EXPR _elapsed "${_end_seconds} - ${_start_seconds}")
message(STATUS "[${MODE}] passed in ${_elapsed} s")
