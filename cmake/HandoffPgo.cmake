# Profile-guided optimization of the handoff library (GCC), in two builds (scripts/build_pgo.sh):
#   HANDOFF_PGO=generate  instruments the library; running programs that use it writes profiles
#                         to HANDOFF_PGO_DIR.
#   HANDOFF_PGO=use       optimizes the library with the profiles in HANDOFF_PGO_DIR.
# Only the library's own sources are affected. Profile files are named after each object's path
# below its build directory (-fprofile-prefix-path), so the two builds may live in different
# directories. Functions the training did not run keep the usual -O3 optimization
# (-fprofile-partial-training). docs/performance.md says what the bundled training runs.
set(HANDOFF_PGO "" CACHE STRING
    "Profile-guided optimization of the library: generate, use, or empty (off)")
set_property(CACHE HANDOFF_PGO PROPERTY STRINGS "" generate use)
set(HANDOFF_PGO_DIR "${PROJECT_BINARY_DIR}/pgo-profile" CACHE PATH
    "Where HANDOFF_PGO=generate writes profiles and HANDOFF_PGO=use reads them")

function(handoff_enable_pgo target)
  if(NOT HANDOFF_PGO)
    return()
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "HANDOFF_PGO needs GCC (found ${CMAKE_CXX_COMPILER_ID})")
  endif()
  string(TOLOWER "${HANDOFF_PGO}" _mode)
  set(_prefix "-fprofile-prefix-path=${PROJECT_BINARY_DIR}")
  if(_mode STREQUAL "generate")
    target_compile_options(${target} PRIVATE
      "-fprofile-generate=${HANDOFF_PGO_DIR}" "${_prefix}" -fprofile-update=single)
    # (Counters are updated without atomics: train with one thread in the library at a time, as
    # the bundled training does; concurrent threads only make the profile approximate.)
    # Programs linking the instrumented library need the profiling runtime.
    target_link_options(${target} INTERFACE "-fprofile-generate=${HANDOFF_PGO_DIR}")
  elseif(_mode STREQUAL "use")
    if(NOT IS_DIRECTORY "${HANDOFF_PGO_DIR}")
      message(FATAL_ERROR "HANDOFF_PGO=use: no profiles in ${HANDOFF_PGO_DIR} "
                          "(build with HANDOFF_PGO=generate and run the training first)")
    endif()
    # A missing profile (a source the training never loaded) is not an error.
    target_compile_options(${target} PRIVATE
      "-fprofile-use=${HANDOFF_PGO_DIR}" "${_prefix}" -fprofile-partial-training
      -Wno-missing-profile)
    # A new training recompiles the library: its sources depend on the profiles (the compiler
    # reads them, but CMake's dependency scan does not see them).
    file(GLOB _profiles CONFIGURE_DEPENDS "${HANDOFF_PGO_DIR}/*.gcda")
    get_target_property(_sources ${target} SOURCES)
    set_source_files_properties(${_sources} PROPERTIES OBJECT_DEPENDS "${_profiles}")
  else()
    message(FATAL_ERROR "HANDOFF_PGO must be generate, use or empty (got \"${HANDOFF_PGO}\")")
  endif()
endfunction()
