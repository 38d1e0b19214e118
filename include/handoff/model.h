// File: handoff/model.h
//
// The portfolio as plain values: people, accounts, projects and their milestones, in the shape
// of a scenario file (spec SCENARIO.md). A `PortfolioSpec` is what a host builds or a scenario
// file parses into; `Portfolio::Create` (handoff/portfolio.h) validates it and builds the graph.
//
// Example:
//   handoff::PortfolioSpec spec;
//   handoff::Project p{.id = handoff::ProjectId("P1"), .start = handoff::Date(2027, 1, 4)};
//   p.milestones.push_back({.id = handoff::MilestoneId("P1.M1"), .duration_days = 0});
//   p.milestones.push_back({.id = handoff::MilestoneId("P1.M2"), .duration_days = 5,
//                           .depends_on = {{handoff::MilestoneId("P1.M1"), 0}}});
//   spec.projects.push_back(p);
//
// The vectors keep the file's order: validation errors name positions in them with JSON
// pointers such as `/projects/0/milestones/1/depends_on/0/id`. Thread safety: plain values.
#ifndef HANDOFF_MODEL_H_
#define HANDOFF_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "handoff/calendar.h"
#include "handoff/ids.h"

namespace handoff {

// The role a person plays. Values are part of the on-disk format; never renumber.
enum class Role : uint8_t {
  kPm = 0,    // project manager: plans and delivers a project
  kAe = 1,    // account executive: owns an account's customer relationship
  kLead = 2,  // delivery lead: receives escalations
};
// Returns "pm", "ae" or "lead".
std::string_view RoleName(Role role);
// Parses "pm", "ae", "lead". Returns InvalidArgument for anything else.
absl::StatusOr<Role> ParseRole(std::string_view name);

// The largest `duration_days` or `lag_days` the library accepts (about 400 years of working
// days); larger values are rejected as malformed rather than overflowing date arithmetic.
inline constexpr int32_t kMaxDays = 100000;

struct Person {
  PersonId id;
  std::string name;  // optional display name
  Role role = Role::kPm;
};

struct Account {
  AccountId id;
  std::string name;  // optional display name
  std::string tier;  // free name ("gold"); empty = no tier
  PersonId ae;       // the account executive; empty = none assigned
};

// A finish-to-start link: the milestone starts after `id` finishes plus `lag_days` working days.
struct Dependency {
  MilestoneId id;
  int32_t lag_days = 0;  // >= 0
};

struct Milestone {
  MilestoneId id;
  std::string name;               // optional display name
  int32_t duration_days = 0;      // >= 0; 0 makes the milestone a checkpoint
  bool customer_visible = false;  // does the account's customer see this milestone?
  PersonId owner;                 // optional; receives the feedback about this milestone
  std::vector<Dependency> depends_on;
};

struct Project {
  ProjectId id;
  std::string name;   // optional display name
  AccountId account;  // optional; commands that need it are rejected without it
  PersonId pm;        // optional; commands that need it are rejected without it
  Date start;         // required; a start on a non-working day rolls forward
  std::vector<Milestone> milestones;
};

// A whole portfolio, as a scenario file's `calendar`, `people`, `accounts` and `projects`.
struct PortfolioSpec {
  CalendarSpec calendar;
  std::vector<Person> people;
  std::vector<Account> accounts;
  std::vector<Project> projects;
};

}  // namespace handoff

#endif  // HANDOFF_MODEL_H_
