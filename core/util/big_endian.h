// Big-endian cells, as device tree properties store them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ovl {

inline std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

inline void write_be32(std::uint8_t* p, std::uint32_t value) {
  p[0] = static_cast<std::uint8_t>(value >> 24);
  p[1] = static_cast<std::uint8_t>(value >> 16);
  p[2] = static_cast<std::uint8_t>(value >> 8);
  p[3] = static_cast<std::uint8_t>(value);
}

inline std::vector<std::uint8_t> be32_bytes(std::uint32_t value) {
  std::vector<std::uint8_t> bytes(4);
  write_be32(bytes.data(), value);
  return bytes;
}

}  // namespace ovl
