// Test helpers over a Portfolio: create one or fail the test, and read schedules, moves and
// critical paths as plain values (an error fails the test and yields an empty value).
#ifndef HANDOFF_TESTS_SUPPORT_PORTFOLIO_QUERIES_H_
#define HANDOFF_TESTS_SUPPORT_PORTFOLIO_QUERIES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "handoff/portfolio.h"

namespace handoff::testing {

inline Portfolio MustCreate(const PortfolioSpec& spec) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(spec);
  EXPECT_TRUE(p.ok()) << p.status();
  return std::move(p).value();
}

// The schedule row of milestone `id`.
inline MilestoneSchedule Row(const Portfolio& p, const std::string& id) {
  absl::StatusOr<MilestoneSchedule> row = p.ScheduleOf(MilestoneId(id));
  EXPECT_TRUE(row.ok()) << id << ": " << row.status();
  return row.ok() ? *row : MilestoneSchedule{};
}

// The ids an edit reported as moved.
inline std::vector<std::string> Moved(const absl::StatusOr<ScheduleDelta>& delta) {
  EXPECT_TRUE(delta.ok()) << delta.status();
  std::vector<std::string> out;
  if (delta.ok()) {
    for (const MilestoneId& m : delta->moved) out.push_back(m.value());
  }
  return out;
}

// The ids on `project`'s critical path, first to last.
inline std::vector<std::string> Path(const Portfolio& p, const std::string& project) {
  absl::StatusOr<std::vector<MilestoneId>> path = p.CriticalPath(ProjectId(project));
  EXPECT_TRUE(path.ok()) << path.status();
  std::vector<std::string> out;
  if (path.ok()) {
    for (const MilestoneId& m : *path) out.push_back(m.value());
  }
  return out;
}

}  // namespace handoff::testing

#endif  // HANDOFF_TESTS_SUPPORT_PORTFOLIO_QUERIES_H_
