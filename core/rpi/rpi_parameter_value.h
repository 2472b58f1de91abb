// How Raspberry Pi's dtoverlay reads a parameter value for each kind of target
// (raspberrypi/utils dtmerge/dtoverlay.c, dtoverlay_override_one_target).
#pragma once

#include "core/tree/property_list.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ovl::rpi {

// A value for an integer, boolean or fragment target: a number in C notation (strtoull, base 0:
// 17, 0x11, 021, also -1 as its 64-bit two's complement; "" is 0), else y/yes/on/true/down = 1,
// n/no/off/false = 0, up = 2. A fragment switch also takes any other non-empty word as 1.
// std::nullopt: dtoverlay's "invalid override value".
std::optional<std::uint64_t> parse_integer_value(const std::string& value, bool fragment_switch);

// A string target's bytes with dtoverlay's escapes undone (\n \t \a \b \f \r \v \\ \' \",
// \ooo octal up to 255, \xHH), NUL included. std::nullopt: "invalid escape".
std::optional<Bytes> unescape_string_value(const std::string& value);

// A byte-string target: pairs of hex digits, optionally separated by ':', ' ' or tab, at most
// 32 bytes. std::nullopt: "invalid bytestring" or "too long".
std::optional<Bytes> parse_byte_string_value(const std::string& value);

// A `status` string target turns booleans into "okay"/"disabled" (y yes on true enable 1 /
// n no off false 0); any other value is kept.
std::string status_value(const std::string& value);

// The longest value dtoverlay's fixed buffers hold (256 bytes with the NUL).
inline constexpr std::size_t kMaxValueLength = 255;

}  // namespace ovl::rpi
