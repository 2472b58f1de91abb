# OVLCHECK_FUZZ: libFuzzer harnesses (tests/fuzz), one per input surface. They need clang's
# -fsanitize=fuzzer (Debian: clang, libfuzzer-14-dev); with another compiler the option is off
# with a note. Every target then carries coverage instrumentation, so configure a separate
# build directory with CMAKE_CXX_COMPILER=clang++ (and usually OVLCHECK_SANITIZE=ON).
option(OVLCHECK_FUZZ "Build the libFuzzer harnesses (needs clang)" OFF)

set(OVL_FUZZ_ENABLED OFF)
if(OVLCHECK_FUZZ)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(OVL_FUZZ_ENABLED ON)
    add_compile_options(-fsanitize=fuzzer-no-link)
  else()
    message(WARNING "OVLCHECK_FUZZ needs clang (CMAKE_CXX_COMPILER=clang++); harnesses not built")
  endif()
endif()
