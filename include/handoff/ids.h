// File: handoff/ids.h
//
// Strong identifier types. Every entity of a portfolio (person, account, project, milestone) is
// named by an external string id that the host chooses; the library never exposes Boost graph
// descriptors. A `MilestoneId` cannot be passed where a `ProjectId` is expected.
//
// Example:
//   handoff::MilestoneId m("P1.M2");
//   if (m.value() == "P1.M2") { ... }
//
// Ids compare as byte strings (the order the output contracts use). Thread safety: plain values.
#ifndef HANDOFF_IDS_H_
#define HANDOFF_IDS_H_

#include <compare>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace handoff {

// Id
//
// A typed wrapper around a non-empty external string id. `Tag` only distinguishes the kinds.
template <typename Tag>
class Id {
 public:
  Id() = default;
  explicit Id(std::string value) : value_(std::move(value)) {}
  explicit Id(std::string_view value) : value_(value) {}
  explicit Id(const char* value) : value_(value) {}

  // Returns the external string id.
  const std::string& value() const { return value_; }
  // Returns true for a default-constructed (unset) id.
  bool empty() const { return value_.empty(); }

  friend bool operator==(const Id&, const Id&) = default;
  friend std::strong_ordering operator<=>(const Id& a, const Id& b) {
    // Byte order, as the output contracts require.
    int c = a.value_.compare(b.value_);
    return c < 0 ? std::strong_ordering::less
                 : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
  }
  template <typename H>
  friend H AbslHashValue(H h, const Id& id) {
    return H::combine(std::move(h), id.value_);
  }
  friend std::ostream& operator<<(std::ostream& os, const Id& id) { return os << id.value_; }

 private:
  std::string value_;
};

struct PersonTag {};
struct AccountTag {};
struct ProjectTag {};
struct MilestoneTag {};

using PersonId = Id<PersonTag>;
using AccountId = Id<AccountTag>;
using ProjectId = Id<ProjectTag>;
using MilestoneId = Id<MilestoneTag>;

}  // namespace handoff

#endif  // HANDOFF_IDS_H_
