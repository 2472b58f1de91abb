# Checks that ctest runs every Catch test case exactly once under its own name (run by ctest as
# the test ctest_entries_one_per_catch_test_case):
#   - the number of ctest entries that run TEST_BINARY equals the number of test cases
#     `TEST_BINARY --list-test-names-only` lists (a name that CMake splits, e.g. at a `;`, makes
#     two entries);
#   - no entry's test spec starts with `-`, `~` or `*`, which Catch reads as an option, an
#     exclusion or a wildcard instead of the name (a name starting with `-o` once ran the whole
#     suite and wrote its result into a file);
#   - every entry passes `--warn NoTests`, so an entry whose spec matches no test case fails
#     instead of printing "No tests ran" and passing.
# Inputs: -DCTEST_COMMAND=... -DBUILD_DIR=... -DTEST_BINARY=...
cmake_minimum_required(VERSION 3.19)  # string(JSON)
execute_process(COMMAND "${CTEST_COMMAND}" --test-dir "${BUILD_DIR}" --show-only=json-v1
                OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "ctest --show-only=json-v1 failed (${status})")
endif()
execute_process(COMMAND "${TEST_BINARY}" --list-test-names-only OUTPUT_VARIABLE names)
string(REGEX MATCHALL "[^\n]+" name_lines "${names}")
list(LENGTH name_lines catch_count)
if(catch_count EQUAL 0)
  message(FATAL_ERROR "${TEST_BINARY} lists no test cases")
endif()

string(JSON test_count LENGTH "${listing}" tests)
set(entries 0)
math(EXPR last "${test_count} - 1")
foreach(i RANGE ${last})
  string(JSON command_length ERROR_VARIABLE no_command LENGTH "${listing}" tests ${i} command)
  if(no_command OR command_length LESS 2)
    continue()
  endif()
  string(JSON program GET "${listing}" tests ${i} command 0)
  if(NOT program STREQUAL TEST_BINARY)
    continue()
  endif()
  math(EXPR entries "${entries} + 1")
  string(JSON name GET "${listing}" tests ${i} name)
  string(JSON spec GET "${listing}" tests ${i} command 1)
  if(spec MATCHES "^[-~*]")
    message(SEND_ERROR "ctest entry '${name}': Catch reads its spec '${spec}' as an option, exclusion or wildcard")
  endif()
  string(JSON args GET "${listing}" tests ${i} command)
  if(NOT args MATCHES "\"--warn\",[ \n]*\"NoTests\"")
    message(SEND_ERROR "ctest entry '${name}' does not pass --warn NoTests")
  endif()
endforeach()
if(NOT entries EQUAL catch_count)
  message(FATAL_ERROR "${entries} ctest entries run ${TEST_BINARY}, but it has ${catch_count} test cases")
endif()
message(STATUS "${entries} ctest entries for ${catch_count} Catch test cases")
