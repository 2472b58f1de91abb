// Parameter values read as dtoverlay reads them (dtoverlay.c, dtoverlay_override_one_target):
// numbers in C notation through strtoull, the boolean words, escapes and byte strings.
#include "core/rpi/rpi_parameter_value.h"

#include <catch2/catch.hpp>

using namespace ovl::rpi;

TEST_CASE("integer values are C numbers or dtoverlay's words") {
  CHECK(parse_integer_value("17", false) == 17u);
  CHECK(parse_integer_value("0x11", false) == 17u);
  CHECK(parse_integer_value("021", false) == 17u);  // leading 0: octal, as in C
  CHECK(parse_integer_value("-1", false) == 0xffffffffffffffffull);
  CHECK(parse_integer_value("", false) == 0u);
  for (const char* one : {"y", "yes", "on", "true", "down"}) CHECK(parse_integer_value(one, false) == 1u);
  for (const char* zero : {"n", "no", "off", "false"}) CHECK(parse_integer_value(zero, false) == 0u);
  CHECK(parse_integer_value("up", false) == 2u);
  CHECK_FALSE(parse_integer_value("17a", false));
  CHECK_FALSE(parse_integer_value("True", false));  // the words are case-sensitive
  // A fragment switch takes any other word as "on".
  CHECK(parse_integer_value("maybe", true) == 1u);
}

TEST_CASE("strings undo dtoverlay's escapes") {
  auto bytes = unescape_string_value("a\\tb\\x41\\101\\\\\\\"");
  REQUIRE(bytes);
  CHECK(std::string(bytes->begin(), bytes->end()) == std::string("a\tbAA\\\"\0", 8));
  CHECK_FALSE(unescape_string_value("bad\\q"));
  CHECK_FALSE(unescape_string_value("\\777"));  // octal past 255
  CHECK_FALSE(unescape_string_value("end\\"));
}

TEST_CASE("byte strings are hex pairs with optional separators") {
  auto bytes = parse_byte_string_value("de:ad be\tef");
  REQUIRE(bytes);
  CHECK(*bytes == ovl::Bytes{0xde, 0xad, 0xbe, 0xef});
  CHECK_FALSE(parse_byte_string_value("abc"));
  CHECK_FALSE(parse_byte_string_value(std::string(66, 'a')));  // 33 bytes: more than 32
}

TEST_CASE("status takes booleans as okay or disabled") {
  CHECK(status_value("on") == "okay");
  CHECK(status_value("enable") == "okay");
  CHECK(status_value("1") == "okay");
  CHECK(status_value("0") == "disabled");
  CHECK(status_value("reserved") == "reserved");
}
