// Property tests with fixed seeds: the library's schedule against the literal reference
// scheduler (tests/support/reference_scheduler.h), and incremental re-forecast against full
// recomputation after every one of thousands of random edits.
#include <cstdio>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <utility>
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

// What the test knows independently of the library: the progress state per milestone (by the
// rules of docs/scheduling.md, applied here to each accepted report), the as-of date, and the
// baseline dates per milestone.
struct Model {
  std::map<std::string, testing::RefProgress> progress;
  std::optional<Date> as_of;
  std::map<std::string, std::pair<Date, Date>> baseline;
  int next_new = 0;  // numbers the ids of milestones added by ApplyChange

  void TakeBaseline(const Portfolio& p, const std::string& project = "") {
    for (const MilestoneSchedule& row : p.Schedule()) {
      if (project.empty() || row.project.value() == project) {
        baseline[row.id.value()] = {row.start, row.finish};
      }
    }
  }
  void Apply(const std::string& id, const Progress& pr) {
    testing::RefProgress& r = progress[id];
    r.status = pr.status;
    r.reported_on = pr.reported_on;
    r.remaining_days = pr.remaining_days;
    r.finished_on = pr.finished_on;
    if (pr.status == MilestoneStatus::kNotStarted) r.actual_start.reset();
    if (pr.status == MilestoneStatus::kInProgress && !r.actual_start) {
      r.actual_start = pr.reported_on;
    }
  }
};

// The forecast part of a schedule row (the baseline depends on history, not on the state).
struct ForecastRow {
  std::string id;
  Date start, finish;
  int32_t slack_days;
  bool critical;
  MilestoneStatus status;
  friend bool operator==(const ForecastRow&, const ForecastRow&) = default;
};
std::ostream& operator<<(std::ostream& os, const ForecastRow& r) {
  return os << r.id << " " << FormatIsoDate(r.start) << ".." << FormatIsoDate(r.finish) << " slack "
            << r.slack_days << (r.critical ? " critical " : " ") << MilestoneStatusName(r.status);
}
std::vector<ForecastRow> Forecast(const std::vector<MilestoneSchedule>& rows) {
  std::vector<ForecastRow> out;
  for (const MilestoneSchedule& r : rows) {
    out.push_back({r.id.value(), r.start, r.finish, r.slack_days, r.critical, r.status});
  }
  return out;
}
std::vector<ForecastRow> Forecast(const Portfolio& p) { return Forecast(p.Schedule()); }

void ExpectMatchesReference(const Portfolio& portfolio, const Model& model,
                            const std::string& context) {
  PortfolioSpec spec = portfolio.ToSpec();
  testing::RefSchedule ref = testing::ReferenceSchedule(spec, model.progress, model.as_of);
  std::vector<MilestoneSchedule> rows = portfolio.Schedule();
  ASSERT_EQ(rows.size(), ref.rows.size()) << context;
  const WorkingCalendar& cal = portfolio.calendar();
  for (const MilestoneSchedule& row : rows) {
    const testing::RefRow& r = ref.rows.at(row.id.value());
    ASSERT_EQ(FormatIsoDate(row.start), FormatIsoDate(r.start)) << context << " " << row.id;
    ASSERT_EQ(FormatIsoDate(row.finish), FormatIsoDate(r.finish)) << context << " " << row.id;
    ASSERT_EQ(row.slack_days, r.slack) << context << " " << row.id;
    ASSERT_EQ(row.critical, r.critical) << context << " " << row.id;
    auto it = model.progress.find(row.id.value());
    ASSERT_EQ(row.status,
              it == model.progress.end() ? MilestoneStatus::kNotStarted : it->second.status)
        << context << " " << row.id;
    const auto& [bstart, bfinish] = model.baseline.at(row.id.value());
    ASSERT_EQ(row.baseline_start, bstart) << context << " " << row.id;
    ASSERT_EQ(row.baseline_finish, bfinish) << context << " " << row.id;
    ASSERT_EQ(row.slip_days, cal.IndexOf(row.finish) - cal.IndexOf(bfinish))
        << context << " " << row.id;
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
    Model model;
    model.TakeBaseline(*p);
    ExpectMatchesReference(*p, model, absl::StrCat("round ", round));
  }
}

Date RandomDate(Rng& rng, int lo, int hi) {
  return Date(2027, 1, 1) + boost::gregorian::days(Uniform(rng, lo, hi));
}

// A random progress report: any status, date, remaining days, finish date.
Progress RandomProgress(Rng& rng) {
  Progress pr;
  const int kind = Uniform(rng, 0, 19);
  pr.status = kind < 7    ? MilestoneStatus::kInProgress
              : kind < 13 ? MilestoneStatus::kDone
              : kind < 16 ? MilestoneStatus::kBlocked
                          : MilestoneStatus::kNotStarted;
  pr.reported_on = RandomDate(rng, 0, 150);
  if (Uniform(rng, 0, 2) == 0) pr.percent = Uniform(rng, 0, 100);
  if (pr.status == MilestoneStatus::kInProgress && Uniform(rng, 0, 4) < 3) {
    pr.remaining_days = Uniform(rng, 0, 3) == 0 ? 0 : Uniform(rng, 1, 8);
  }
  if (pr.status == MilestoneStatus::kDone && Uniform(rng, 0, 1) == 0) {
    pr.finished_on = pr.reported_on - boost::gregorian::days(Uniform(rng, 0, 12));
  }
  return pr;
}

// A report the library must refuse, each for one reason.
Progress InvalidProgress(Rng& rng) {
  Progress pr = RandomProgress(rng);
  switch (Uniform(rng, 0, 5)) {
    case 0:
      pr.percent = Uniform(rng, 0, 1) == 0 ? -1 : 101;
      break;
    case 1:
      pr.status = MilestoneStatus::kInProgress;
      pr.finished_on.reset();
      pr.remaining_days = -Uniform(rng, 1, 5);
      break;
    case 2:
      pr.status = Uniform(rng, 0, 1) == 0 ? MilestoneStatus::kDone : MilestoneStatus::kBlocked;
      pr.finished_on.reset();
      pr.remaining_days = Uniform(rng, 0, 5);
      break;
    case 3:
      pr.status = MilestoneStatus::kInProgress;
      pr.remaining_days.reset();
      pr.finished_on = pr.reported_on;
      break;
    case 4:
      pr.status = MilestoneStatus::kDone;
      pr.finished_on = pr.reported_on + boost::gregorian::days(Uniform(rng, 1, 5));
      break;
    default:
      pr.reported_on = Date();
      break;
  }
  return pr;
}

struct Counts {
  int edits = 0, refused_cycles = 0, progress = 0, refused_progress = 0, as_of = 0, as_of_moves = 0,
      refused_as_of = 0, baselines = 0;
  int changes = 0, added = 0, refused_change_cycles = 0, refused_changes = 0;
};

// Everything ToSpec says about the projects, as one string (a refused edit must not change it).
std::string SpecText(const PortfolioSpec& spec) {
  std::string out;
  for (const Project& pr : spec.projects) {
    absl::StrAppend(&out, pr.id.value(), "@", FormatIsoDate(pr.start), "{");
    for (const Milestone& m : pr.milestones) {
      absl::StrAppend(&out, m.id.value(), ":", m.duration_days, "[");
      for (const Dependency& d : m.depends_on) absl::StrAppend(&out, d.id.value(), "+", d.lag_days);
      out += "]";
    }
    out += "}";
  }
  return out;
}

// A random change request on a random project: new milestones (depending on existing and new
// ones, in any order), durations and links (existing and new ends, any direction). Some close
// cycles, some repeat a link or an id; those are refused.
std::pair<ProjectId, ChangeSet> RandomChange(Rng& rng, const PortfolioSpec& spec,
                                             const std::vector<std::string>& ids, Model& model,
                                             std::string* what) {
  const ProjectId project = spec.projects[rng() % spec.projects.size()].id;
  ChangeSet change;
  std::vector<std::string> pool = ids;
  for (int i = Uniform(rng, 0, 2); i > 0; --i) {
    Milestone m;
    // Now and then an id that exists: refused.
    m.id = MilestoneId(Uniform(rng, 0, 19) == 0
                           ? ids[rng() % ids.size()]
                           : absl::StrCat(project.value(), ".N", model.next_new++));
    m.duration_days = Uniform(rng, 0, 3) == 0 ? 0 : Uniform(rng, 1, 6);
    pool.push_back(m.id.value());
    change.new_milestones.push_back(std::move(m));
  }
  auto any = [&] { return pool[rng() % pool.size()]; };
  for (Milestone& m : change.new_milestones) {
    std::vector<std::string> used;
    for (int k = Uniform(rng, 0, 2); k > 0; --k) {
      const std::string q = any();
      if (q == m.id.value() || std::find(used.begin(), used.end(), q) != used.end()) continue;
      used.push_back(q);
      m.depends_on.push_back({MilestoneId(q), Uniform(rng, 0, 4) == 0 ? Uniform(rng, 1, 3) : 0});
    }
  }
  std::vector<std::string> edited;
  for (int k = Uniform(rng, 0, 2); k > 0; --k) {
    const std::string m = any();
    if (std::find(edited.begin(), edited.end(), m) != edited.end()) continue;
    edited.push_back(m);
    change.durations.emplace_back(MilestoneId(m), Uniform(rng, 0, 3) == 0 ? 0 : Uniform(rng, 1, 8));
  }
  for (int k = Uniform(rng, 0, 2); k > 0; --k) {
    const std::string a = any(), b = any();
    if (a == b) continue;
    change.links.push_back(
        {MilestoneId(a), MilestoneId(b), Uniform(rng, 0, 2) == 0 ? Uniform(rng, 1, 3) : 0});
  }
  *what = absl::StrCat("ApplyChange ", project.value(), ":");
  for (const Milestone& m : change.new_milestones) {
    absl::StrAppend(what, " new ", m.id.value(), " ", m.duration_days, "d");
    for (const Dependency& d : m.depends_on)
      absl::StrAppend(what, " <-", d.id.value(), "+", d.lag_days);
    *what += ";";
  }
  for (const auto& [m, days] : change.durations)
    absl::StrAppend(what, " ", m.value(), "=", days, "d;");
  for (const ChangeSet::Link& l : change.links) {
    absl::StrAppend(what, " link ", l.predecessor.value(), " -> ", l.successor.value(), " lag ",
                    l.lag_days, ";");
  }
  return {project, std::move(change)};
}

// "UpdateProgress <milestone> <status> on <date> ...", for a test's history of edits.
std::string DescribeProgress(const std::string& m, const Progress& pr) {
  std::string what =
      absl::StrCat("UpdateProgress ", m, " ", std::string(MilestoneStatusName(pr.status)), " on ",
                   pr.reported_on.is_special() ? "?" : FormatIsoDate(pr.reported_on));
  if (pr.remaining_days) absl::StrAppend(&what, " remaining ", *pr.remaining_days);
  if (pr.finished_on) absl::StrAppend(&what, " finished ", FormatIsoDate(*pr.finished_on));
  if (pr.percent) absl::StrAppend(&what, " percent ", *pr.percent);
  return what;
}

// Applies one random edit to `p` (and to `model`); returns a description. Errors must leave the
// schedule, the progress and the as-of date as they were; successes must report exactly the
// milestones whose dates moved. Without `with_progress`, only the plan edits.
std::string RandomEdit(Rng& rng, Portfolio& p, Model& model, bool with_progress, Counts& counts) {
  PortfolioSpec spec = p.ToSpec();
  std::vector<std::string> ids;
  for (const Project& pr : spec.projects) {
    for (const Milestone& m : pr.milestones) ids.push_back(m.id.value());
  }
  const std::vector<MilestoneSchedule> before = p.Schedule();
  const std::vector<std::pair<MilestoneId, Progress>> log_before = p.ProgressLog();
  const std::optional<Date> as_of_before = p.as_of();
  absl::StatusOr<ScheduleDelta> delta;
  std::string what;
  int kind = with_progress ? Uniform(rng, 0, 22) : Uniform(rng, 0, 12);
  if (!with_progress && kind >= 10) kind += 10;  // the change requests
  switch (kind) {
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
      if (!delta.ok() && delta.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++counts.refused_cycles;
      }
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
    case 8:
    case 9: {
      const Project& pr = spec.projects[rng() % spec.projects.size()];
      Date start = Date(2027, 1, 1) + boost::gregorian::days(Uniform(rng, 0, 60));
      what = absl::StrCat("SetProjectStart ", pr.id.value(), " ", FormatIsoDate(start));
      delta = p.SetProjectStart(pr.id, start);
      break;
    }
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
    case 15: {
      const std::string& m = ids[rng() % ids.size()];
      const bool valid = Uniform(rng, 0, 7) != 0;
      const Progress pr = valid ? RandomProgress(rng) : InvalidProgress(rng);
      what = DescribeProgress(m, pr);
      delta = p.UpdateProgress(MilestoneId(m), pr);
      EXPECT_EQ(delta.ok(), valid) << what << ": " << delta.status();
      if (!valid) {
        EXPECT_EQ(delta.status().code(), absl::StatusCode::kInvalidArgument) << what;
        ++counts.refused_progress;
      }
      if (delta.ok()) {
        model.Apply(m, pr);
        ++counts.progress;
      }
      break;
    }
    case 16:
    case 17:
    case 18: {
      // Mostly a few days on; sometimes back in time, which is refused.
      Date as_of = model.as_of ? *model.as_of + boost::gregorian::days(Uniform(rng, 0, 5))
                               : RandomDate(rng, 0, 40);
      const bool earlier = model.as_of && Uniform(rng, 0, 9) == 0;
      if (earlier) as_of = *model.as_of - boost::gregorian::days(Uniform(rng, 1, 5));
      what = absl::StrCat("SetAsOf ", FormatIsoDate(as_of));
      delta = p.SetAsOf(as_of);
      EXPECT_EQ(delta.ok(), !earlier) << what << ": " << delta.status();
      if (earlier) {
        EXPECT_EQ(delta.status().code(), absl::StatusCode::kFailedPrecondition) << what;
        ++counts.refused_as_of;
      }
      if (delta.ok()) {
        model.as_of = as_of;
        ++counts.as_of;
        if (!delta->moved.empty()) ++counts.as_of_moves;
        EXPECT_EQ(p.as_of(), as_of);
      }
      break;
    }
    case 20:
    case 21:
    case 22: {
      auto [project, change] = RandomChange(rng, spec, ids, model, &what);
      delta = p.ApplyChange(project, change);
      if (delta.ok()) {
        ++counts.changes;
        counts.added += static_cast<int>(change.new_milestones.size());
        // New milestones take their first forecast as their baseline.
        for (const Milestone& m : change.new_milestones) {
          absl::StatusOr<MilestoneSchedule> row = p.ScheduleOf(m.id);
          EXPECT_TRUE(row.ok()) << what << ": " << row.status();
          if (!row.ok()) return what;
          model.baseline[m.id.value()] = {row->start, row->finish};
          EXPECT_EQ(row->project, project) << what;
        }
      } else {
        ++counts.refused_changes;
        const absl::StatusCode code = delta.status().code();
        EXPECT_TRUE(code == absl::StatusCode::kFailedPrecondition ||
                    code == absl::StatusCode::kAlreadyExists)
            << what << ": " << delta.status();
        if (code == absl::StatusCode::kFailedPrecondition) ++counts.refused_change_cycles;
      }
      break;
    }
    default: {
      if (Uniform(rng, 0, 1) == 0) {
        what = "SetBaseline";
        p.SetBaseline();
        model.TakeBaseline(p);
      } else {
        const Project& pr = spec.projects[rng() % spec.projects.size()];
        what = absl::StrCat("SetBaseline ", pr.id.value());
        EXPECT_TRUE(p.SetBaseline(pr.id).ok());
        model.TakeBaseline(p, pr.id.value());
      }
      ++counts.baselines;
      EXPECT_EQ(Forecast(p), Forecast(before)) << what << " changed the forecast";
      return what;
    }
  }
  const std::vector<MilestoneSchedule> after = p.Schedule();
  if (!delta.ok()) {
    EXPECT_EQ(after, before) << what << " failed but changed the schedule";
    EXPECT_EQ(p.ProgressLog(), log_before) << what << " failed but changed the progress";
    EXPECT_EQ(p.as_of(), as_of_before) << what << " failed but changed the as-of date";
    EXPECT_EQ(SpecText(p.ToSpec()), SpecText(spec)) << what << " failed but changed the spec";
    return absl::StrCat(what, " (refused: ", delta.status().message(), ")");
  }
  // The milestones that were there before and whose dates moved (rows are sorted by id; a
  // change request may have added rows).
  std::vector<MilestoneId> moved;
  std::map<std::string, const MilestoneSchedule*> now;
  for (const MilestoneSchedule& row : after) now[row.id.value()] = &row;
  for (const MilestoneSchedule& row : before) {
    const MilestoneSchedule& a = *now.at(row.id.value());
    if (a.start != row.start || a.finish != row.finish) moved.push_back(row.id);
  }
  EXPECT_EQ(delta->moved, moved) << what;
  return what;
}

// Checks `p` after an edit: against a portfolio rebuilt from its spec, progress log and as-of
// date by the incremental calls, then against a full recomputation of that one, then against
// the literal reference.
void ExpectConsistent(Portfolio& p, const Model& model, const std::string& history,
                      bool with_reference = true) {
  absl::StatusOr<Portfolio> full = Portfolio::Create(p.ToSpec());
  ASSERT_TRUE(full.ok()) << full.status() << history;
  for (const auto& [id, pr] : p.ProgressLog()) {
    absl::StatusOr<ScheduleDelta> d = full->UpdateProgress(id, pr);
    ASSERT_TRUE(d.ok()) << d.status() << history;
  }
  if (p.as_of()) {
    ASSERT_TRUE(full->SetAsOf(*p.as_of()).ok()) << history;
  }
  ASSERT_EQ(full->ProgressLog(), p.ProgressLog()) << history;
  ASSERT_EQ(Forecast(*full), Forecast(p)) << "after" << history;
  // A full pass over the same state moves nothing and changes no slack.
  absl::StatusOr<ScheduleDelta> again = full->RescheduleAll();
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE(again->moved.empty()) << history;
  ASSERT_EQ(Forecast(*full), Forecast(p)) << "full pass, after" << history;
  for (const ProjectId& pid : p.ProjectIds()) {
    absl::StatusOr<std::vector<MilestoneId>> a = p.CriticalPath(pid);
    absl::StatusOr<std::vector<MilestoneId>> b = full->CriticalPath(pid);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(*a, *b) << "after" << history;
  }
  if (with_reference) ExpectMatchesReference(p, model, absl::StrCat("after", history));
}

TEST(SchedulePropertyTest, IncrementalReforecastMatchesFullRecomputationAfterEveryEdit) {
  Rng rng(42);
  Counts counts;
  for (int round = 0; round < 60; ++round) {
    absl::StatusOr<Portfolio> p = Portfolio::Create(RandomPortfolio(rng));
    ASSERT_TRUE(p.ok()) << p.status();
    Model model;
    model.TakeBaseline(*p);
    std::string history;
    for (int e = 0; e < 40; ++e, ++counts.edits) {
      std::string what = RandomEdit(rng, *p, model, /*with_progress=*/false, counts);
      absl::StrAppend(&history, "\n  ", what);
      ExpectConsistent(*p, model, history);
      if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
    }
    // RescheduleAll on an up-to-date schedule moves nothing.
    absl::StatusOr<ScheduleDelta> again = p->RescheduleAll();
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->moved.empty());
  }
  EXPECT_GE(counts.edits, 1000);
  EXPECT_GT(counts.refused_cycles, 10);  // the cycle check was exercised
  EXPECT_GT(counts.changes, 100);        // accepted change requests
  EXPECT_GT(counts.added, 100);          // with new milestones
  EXPECT_GT(counts.refused_change_cycles, 10);
  std::printf("edits %d: refused cycles %d, changes %d (adding %d, refused %d, for cycles %d)\n",
              counts.edits, counts.refused_cycles, counts.changes, counts.added,
              counts.refused_changes, counts.refused_change_cycles);
}

TEST(SchedulePropertyTest, ForecastWithProgressAndAsOfMatchesFullRecomputationAfterEveryEdit) {
  Rng rng(20270111);
  Counts counts;
  for (int round = 0; round < 100; ++round) {
    absl::StatusOr<Portfolio> p = Portfolio::Create(RandomPortfolio(rng));
    ASSERT_TRUE(p.ok()) << p.status();
    Model model;
    model.TakeBaseline(*p);
    std::string history;
    for (int e = 0; e < 50; ++e, ++counts.edits) {
      std::string what = RandomEdit(rng, *p, model, /*with_progress=*/true, counts);
      absl::StrAppend(&history, "\n  ", what);
      ExpectConsistent(*p, model, history);
      if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
    }
    absl::StatusOr<ScheduleDelta> again = p->RescheduleAll();
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->moved.empty());
  }
  EXPECT_GE(counts.progress, 1000);        // accepted progress reports
  EXPECT_GT(counts.refused_progress, 50);  // each refusal changed nothing
  EXPECT_GT(counts.as_of, 300);
  EXPECT_GT(counts.as_of_moves, 100);  // the floor did move milestones
  EXPECT_GT(counts.refused_as_of, 20);
  EXPECT_GT(counts.baselines, 50);
  EXPECT_GT(counts.changes, 100);
  EXPECT_GT(counts.refused_change_cycles, 10);
  std::printf(
      "edits %d: progress %d (refused %d), as-of %d (moving %d, refused %d), "
      "baselines %d, refused cycles %d, changes %d (adding %d, refused %d, for cycles %d)\n",
      counts.edits, counts.progress, counts.refused_progress, counts.as_of, counts.as_of_moves,
      counts.refused_as_of, counts.baselines, counts.refused_cycles, counts.changes, counts.added,
      counts.refused_changes, counts.refused_change_cycles);
}

// The as-of index (docs/scheduling.md "The as-of date") keeps the entry of a milestone whose key
// grew as a bound and adds one only when a key falls. Chains whose reports slip and recover
// (keys up and down through their successors) between daily as-of moves: enough entries for
// compactions between the moves, and floors that reach milestones indexed before they slipped.
// After every move the forecast must be the full recomputation's and the reference's.
TEST(SchedulePropertyTest, AsOfFloorReachesMilestonesThatSlippedAndRecovered) {
  Rng rng(777);
  PortfolioSpec spec;
  const Date start(2027, 1, 4);  // a Monday
  std::vector<std::string> ids;
  for (int p = 0; p < 4; ++p) {
    Project project;
    project.id = ProjectId(absl::StrCat("P", p));
    project.start = start + boost::gregorian::days(Uniform(rng, 0, 10));
    for (int i = 0; i < 50; ++i) {
      Milestone m;
      m.id = MilestoneId(absl::StrCat(project.id.value(), ".M", i));
      m.duration_days = Uniform(rng, 1, 4);
      if (i > 0) m.depends_on.push_back({MilestoneId(ids.back()), 0});
      if (p > 0 && i % 10 == 5) {
        m.depends_on.push_back({MilestoneId(absl::StrCat("P", p - 1, ".M", i - 3)), 0});
      }
      ids.push_back(m.id.value());
      project.milestones.push_back(std::move(m));
    }
    spec.projects.push_back(std::move(project));
  }
  absl::StatusOr<Portfolio> p = Portfolio::Create(spec);
  ASSERT_TRUE(p.ok()) << p.status();
  Model model;
  model.TakeBaseline(*p);
  std::string history;
  int reports = 0, moving_days = 0;
  for (int day = 0; day < 90; ++day) {
    const Date today = start + boost::gregorian::days(day);
    // Reports on what is under way or about to start: slips and recoveries.
    for (int k = 0; k < 12; ++k) {
      const std::string& id = ids[rng() % ids.size()];
      absl::StatusOr<MilestoneSchedule> row = p->ScheduleOf(MilestoneId(id));
      ASSERT_TRUE(row.ok());
      if (row->start > today + boost::gregorian::days(20)) continue;
      Progress pr;
      pr.reported_on = today;
      const int kind = Uniform(rng, 0, 19);
      pr.status = kind < 14   ? MilestoneStatus::kInProgress
                  : kind < 17 ? MilestoneStatus::kDone
                              : MilestoneStatus::kNotStarted;
      if (pr.status == MilestoneStatus::kInProgress && kind < 12) {
        pr.remaining_days = Uniform(rng, 0, 9);
      }
      absl::StrAppend(&history, "\n  ", DescribeProgress(id, pr));
      ASSERT_TRUE(p->UpdateProgress(MilestoneId(id), pr).ok()) << history;
      model.Apply(id, pr);
      ++reports;
    }
    absl::StrAppend(&history, "\n  SetAsOf ", FormatIsoDate(today));
    absl::StatusOr<ScheduleDelta> moved = p->SetAsOf(today);
    ASSERT_TRUE(moved.ok()) << history;
    if (!moved->moved.empty()) ++moving_days;
    model.as_of = today;
    ExpectConsistent(*p, model, history);
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
  }
  EXPECT_GT(reports, 500);
  EXPECT_GT(moving_days, 30);  // the floor moved milestones on most working days
  std::printf("reports %d, as-of moves that moved milestones %d\n", reports, moving_days);
}

// Latest dates on demand (docs/scheduling.md): progress reports and as-of moves leave their
// backward pass to the next reader of a latest date or the next plan edit, which runs it
// together with its own. Bursts of edits with no read in between (progress, as-of moves,
// durations, links, some refused) must leave the same schedule, slack and critical flags
// included, as a full recomputation, and the same critical paths.
TEST(SchedulePropertyTest, DeferredLatestDatesMatchFullRecomputationAfterBurstsOfEdits) {
  Rng rng(1234567);
  int edits = 0, deferred = 0, plan_edits = 0, changes = 0;
  for (int round = 0; round < 60; ++round) {
    absl::StatusOr<Portfolio> p = Portfolio::Create(RandomPortfolio(rng));
    ASSERT_TRUE(p.ok()) << p.status();
    Model model;
    model.TakeBaseline(*p);
    std::vector<std::string> ids;
    for (const Project& pr : p->ToSpec().projects) {
      for (const Milestone& m : pr.milestones) ids.push_back(m.id.value());
    }
    std::string history;
    for (int burst = 0; burst < 10; ++burst) {
      const int n = Uniform(rng, 1, 8);
      for (int e = 0; e < n; ++e, ++edits) {
        const int kind = Uniform(rng, 0, 10);
        const std::string& m = ids[rng() % ids.size()];
        if (kind <= 5) {
          const Progress pr = RandomProgress(rng);
          absl::StrAppend(&history, "\n  ", DescribeProgress(m, pr));
          ASSERT_TRUE(p->UpdateProgress(MilestoneId(m), pr).ok()) << history;
          model.Apply(m, pr);
          ++deferred;
        } else if (kind <= 7) {
          const Date as_of = model.as_of ? *model.as_of + boost::gregorian::days(Uniform(rng, 0, 5))
                                         : RandomDate(rng, 0, 40);
          absl::StrAppend(&history, "\n  SetAsOf ", FormatIsoDate(as_of));
          ASSERT_TRUE(p->SetAsOf(as_of).ok()) << history;
          model.as_of = as_of;
          ++deferred;
        } else if (kind == 8) {
          const int d = Uniform(rng, 0, 8);
          absl::StrAppend(&history, "\n  SetDuration ", m, " ", d);
          ASSERT_TRUE(p->SetDuration(MilestoneId(m), d).ok()) << history;
          ++plan_edits;
        } else if (kind == 9) {
          const std::string& a = ids[rng() % ids.size()];
          absl::StatusOr<ScheduleDelta> d = p->AddLink(MilestoneId(a), MilestoneId(m), 0);
          absl::StrAppend(&history, "\n  AddLink ", a, " -> ", m, d.ok() ? "" : " (refused)");
          if (d.ok()) ++plan_edits;
        } else {
          // A change request defers its backward pass too.
          std::string what;
          auto [project, change] = RandomChange(rng, p->ToSpec(), ids, model, &what);
          absl::StatusOr<ScheduleDelta> d = p->ApplyChange(project, change);
          absl::StrAppend(&history, "\n  ", what, d.ok() ? "" : " (refused)");
          if (!d.ok()) continue;
          ++changes;
          for (const Milestone& nm : change.new_milestones) {
            ids.push_back(nm.id.value());
            // Its first forecast is its baseline (this read runs the deferred pass early).
            absl::StatusOr<MilestoneSchedule> row = p->ScheduleOf(nm.id);
            ASSERT_TRUE(row.ok()) << history;
            model.baseline[nm.id.value()] = {row->start, row->finish};
          }
        }
      }
      ExpectConsistent(*p, model, history);
      if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
    }
  }
  EXPECT_GE(edits, 2000);
  EXPECT_GT(deferred, 1000);
  EXPECT_GT(plan_edits, 200);
  EXPECT_GT(changes, 100);
  std::printf("edits %d: deferred %d, plan edits %d, changes %d\n", edits, deferred, plan_edits,
              changes);
}

// Change requests near 9999-12-31: some would push a finish past it and must be rolled back
// whole (new milestones, durations, links, the as-of index), leaving a portfolio that edits,
// rebuilds and re-forecasts exactly as if they had never been tried; the ids they would have
// added are free again. (The literal reference is left out: its day-by-day calendar is not
// meant to run into year 9999.)
TEST(SchedulePropertyTest, ChangesRolledBackAtYear9999LeaveNoTrace) {
  Rng rng(99991231);
  int tried = 0, rolled_back = 0, accepted = 0, reused = 0;
  const Date late(9999, 9, 20);
  for (int round = 0; round < 80; ++round) {
    PortfolioSpec spec = RandomPortfolio(rng);
    for (Project& pr : spec.projects) pr.start = late + (pr.start - Date(2027, 1, 1));
    absl::StatusOr<Portfolio> p = Portfolio::Create(spec);
    if (!p.ok()) {
      ASSERT_EQ(p.status().code(), absl::StatusCode::kOutOfRange) << p.status();
      continue;
    }
    Model model;
    std::vector<std::string> refused_ids;  // ids of new milestones of rolled-back changes
    // An as-of date before the work, so that the as-of index covers milestones it may move.
    ASSERT_TRUE(p->SetAsOf(Date(9999, 9, 1)).ok());
    model.as_of = Date(9999, 9, 1);
    std::string history;
    for (int e = 0; e < 30; ++e) {
      if (Uniform(rng, 0, 5) == 0) {
        const Date as_of = *model.as_of + boost::gregorian::days(Uniform(rng, 0, 6));
        absl::StatusOr<ScheduleDelta> d = p->SetAsOf(as_of);
        absl::StrAppend(&history, "\n  SetAsOf ", FormatIsoDate(as_of));
        if (d.ok()) {
          model.as_of = as_of;
        } else {
          ASSERT_EQ(d.status().code(), absl::StatusCode::kOutOfRange) << d.status() << history;
        }
        ExpectConsistent(*p, model, history, /*with_reference=*/false);
        if (::testing::Test::HasFailure()) return;
        continue;
      }
      const PortfolioSpec before_spec = p->ToSpec();
      std::vector<std::string> ids;
      for (const Project& pr : before_spec.projects) {
        for (const Milestone& m : pr.milestones) ids.push_back(m.id.value());
      }
      std::string what;
      auto [project, change] = RandomChange(rng, before_spec, ids, model, &what);
      // Reuse the id of a rolled-back new milestone now and then.
      if (!refused_ids.empty() && !change.new_milestones.empty() && Uniform(rng, 0, 2) == 0) {
        const MilestoneId from = change.new_milestones[0].id, to(refused_ids.back());
        refused_ids.pop_back();
        auto rename = [&](MilestoneId& id) {
          if (id == from) id = to;
        };
        for (Milestone& m : change.new_milestones) {
          rename(m.id);
          for (Dependency& dep : m.depends_on) rename(dep.id);
        }
        for (auto& edit : change.durations) rename(edit.first);
        for (ChangeSet::Link& l : change.links) {
          rename(l.predecessor);
          rename(l.successor);
        }
        ++reused;
        absl::StrAppend(&what, " (first new id reused: ", change.new_milestones[0].id.value(), ")");
      }
      // Long work, now and then: some finishes would fall after 9999-12-31.
      if (Uniform(rng, 0, 2) == 0) {
        const int32_t days = Uniform(rng, 10, 70);
        if (!change.new_milestones.empty()) {
          change.new_milestones.back().duration_days = days;
        } else if (!change.durations.empty()) {
          change.durations.back().second = days;
        }
        absl::StrAppend(&what, " (long: ", days, "d)");
      }
      absl::StrAppend(&history, "\n  ", what);
      const std::vector<MilestoneSchedule> before = p->Schedule();
      const size_t count = p->milestone_count();
      ++tried;
      absl::StatusOr<ScheduleDelta> d = p->ApplyChange(project, change);
      if (!d.ok()) {
        const absl::StatusCode code = d.status().code();
        ASSERT_TRUE(code == absl::StatusCode::kOutOfRange ||
                    code == absl::StatusCode::kFailedPrecondition ||
                    code == absl::StatusCode::kAlreadyExists)
            << d.status() << history;
        ASSERT_EQ(p->Schedule(), before) << d.status() << history;
        ASSERT_EQ(SpecText(p->ToSpec()), SpecText(before_spec)) << history;
        ASSERT_EQ(p->milestone_count(), count) << history;
        if (code == absl::StatusCode::kOutOfRange) {
          ++rolled_back;
          for (const Milestone& m : change.new_milestones) {
            ASSERT_EQ(p->ScheduleOf(m.id).status().code(), absl::StatusCode::kNotFound) << history;
            refused_ids.push_back(m.id.value());
          }
        }
      } else {
        ++accepted;
        const std::vector<MilestoneSchedule> after = p->Schedule();
        std::map<std::string, const MilestoneSchedule*> now;
        for (const MilestoneSchedule& row : after) now[row.id.value()] = &row;
        std::vector<MilestoneId> moved;
        for (const MilestoneSchedule& row : before) {
          const MilestoneSchedule& a = *now.at(row.id.value());
          if (a.start != row.start || a.finish != row.finish) moved.push_back(row.id);
        }
        ASSERT_EQ(d->moved, moved) << history;
        for (const Milestone& m : change.new_milestones) {
          const MilestoneSchedule& row = *now.at(m.id.value());
          ASSERT_EQ(row.baseline_start, row.start) << history;
          ASSERT_EQ(row.baseline_finish, row.finish) << history;
        }
      }
      ExpectConsistent(*p, model, history, /*with_reference=*/false);
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GT(rolled_back, 50);
  EXPECT_GT(accepted, 200);
  EXPECT_GT(reused, 10);
  std::printf("changes near 9999-12-31: %d tried, %d accepted, %d rolled back, %d ids reused\n",
              tried, accepted, rolled_back, reused);
}

}  // namespace
}  // namespace handoff
