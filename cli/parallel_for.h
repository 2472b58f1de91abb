// Runs fn(0) ... fn(count - 1) on up to `jobs` threads. Each index runs exactly once; the caller
// stores results by index, so the order of completion never shows in the output.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace ovl::cli {

template <class Fn>
void parallel_for(std::size_t count, unsigned jobs, Fn&& fn) {
  std::size_t threads = std::min<std::size_t>(std::max(jobs, 1u), count);
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

}  // namespace ovl::cli
