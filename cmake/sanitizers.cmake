# OVLCHECK_SANITIZE: every target built with AddressSanitizer and UndefinedBehaviorSanitizer, any
# report fatal (-fno-sanitize-recover=all), leak checking on. Meant for a second build directory
# (see .ci/run): the whole test suite then runs, and runs the ovlcheck binary, under them.
option(OVLCHECK_SANITIZE "Build with ASan + UBSan; any report aborts" OFF)

if(OVLCHECK_SANITIZE)
  set(OVL_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${OVL_SANITIZER_FLAGS})
  add_link_options(${OVL_SANITIZER_FLAGS})
endif()

# Gives executables the sanitizers' default options (abort on a report, leaks checked), so a
# report can never pass for one of ovlcheck's own exit statuses in a test that runs the binary.
function(ovl_add_sanitizer_options)
  if(OVLCHECK_SANITIZE)
    foreach(target IN LISTS ARGN)
      target_sources(${target} PRIVATE
                     ${PROJECT_SOURCE_DIR}/tests/sanitizer/sanitizer_default_options.cpp)
    endforeach()
  endif()
endfunction()
