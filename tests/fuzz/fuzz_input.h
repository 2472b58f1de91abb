// What the libFuzzer harnesses share: cutting one fuzz input into several blobs, choosing a
// kernel profile and driver assumption from spare bytes, and failing loudly on a broken invariant.
//
// An input is blobs laid end to end, each as long as its own header's totalsize says, so that
// `cat base.dtb overlay.dtbo` is a seed and mutations of either blob stay mostly valid. Bytes
// after the last blob (the "tail") steer the choices a command line would make.
#pragma once

#include "core/devices/driver_set.h"
#include "core/kernel/kernel_profile.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ovl::fuzz {

struct SplitInput {
  std::vector<std::vector<std::uint8_t>> blobs;
  std::vector<std::uint8_t> tail;  // whatever follows the last blob

  // The tail's byte `index`, 0 when the tail is shorter.
  std::uint8_t choice(std::size_t index) const { return index < tail.size() ? tail[index] : 0; }
};

// Cuts at most `max_blobs` blobs from the front: each takes the big-endian totalsize at its
// offset 4 when that fits in what is left (and is at least a header), else everything left.
SplitInput split_blobs(const std::uint8_t* data, std::size_t size, std::size_t max_blobs);

// One of the kernel versions the model distinguishes (mainline releases and stable backports
// around each feature), chosen by `selector`.
KernelProfile profile_from(std::uint8_t selector);
// All bind, none binds, or only a few common compatibles, chosen by `selector`.
DriverSet drivers_from(std::uint8_t selector);

// A broken invariant: prints what and aborts, which libFuzzer reports as a crash with the input.
[[noreturn]] void invariant_failed(const std::string& what);
#define OVL_FUZZ_CHECK(condition, what) \
  do {                                  \
    if (!(condition)) ::ovl::fuzz::invariant_failed(what); \
  } while (0)

}  // namespace ovl::fuzz
