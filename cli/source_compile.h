// Device tree sources as inputs: a .dts/.dtso is compiled on the fly with the real dtc (the
// device-tree-compiler package), `dtc -@` so that overlays can use the base's labels. A source
// that uses `#include` goes through the C preprocessor first, with the kernel's dtc_cpp_flags
// (scripts/Makefile.lib): -nostdinc -undef -D__DTS__ -x assembler-with-cpp, plus -I per include
// directory. dtc then reads cpp's line markers, so its errors name the source file and line.
#pragma once

#include "core/util/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ovl::cli {

// `.dts` or `.dtso`.
bool is_source_file(const std::string& file);

// Whether a source needs the C preprocessor: a line that starts with `#include <...>` or
// `#include "..."` (dtc's own `/include/` does not).
bool uses_cpp_include(const std::string& text);

// The compiled blob. dtc's and cpp's own messages (file:line) are copied to standard error when
// they fail; the error then reads "'FILE': dtc failed (exit N)", or says that dtc or cpp is not
// installed ("'FILE': cannot compile: dtc not found ...").
Expected<std::vector<std::uint8_t>> compile_source(const std::string& file,
                                                   const std::vector<std::string>& include_dirs);

}  // namespace ovl::cli
