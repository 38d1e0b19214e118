// Property tests with fixed seeds: the library's schedule against the literal reference
// scheduler (tests/support/reference_scheduler.h), and incremental re-forecast against full
// recomputation after every one of thousands of random edits.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "handoff/portfolio.h"
#include "tests/support/reference_scheduler.h"

namespace handoff {
namespace {

using Rng = std::mt19937_64;

int Uniform(Rng& rng, int lo, int hi) {  // inclusive; modulo keeps it library-independent
  return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
}

// A random portfolio: odd weekends, holidays, checkpoints, lags, cross-project links. Links only
// point to earlier milestones (in creation order), so it is acyclic.
PortfolioSpec RandomPortfolio(Rng& rng) {
  PortfolioSpec spec;
  spec.calendar.weekend.clear();
  for (int d = 0; d < 7; ++d) {
    if (Uniform(rng, 0, 3) == 0) spec.calendar.weekend.push_back(static_cast<Weekday>(d));
  }
  if (spec.calendar.weekend.size() == 7) spec.calendar.weekend.pop_back();
  const Date base(2027, 1, 1);
  for (int h = Uniform(rng, 0, 12); h > 0; --h) {
    spec.calendar.holidays.push_back(base + boost::gregorian::days(Uniform(rng, 0, 120)));
  }
  std::vector<std::string> all;
  const int projects = Uniform(rng, 1, 4);
  for (int p = 0; p < projects; ++p) {
    Project project;
    project.id = ProjectId(absl::StrCat("P", p));
    project.start = base + boost::gregorian::days(Uniform(rng, 0, 40));
    const int n = Uniform(rng, 1, 14);
    size_t project_begin = all.size();
    for (int i = 0; i < n; ++i) {
      Milestone m;
      m.id = MilestoneId(absl::StrCat(project.id.value(), ".M", i));
      m.duration_days = Uniform(rng, 0, 3) == 0 ? 0 : Uniform(rng, 1, 6);
      std::vector<std::string> used;
      for (int k = Uniform(rng, 0, 3); k > 0 && !all.empty(); --k) {
        const bool cross = project_begin > 0 && Uniform(rng, 0, 5) == 0;
        size_t lo = cross ? 0 : project_begin;
        if (lo >= all.size()) continue;
        const std::string& q = all[lo + rng() % (all.size() - lo)];
        if (std::find(used.begin(), used.end(), q) != used.end()) continue;
        used.push_back(q);
        m.depends_on.push_back({MilestoneId(q), Uniform(rng, 0, 4) == 0 ? Uniform(rng, 1, 3) : 0});
      }
      all.push_back(m.id.value());
      project.milestones.push_back(std::move(m));
    }
    spec.projects.push_back(std::move(project));
  }
  return spec;
}

void ExpectMatchesReference(const Portfolio& portfolio, const std::string& context) {
  PortfolioSpec spec = portfolio.ToSpec();
  testing::RefSchedule ref = testing::ReferenceSchedule(spec);
  std::vector<MilestoneSchedule> rows = portfolio.Schedule();
  ASSERT_EQ(rows.size(), ref.rows.size()) << context;
  for (const MilestoneSchedule& row : rows) {
    const testing::RefRow& r = ref.rows.at(row.id.value());
    ASSERT_EQ(FormatIsoDate(row.start), FormatIsoDate(r.start)) << context << " " << row.id;
    ASSERT_EQ(FormatIsoDate(row.finish), FormatIsoDate(r.finish)) << context << " " << row.id;
    ASSERT_EQ(row.slack_days, r.slack) << context << " " << row.id;
    ASSERT_EQ(row.critical, r.critical) << context << " " << row.id;
  }
  for (const ProjectId& p : portfolio.ProjectIds()) {
    absl::StatusOr<std::vector<MilestoneId>> cp = portfolio.CriticalPath(p);
    ASSERT_TRUE(cp.ok()) << cp.status();
    std::vector<std::string> path;
    for (const MilestoneId& m : *cp) path.push_back(m.value());
    ASSERT_EQ(path, ref.critical.at(p.value())) << context << " critical path of " << p;
  }
}

TEST(SchedulePropertyTest, FullScheduleMatchesLiteralReferenceOnRandomPortfolios) {
  Rng rng(20270104);
  for (int round = 0; round < 400; ++round) {
    PortfolioSpec spec = RandomPortfolio(rng);
    absl::StatusOr<Portfolio> p = Portfolio::Create(spec);
    ASSERT_TRUE(p.ok()) << p.status();
    ExpectMatchesReference(*p, absl::StrCat("round ", round));
  }
}

// Applies one random edit to `p`; returns a description. Errors must leave the schedule as it
// was; successes must report exactly the milestones whose dates moved.
std::string RandomEdit(Rng& rng, Portfolio& p) {
  PortfolioSpec spec = p.ToSpec();
  std::vector<std::string> ids;
  for (const Project& pr : spec.projects) {
    for (const Milestone& m : pr.milestones) ids.push_back(m.id.value());
  }
  const std::vector<MilestoneSchedule> before = p.Schedule();
  absl::StatusOr<ScheduleDelta> delta;
  std::string what;
  switch (Uniform(rng, 0, 9)) {
    case 0:
    case 1:
    case 2: {
      const std::string& m = ids[rng() % ids.size()];
      int d = Uniform(rng, 0, 3) == 0 ? 0 : Uniform(rng, 1, 8);
      what = absl::StrCat("SetDuration ", m, " ", d);
      delta = p.SetDuration(MilestoneId(m), d);
      break;
    }
    case 3:
    case 4:
    case 5: {
      // Any pair in any direction: some close cycles and must be refused.
      const std::string& a = ids[rng() % ids.size()];
      const std::string& b = ids[rng() % ids.size()];
      int lag = Uniform(rng, 0, 2) == 0 ? Uniform(rng, 1, 3) : 0;
      what = absl::StrCat("AddLink ", a, " -> ", b, " lag ", lag);
      delta = p.AddLink(MilestoneId(a), MilestoneId(b), lag);
      break;
    }
    case 6:
    case 7: {
      std::vector<std::pair<std::string, std::string>> links;
      for (const Project& pr : spec.projects) {
        for (const Milestone& m : pr.milestones) {
          for (const Dependency& d : m.depends_on) links.emplace_back(d.id.value(), m.id.value());
        }
      }
      if (links.empty()) return "no link to remove";
      auto [a, b] = links[rng() % links.size()];
      what = absl::StrCat("RemoveLink ", a, " -> ", b);
      delta = p.RemoveLink(MilestoneId(a), MilestoneId(b));
      EXPECT_TRUE(delta.ok()) << what << ": " << delta.status();
      break;
    }
    default: {
      const Project& pr = spec.projects[rng() % spec.projects.size()];
      Date start = Date(2027, 1, 1) + boost::gregorian::days(Uniform(rng, 0, 60));
      what = absl::StrCat("SetProjectStart ", pr.id.value(), " ", FormatIsoDate(start));
      delta = p.SetProjectStart(pr.id, start);
      break;
    }
  }
  const std::vector<MilestoneSchedule> after = p.Schedule();
  if (!delta.ok()) {
    EXPECT_EQ(after, before) << what << " failed but changed the schedule";
    return absl::StrCat(what, " (refused: ", delta.status().message(), ")");
  }
  std::vector<MilestoneId> moved;
  for (size_t i = 0; i < after.size(); ++i) {
    if (after[i].start != before[i].start || after[i].finish != before[i].finish) {
      moved.push_back(after[i].id);
    }
  }
  EXPECT_EQ(delta->moved, moved) << what;
  return what;
}

TEST(SchedulePropertyTest, IncrementalReforecastMatchesFullRecomputationAfterEveryEdit) {
  Rng rng(42);
  int edits = 0, refused_cycles = 0;
  for (int round = 0; round < 60; ++round) {
    absl::StatusOr<Portfolio> p = Portfolio::Create(RandomPortfolio(rng));
    ASSERT_TRUE(p.ok()) << p.status();
    std::string history;
    for (int e = 0; e < 40; ++e, ++edits) {
      std::string what = RandomEdit(rng, *p);
      absl::StrAppend(&history, "\n  ", what);
      if (what.find("dependency cycle") != std::string::npos) ++refused_cycles;
      // Incremental state vs a fresh full computation of the same portfolio...
      absl::StatusOr<Portfolio> full = Portfolio::Create(p->ToSpec());
      ASSERT_TRUE(full.ok()) << full.status() << history;
      ASSERT_EQ(p->Schedule(), full->Schedule()) << "after" << history;
      for (const ProjectId& pid : p->ProjectIds()) {
        absl::StatusOr<std::vector<MilestoneId>> a = p->CriticalPath(pid);
        absl::StatusOr<std::vector<MilestoneId>> b = full->CriticalPath(pid);
        ASSERT_TRUE(a.ok() && b.ok());
        ASSERT_EQ(*a, *b) << "after" << history;
      }
      // ...and vs the literal reference.
      ExpectMatchesReference(*p, absl::StrCat("after", history));
      if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
    }
    // RescheduleAll on an up-to-date schedule moves nothing.
    absl::StatusOr<ScheduleDelta> again = p->RescheduleAll();
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->moved.empty());
  }
  EXPECT_GE(edits, 1000);
  EXPECT_GT(refused_cycles, 10);  // the cycle check was exercised
}

}  // namespace
}  // namespace handoff
