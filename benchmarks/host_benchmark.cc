// The host's own speed, to read the other benchmarks' figures by: the workspace benchmarks on a
// 10k-project portfolio wait mostly on dependent memory reads (an id's index slot, then its
// record), so on a shared machine their throughput follows the host's memory latency, which
// other tenants' load moves by tens of percent from hour to hour. Run this beside them (pinned
// to the same core) to tell a slow spell of the host from a slower build.
//
//   BM_AluChain
//       A chain of dependent multiply-adds: the core's speed, no memory. Counter: ns_per_step.
//   BM_PointerChase/bytes:B/huge:H
//       Dependent loads along one random cycle through B bytes, a cache line a step: the
//       latency of the level of the memory hierarchy B fits in (B = 256 KiB: L2; 64 MiB: the
//       last-level cache as far as this tenant gets it; 1 GiB: memory). huge:1 places the
//       array in transparent huge pages (src/internal/large_alloc.h, as the portfolio's large
//       tables are), huge:0 in the usual 4 KiB pages: the difference is the page walks.
//       Counter: ns_per_load.
//
// Usage: taskset -c 1 build/release/benchmarks/host_benchmark
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <numeric>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "src/internal/large_alloc.h"

namespace {

void BM_AluChain(benchmark::State& state) {
  constexpr int64_t kSteps = 50'000'000;
  uint64_t x = 1;
  double ns = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (int64_t k = 0; k < kSteps; ++k) x = x * 6364136223846793005ull + 1442695040888963407ull;
    benchmark::DoNotOptimize(x);
    ns +=
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  }
  state.counters["ns_per_step"] =
      ns / (static_cast<double>(kSteps) * static_cast<double>(state.iterations()));
}
BENCHMARK(BM_AluChain)->Unit(benchmark::kMillisecond);

// The array of a pointer chase: 4-byte next indices, one per 64-byte line used.
class ChaseArray {
 public:
  ChaseArray(size_t bytes, bool huge) : bytes_(bytes), huge_(huge) {
    data_ = static_cast<uint32_t*>(huge ? handoff::internal::AllocateLarge(bytes)
                                        : ::operator new(bytes));
    constexpr size_t kStride = 64 / sizeof(uint32_t);
    const size_t lines = bytes / 64;
    std::vector<uint32_t> order(lines);
    std::iota(order.begin(), order.end(), 0u);
    std::mt19937_64 rng(42);
    std::shuffle(order.begin(), order.end(), rng);
    std::fill(data_, data_ + bytes / sizeof(uint32_t), 0u);
    for (size_t k = 0; k < lines; ++k) {
      data_[order[k] * kStride] = static_cast<uint32_t>(order[(k + 1) % lines] * kStride);
    }
  }
  ChaseArray(const ChaseArray&) = delete;
  ChaseArray& operator=(const ChaseArray&) = delete;
  ~ChaseArray() {
    if (huge_) {
      handoff::internal::FreeLarge(data_, bytes_);
    } else {
      ::operator delete(data_);
    }
  }
  const uint32_t* data() const { return data_; }

 private:
  size_t bytes_;
  bool huge_;
  uint32_t* data_;
};

void BM_PointerChase(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  const ChaseArray array(bytes, state.range(1) != 0);
  constexpr int64_t kLoads = 2'000'000;
  uint32_t i = 0;
  for (int64_t k = 0; k < kLoads; ++k) i = array.data()[i];  // warm the caches and the TLB
  double ns = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (int64_t k = 0; k < kLoads; ++k) i = array.data()[i];
    benchmark::DoNotOptimize(i);
    ns +=
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  }
  state.counters["ns_per_load"] =
      ns / (static_cast<double>(kLoads) * static_cast<double>(state.iterations()));
}
BENCHMARK(BM_PointerChase)
    ->ArgNames({"bytes", "huge"})
    ->Args({256 << 10, 0})
    ->Args({64 << 20, 0})
    ->Args({64 << 20, 1})
    ->Args({int64_t{1} << 30, 0})
    ->Args({int64_t{1} << 30, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
