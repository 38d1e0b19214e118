// One test per rule of spec SCHEDULING.md, with dates worked out by hand in the comments.
// 2027-01-04 is a Monday.
#include <string>

#include "gtest/gtest.h"
#include "handoff/portfolio.h"
#include "tests/support/portfolio_queries.h"
#include "tests/support/spec_builder.h"

namespace handoff {
namespace {

using testing::AddMilestone;
using testing::AddProject;
using testing::D;
using testing::MustCreate;
using testing::Path;
using testing::Row;

TEST(SchedulerTest, SpecExampleCheckpointThenFiveDayTask) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P1", D(2027, 1, 4));
  AddMilestone(p, "P1.M1", 0);
  AddMilestone(p, "P1.M2", 5, {{"P1.M1", 0}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "P1.M1").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "P1.M1").finish, D(2027, 1, 4));
  EXPECT_TRUE(Row(portfolio, "P1.M1").critical);
  EXPECT_EQ(Row(portfolio, "P1.M2").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "P1.M2").finish, D(2027, 1, 8));
  EXPECT_EQ(Row(portfolio, "P1.M2").slack_days, 0);
}

TEST(SchedulerTest, TaskAfterLagStartsOnTheLPlusFirstWorkingDayAfterFinish) {
  // A: Mon 01-04 .. Fri 01-08. Lag 2: Mon 11 is the 1st working day after, Tue 12 the 2nd,
  // Wed 13 the 3rd: B starts Wed 01-13.
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "B", 1, {{"A", 2}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 13));
  EXPECT_EQ(Row(portfolio, "B").finish, D(2027, 1, 13));
}

TEST(SchedulerTest, LagZeroTaskStartsOnTheNextWorkingDay) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "B", 2, {{"A", 0}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 11));
  EXPECT_EQ(Row(portfolio, "B").finish, D(2027, 1, 12));
}

TEST(SchedulerTest, CheckpointFallsOnPredecessorsFinishDayAndUsesNoDay) {
  // A ends Friday -> checkpoint Friday -> B starts Monday.
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "C", 0, {{"A", 0}});
  AddMilestone(p, "B", 1, {{"C", 0}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "C").start, D(2027, 1, 8));
  EXPECT_EQ(Row(portfolio, "C").finish, D(2027, 1, 8));
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 11));
}

TEST(SchedulerTest, LagAfterCheckpointCountsFromTheCheckpointsWorkingTime) {
  // Checkpoint C at END(Fri 01-08): first(END) is Monday; lag 1 -> END(Mon) -> B starts Tue.
  // Unconstrained checkpoint K at START(Mon 01-04): lag 1 -> END(Mon) -> E starts Tue 01-05.
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "C", 0, {{"A", 0}});
  AddMilestone(p, "B", 1, {{"C", 1}});
  AddMilestone(p, "K", 0);
  AddMilestone(p, "E", 1, {{"K", 1}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 12));
  EXPECT_EQ(Row(portfolio, "E").start, D(2027, 1, 5));
}

TEST(SchedulerTest, UnconstrainedCheckpointFallsOnProjectStartDay) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 6));
  AddMilestone(p, "K", 0);
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "K").start, D(2027, 1, 6));
  EXPECT_EQ(Row(portfolio, "K").finish, D(2027, 1, 6));
}

TEST(SchedulerTest, StartOnNonWorkingDayRollsForward) {
  // Saturday 01-09 rolls to Monday 01-11; a holiday Monday rolls to Tuesday.
  PortfolioSpec spec;
  spec.calendar.holidays = {D(2027, 1, 18)};
  Project& p = AddProject(spec, "P", D(2027, 1, 9));
  AddMilestone(p, "K", 0);
  AddMilestone(p, "T", 2);
  Project& q = AddProject(spec, "Q", D(2027, 1, 18));
  AddMilestone(q, "Q1", 1);
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "K").start, D(2027, 1, 11));
  EXPECT_EQ(Row(portfolio, "T").start, D(2027, 1, 11));
  EXPECT_EQ(Row(portfolio, "T").finish, D(2027, 1, 12));
  EXPECT_EQ(Row(portfolio, "Q1").start, D(2027, 1, 19));
}

TEST(SchedulerTest, StartOfDayWinsOverEndOfPreviousDayOnEqualWorkingTime) {
  // Q.A (1 day, Mon 01-04) ends at END(Mon). P starts Tue: its checkpoint C after Q.A has
  // ES = max(START(Tue), END(Mon)) = START(Tue), so C falls on Tuesday, not Monday.
  PortfolioSpec spec;
  Project& q = AddProject(spec, "Q", D(2027, 1, 4));
  AddMilestone(q, "Q.A", 1);
  Project& p = AddProject(spec, "P", D(2027, 1, 5));
  AddMilestone(p, "P.C", 0, {{"Q.A", 0}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "P.C").start, D(2027, 1, 5));
  // Without the later project start, the checkpoint falls on the predecessor's finish day.
  spec.projects[1].start = D(2027, 1, 4);
  Portfolio earlier = MustCreate(spec);
  EXPECT_EQ(Row(earlier, "P.C").start, D(2027, 1, 4));
}

TEST(SchedulerTest, HandCheckedExampleWithHolidaysAndCrossProjectLink) {
  // Holidays Fri 01-01 and Wed 01-06. Working days from Mon 01-04: idx 0 Mon 04, 1 Tue 05,
  // 2 Thu 07, 3 Fri 08, 4 Mon 11, 5 Tue 12, 6 Wed 13, 7 Thu 14.
  // P1 starts on the holiday 01-01 -> idx 0.
  //   A 3d: idx 0..2 = Mon 04 .. Thu 07 (skips Wed 06); EF = END(2).
  //   B 2d after A lag 1: END(2) (+) 1 = END(3) -> idx 4..5 = Mon 11 .. Tue 12.
  //   C checkpoint after B: ES = END(5) -> Tue 12.
  //   end(P1) = 6. C: LF 6, slack 0. B: LF = min(6, LS(C)=6, LS(P2.Y)=6) = 6, LS 4, slack 0.
  //   A: LF = min(6, LS(B) - 1 = 3) = 3, LS 0, slack 0.
  //   Critical path: slack 0 with EFi = 6 are B and C; smallest id B; then A (EFi 3 + 1 = 4).
  // P2 starts Tue 05 -> idx 1.
  //   X 4d: idx 1..4 = Tue 05 .. Mon 11; EFi 5.
  //   Y 1d after X and after P1.B: ES = max(END(4), END(5)) = END(5) -> Wed 13; EFi 7.
  //   end(P2) = 7. Y slack 0. X: LF = min(7, LS(Y) = 6) = 6, LS 2, slack 1.
  //   Critical path of P2: Y only (X is not critical; P1.B is in another project).
  PortfolioSpec spec;
  spec.calendar.holidays = {D(2027, 1, 1), D(2027, 1, 6)};
  Project& p1 = AddProject(spec, "P1", D(2027, 1, 1));
  AddMilestone(p1, "P1.A", 3);
  AddMilestone(p1, "P1.B", 2, {{"P1.A", 1}});
  AddMilestone(p1, "P1.C", 0, {{"P1.B", 0}});
  Project& p2 = AddProject(spec, "P2", D(2027, 1, 5));
  AddMilestone(p2, "P2.X", 4);
  AddMilestone(p2, "P2.Y", 1, {{"P2.X", 0}, {"P1.B", 0}});
  Portfolio portfolio = MustCreate(spec);

  EXPECT_EQ(Row(portfolio, "P1.A").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "P1.A").finish, D(2027, 1, 7));
  EXPECT_EQ(Row(portfolio, "P1.B").start, D(2027, 1, 11));
  EXPECT_EQ(Row(portfolio, "P1.B").finish, D(2027, 1, 12));
  EXPECT_EQ(Row(portfolio, "P1.C").start, D(2027, 1, 12));
  EXPECT_EQ(Row(portfolio, "P2.X").start, D(2027, 1, 5));
  EXPECT_EQ(Row(portfolio, "P2.X").finish, D(2027, 1, 11));
  EXPECT_EQ(Row(portfolio, "P2.Y").start, D(2027, 1, 13));
  EXPECT_EQ(Row(portfolio, "P2.Y").finish, D(2027, 1, 13));
  EXPECT_EQ(Row(portfolio, "P1.A").slack_days, 0);
  EXPECT_EQ(Row(portfolio, "P1.B").slack_days, 0);
  EXPECT_EQ(Row(portfolio, "P1.C").slack_days, 0);
  EXPECT_EQ(Row(portfolio, "P2.X").slack_days, 1);
  EXPECT_FALSE(Row(portfolio, "P2.X").critical);
  EXPECT_EQ(Row(portfolio, "P2.Y").slack_days, 0);
  EXPECT_EQ(Path(portfolio, "P1"), (std::vector<std::string>{"P1.A", "P1.B"}));
  EXPECT_EQ(Path(portfolio, "P2"), (std::vector<std::string>{"P2.Y"}));
}

TEST(SchedulerTest, ParallelBranchHasSlackAndStaysOffTheCriticalPath) {
  // A 2d (Mon-Tue), B 5d after A (Wed-Tue), S 1d after A (Wed); both end at F (checkpoint).
  // end = EFi(B) = 7; S: LF = LS(F) = 7, LS 6, ESi 2 -> slack 4.
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 2);
  AddMilestone(p, "B", 5, {{"A", 0}});
  AddMilestone(p, "S", 1, {{"A", 0}});
  AddMilestone(p, "F", 0, {{"B", 0}, {"S", 0}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "S").slack_days, 4);
  EXPECT_FALSE(Row(portfolio, "S").critical);
  EXPECT_EQ(Row(portfolio, "F").start, D(2027, 1, 12));
  // B and F both end the project with slack 0; the path starts from the smallest id, B.
  EXPECT_EQ(Path(portfolio, "P"), (std::vector<std::string>{"A", "B"}));
}

TEST(SchedulerTest, SuccessorInAnotherProjectBoundsLatestFinish) {
  // P: A 1d and B 5d, independent; end(P) = 5 so A has slack 4 on its own. Q.X (1d) depends on
  // A and Q.Y (10d) follows X: LS(X) = 1, so LF(A) = 1 and A's slack drops to 0.
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 1);
  AddMilestone(p, "B", 5);
  {
    Portfolio alone = MustCreate(spec);
    EXPECT_EQ(Row(alone, "A").slack_days, 4);
  }
  Project& q = AddProject(spec, "Q", D(2027, 1, 4));
  AddMilestone(q, "Q.X", 1, {{"A", 0}});
  AddMilestone(q, "Q.Y", 10, {{"Q.X", 0}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "A").slack_days, 0);
  EXPECT_TRUE(Row(portfolio, "A").critical);
  // Each project keeps its own horizon: B is still critical in P.
  EXPECT_EQ(Row(portfolio, "B").slack_days, 0);
}

TEST(SchedulerTest, OddAndEmptyWeekends) {
  // Weekend Fri+Sat: Thu 01-07, Sun 01-10, Mon 01-11 are three working days.
  PortfolioSpec spec;
  spec.calendar.weekend = {Weekday::kFri, Weekday::kSat};
  Project& p = AddProject(spec, "P", D(2027, 1, 7));
  AddMilestone(p, "T", 3);
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "T").finish, D(2027, 1, 11));
  // No weekend: seven working days a week.
  spec.calendar.weekend.clear();
  Portfolio every_day = MustCreate(spec);
  EXPECT_EQ(Row(every_day, "T").finish, D(2027, 1, 9));
}

TEST(SchedulerTest, DurationChangeReportsExactlyTheMovedMilestones) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 2);
  AddMilestone(p, "B", 3, {{"A", 0}});
  AddMilestone(p, "C", 1);  // independent: never moves
  Portfolio portfolio = MustCreate(spec);
  absl::StatusOr<ScheduleDelta> delta = portfolio.SetDuration(MilestoneId("A"), 4);
  ASSERT_TRUE(delta.ok()) << delta.status();
  EXPECT_EQ(delta->moved, (std::vector<MilestoneId>{MilestoneId("A"), MilestoneId("B")}));
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 8));
  // Slack of C changes (the project got longer) but its dates do not: not "moved".
  EXPECT_EQ(Row(portfolio, "C").slack_days, 6);
}

TEST(SchedulerTest, CheckpointTurningIntoOneDayTaskKeepsItsDateButMovesSuccessors) {
  // K at START(Mon) -> 1 day: still Monday, but B (after K) moves from Mon to Tue.
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "K", 0);
  AddMilestone(p, "B", 1, {{"K", 0}});
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 4));
  absl::StatusOr<ScheduleDelta> delta = portfolio.SetDuration(MilestoneId("K"), 1);
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->moved, (std::vector<MilestoneId>{MilestoneId("B")}));
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 5));
}

}  // namespace
}  // namespace handoff
