// The workspace's id index (src/internal/id_index.h) against std::unordered_map, and the JSON
// string writer (src/internal/json_text.h) against nlohmann's parser.
#include "src/internal/id_index.h"

#include <cstdint>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "src/internal/json_text.h"

namespace handoff::internal {
namespace {

struct Rec {
  std::string id;
};

std::string RandomId(std::mt19937_64& rng) {
  static constexpr char kChars[] = "ABCMPF0123456789.-";
  std::string id(1 + rng() % 14, ' ');
  for (char& c : id) c = kChars[rng() % (sizeof kChars - 1)];
  return id;
}

TEST(IdIndexTest, FindsWhatAMapFindsThroughGrowth) {
  std::mt19937_64 rng(20261128);
  std::vector<Rec> table;
  std::unordered_map<std::string, uint32_t> reference;
  IdIndex index;
  for (int step = 0; step < 60'000; ++step) {
    const std::string id = RandomId(rng);
    const uint32_t found = index.FindIn(table, id);
    auto it = reference.find(id);
    ASSERT_EQ(found, it == reference.end() ? IdIndex::kNone : it->second) << id;
    if (it == reference.end() && rng() % 3 != 0) {
      const uint32_t ordinal = static_cast<uint32_t>(table.size());
      table.push_back({id});
      index.Insert(id, ordinal);
      reference.emplace(id, ordinal);
    }
  }
  EXPECT_EQ(index.size(), reference.size());
  EXPECT_GE(index.capacity_slots(), 2 * index.size());  // at most half the slots used
  for (const auto& [id, ordinal] : reference) ASSERT_EQ(index.FindIn(table, id), ordinal) << id;
  // The candidate of an indexed id is an ordinal under the same hash bits: its own, unless an id
  // with equal bits was placed first along the probe.
  size_t own = 0;
  for (const auto& [id, ordinal] : reference) {
    const uint32_t hash = IdIndex::HashOf(id), candidate = index.Candidate(hash);
    ASSERT_LT(candidate, table.size()) << id;
    ASSERT_EQ(IdIndex::HashOf(table[candidate].id), hash) << id;
    own += candidate == ordinal ? 1 : 0;
  }
  // Equal hash bits among ~40k ids: ~0.2 pairs expected (the seed differs per process), each
  // costing at most one id its own candidate.
  EXPECT_GE(own + 8, reference.size());
}

TEST(IdIndexTest, EqualHashBitsAreToldApartByTheIds) {
  // Every id under one hash: lookups must compare the ids, not only the hash bits.
  std::vector<Rec> table = {{"a"}, {"b"}, {"c"}};
  IdIndex index;
  for (uint32_t i = 0; i < table.size(); ++i) index.Insert(/*hash=*/7, i);
  auto id_of = [&](uint32_t i) -> const std::string& { return table[i].id; };
  EXPECT_EQ(index.Find("a", 7, id_of), 0u);
  EXPECT_EQ(index.Find("c", 7, id_of), 2u);
  EXPECT_EQ(index.Find("d", 7, id_of), IdIndex::kNone);
  EXPECT_EQ(index.Find("b", 8, id_of), IdIndex::kNone);  // another hash: not probed as "b"
  EXPECT_EQ(index.Candidate(7), 0u);  // the first under the bits, whatever the id asked for
  EXPECT_EQ(index.Candidate(8), IdIndex::kNone);
}

TEST(IdIndexTest, ReserveAvoidsRehashing) {
  IdIndex index;
  index.Reserve(1000);
  const size_t slots = index.capacity_slots();
  EXPECT_GE(slots, 2000u);
  for (uint32_t i = 0; i < 1000; ++i) index.Insert(i * 2654435761u, i);
  EXPECT_EQ(index.capacity_slots(), slots);
  EXPECT_EQ(index.Find("x", IdIndex::HashOf("x"), [](uint32_t) { return std::string("y"); }),
            IdIndex::kNone);
}

TEST(JsonTextTest, StringsRoundTripThroughAJsonParser) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20'000; ++i) {
    std::string s(rng() % 40, ' ');
    // ASCII with many quotes, backslashes and control characters.
    for (char& c : s) {
      const uint64_t r = rng() % 8;
      c = r == 0   ? '"'
          : r == 1 ? '\\'
          : r == 2 ? static_cast<char>(rng() % 0x20)
                   : static_cast<char>(0x20 + rng() % 0x5f);
    }
    const std::string json = JsonString(s);
    ASSERT_EQ(nlohmann::json::parse(json).get<std::string>(), s) << json;
  }
  EXPECT_EQ(JsonString("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // UTF-8 passes through
}

}  // namespace
}  // namespace handoff::internal
