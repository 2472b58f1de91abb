#include "core/rpi/rpi_override_entry.h"

#include "core/rpi/rpi_parameter_value.h"
#include "core/util/big_endian.h"

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace ovl::rpi {
namespace {

// The C string at `at`, bounded by the end of the data (dtoverlay relies on a NUL being there).
std::string_view c_string_at(const Bytes& data, std::size_t at) {
  std::size_t end = at;
  while (end < data.size() && data[end] != 0) ++end;
  return {reinterpret_cast<const char*>(data.data()) + at, end - at};
}

char char_at(const Bytes& data, std::size_t at) {
  return at < data.size() ? static_cast<char>(data[at]) : '\0';
}

// strcspn within the C string at `at`.
std::size_t span_until(const Bytes& data, std::size_t at, std::string_view stops) {
  std::string_view s = c_string_at(data, at);
  std::size_t n = s.find_first_of(stops);
  return n == std::string_view::npos ? s.size() : n;
}

// dtoverlay_extract_immediate: a cell (NUL then 4 bytes), a 'quoted' string, or a bare word up
// to ',' or '}'. When `store`, the result replaces `value` (and a cell marks `cell_source`).
Expected<std::size_t> read_immediate(const Bytes& data, std::size_t p, bool store,
                                     std::string& value, std::optional<std::size_t>& cell_source) {
  if (p + 1 < data.size() && data[p] == 0) {
    ++p;
    if (p + 4 > data.size()) return Error{"truncated cell immediate"};
    if (store) {
      cell_source = p;
      value = std::to_string(static_cast<std::int32_t>(read_be32(&data[p])));  // "%d"
    }
    return p + 4;
  }
  if (char_at(data, p) == '\'') {
    ++p;
    std::size_t len = span_until(data, p, "'");
    if (char_at(data, p + len) != '\'') return Error{"unterminated quoted string"};
    if (len > kMaxValueLength) return Error{"immediate string too long"};
    if (store) value = std::string(c_string_at(data, p).substr(0, len));
    p += len + 1;
    if (char_at(data, p) == ',') ++p;  // skip a comma, keep a brace
    return p;
  }
  std::size_t len = span_until(data, p, ",}");
  if (len > kMaxValueLength) return Error{"immediate string too long"};
  if (store) value = std::string(c_string_at(data, p).substr(0, len));
  p += len;
  if (char_at(data, p) == ',') ++p;
  return p;
}

// dtoverlay_lookup_key. `value` is both the key and the result buffer, as in dtoverlay: once a
// default has been stored, later keys are compared with the default's value.
Expected<std::size_t> read_lookup(const Bytes& data, std::size_t p, std::string& value,
                                  std::optional<std::size_t>& cell_source) {
  int found = 0;  // 1: key matched, 2: default taken
  const std::string key_copy_for_message = value;
  while (p < data.size() && data[p] != 0 && data[p] != '}') {
    std::size_t key_len = span_until(data, p, "=,}");
    char sep = char_at(data, p + key_len);
    bool store = false;
    if (key_len == 0) {
      if (sep != 0 && found == 0) {
        store = true;
        found = 2;
      }
    } else if (found != 1 && c_string_at(data, p).substr(0, key_len) == value) {
      store = true;
      found = 1;
    }
    p += key_len;
    if (sep == '=') {
      auto next = read_immediate(data, p + 1, store, value, cell_source);
      if (!next) return next.error();
      p = *next;
    } else if (sep == ',') {
      ++p;  // a bare key: the value is the key itself
    }
  }
  if (found == 0) return Error{"no match for '" + key_copy_for_message + "' in the lookup table"};
  if (p == data.size()) return p;
  if (data[p] == 0 || p + 1 >= data.size() || data[p + 1] != 0) return Error{"malformed lookup table"};
  return p + 2;
}

TargetKind kind_of_separator(char sep) {
  switch (sep) {
    case '?': return TargetKind::kBoolean;
    case '!': return TargetKind::kBooleanInverted;
    case '[': return TargetKind::kByteString;
    default: return TargetKind::kInteger;
  }
}

int width_of_separator(char sep) {
  switch (sep) {
    case '.': return 1;
    case ';': return 2;
    case ':': return 4;
    default: return 8;  // '#'
  }
}

}  // namespace

Expected<std::optional<OverrideTarget>> read_override_target(const Bytes& data, std::size_t& pos,
                                                             const std::string& value) {
  if (pos >= data.size()) return std::optional<OverrideTarget>{};
  // A phandle, at least one character and its NUL.
  if (data.size() - pos < 4 + 1 + 1) return Error{"entry is truncated or mangled"};
  OverrideTarget target;
  target.phandle = read_be32(&data[pos]);
  target.value = value;
  pos += 4;
  std::size_t name_at = pos;
  std::string_view text = c_string_at(data, name_at);
  if (name_at + text.size() >= data.size()) return Error{"string is not NUL-terminated"};
  pos = name_at + text.size() + 1;

  if (static_cast<std::int32_t>(target.phandle) < 0) {
    return Error{"target phandle " + std::to_string(target.phandle) +
                 " is not a node of the overlay (a label outside the overlay?)"};
  }
  if (target.phandle == 0) {
    target.kind = TargetKind::kFragments;
    target.property = std::string(text);
    return std::optional<OverrideTarget>{std::move(target)};
  }

  std::size_t target_len = std::min(text.find_first_of("={"), text.size());
  std::size_t name_len = std::min(text.find_first_of(".;:#?![{="), text.size());
  target.property = std::string(text.substr(0, name_len));
  if (name_len < target_len) {
    char sep = text[name_len];
    target.kind = kind_of_separator(sep);
    if (target.kind == TargetKind::kInteger) {
      // atoi: whatever number follows the separator ("reg:4=..." reads 4).
      std::string rest(text.substr(name_len + 1));
      long offset = std::strtol(rest.c_str(), nullptr, 10);
      if (offset < 0 || offset > 0xffff) {
        return Error{"offset " + std::to_string(offset) + " of '" + std::string(text) + "' is out of range"};
      }
      target.offset = static_cast<int>(offset);
      target.width = width_of_separator(sep);
    }
  }

  if (target_len < text.size()) {
    char literal_type = text[target_len];
    std::string_view literal = text.substr(target_len + 1);
    std::size_t literal_at = name_at + target_len + 1;
    if (literal_type == '=') {
      bool textual = target.kind == TargetKind::kString || target.kind == TargetKind::kByteString;
      if (textual || !literal.empty()) {
        if (target.kind == TargetKind::kString && literal.empty() && pos < data.size()) {
          // "prop=", "string": the value is the next string (a label path, "console=",&uart1).
          std::string_view next = c_string_at(data, pos);
          if (pos + next.size() >= data.size()) return Error{"string is not NUL-terminated"};
          target.value = std::string(next);
          pos += next.size() + 1;
        } else {
          target.value = std::string(literal);
        }
      } else {
        // "prop:0=", <cell>: the value is the cell.
        if (pos + 4 > data.size()) return Error{"cell literal is truncated"};
        target.value = std::to_string(read_be32(&data[pos]));  // "%u"
        target.cell_source = pos;
        pos += 4;
      }
    } else {
      auto next = read_lookup(data, literal_at, target.value, target.cell_source);
      if (!next) return next.error();
      pos = *next;
    }
  }

  if (target.kind == TargetKind::kString && target.property == "status") {
    target.value = status_value(target.value);
  }
  return std::optional<OverrideTarget>{std::move(target)};
}

}  // namespace ovl::rpi
