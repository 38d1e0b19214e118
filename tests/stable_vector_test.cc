// The chunked array of src/internal/stable_vector.h: elements never move as it grows, and every
// element constructed is destroyed once.
#include "src/internal/stable_vector.h"

#include <cstddef>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace handoff::internal {
namespace {

struct Counted {
  static int live;
  std::string text;
  explicit Counted(std::string t) : text(std::move(t)) { ++live; }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  ~Counted() { --live; }
};
int Counted::live = 0;

TEST(StableVectorTest, ElementsKeepTheirAddressesAsItGrows) {
  StableVector<Counted, 3> v;  // chunks of 8: growth crosses many chunks
  std::vector<const Counted*> addresses;
  for (int i = 0; i < 100; ++i) {
    Counted& c = v.emplace_back("item number " + std::to_string(i) + " with a heap-sized text");
    addresses.push_back(&c);
    EXPECT_EQ(&v.back(), &c);
  }
  ASSERT_EQ(v.size(), 100u);
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(&v[i], addresses[i]);
    EXPECT_EQ(v[i].text, "item number " + std::to_string(i) + " with a heap-sized text");
  }
  EXPECT_EQ(Counted::live, 100);
}

TEST(StableVectorTest, ClearAndDestructionDestroyEveryElementOnce) {
  {
    StableVector<Counted, 2> v;
    for (int i = 0; i < 9; ++i) v.emplace_back(std::to_string(i));
    EXPECT_EQ(Counted::live, 9);
    v.clear();
    EXPECT_EQ(Counted::live, 0);
    EXPECT_TRUE(v.empty());
    for (int i = 0; i < 5; ++i) v.emplace_back(std::to_string(i));
    EXPECT_EQ(v[4].text, "4");
    EXPECT_EQ(Counted::live, 5);
  }
  EXPECT_EQ(Counted::live, 0);
}

}  // namespace
}  // namespace handoff::internal
