// Portfolio::ApplyChange: an accepted change request's new milestones, durations and links,
// applied atomically with one re-forecast. Dates are worked out by hand in the comments.
// 2027-01-04 is a Monday; the weekend is Sat/Sun. Working-day ordinals in the comments count
// from Mon 01-04 = 0: Tue 05 = 1, Wed 06 = 2, Thu 07 = 3, Fri 08 = 4, Mon 11 = 5, Tue 12 = 6,
// Wed 13 = 7, Thu 14 = 8, Fri 15 = 9.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/portfolio.h"
#include "tests/support/portfolio_queries.h"
#include "tests/support/spec_builder.h"

namespace handoff {
namespace {

using testing::AddMilestone;
using testing::AddProject;
using testing::D;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Moved;
using testing::Path;
using testing::Row;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// P1: A (2d) <- B (3d) <- C (1d): A Mon 04..Tue 05, B Wed 06..Fri 08, C Mon 11.
// P2: X (4d) <- Y (1d): X Mon 04..Thu 07, Y Fri 08.
PortfolioSpec Base() {
  PortfolioSpec spec;
  spec.people = {{PersonId("li.pm"), "Li Wei", Role::kPm},
                 {PersonId("zhao.lead"), "Zhao Min", Role::kLead}};
  Project& p1 = AddProject(spec, "P1", D(2027, 1, 4));
  p1.pm = PersonId("li.pm");
  AddMilestone(p1, "A", 2);
  AddMilestone(p1, "B", 3, {{"A", 0}});
  AddMilestone(p1, "C", 1, {{"B", 0}});
  Project& p2 = AddProject(spec, "P2", D(2027, 1, 4));
  AddMilestone(p2, "X", 4);
  AddMilestone(p2, "Y", 1, {{"X", 0}});
  return spec;
}

Milestone NewMilestone(const std::string& id, int days,
                       std::vector<std::pair<std::string, int>> deps = {}) {
  Milestone m;
  m.id = MilestoneId(id);
  m.duration_days = days;
  for (auto& [q, lag] : deps) m.depends_on.push_back(Dependency{MilestoneId(q), lag});
  return m;
}

ChangeSet::Link Link(const std::string& pred, const std::string& succ, int lag = 0) {
  return ChangeSet::Link{MilestoneId(pred), MilestoneId(succ), lag};
}

// Everything ToSpec says about the projects, as one string.
std::string SpecText(const Portfolio& p) {
  std::string out;
  for (const Project& pr : p.ToSpec().projects) {
    absl::StrAppend(&out, pr.id.value(), "@", FormatIsoDate(pr.start), "{");
    for (const Milestone& m : pr.milestones) {
      absl::StrAppend(&out, m.id.value(), ":", m.name, ":", m.duration_days, ":", m.owner.value(),
                      m.customer_visible ? ":cv" : "", "[");
      for (const Dependency& d : m.depends_on) absl::StrAppend(&out, d.id.value(), "+", d.lag_days);
      out += "]";
    }
    out += "}";
  }
  return out;
}

// Create(ToSpec()) + ProgressLog replay + SetAsOf gives the same forecast, and a full pass on
// `p` moves nothing.
void ExpectRebuildsTheSame(Portfolio& p) {
  absl::StatusOr<Portfolio> again = Portfolio::Create(p.ToSpec());
  ASSERT_TRUE(again.ok()) << again.status();
  for (const auto& [id, pr] : p.ProgressLog()) {
    ASSERT_TRUE(again->UpdateProgress(id, pr).ok());
  }
  if (p.as_of()) {
    ASSERT_TRUE(again->SetAsOf(*p.as_of()).ok());
  }
  const std::vector<MilestoneSchedule> a = again->Schedule(), b = p.Schedule();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].start, b[i].start) << a[i].id;
    EXPECT_EQ(a[i].finish, b[i].finish) << a[i].id;
    EXPECT_EQ(a[i].slack_days, b[i].slack_days) << a[i].id;
    EXPECT_EQ(a[i].critical, b[i].critical) << a[i].id;
  }
  for (const ProjectId& id : p.ProjectIds()) {
    EXPECT_EQ(*again->CriticalPath(id), *p.CriticalPath(id)) << id;
  }
  absl::StatusOr<ScheduleDelta> full = p.RescheduleAll();
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_THAT(full->moved, IsEmpty());
}

TEST(ChangeTest, NewMilestoneBetweenTwoExistingOnes) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  ChangeSet change;
  Milestone n = NewMilestone("N", 2, {{"A", 0}});
  n.name = "Extra review";
  n.owner = PersonId("zhao.lead");
  n.customer_visible = true;
  change.new_milestones.push_back(n);
  change.links.push_back(Link("N", "B"));  // B now depends on N too
  absl::StatusOr<ScheduleDelta> d = p->ApplyChange(ProjectId("P1"), change);
  // N after A: Wed 06..Thu 07. B after N: Fri 08, Mon 11, Tue 12. C: Wed 13. N is not "moved".
  EXPECT_THAT(Moved(d), ElementsAre("B", "C"));
  EXPECT_EQ(Row(*p, "N").start, D(2027, 1, 6));
  EXPECT_EQ(Row(*p, "N").finish, D(2027, 1, 7));
  EXPECT_EQ(Row(*p, "N").project, ProjectId("P1"));
  EXPECT_EQ(Row(*p, "B").start, D(2027, 1, 8));
  EXPECT_EQ(Row(*p, "B").finish, D(2027, 1, 12));
  EXPECT_EQ(Row(*p, "C").start, D(2027, 1, 13));
  // The new milestone's baseline is its first forecast; B and C slip against theirs.
  EXPECT_EQ(Row(*p, "N").baseline_start, D(2027, 1, 6));
  EXPECT_EQ(Row(*p, "N").baseline_finish, D(2027, 1, 7));
  EXPECT_EQ(Row(*p, "N").slip_days, 0);
  EXPECT_EQ(Row(*p, "B").slip_days, 2);
  EXPECT_EQ(Row(*p, "C").slip_days, 2);
  // end(P1) = 8: A (EFi 2, LF = LS(N) = 2), N (EFi 4, LF = LS(B) = 4), B, C all critical.
  EXPECT_EQ(Row(*p, "A").slack_days, 0);
  EXPECT_EQ(Row(*p, "N").slack_days, 0);
  EXPECT_THAT(Path(*p, "P1"), ElementsAre("A", "N", "B", "C"));
  EXPECT_EQ(p->milestone_count(), 6u);
  absl::StatusOr<Project> project = p->GetProject(ProjectId("P1"));
  ASSERT_TRUE(project.ok());
  ASSERT_EQ(project->milestones.size(), 4u);
  const Milestone& added = project->milestones[3];  // after the original ones
  EXPECT_EQ(added.id, MilestoneId("N"));
  EXPECT_EQ(added.name, "Extra review");
  EXPECT_EQ(added.owner, PersonId("zhao.lead"));
  EXPECT_TRUE(added.customer_visible);
  ASSERT_EQ(added.depends_on.size(), 1u);
  EXPECT_EQ(added.depends_on[0].id, MilestoneId("A"));
  std::vector<std::string> deps;
  for (const Dependency& dep : project->milestones[1].depends_on) deps.push_back(dep.id.value());
  EXPECT_THAT(deps, ElementsAre("A", "N"));
  std::vector<std::string> cone;
  const absl::StatusOr<Impact> impact = p->ImpactOf(MilestoneId("A"));
  ASSERT_TRUE(impact.ok());
  for (const ImpactEntry& e : impact->downstream) {
    cone.push_back(e.id.value());
  }
  EXPECT_THAT(cone, ElementsAre("B", "C", "N"));
  ExpectRebuildsTheSame(*p);
}

TEST(ChangeTest, DurationChangesInAnyProject) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  ChangeSet change;
  change.durations = {{MilestoneId("B"), 0}, {MilestoneId("X"), 0}};
  absl::StatusOr<ScheduleDelta> d = p->ApplyChange(ProjectId("P1"), change);
  // B becomes a checkpoint at END(Tue 05) = ES: on Tue 05. C: ES = END(1) -> Wed 06.
  // X becomes a checkpoint at START(Mon 04); Y: ES = START(0) -> Mon 04.
  EXPECT_THAT(Moved(d), ElementsAre("B", "C", "X", "Y"));
  EXPECT_EQ(Row(*p, "B").start, D(2027, 1, 5));
  EXPECT_EQ(Row(*p, "B").finish, D(2027, 1, 5));
  EXPECT_EQ(Row(*p, "C").start, D(2027, 1, 6));
  EXPECT_EQ(Row(*p, "X").finish, D(2027, 1, 4));
  EXPECT_EQ(Row(*p, "Y").start, D(2027, 1, 4));
  EXPECT_EQ(p->GetMilestone(MilestoneId("B"))->duration_days, 0);
  ExpectRebuildsTheSame(*p);
}

TEST(ChangeTest, LinkIntoAnotherProject) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  ChangeSet change;
  change.links.push_back(Link("C", "Y", 1));
  absl::StatusOr<ScheduleDelta> d = p->ApplyChange(ProjectId("P1"), change);
  // C ends Mon 11 (5); lag 1: END(6), so Y starts Wed 13 (7).
  EXPECT_THAT(Moved(d), ElementsAre("Y"));
  EXPECT_EQ(Row(*p, "Y").start, D(2027, 1, 13));
  // end(P2) = 8: X (EFi 4) has LF = LS(Y) = 7, slack 3; C has LF = min(6, 7 - 1) = 6, slack 0.
  EXPECT_EQ(Row(*p, "X").slack_days, 3);
  EXPECT_EQ(Row(*p, "C").slack_days, 0);
  EXPECT_THAT(Path(*p, "P2"), ElementsAre("Y"));
  std::vector<Dependency> deps = p->GetMilestone(MilestoneId("Y"))->depends_on;
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_EQ(deps[1].id, MilestoneId("C"));
  EXPECT_EQ(deps[1].lag_days, 1);
  EXPECT_EQ(p->ImpactOf(MilestoneId("C"))->downstream.size(), 1u);
  ExpectRebuildsTheSame(*p);
}

TEST(ChangeTest, NewMilestoneDependingOnAnotherNewOne) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  ChangeSet change;
  // Listed before the milestone it depends on, which depends on C in the other project.
  change.new_milestones.push_back(NewMilestone("N2", 0, {{"N1", 0}}));
  change.new_milestones.push_back(NewMilestone("N1", 1, {{"C", 0}}));
  absl::StatusOr<ScheduleDelta> d = p->ApplyChange(ProjectId("P2"), change);
  // N1 after C (ends Mon 11): Tue 12. N2, a checkpoint at END(Tue 12): Tue 12.
  EXPECT_THAT(Moved(d), IsEmpty());
  EXPECT_EQ(Row(*p, "N1").start, D(2027, 1, 12));
  EXPECT_EQ(Row(*p, "N1").finish, D(2027, 1, 12));
  EXPECT_EQ(Row(*p, "N2").start, D(2027, 1, 12));
  EXPECT_EQ(Row(*p, "N2").project, ProjectId("P2"));
  // end(P2) grows from 5 to 7: X and Y get 2 days of slack; the path starts at N1 (the smaller
  // id of N1 and N2, both EFi 7) and stops at C, another project's.
  EXPECT_EQ(Row(*p, "X").slack_days, 2);
  EXPECT_EQ(Row(*p, "Y").slack_days, 2);
  EXPECT_EQ(Row(*p, "N2").slack_days, 0);
  EXPECT_THAT(Path(*p, "P2"), ElementsAre("N1"));
  std::vector<std::string> ids;
  const absl::StatusOr<Project> p2 = p->GetProject(ProjectId("P2"));
  ASSERT_TRUE(p2.ok());
  for (const Milestone& m : p2->milestones) ids.push_back(m.id.value());
  EXPECT_THAT(ids, ElementsAre("X", "Y", "N2", "N1"));
  // A later edit of C moves both new milestones.
  EXPECT_THAT(Moved(p->SetDuration(MilestoneId("C"), 2)), ElementsAre("C", "N1", "N2"));
  EXPECT_EQ(Row(*p, "N2").start, D(2027, 1, 13));
  ExpectRebuildsTheSame(*p);
}

TEST(ChangeTest, ARemovedLinkComesBackWithTheNewLagAndClosesNoCycle) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE(p->RemoveLink(MilestoneId("A"), MilestoneId("B")).ok());
  ChangeSet change;
  change.links.push_back(Link("A", "B", 2));
  // A ends Tue 05 (1); lag 2: END(3), so B runs Fri 08..Tue 12 and C is Wed 13.
  EXPECT_THAT(Moved(p->ApplyChange(ProjectId("P1"), change)), ElementsAre("B", "C"));
  EXPECT_EQ(Row(*p, "B").start, D(2027, 1, 8));
  EXPECT_EQ(Row(*p, "C").start, D(2027, 1, 13));
  std::vector<Dependency> deps = p->GetMilestone(MilestoneId("B"))->depends_on;
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0].lag_days, 2);
  ExpectRebuildsTheSame(*p);

  // Removed again, the link is no constraint: A may now depend on B.
  ASSERT_TRUE(p->RemoveLink(MilestoneId("A"), MilestoneId("B")).ok());  // B Mon 04..Wed 06
  change.links = {Link("B", "A")};
  // A after B: Thu 07..Fri 08.
  EXPECT_THAT(Moved(p->ApplyChange(ProjectId("P1"), change)), ElementsAre("A"));
  EXPECT_EQ(Row(*p, "A").start, D(2027, 1, 7));
  ExpectRebuildsTheSame(*p);
}

TEST(ChangeTest, AnEmptyChangeMovesNothing) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  const std::vector<MilestoneSchedule> before = p->Schedule();
  EXPECT_THAT(Moved(p->ApplyChange(ProjectId("P2"), ChangeSet{})), IsEmpty());
  EXPECT_EQ(p->Schedule(), before);
}

TEST(ChangeTest, NewMilestonesFollowTheAsOfDate) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE(p->SetAsOf(D(2027, 1, 11)).ok());
  ChangeSet change;
  change.new_milestones.push_back(NewMilestone("N", 1));
  ASSERT_TRUE(p->ApplyChange(ProjectId("P1"), change).ok());
  // Not started: no earlier than the as-of date, Mon 11; that is its baseline too.
  EXPECT_EQ(Row(*p, "N").start, D(2027, 1, 11));
  EXPECT_EQ(Row(*p, "N").baseline_finish, D(2027, 1, 11));
  // The floor moves it on like any other milestone.
  absl::StatusOr<ScheduleDelta> d = p->SetAsOf(D(2027, 1, 12));
  ASSERT_TRUE(d.ok());
  EXPECT_THAT(d->moved, ::testing::Contains(MilestoneId("N")));
  EXPECT_EQ(Row(*p, "N").start, D(2027, 1, 12));
  EXPECT_EQ(Row(*p, "N").slip_days, 1);
  ExpectRebuildsTheSame(*p);
}

struct BadChange {
  std::string name;
  std::string project;
  std::function<void(ChangeSet&)> build;
  absl::StatusCode code;
  std::string message;  // the whole message, location first
};

class ChangeValidationTest : public ::testing::TestWithParam<BadChange> {};

TEST_P(ChangeValidationTest, RefusesWithTheFieldAndChangesNothing) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  // Some progress, an as-of date and a removed link, to see that none of them changes either.
  Progress started;
  started.status = MilestoneStatus::kInProgress;
  started.reported_on = D(2027, 1, 4);
  ASSERT_TRUE(p->UpdateProgress(MilestoneId("X"), started).ok());
  ASSERT_TRUE(p->SetAsOf(D(2027, 1, 5)).ok());
  ASSERT_TRUE(p->RemoveLink(MilestoneId("X"), MilestoneId("Y")).ok());
  const std::vector<MilestoneSchedule> schedule = p->Schedule();
  const std::string spec = SpecText(*p);
  const std::vector<std::pair<MilestoneId, Progress>> log = p->ProgressLog();

  ChangeSet change;
  GetParam().build(change);
  absl::StatusOr<ScheduleDelta> d = p->ApplyChange(ProjectId(GetParam().project), change);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), GetParam().code) << d.status();
  EXPECT_EQ(Message(d.status()), GetParam().message);
  EXPECT_EQ(p->Schedule(), schedule);
  EXPECT_EQ(SpecText(*p), spec);
  EXPECT_EQ(p->ProgressLog(), log);
  EXPECT_EQ(p->as_of(), D(2027, 1, 5));
  EXPECT_EQ(p->milestone_count(), 5u);
  // The refused change left no trace: the same change without its defect goes through.
  ChangeSet valid;
  valid.new_milestones.push_back(NewMilestone("N", 1, {{"A", 0}}));
  valid.links.push_back(Link("N", "C"));
  ASSERT_TRUE(p->ApplyChange(ProjectId("P1"), valid).ok());
  ExpectRebuildsTheSame(*p);
}

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
constexpr auto kNotFound = absl::StatusCode::kNotFound;
constexpr auto kExists = absl::StatusCode::kAlreadyExists;
constexpr auto kCycle = absl::StatusCode::kFailedPrecondition;

INSTANTIATE_TEST_SUITE_P(
    AllDefects, ChangeValidationTest,
    ::testing::Values(
        BadChange{"UnknownProject", "P9",
                  [](ChangeSet& c) {
                    c.durations = {{MilestoneId("A"), 1}};
                  },
                  kNotFound, "project \"P9\": unknown id"},
        BadChange{"EmptyNewId", "P1",
                  [](ChangeSet& c) { c.new_milestones = {NewMilestone("", 1)}; }, kInvalid,
                  "new_milestones/0/id: milestone: id is empty"},
        BadChange{"NewIdExists", "P1",
                  [](ChangeSet& c) { c.new_milestones = {NewMilestone("Y", 1)}; }, kExists,
                  "new_milestones/0/id: milestone \"Y\": duplicate id"},
        BadChange{"NewIdTwice", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1), NewMilestone("N", 2)};
                  },
                  kExists, "new_milestones/1/id: milestone \"N\": duplicate id"},
        BadChange{"NewDurationOutOfRange", "P1",
                  [](ChangeSet& c) { c.new_milestones = {NewMilestone("N", 100001)}; }, kInvalid,
                  "new_milestones/0/duration_days: milestone \"N\": duration_days 100001 is out "
                  "of range (0 to 100000)"},
        BadChange{"UnknownOwner", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1)};
                    c.new_milestones[0].owner = PersonId("ghost");
                  },
                  kNotFound,
                  "new_milestones/0/owner: milestone \"N\": owner \"ghost\": unknown person"},
        BadChange{"EmptyDependsOn", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1, {{"", 0}})};
                  },
                  kInvalid,
                  "new_milestones/0/depends_on/0/id: milestone \"N\": depends_on: id is empty"},
        BadChange{
            "UnknownDependsOn", "P1",
            [](ChangeSet& c) {
              c.new_milestones = {NewMilestone("N", 1), NewMilestone("N2", 1, {{"Q", 0}})};
            },
            kNotFound,
            "new_milestones/1/depends_on/0/id: milestone \"N2\": depends_on \"Q\": unknown id"},
        BadChange{"SelfDependsOn", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1, {{"N", 0}})};
                  },
                  kInvalid,
                  "new_milestones/0/depends_on/0/id: milestone \"N\": depends_on \"N\": a "
                  "milestone cannot depend on itself"},
        BadChange{"SecondDependsOnSamePredecessor", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1, {{"A", 0}, {"A", 2}})};
                  },
                  kExists,
                  "new_milestones/0/depends_on/1/id: milestone \"N\": depends_on \"A\": a second "
                  "link to the same predecessor"},
        BadChange{"DependsOnLagOutOfRange", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1, {{"A", -1}})};
                  },
                  kInvalid,
                  "new_milestones/0/depends_on/0/lag_days: milestone \"N\": depends_on \"A\": "
                  "lag_days -1 is out of range (0 to 100000)"},
        BadChange{"EmptyDurationId", "P1",
                  [](ChangeSet& c) {
                    c.durations = {{MilestoneId(), 1}};
                  },
                  kInvalid, "durations/0/milestone: milestone: id is empty"},
        BadChange{
            "UnknownDurationId", "P1",
            [](ChangeSet& c) {
              c.durations = {{MilestoneId("A"), 1}, {MilestoneId("B"), 1}, {MilestoneId("Q"), 1}};
            },
            kNotFound, "durations/2/milestone: milestone \"Q\": unknown id"},
        BadChange{
            "SecondDurationForOneMilestone", "P1",
            [](ChangeSet& c) {
              c.durations = {{MilestoneId("B"), 1}, {MilestoneId("B"), 2}};
            },
            kExists,
            "durations/1/milestone: milestone \"B\": a second duration for the same milestone"},
        BadChange{"DurationOutOfRange", "P1",
                  [](ChangeSet& c) {
                    c.durations = {{MilestoneId("B"), -3}};
                  },
                  kInvalid,
                  "durations/0/duration_days: milestone \"B\": duration_days -3 is out of range "
                  "(0 to 100000)"},
        BadChange{"EmptyLinkSuccessor", "P1", [](ChangeSet& c) { c.links = {Link("A", "")}; },
                  kInvalid, "links/0/successor: milestone: id is empty"},
        BadChange{"UnknownLinkSuccessor", "P1", [](ChangeSet& c) { c.links = {Link("A", "Q")}; },
                  kNotFound, "links/0/successor: milestone \"Q\": unknown id"},
        BadChange{"EmptyLinkPredecessor", "P1", [](ChangeSet& c) { c.links = {Link("", "C")}; },
                  kInvalid, "links/0/predecessor: milestone \"C\": depends_on: id is empty"},
        BadChange{"UnknownLinkPredecessor", "P1", [](ChangeSet& c) { c.links = {Link("Q", "C")}; },
                  kNotFound, "links/0/predecessor: milestone \"C\": depends_on \"Q\": unknown id"},
        BadChange{"SelfLink", "P1", [](ChangeSet& c) { c.links = {Link("C", "C")}; }, kInvalid,
                  "links/0/predecessor: milestone \"C\": depends_on \"C\": a milestone cannot "
                  "depend on itself"},
        BadChange{"LinkLagOutOfRange", "P1",
                  [](ChangeSet& c) { c.links = {Link("A", "C", 100001)}; }, kInvalid,
                  "links/0/lag_days: milestone \"C\": depends_on \"A\": lag_days 100001 is out of "
                  "range (0 to 100000)"},
        BadChange{"LinkExists", "P1", [](ChangeSet& c) { c.links = {Link("A", "B", 1)}; }, kExists,
                  "links/0/predecessor: milestone \"B\": depends_on \"A\": a second link to the "
                  "same predecessor"},
        BadChange{"LinkRepeatsANewDependsOn", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1, {{"A", 0}})};
                    c.links = {Link("A", "N", 1)};
                  },
                  kExists,
                  "links/0/predecessor: milestone \"N\": depends_on \"A\": a second link to the "
                  "same predecessor"},
        BadChange{"LinkTwiceInTheChange", "P1",
                  [](ChangeSet& c) {
                    c.links = {Link("A", "C"), Link("A", "C", 2)};
                  },
                  kExists,
                  "links/1/predecessor: milestone \"C\": depends_on \"A\": a second link to the "
                  "same predecessor"},
        BadChange{"CycleWithExistingLinks", "P1", [](ChangeSet& c) { c.links = {Link("C", "A")}; },
                  kCycle,
                  "links/0/predecessor: milestone \"A\": depends_on \"C\": dependency cycle "
                  "A -> C -> B -> A"},
        BadChange{"CycleThroughANewMilestone", "P1",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N", 1, {{"C", 0}})};
                    c.links = {Link("N", "A")};
                  },
                  kCycle,
                  "new_milestones/0/depends_on/0/id: milestone \"N\": depends_on \"C\": "
                  "dependency cycle A -> N -> C -> B -> A"},
        BadChange{"CycleAmongNewMilestones", "P2",
                  [](ChangeSet& c) {
                    c.new_milestones = {NewMilestone("N2", 1, {{"N1", 0}}),
                                        NewMilestone("N1", 1, {{"N2", 0}})};
                  },
                  kCycle,
                  "new_milestones/0/depends_on/0/id: milestone \"N2\": depends_on \"N1\": "
                  "dependency cycle N1 -> N2 -> N1"},
        BadChange{"CycleAcrossProjectsThroughNewLinksOnly", "P2",
                  [](ChangeSet& c) {
                    // The fixture removed X -> Y; without it C -> X and Y -> A close no cycle
                    // (ARemovedLinkClosesNoCycle), with it back in the same change they do.
                    c.links = {Link("C", "X"), Link("Y", "A"), Link("X", "Y")};
                  },
                  kCycle,
                  "links/0/predecessor: milestone \"X\": depends_on \"C\": dependency cycle "
                  "A -> Y -> X -> C -> B -> A"}),
    [](const ::testing::TestParamInfo<BadChange>& param_info) { return param_info.param.name; });

TEST(ChangeTest, ARemovedLinkClosesNoCycle) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(Base());
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE(p->RemoveLink(MilestoneId("X"), MilestoneId("Y")).ok());
  ChangeSet change;
  change.links = {Link("C", "X"), Link("Y", "A")};  // X -> Y is removed: no cycle
  ASSERT_TRUE(p->ApplyChange(ProjectId("P2"), change).ok());
  // Y (Mon 04) <- A Tue 05..Wed 06 <- B Thu 07..Mon 11 <- C Tue 12 <- X Wed 13..Mon 18.
  EXPECT_EQ(Row(*p, "A").start, D(2027, 1, 5));
  EXPECT_EQ(Row(*p, "X").start, D(2027, 1, 13));
  EXPECT_EQ(Row(*p, "X").finish, D(2027, 1, 18));
  ExpectRebuildsTheSame(*p);
}

// A (5 days) from Tue 9999-06-01, B (5 days) after A.
PortfolioSpec NearTheEnd() {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(9999, 6, 1));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "B", 5, {{"A", 0}});
  return spec;
}

// A change whose new milestone would end after 9999-12-31 is rolled back whole: durations, link
// activations and lags, and the new milestones (records, index, project, order, as-of index).
TEST(ChangeTest, AChangeThatWouldPassYear9999IsRolledBackWhole) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(NearTheEnd());
  ASSERT_TRUE(p.ok()) << p.status();
  // An as-of date long before the work: the scan of the as-of index then indexes keys up to
  // START(Mon 06-07) (A's, not B's), so the failed forward pass indexes N before Z fails.
  ASSERT_TRUE(p->SetAsOf(D(9999, 1, 4)).ok());
  ASSERT_TRUE(p->RemoveLink(MilestoneId("A"), MilestoneId("B")).ok());
  ASSERT_TRUE(p->AddLink(MilestoneId("A"), MilestoneId("B"), 2).ok());
  ASSERT_TRUE(p->RemoveLink(MilestoneId("A"), MilestoneId("B")).ok());
  const std::vector<MilestoneSchedule> schedule = p->Schedule();
  const std::string spec = SpecText(*p);
  ChangeSet change;
  change.durations = {{MilestoneId("A"), 6}};
  change.new_milestones.push_back(NewMilestone("N", 1));
  change.new_milestones.push_back(NewMilestone("Z", 300, {{"N", 0}, {"A", 0}}));
  change.links = {Link("A", "B", 4), Link("N", "B")};
  absl::StatusOr<ScheduleDelta> d = p->ApplyChange(ProjectId("P"), change);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Message(d.status()), "milestone \"Z\": its finish would fall after 9999-12-31");
  EXPECT_EQ(p->Schedule(), schedule);
  EXPECT_EQ(SpecText(*p), spec);
  EXPECT_EQ(p->milestone_count(), 2u);
  EXPECT_EQ(p->GetMilestone(MilestoneId("N")).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(p->GetMilestone(MilestoneId("A"))->duration_days, 5);
  EXPECT_TRUE(p->GetMilestone(MilestoneId("B"))->depends_on.empty());
  EXPECT_TRUE(p->ImpactOf(MilestoneId("A"))->downstream.empty());  // not even the orphan Z
  // N's entry went out of the as-of index with N: the floor passes its key, without a scan.
  // (Before any full pass, which would empty the index.)
  absl::StatusOr<ScheduleDelta> floor = p->SetAsOf(D(9999, 6, 2));
  ASSERT_TRUE(floor.ok()) << floor.status();
  EXPECT_THAT(floor->moved, ElementsAre(MilestoneId("A"), MilestoneId("B")));
  ExpectRebuildsTheSame(*p);

  // The same ids again, in range now; the removed A -> B link comes back with this change's lag.
  change.new_milestones[1].duration_days = 3;
  d = p->ApplyChange(ProjectId("P"), change);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_THAT(Moved(d), ElementsAre("A", "B"));
  EXPECT_EQ(p->milestone_count(), 4u);
  std::vector<Dependency> deps = p->GetMilestone(MilestoneId("B"))->depends_on;
  ASSERT_EQ(deps.size(), 2u);
  EXPECT_EQ(deps[0].id, MilestoneId("A"));
  EXPECT_EQ(deps[0].lag_days, 4);
  EXPECT_EQ(deps[1].id, MilestoneId("N"));
  // From the as-of date Wed 02: A Wed 02..Wed 09 (6 days); N: Wed 02; Z after A: Thu 10..Mon 14;
  // B: lag 4 after Wed 09 (Thu, Fri, Mon, Tue free): Wed 16.
  EXPECT_EQ(Row(*p, "A").finish, D(9999, 6, 9));
  EXPECT_EQ(Row(*p, "N").start, D(9999, 6, 2));
  EXPECT_EQ(Row(*p, "Z").start, D(9999, 6, 10));
  EXPECT_EQ(Row(*p, "Z").finish, D(9999, 6, 14));
  EXPECT_EQ(Row(*p, "B").start, D(9999, 6, 16));
  ExpectRebuildsTheSame(*p);
  // Below the index's threshold, so no scan: the floor finds A and N in the index.
  absl::StatusOr<ScheduleDelta> later = p->SetAsOf(D(9999, 6, 3));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_THAT(later->moved,
              ElementsAre(MilestoneId("A"), MilestoneId("B"), MilestoneId("N"), MilestoneId("Z")));
  // A: Thu 03..Thu 10; N: Thu 03; Z: Fri 11..Tue 15; B: Thu 17.
  EXPECT_EQ(Row(*p, "N").start, D(9999, 6, 3));
  EXPECT_EQ(Row(*p, "Z").start, D(9999, 6, 11));
  EXPECT_EQ(Row(*p, "B").start, D(9999, 6, 17));
  ExpectRebuildsTheSame(*p);
}

}  // namespace
}  // namespace handoff
