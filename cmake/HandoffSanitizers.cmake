# HANDOFF_SANITIZE=address;undefined (or thread) instruments every target of the build.
set(HANDOFF_SANITIZE "" CACHE STRING "Sanitizers to enable: address, undefined, thread")
if(HANDOFF_SANITIZE)
  string(REPLACE ";" "," _handoff_san "${HANDOFF_SANITIZE}")
  add_compile_options(-fsanitize=${_handoff_san} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${_handoff_san})
endif()
