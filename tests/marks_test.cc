// Generation-stamped marks and the growth helpers of src/internal/marks.h.
#include "src/internal/marks.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace handoff::internal {
namespace {

TEST(MarksTest, ARoundForgetsTheMarksOfThePreviousOne) {
  Marks marks;
  marks.Begin(10);
  EXPECT_TRUE(marks.Mark(3));
  EXPECT_FALSE(marks.Mark(3));
  marks.Begin(10);
  EXPECT_TRUE(marks.Mark(3));
  EXPECT_TRUE(marks.Mark(4));
}

TEST(MarksTest, GrowingKeepsTheRoundsMarks) {
  Marks marks;
  marks.Begin(4);
  ASSERT_TRUE(marks.Mark(2));
  marks.Grow(1000);
  EXPECT_FALSE(marks.Mark(2));
  EXPECT_TRUE(marks.Mark(999));
  EXPECT_FALSE(marks.Mark(999));
}

// A table built for n items and then grown one item at a time reallocates only when its room
// runs out, not on every addition (reserving WithRoom(n + 1) over a capacity of WithRoom(n)
// would copy the whole table each time).
TEST(ReserveWithRoomTest, GrowingOneAtATimeReallocatesOnlyWhenTheRoomRunsOut) {
  constexpr size_t kBuilt = 100000;
  std::vector<uint32_t> table;
  ReserveWithRoom(table, kBuilt);
  table.resize(kBuilt);
  const size_t room = table.capacity();
  EXPECT_GE(room, WithRoom(kBuilt));
  const uint32_t* storage = table.data();
  while (table.size() < room) {
    ReserveWithRoom(table, table.size() + 1);
    table.push_back(7);
    ASSERT_EQ(table.data(), storage) << "reallocated at size " << table.size();
  }
  ReserveWithRoom(table, table.size() + 1);  // full: grows, with room again
  EXPECT_GE(table.capacity(), WithRoom(room + 1));
}

}  // namespace
}  // namespace handoff::internal
