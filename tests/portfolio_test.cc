// The portfolio graph: validation before anything is kept, impact queries, and edits that
// change nothing on error.
#include "handoff/portfolio.h"

#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/spec_builder.h"

namespace handoff {
namespace {

using testing::AddMilestone;
using testing::AddProject;
using testing::D;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

PortfolioSpec TwoAccounts() {
  PortfolioSpec spec;
  spec.people = {{PersonId("li.pm"), "Li Wei", Role::kPm},
                 {PersonId("chen.ae"), "Chen Jing", Role::kAe},
                 {PersonId("wu.ae"), "Wu Fang", Role::kAe},
                 {PersonId("zhao.lead"), "Zhao Min", Role::kLead}};
  spec.accounts = {{AccountId("acme"), "Acme", "gold", PersonId("chen.ae")},
                   {AccountId("beta"), "Beta", "", PersonId("wu.ae")}};
  Project& p1 = AddProject(spec, "P1", D(2027, 1, 4));
  p1.account = AccountId("acme");
  p1.pm = PersonId("li.pm");
  AddMilestone(p1, "P1.M1", 2);
  AddMilestone(p1, "P1.M2", 3, {{"P1.M1", 0}}).customer_visible = true;
  AddMilestone(p1, "P1.M3", 1, {{"P1.M2", 0}});
  Project& p2 = AddProject(spec, "P2", D(2027, 1, 4));
  p2.account = AccountId("beta");
  p2.pm = PersonId("li.pm");
  AddMilestone(p2, "P2.M1", 4, {{"P1.M1", 1}});
  AddMilestone(p2, "P2.M2", 1, {{"P2.M1", 0}}).customer_visible = true;
  AddMilestone(p2, "P2.M3", 1);
  return spec;
}

TEST(PortfolioTest, BuildsTheGraphAndIndexesEveryKind) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(TwoAccounts());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->milestone_count(), 6u);
  EXPECT_EQ(p->project_count(), 2u);
  EXPECT_THAT(p->ProjectIds(), ElementsAre(ProjectId("P1"), ProjectId("P2")));
  absl::StatusOr<Project> project = p->GetProject(ProjectId("P2"));
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(project->account, AccountId("beta"));
  EXPECT_EQ(project->milestones.size(), 3u);
  EXPECT_EQ(p->GetMilestone(MilestoneId("nope")).status().code(), absl::StatusCode::kNotFound);
}

TEST(PortfolioTest, ImpactIsTheDownstreamConeAcrossProjects) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(TwoAccounts());
  ASSERT_TRUE(p.ok());
  absl::StatusOr<Impact> impact = p->ImpactOf(MilestoneId("P1.M1"));
  ASSERT_TRUE(impact.ok());
  std::vector<std::string> ids;
  for (const ImpactEntry& e : impact->downstream) ids.push_back(e.id.value());
  EXPECT_THAT(ids, ElementsAre("P1.M2", "P1.M3", "P2.M1", "P2.M2"));
  EXPECT_THAT(impact->customer_visible, ElementsAre(MilestoneId("P1.M2"), MilestoneId("P2.M2")));
  EXPECT_THAT(impact->accounts, ElementsAre(AccountId("acme"), AccountId("beta")));
  // A leaf has an empty cone; the cone follows removed links no more.
  EXPECT_TRUE(p->ImpactOf(MilestoneId("P2.M3"))->downstream.empty());
  ASSERT_TRUE(p->RemoveLink(MilestoneId("P1.M1"), MilestoneId("P2.M1")).ok());
  EXPECT_THAT(p->ImpactOf(MilestoneId("P1.M1"))->accounts, ElementsAre(AccountId("acme")));
  EXPECT_EQ(p->ImpactOf(MilestoneId("zzz")).status().code(), absl::StatusCode::kNotFound);
}

struct BadCase {
  std::string name;
  std::function<void(PortfolioSpec&)> mutate;
  absl::StatusCode code;
  std::string message;  // the whole message, location first
};

class PortfolioValidationTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(PortfolioValidationTest, RejectsWithLocationEntityAndReason) {
  PortfolioSpec spec = TwoAccounts();
  GetParam().mutate(spec);
  absl::StatusOr<Portfolio> p = Portfolio::Create(spec);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), GetParam().code) << p.status();
  EXPECT_EQ(Message(p.status()), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    AllDefects, PortfolioValidationTest,
    ::testing::Values(
        BadCase{"DuplicatePerson", [](PortfolioSpec& s) { s.people[1].id = PersonId("li.pm"); },
                absl::StatusCode::kAlreadyExists, "/people/1/id: person \"li.pm\": duplicate id"},
        BadCase{"AeOfWrongRole", [](PortfolioSpec& s) { s.accounts[0].ae = PersonId("li.pm"); },
                absl::StatusCode::kInvalidArgument,
                "/accounts/0/ae: account \"acme\": ae \"li.pm\": has role pm, not ae"},
        BadCase{"UnknownAe", [](PortfolioSpec& s) { s.accounts[1].ae = PersonId("ghost"); },
                absl::StatusCode::kNotFound,
                "/accounts/1/ae: account \"beta\": ae \"ghost\": unknown person"},
        BadCase{"UnknownAccount",
                [](PortfolioSpec& s) { s.projects[1].account = AccountId("gamma"); },
                absl::StatusCode::kNotFound,
                "/projects/1/account: project \"P2\": account \"gamma\": unknown account"},
        BadCase{"PmOfWrongRole", [](PortfolioSpec& s) { s.projects[0].pm = PersonId("chen.ae"); },
                absl::StatusCode::kInvalidArgument,
                "/projects/0/pm: project \"P1\": pm \"chen.ae\": has role ae, not pm"},
        BadCase{"DuplicateMilestoneAcrossProjects",
                [](PortfolioSpec& s) { s.projects[1].milestones[2].id = MilestoneId("P1.M3"); },
                absl::StatusCode::kAlreadyExists,
                "/projects/1/milestones/2/id: milestone \"P1.M3\": duplicate id"},
        BadCase{"NegativeDuration",
                [](PortfolioSpec& s) { s.projects[0].milestones[1].duration_days = -1; },
                absl::StatusCode::kInvalidArgument,
                "/projects/0/milestones/1/duration_days: milestone \"P1.M2\": duration_days -1 "
                "is out of range (0 to 100000)"},
        BadCase{"NegativeLag",
                [](PortfolioSpec& s) { s.projects[0].milestones[1].depends_on[0].lag_days = -2; },
                absl::StatusCode::kInvalidArgument,
                "/projects/0/milestones/1/depends_on/0/lag_days: milestone \"P1.M2\": depends_on "
                "\"P1.M1\": lag_days -2 is out of range (0 to 100000)"},
        BadCase{"UnknownDependency",
                [](PortfolioSpec& s) {
                  s.projects[0].milestones[2].depends_on.push_back({MilestoneId("P1.M9"), 0});
                },
                absl::StatusCode::kNotFound,
                "/projects/0/milestones/2/depends_on/1/id: milestone \"P1.M3\": depends_on "
                "\"P1.M9\": unknown id"},
        BadCase{"SelfDependency",
                [](PortfolioSpec& s) {
                  s.projects[0].milestones[0].depends_on.push_back({MilestoneId("P1.M1"), 0});
                },
                absl::StatusCode::kInvalidArgument,
                "/projects/0/milestones/0/depends_on/0/id: milestone \"P1.M1\": depends_on "
                "\"P1.M1\": a milestone cannot depend on itself"},
        BadCase{"SecondLinkToSamePredecessor",
                [](PortfolioSpec& s) {
                  s.projects[0].milestones[1].depends_on.push_back({MilestoneId("P1.M1"), 2});
                },
                absl::StatusCode::kAlreadyExists,
                "/projects/0/milestones/1/depends_on/1/id: milestone \"P1.M2\": depends_on "
                "\"P1.M1\": a second link to the same predecessor"},
        BadCase{"CycleAcrossProjects",
                [](PortfolioSpec& s) {
                  // P1.M1 -> P2.M2 -> P2.M1 -> P1.M1 (read "depends on").
                  s.projects[0].milestones[0].depends_on.push_back({MilestoneId("P2.M2"), 0});
                },
                absl::StatusCode::kFailedPrecondition,
                "/projects/0/milestones/0/depends_on/0/id: milestone \"P1.M1\": dependency cycle "
                "P1.M1 -> P2.M2 -> P2.M1 -> P1.M1"},
        BadCase{"MissingStart", [](PortfolioSpec& s) { s.projects[1].start = Date(); },
                absl::StatusCode::kInvalidArgument,
                "/projects/1/start: project \"P2\": start is required"},
        BadCase{"EmptyMilestoneId",
                [](PortfolioSpec& s) { s.projects[1].milestones[0].id = MilestoneId(); },
                absl::StatusCode::kInvalidArgument,
                "/projects/1/milestones/0/id: milestone: id is empty"},
        BadCase{"AllSevenDaysWeekend",
                [](PortfolioSpec& s) {
                  s.calendar.weekend = {Weekday::kMon, Weekday::kTue, Weekday::kWed, Weekday::kThu,
                                        Weekday::kFri, Weekday::kSat, Weekday::kSun};
                },
                absl::StatusCode::kInvalidArgument,
                "/calendar/weekend: lists all seven days; no day is a working day"},
        BadCase{"FinishPastYear9999",
                [](PortfolioSpec& s) {
                  s.projects[1].start = D(9999, 6, 1);
                  s.projects[1].milestones[2].duration_days = 100000;
                },
                absl::StatusCode::kOutOfRange,
                "/projects/1/milestones/2: milestone \"P2.M3\": its finish would fall after "
                "9999-12-31"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) { return param_info.param.name; });

TEST(PortfolioTest, RefusedEditsChangeNothing) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(TwoAccounts());
  ASSERT_TRUE(p.ok());
  const std::vector<MilestoneSchedule> before = p->Schedule();
  auto spec_before = [&] {
    std::string out;
    for (const Project& pr : p->ToSpec().projects) {
      for (const Milestone& m : pr.milestones) {
        absl::StrAppend(&out, m.id.value(), ":", m.duration_days, ":");
        for (const Dependency& d : m.depends_on)
          absl::StrAppend(&out, d.id.value(), "+", d.lag_days);
        out += ";";
      }
    }
    return out;
  };
  const std::string shape = spec_before();

  absl::StatusOr<ScheduleDelta> r = p->AddLink(MilestoneId("P1.M3"), MilestoneId("P1.M1"), 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(r.status()), HasSubstr("dependency cycle P1.M1 -> P1.M3 -> P1.M2 -> P1.M1"));
  r = p->AddLink(MilestoneId("P1.M1"), MilestoneId("P1.M2"), 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists);
  r = p->AddLink(MilestoneId("P1.M1"), MilestoneId("P1.M1"), 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = p->AddLink(MilestoneId("P1.M1"), MilestoneId("P2.M3"), -1);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = p->AddLink(MilestoneId("ghost"), MilestoneId("P2.M3"), 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(r.status()), "depends_on \"ghost\": unknown id");
  r = p->RemoveLink(MilestoneId("P1.M1"), MilestoneId("P2.M3"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  r = p->SetDuration(MilestoneId("P1.M2"), -3);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = p->SetProjectStart(ProjectId("P9"), D(2027, 2, 1));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(p->Schedule(), before);
  EXPECT_EQ(spec_before(), shape);
}

TEST(PortfolioTest, EditThatWouldPassYear9999IsRolledBackWhole) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(9999, 1, 4));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "B", 5, {{"A", 0}});
  AddMilestone(p, "C", 5, {{"B", 0}});
  absl::StatusOr<Portfolio> portfolio = Portfolio::Create(spec);
  ASSERT_TRUE(portfolio.ok()) << portfolio.status();
  const std::vector<MilestoneSchedule> before = portfolio->Schedule();
  // A grows so that C would end after 9999-12-31: refused, and A, B, C keep their dates.
  absl::StatusOr<ScheduleDelta> r = portfolio->SetDuration(MilestoneId("A"), 300);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(portfolio->Schedule(), before);
  EXPECT_EQ(portfolio->GetMilestone(MilestoneId("A"))->duration_days, 5);
  r = portfolio->AddLink(MilestoneId("C"), MilestoneId("A"), 0);  // cycle
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  r = portfolio->SetProjectStart(ProjectId("P"), D(9999, 12, 20));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(portfolio->Schedule(), before);
  EXPECT_EQ(portfolio->GetProject(ProjectId("P"))->start, D(9999, 1, 4));
}

TEST(PortfolioTest, RemovedLinkCanBeAddedAgainWithANewLag) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(TwoAccounts());
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->RemoveLink(MilestoneId("P1.M1"), MilestoneId("P2.M1")).ok());
  EXPECT_TRUE(p->GetMilestone(MilestoneId("P2.M1"))->depends_on.empty());
  absl::StatusOr<ScheduleDelta> d = p->AddLink(MilestoneId("P1.M1"), MilestoneId("P2.M1"), 3);
  ASSERT_TRUE(d.ok()) << d.status();
  std::vector<Dependency> deps = p->GetMilestone(MilestoneId("P2.M1"))->depends_on;
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0].lag_days, 3);
  // P1.M1 ends Tue 01-05; lag 3 -> 4th working day after: Mon 01-11.
  EXPECT_EQ(p->ScheduleOf(MilestoneId("P2.M1"))->start, D(2027, 1, 11));
}

TEST(PortfolioTest, ToSpecRecreatesTheSameSchedule) {
  absl::StatusOr<Portfolio> p = Portfolio::Create(TwoAccounts());
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->AddLink(MilestoneId("P2.M3"), MilestoneId("P1.M3"), 2).ok());
  ASSERT_TRUE(p->SetDuration(MilestoneId("P2.M3"), 6).ok());
  absl::StatusOr<Portfolio> again = Portfolio::Create(p->ToSpec());
  ASSERT_TRUE(again.ok());
  // The same forecast; the baseline is each portfolio's plan at Create, so `p`'s predates the
  // edits and `again`'s is its forecast.
  const std::vector<MilestoneSchedule> a = again->Schedule(), b = p->Schedule();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].project, b[i].project);
    EXPECT_EQ(a[i].start, b[i].start);
    EXPECT_EQ(a[i].finish, b[i].finish);
    EXPECT_EQ(a[i].slack_days, b[i].slack_days);
    EXPECT_EQ(a[i].critical, b[i].critical);
    EXPECT_EQ(a[i].status, b[i].status);
    EXPECT_EQ(a[i].baseline_start, a[i].start);
    EXPECT_EQ(a[i].baseline_finish, a[i].finish);
    EXPECT_EQ(a[i].slip_days, 0);
  }
  p->SetBaseline();
  EXPECT_EQ(again->Schedule(), p->Schedule());
  EXPECT_EQ(again->ToSpec().accounts.size(), 2u);
  EXPECT_EQ(again->ToSpec().people.size(), 4u);
}

}  // namespace
}  // namespace handoff
