// A minimal embedding of handoff: build a portfolio in code, schedule it, change a duration and
// print what moved.
#include <iostream>

#include "handoff/handoff.h"

int main() {
  using handoff::Date;
  using handoff::MilestoneId;
  handoff::PortfolioSpec spec;
  spec.calendar.holidays = {Date(2027, 1, 1)};
  handoff::Project p;
  p.id = handoff::ProjectId("P1");
  p.start = Date(2027, 1, 1);  // a holiday: the project starts on Monday 2027-01-04
  auto add = [&](const char* id, const char* name, int days,
                 std::vector<handoff::Dependency> deps) {
    handoff::Milestone m;
    m.id = MilestoneId(id);
    m.name = name;
    m.duration_days = days;
    m.depends_on = std::move(deps);
    p.milestones.push_back(std::move(m));
  };
  add("P1.M1", "Kickoff", 0, {});
  add("P1.M2", "Design", 5, {{MilestoneId("P1.M1"), 0}});
  add("P1.M3", "Build", 10, {{MilestoneId("P1.M2"), 1}});
  spec.projects.push_back(p);

  absl::StatusOr<handoff::Portfolio> portfolio = handoff::Portfolio::Create(spec);
  if (!portfolio.ok()) {
    std::cerr << portfolio.status() << "\n";
    return 2;
  }
  for (const handoff::MilestoneSchedule& s : portfolio->Schedule()) {
    std::cout << s.id << " " << handoff::FormatIsoDate(s.start) << " .. "
              << handoff::FormatIsoDate(s.finish) << " slack " << s.slack_days << "\n";
  }
  absl::StatusOr<handoff::ScheduleDelta> delta = portfolio->SetDuration(MilestoneId("P1.M2"), 7);
  if (!delta.ok()) {
    std::cerr << delta.status() << "\n";
    return 1;
  }
  std::cout << "after Design takes 7 days, moved:";
  for (const MilestoneId& id : delta->moved) std::cout << " " << id;
  std::cout << "\n";
  return 0;
}
