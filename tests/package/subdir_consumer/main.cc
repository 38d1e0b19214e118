// A tiny program that uses handoff the way an outside project would: only the public umbrella
// header and the handoff::handoff target. It schedules a 2-milestone portfolio, prints the
// schedule and exits 0 only if the computed dates are the expected ones (spec SCHEDULING.md).
//
// The same file is built by tests/package/consumer (find_package) and
// tests/package/subdir_consumer (add_subdirectory); keep the two copies identical.
#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "handoff/handoff.h"

int main() {
  using handoff::Date;
  using handoff::MilestoneId;

  handoff::PortfolioSpec spec;                   // Sat/Sun weekend
  spec.calendar.holidays = {Date(2027, 1, 12)};  // Tuesday of the second week

  handoff::Project project;
  project.id = handoff::ProjectId("P1");
  project.name = "Consumer check";
  project.start = Date(2027, 1, 2);  // a Saturday: the project starts Monday 2027-01-04

  // Fields are set by assignment (no designated initializers with omitted fields), so the
  // program is clean under -Wextra's -Wmissing-field-initializers.
  handoff::Milestone design;
  design.id = MilestoneId("P1.M1");
  design.name = "Design";
  design.duration_days = 5;  // Mon 2027-01-04 .. Fri 2027-01-08
  project.milestones.push_back(design);

  handoff::Milestone build;
  build.id = MilestoneId("P1.M2");
  build.name = "Build";
  build.duration_days = 3;  // Mon 01-11, Wed 01-13, Thu 01-14 (Tue 01-12 is a holiday)
  handoff::Dependency after_design;
  after_design.id = design.id;
  after_design.lag_days = 0;
  build.depends_on.push_back(after_design);
  project.milestones.push_back(build);

  spec.projects.push_back(std::move(project));

  absl::StatusOr<handoff::Portfolio> portfolio = handoff::Portfolio::Create(spec);
  if (!portfolio.ok()) {
    std::cerr << "Portfolio::Create failed: " << portfolio.status() << "\n";
    return EXIT_FAILURE;
  }

  std::cout << "id,start,finish,slack_days,critical\n";
  Date last_finish = Date(1900, 1, 1);
  for (const handoff::MilestoneSchedule& s : portfolio->Schedule()) {
    std::cout << s.id << "," << handoff::FormatIsoDate(s.start) << ","
              << handoff::FormatIsoDate(s.finish) << "," << s.slack_days << ","
              << (s.critical ? "true" : "false") << "\n";
    if (s.finish > last_finish) last_finish = s.finish;
  }

  const std::string expected_finish = "2027-01-14";
  const std::string got_finish = handoff::FormatIsoDate(last_finish);
  bool ok = got_finish == expected_finish;

  // The second milestone must start right after the first (the project's critical path).
  absl::StatusOr<handoff::MilestoneSchedule> m2 = portfolio->ScheduleOf(MilestoneId("P1.M2"));
  ok = ok && m2.ok() && handoff::FormatIsoDate(m2->start) == "2027-01-11" && m2->critical;

  std::cout << "finish " << got_finish << " (expected " << expected_finish
            << "): " << (ok ? "OK" : "MISMATCH") << "\n";
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
