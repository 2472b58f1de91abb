#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>
#include <set>

namespace ovl::fuzz {

namespace {
constexpr std::size_t kHeaderSize = 40;

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}
}  // namespace

SplitInput split_blobs(const std::uint8_t* data, std::size_t size, std::size_t max_blobs) {
  SplitInput input;
  std::size_t at = 0;
  while (at < size && input.blobs.size() < max_blobs) {
    std::size_t left = size - at;
    std::size_t take = left;
    if (left >= 8) {
      std::size_t total = be32(data + at + 4);
      if (total >= kHeaderSize && total <= left) take = total;
    }
    input.blobs.emplace_back(data + at, data + at + take);
    at += take;
  }
  input.tail.assign(data + at, data + size);
  return input;
}

KernelProfile profile_from(std::uint8_t selector) {
  // Each side of every feature's mainline release and stable backport in core/kernel/kernel_profile.cpp.
  static const char* const kVersions[] = {
      "5.9",     "5.10",    "5.10.42", "5.10.215", "5.11",    "5.12",   "5.13",
      "5.15",    "5.15.154", "5.19",   "6.1",     "6.1.53",  "6.1.85", "6.1.192",
      "6.3",     "6.4",     "6.5",     "6.6",     "6.6.26",  "6.8.5",  "6.9",
      "6.12",    "6.12.26", "6.15",
  };
  constexpr std::size_t kCount = sizeof kVersions / sizeof kVersions[0];
  auto profile = KernelProfile::for_version(kVersions[selector % kCount]);
  if (!profile) invariant_failed("the harness's kernel version list: " + profile.error().message);
  return profile.value();
}

DriverSet drivers_from(std::uint8_t selector) {
  switch (selector % 4) {
    case 1: return DriverSet::none();
    case 2: return DriverSet::only({"fixed-clock", "simple-bus", "gpio-leds", "regulator-fixed"});
    case 3: return DriverSet::only({"simple-bus"});
    default: return DriverSet::all();
  }
}

void invariant_failed(const std::string& what) {
  std::fprintf(stderr, "ovlcheck fuzz: invariant broken: %s\n", what.c_str());
  std::abort();
}

}  // namespace ovl::fuzz
