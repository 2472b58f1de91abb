// Linked into every executable of a sanitizer build (cmake/sanitizers.cmake). The sanitizers
// read these before the environment (ASAN_OPTIONS and UBSAN_OPTIONS still override them).
// abort_on_error: a report ends the process with SIGABRT, which no test can mistake for exit 1
// (findings) or exit 2 (cannot run), the statuses ASan and UBSan would otherwise reuse.

extern "C" const char* __asan_default_options() {
  return "abort_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:"
         "check_initialization_order=1:strict_init_order=1";
}

extern "C" const char* __ubsan_default_options() {
  return "abort_on_error=1:halt_on_error=1:print_stacktrace=1";
}
