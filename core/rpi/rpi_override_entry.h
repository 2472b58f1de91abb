// One target of a Raspberry Pi overlay parameter, read from the parameter's `__overrides__`
// property the way dtoverlay reads it (dtoverlay.c: dtoverlay_extract_override,
// dtoverlay_lookup_key, dtoverlay_extract_immediate).
//
// A parameter's property is a list of entries, each a phandle cell and a string:
//   <&node>,"prop"          string target (the value, with escapes; "status" takes booleans)
//   <&node>,"prop:8"        integer cell at byte offset 8; width '.'=8 ';'=16 ':'=32 '#'=64 bits
//   <&node>,"prop?"  "prop!"  boolean: present when the value is true (inverted for '!')
//   <&node>,"prop["         byte string from hex pairs
//   <&node>,"prop=lit"      the literal instead of the value ("prop:0=", <cell> reads a cell;
//                           a string "prop=" followed by another string takes that string)
//   <&node>,"prop{a=1,b=2,=3}"  lookup table from the value (bare key = the key itself,
//                           empty key = default, a NUL inside an immediate = a cell follows)
//   <0>,"+1-2=3!4"          switch fragments on/off (__overlay__ <-> __dormant__)
// The value seen by a target depends on the entry (literal, lookup), so reading an entry takes
// the parameter's value and gives the value the target receives.
#pragma once

#include "core/tree/property_list.h"
#include "core/util/expected.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ovl::rpi {

enum class TargetKind {
  kString,
  kInteger,
  kBoolean,
  kBooleanInverted,
  kByteString,
  kFragments,  // the <0> entry: `property` holds the "+N-N=N!N" list
};

struct OverrideTarget {
  std::uint32_t phandle = 0;
  TargetKind kind = TargetKind::kString;
  std::string property;
  int offset = 0;  // byte offset of an integer cell
  int width = 0;   // bytes of an integer cell: 1, 2, 4 or 8
  std::string value;  // after literal, lookup and status conversion
  // Where in the `__overrides__` property the value's cell literal sits, when it came from one:
  // a fixup recorded there (a label outside the overlay) moves to the target with the value.
  std::optional<std::size_t> cell_source;
};

// Reads the entry at `pos` of the parameter's property `data` and moves `pos` past it;
// std::nullopt at the end. An Error says what is malformed (truncated entry, string without
// NUL, unresolved <&label> phandle, lookup without match, ...).
Expected<std::optional<OverrideTarget>> read_override_target(const Bytes& data, std::size_t& pos,
                                                             const std::string& value);

}  // namespace ovl::rpi
