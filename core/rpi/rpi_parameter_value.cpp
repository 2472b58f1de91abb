#include "core/rpi/rpi_parameter_value.h"

#include <cstdlib>

namespace ovl::rpi {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return 10 + c - 'A';
  if (c >= 'a' && c <= 'f') return 10 + c - 'a';
  return -1;
}

// Two hex digits at `at`, or -1.
int hex_byte(const std::string& s, std::size_t at) {
  if (at + 1 >= s.size()) return -1;
  int high = hex_digit(s[at]);
  int low = hex_digit(s[at + 1]);
  return high < 0 || low < 0 ? -1 : (high << 4) | low;
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

std::optional<std::uint64_t> parse_integer_value(const std::string& value, bool fragment_switch) {
  // strtoull itself, so that every corner of C notation (leading blanks, signs, octal) reads as
  // dtoverlay reads it.
  char* end = nullptr;
  std::uint64_t number = std::strtoull(value.c_str(), &end, 0);
  if (*end == '\0') return number;
  if (value == "y" || value == "yes" || value == "on" || value == "true" || value == "down") return 1;
  if (value == "n" || value == "no" || value == "off" || value == "false") return 0;
  if (value == "up") return 2;
  if (fragment_switch) return value.empty() ? 0 : 1;
  return std::nullopt;
}

std::optional<Bytes> unescape_string_value(const std::string& value) {
  Bytes out;
  std::size_t p = 0;
  while (p < value.size()) {
    int c = static_cast<unsigned char>(value[p++]);
    if (c == '\\') {
      c = p < value.size() ? static_cast<unsigned char>(value[p++]) : 0;
      if (is_octal(static_cast<char>(c))) {
        c -= '0';
        if (p < value.size() && is_octal(value[p])) {
          c = (c << 3) + value[p++] - '0';
          if (p < value.size() && is_octal(value[p])) {
            c = (c << 3) + value[p++] - '0';
            if (c > 255) c = -1;
          }
        }
      } else if (c == 'a') {
        c = '\a';
      } else if (c == 'b') {
        c = '\b';
      } else if (c == 'f') {
        c = '\f';
      } else if (c == 'n') {
        c = '\n';
      } else if (c == 'r') {
        c = '\r';
      } else if (c == 't') {
        c = '\t';
      } else if (c == 'v') {
        c = '\v';
      } else if (c == 'x') {
        c = hex_byte(value, p);
        p += 2;
      } else if (c != '\\' && c != '\'' && c != '"') {
        c = -1;
      }
      if (c < 0) return std::nullopt;
    }
    out.push_back(static_cast<std::uint8_t>(c));
  }
  out.push_back(0);
  return out;
}

std::optional<Bytes> parse_byte_string_value(const std::string& value) {
  constexpr std::size_t kMaxBytes = 32;  // dtoverlay's bytes_buf
  Bytes out;
  std::size_t p = 0;
  while (p < value.size()) {
    if (value[p] == ':' || value[p] == ' ' || value[p] == '\t') {
      ++p;
      continue;
    }
    int byte = hex_byte(value, p);
    if (byte < 0 || out.size() == kMaxBytes) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(byte));
    p += 2;
  }
  return out;
}

std::string status_value(const std::string& value) {
  if (value == "y" || value == "yes" || value == "on" || value == "true" || value == "enable" ||
      value == "1") {
    return "okay";
  }
  if (value == "n" || value == "no" || value == "off" || value == "false" || value == "0") {
    return "disabled";
  }
  return value;
}

}  // namespace ovl::rpi
