// LargeAllocator: large allocations are aligned to a huge page and advised MADV_HUGEPAGE (seen
// in /proc/self/smaps as the VMA flag "hg"); small ones come from operator new; containers keep
// their contents through growth, rebinding included (absl's hash map), and over-aligned
// records their alignment.
#include "src/internal/large_alloc.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"

namespace handoff::internal {
namespace {

// The VmFlags of the mapping that holds `p`, from /proc/self/smaps; empty when not found.
std::string VmFlagsOf(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const uintptr_t at = reinterpret_cast<uintptr_t>(p);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t begin = 0, end = 0;
    char dash = 0;
    std::istringstream header(line);
    if (header >> std::hex >> begin >> dash >> end && dash == '-') {
      inside = begin <= at && at < end;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line.substr(8);
  }
  return "";
}

TEST(LargeAllocTest, LargeVectorsAreHugePageAlignedAndAdvised) {
  LargeVector<uint32_t> v;
  for (uint32_t i = 0; i < 3'000'000; ++i) v.push_back(i * 7);
  for (uint32_t i = 0; i < 3'000'000; ++i) ASSERT_EQ(v[i], i * 7);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % kHugePageBytes, 0u);
  if (!std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled")) {
    GTEST_SKIP() << "the kernel has no transparent huge pages";
  }
  const std::string flags = VmFlagsOf(v.data());
  if (flags.empty()) GTEST_SKIP() << "no /proc/self/smaps";
  EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
}

TEST(LargeAllocTest, SmallVectorsUseTheUsualHeap) {
  LargeVector<uint64_t> v(1000, 5);
  v.push_back(6);
  EXPECT_EQ(v.size(), 1001u);
  EXPECT_EQ(v.back(), 6u);
  const std::string flags = VmFlagsOf(v.data());
  if (flags.empty()) GTEST_SKIP() << "no /proc/self/smaps";
  EXPECT_EQ(flags.find(" hg"), std::string::npos) << flags;
}

// Records aligned to a cache line keep their alignment, small (operator new with the alignment)
// and large alike, through growth.
TEST(LargeAllocTest, OverAlignedRecordsKeepTheirAlignment) {
  struct alignas(64) Line {
    uint64_t value = 0;
  };
  LargeVector<Line> v;
  for (uint64_t i = 0; i < 100'000; ++i) {  // 6.4 MB at the end: small, then large
    v.push_back(Line{i});
    ASSERT_EQ(reinterpret_cast<uintptr_t>(v.data()) % 64, 0u) << "at size " << v.size();
  }
  for (uint64_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i].value, i);
}

TEST(LargeAllocTest, RebindsForHashMaps) {
  absl::flat_hash_map<uint32_t, uint64_t, absl::Hash<uint32_t>, std::equal_to<uint32_t>,
                      LargeAllocator<std::pair<const uint32_t, uint64_t>>>
      map;
  for (uint32_t i = 0; i < 400'000; ++i) map.emplace(i * 3, uint64_t{i} * 11);
  ASSERT_EQ(map.size(), 400'000u);
  for (uint32_t i = 0; i < 400'000; ++i) {
    auto it = map.find(i * 3);
    ASSERT_NE(it, map.end());
    EXPECT_EQ(it->second, uint64_t{i} * 11);
  }
  EXPECT_EQ(map.find(1), map.end());
}

}  // namespace
}  // namespace handoff::internal
