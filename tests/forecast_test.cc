// One test per forecast rule of docs/scheduling.md ("Progress and forecast"), with dates worked
// out by hand in the comments. 2027-01-04 is a Monday; the weekend is Sat/Sun. Working-day
// ordinals in the comments count from Mon 01-04 = 0: Tue 05 = 1, Wed 06 = 2, Thu 07 = 3,
// Fri 08 = 4, Mon 11 = 5, Tue 12 = 6, Wed 13 = 7, Thu 14 = 8, Fri 15 = 9.
#include <optional>
#include <string>
#include <utility>
#include <vector>

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
using testing::MustCreate;
using testing::Path;
using testing::Row;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// A progress report; the optional fields are left out when not given.
Progress Report(MilestoneStatus status, Date on, std::optional<int32_t> percent = std::nullopt,
                std::optional<int32_t> remaining_days = std::nullopt,
                std::optional<Date> finished_on = std::nullopt) {
  Progress p;
  p.status = status;
  p.reported_on = on;
  p.percent = percent;
  p.remaining_days = remaining_days;
  p.finished_on = finished_on;
  return p;
}
Progress Done(Date on) { return Report(MilestoneStatus::kDone, on); }
Progress Started(Date on) { return Report(MilestoneStatus::kInProgress, on); }
Progress Remaining(Date on, int32_t days) {
  return Report(MilestoneStatus::kInProgress, on, std::nullopt, days);
}

// P starts Mon 01-04: A (5 days) Mon 04..Fri 08, then B (3 days) Mon 11..Wed 13.
Portfolio TwoInARow() {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "B", 3, {{"A", 0}});
  return MustCreate(spec);
}

TEST(MilestoneStatusTest, NamesRoundTripAndValuesAreTheOnDiskOnes) {
  for (MilestoneStatus s : {MilestoneStatus::kNotStarted, MilestoneStatus::kInProgress,
                            MilestoneStatus::kDone, MilestoneStatus::kBlocked}) {
    absl::StatusOr<MilestoneStatus> back = ParseMilestoneStatus(MilestoneStatusName(s));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(MilestoneStatusName(MilestoneStatus::kNotStarted), "not_started");
  EXPECT_EQ(MilestoneStatusName(MilestoneStatus::kInProgress), "in_progress");
  EXPECT_EQ(MilestoneStatusName(MilestoneStatus::kDone), "done");
  EXPECT_EQ(MilestoneStatusName(MilestoneStatus::kBlocked), "blocked");
  EXPECT_EQ(static_cast<int>(MilestoneStatus::kNotStarted), 0);
  EXPECT_EQ(static_cast<int>(MilestoneStatus::kInProgress), 1);
  EXPECT_EQ(static_cast<int>(MilestoneStatus::kDone), 2);
  EXPECT_EQ(static_cast<int>(MilestoneStatus::kBlocked), 3);
  absl::StatusOr<MilestoneStatus> bad = ParseMilestoneStatus("Done");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(bad.status()),
            "unknown status \"Done\" (expected not_started, in_progress, done, blocked)");
}

TEST(ForecastTest, WithoutProgressOrAsOfTheForecastIsThePlanAndTheBaseline) {
  Portfolio p = TwoInARow();
  MilestoneSchedule b = Row(p, "B");
  EXPECT_EQ(b.start, D(2027, 1, 11));
  EXPECT_EQ(b.finish, D(2027, 1, 13));
  EXPECT_EQ(b.baseline_start, D(2027, 1, 11));
  EXPECT_EQ(b.baseline_finish, D(2027, 1, 13));
  EXPECT_EQ(b.slip_days, 0);
  EXPECT_EQ(b.status, MilestoneStatus::kNotStarted);
  EXPECT_EQ(b.slack_days, 0);
  EXPECT_TRUE(b.critical);
  EXPECT_FALSE(p.as_of().has_value());
  EXPECT_THAT(p.ProgressLog(), IsEmpty());
}

TEST(ForecastTest, DoneEarlyFinishesOnItsDateAndPullsSuccessorsInWithNegativeSlip) {
  Portfolio p = TwoInARow();
  // A done on Wed 06 (no start reported): start = min(plan start Mon 04, Wed 06) = Mon 04.
  // B follows with lag 0: Thu 07, Fri 08, Mon 11.
  EXPECT_THAT(Moved(p.UpdateProgress(MilestoneId("A"), Done(D(2027, 1, 6)))),
              ElementsAre("A", "B"));
  MilestoneSchedule a = Row(p, "A"), b = Row(p, "B");
  EXPECT_EQ(a.status, MilestoneStatus::kDone);
  EXPECT_EQ(a.start, D(2027, 1, 4));
  EXPECT_EQ(a.finish, D(2027, 1, 6));
  EXPECT_EQ(a.slip_days, -2);  // ordinal 2 against the baseline's 4
  EXPECT_EQ(a.baseline_finish, D(2027, 1, 8));
  EXPECT_EQ(b.start, D(2027, 1, 7));
  EXPECT_EQ(b.finish, D(2027, 1, 11));
  EXPECT_EQ(b.slip_days, -2);  // 5 against 7
}

TEST(ForecastTest, DoneLateSlipsSuccessorsWithPositiveSlip) {
  Portfolio p = TwoInARow();
  // Finished Tue 12 (ordinal 6, planned 4): B Wed 13..Fri 15, two days late.
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Done(D(2027, 1, 12))).ok());
  EXPECT_EQ(Row(p, "A").slip_days, 2);
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 13));
  EXPECT_EQ(Row(p, "B").finish, D(2027, 1, 15));
  EXPECT_EQ(Row(p, "B").slip_days, 2);
}

TEST(ForecastTest, FinishedOnBeforeTheReportIsTheFinish) {
  Portfolio p = TwoInARow();
  Progress done = Done(D(2027, 1, 8));
  done.finished_on = D(2027, 1, 5);
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), done).ok());
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 5));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 6));
  EXPECT_EQ(Row(p, "B").finish, D(2027, 1, 8));
}

TEST(ForecastTest, DoneOnANonWorkingDayCountsForTheWorkingDayBefore) {
  Portfolio p = TwoInARow();
  // Finished Sat 09: it counts as the end of Fri 08, so B still starts Mon 11.
  Progress done = Done(D(2027, 1, 10));
  done.finished_on = D(2027, 1, 9);
  EXPECT_THAT(Moved(p.UpdateProgress(MilestoneId("A"), done)), IsEmpty());
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 8));
  EXPECT_EQ(Row(p, "A").slip_days, 0);
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 11));
}

TEST(ForecastTest, DoneKeepsTheActualStartOfAnEarlierInProgressReport) {
  Portfolio p = TwoInARow();
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 5))).ok());
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Done(D(2027, 1, 11))).ok());
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 5));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 11));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 12));
  EXPECT_EQ(Row(p, "B").finish, D(2027, 1, 14));
}

TEST(ForecastTest, DoneBeforeItsPlannedStartStartsOnItsFinishAndGoesNegativeOutOfSequence) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);              // Mon 04..Fri 08, not done
  AddMilestone(p, "B", 1, {{"A", 0}});  // planned Mon 11
  AddMilestone(p, "C", 2, {{"B", 0}});  // planned Tue 12..Wed 13
  Portfolio portfolio = MustCreate(spec);
  // B done Tue 05 with no start reported: start = min(plan start Mon 11, Tue 05) = Tue 05.
  EXPECT_THAT(Moved(portfolio.UpdateProgress(MilestoneId("B"), Done(D(2027, 1, 5)))),
              ElementsAre("B", "C"));
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 5));
  EXPECT_EQ(Row(portfolio, "B").finish, D(2027, 1, 5));
  // C from END(Tue 05): Wed 06..Thu 07.
  EXPECT_EQ(Row(portfolio, "C").start, D(2027, 1, 6));
  EXPECT_EQ(Row(portfolio, "C").finish, D(2027, 1, 7));
  // Backward on working time: ESi/EFi A 0/5, B 1/2, C 2/4; end(P) = 5.
  // C: LFi 5, slack 1, LSi 3. B: LFi 3, slack 1, LSi 2. A: LFi = 2, slack 2 - 5 = -3: the
  // forecast is out of sequence (B finished before A), and A is critical.
  EXPECT_EQ(Row(portfolio, "C").slack_days, 1);
  EXPECT_EQ(Row(portfolio, "B").slack_days, 1);
  EXPECT_EQ(Row(portfolio, "A").slack_days, -3);
  EXPECT_TRUE(Row(portfolio, "A").critical);
  EXPECT_FALSE(Row(portfolio, "B").critical);
  EXPECT_THAT(Path(portfolio, "P"), ElementsAre("A"));
}

// Regression test: a checkpoint marked done on its planned day used to end at END of that day
// and push its lag-0 successor to the next working day, a one-day slip for work done on plan.
TEST(ForecastTest, DoneCheckpointOnItsPlannedDayMovesNothing) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "K", 0);              // kickoff: START(Mon 04)
  AddMilestone(p, "T", 2, {{"K", 0}});  // Mon 04..Tue 05
  Portfolio portfolio = MustCreate(spec);
  EXPECT_EQ(Row(portfolio, "T").start, D(2027, 1, 4));
  // Done on Mon 04: the checkpoint stays at START(Mon 04); T still starts Monday.
  EXPECT_THAT(Moved(portfolio.UpdateProgress(MilestoneId("K"), Done(D(2027, 1, 4)))),
              ::testing::IsEmpty());
  EXPECT_EQ(Row(portfolio, "K").finish, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "T").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "T").finish, D(2027, 1, 5));
  EXPECT_EQ(Row(portfolio, "T").slip_days, 0);
  // Done late, on Wed 06: T starts that day (a checkpoint uses up no day).
  EXPECT_THAT(Moved(portfolio.UpdateProgress(MilestoneId("K"), Done(D(2027, 1, 6)))),
              ElementsAre("K", "T"));
  EXPECT_EQ(Row(portfolio, "T").start, D(2027, 1, 6));
  EXPECT_EQ(Row(portfolio, "T").finish, D(2027, 1, 7));
}

TEST(ForecastTest, InProgressWithRemainingDaysFinishesThatManyWorkingDaysAfterTheReport) {
  Portfolio p = TwoInARow();
  // Reported Wed 06 with 3 days left: W[idx(Thu 07) + 3 - 1] = Mon 11; started Wed 06.
  EXPECT_THAT(Moved(p.UpdateProgress(MilestoneId("A"), Remaining(D(2027, 1, 6), 3))),
              ElementsAre("A", "B"));
  EXPECT_EQ(Row(p, "A").status, MilestoneStatus::kInProgress);
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 6));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 11));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 12));
  EXPECT_EQ(Row(p, "B").finish, D(2027, 1, 14));
  // A later report keeps the actual start; 0 days left finishes on the report's day.
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Remaining(D(2027, 1, 7), 0)).ok());
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 6));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 7));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 8));
  // Reported on Friday with 1 day left: Monday.
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Remaining(D(2027, 1, 8), 1)).ok());
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 11));
}

TEST(ForecastTest, RemainingZeroReportedOnAWeekendFinishesOnTheFridayBefore) {
  Portfolio p = TwoInARow();
  // First report Sat 09: the actual start rolls forward to Mon 11, the finish (U = Sat 09)
  // rolls back to Fri 08; the start is kept no later than the finish.
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Remaining(D(2027, 1, 9), 0)).ok());
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 8));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 8));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 11));
}

TEST(ForecastTest, InProgressWithoutRemainingCountsTheDurationFromTheActualStart) {
  Portfolio p = TwoInARow();
  // Started Wed 06 (ordinal 2): 5 days end on ordinal 6, Tue 12; B Wed 13..Fri 15.
  EXPECT_THAT(Moved(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 6)))),
              ElementsAre("A", "B"));
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 6));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 12));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 13));
  // A second in_progress report does not move the actual start.
  EXPECT_THAT(Moved(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 8)))), IsEmpty());
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 6));
  // A duration change counts from the actual start too: 2 days -> Wed 06..Thu 07.
  ASSERT_TRUE(p.SetDuration(MilestoneId("A"), 2).ok());
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 7));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 8));
}

TEST(ForecastTest, InProgressIgnoresItsPredecessors) {
  Portfolio p = TwoInARow();
  // B started Tue 05 although A (Mon 04..Fri 08) is not done: Tue 05..Thu 07.
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("B"), Started(D(2027, 1, 5))).ok());
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 5));
  EXPECT_EQ(Row(p, "B").finish, D(2027, 1, 7));
  // Working time: A 0..5, B 1..4, end(P) = 5. B: LFi 5, slack 1, LSi 2. A: LFi 2, slack -3.
  EXPECT_EQ(Row(p, "B").slack_days, 1);
  EXPECT_EQ(Row(p, "A").slack_days, -3);
  // And a change of A no longer moves B.
  EXPECT_THAT(Moved(p.SetDuration(MilestoneId("A"), 7)), ElementsAre("A"));
}

TEST(ForecastTest, BlockedKeepsAnActualStartOrElseFollowsThePlan) {
  Portfolio p = TwoInARow();
  // Blocked before starting: the plan.
  EXPECT_THAT(
      Moved(p.UpdateProgress(MilestoneId("A"), Report(MilestoneStatus::kBlocked, D(2027, 1, 5)))),
      IsEmpty());
  EXPECT_EQ(Row(p, "A").status, MilestoneStatus::kBlocked);
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 4));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 8));
  // Started Tue 05, then blocked: like in_progress from Tue 05, 5 days to Mon 11.
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 5))).ok());
  ASSERT_TRUE(
      p.UpdateProgress(MilestoneId("A"), Report(MilestoneStatus::kBlocked, D(2027, 1, 7))).ok());
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 5));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 11));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 12));
}

TEST(ForecastTest, NotStartedClearsTheActualStart) {
  Portfolio p = TwoInARow();
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 5))).ok());
  ASSERT_TRUE(
      p.UpdateProgress(MilestoneId("A"), Report(MilestoneStatus::kNotStarted, D(2027, 1, 6))).ok());
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 4));  // the plan again
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 8));
  // The next in_progress report sets a new start: Thu 07 + 5 days -> Wed 13.
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 7))).ok());
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 7));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 13));
}

TEST(ForecastTest, AsOfSlipsNotStartedMilestonesAndTheirSuccessorsAndReportsThem) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 2);              // Mon 04..Tue 05
  AddMilestone(p, "B", 3, {{"A", 0}});  // Wed 06..Fri 08
  Project& q = AddProject(spec, "Q", D(2027, 1, 11));
  AddMilestone(q, "C", 1);  // Mon 11: after the as-of date, untouched
  Portfolio portfolio = MustCreate(spec);
  // A = Wed 06: A may start no earlier: Wed 06..Thu 07; B Fri 08..Tue 12.
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(2027, 1, 6))), ElementsAre("A", "B"));
  EXPECT_EQ(portfolio.as_of(), D(2027, 1, 6));
  EXPECT_EQ(Row(portfolio, "A").start, D(2027, 1, 6));
  EXPECT_EQ(Row(portfolio, "A").finish, D(2027, 1, 7));
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 8));
  EXPECT_EQ(Row(portfolio, "B").finish, D(2027, 1, 12));
  EXPECT_EQ(Row(portfolio, "B").slip_days, 2);
  EXPECT_EQ(Row(portfolio, "B").baseline_finish, D(2027, 1, 8));
  EXPECT_EQ(Row(portfolio, "C").start, D(2027, 1, 11));
  // The same date, and a later date on the same working day index, move nothing.
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(2027, 1, 6))), IsEmpty());
  // Sat 09: idx is Mon 11, so A starts Mon 11 (Mon 11..Tue 12), B Wed 13..Fri 15; C stays.
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(2027, 1, 9))), ElementsAre("A", "B"));
  EXPECT_EQ(Row(portfolio, "A").start, D(2027, 1, 11));
  EXPECT_EQ(Row(portfolio, "B").finish, D(2027, 1, 15));
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(2027, 1, 10))), IsEmpty());  // Sun 10: same index
  EXPECT_EQ(portfolio.as_of(), D(2027, 1, 10));
  // The as-of date only grows.
  absl::StatusOr<ScheduleDelta> back = portfolio.SetAsOf(D(2027, 1, 8));
  EXPECT_EQ(back.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Message(back.status()), "as_of 2027-01-08 is before the current as-of date 2027-01-10");
  EXPECT_EQ(portfolio.as_of(), D(2027, 1, 10));
  EXPECT_EQ(portfolio.SetAsOf(Date()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ForecastTest, AsOfFloorsTheFinishOfWhatIsInProgressButNotItsStart) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 2);              // Mon 04..Tue 05
  AddMilestone(p, "B", 1, {{"A", 0}});  // Wed 06
  AddMilestone(p, "K", 0);              // checkpoint, Mon 04
  AddMilestone(p, "R", 3);              // Mon 04..Wed 06
  Portfolio portfolio = MustCreate(spec);
  ASSERT_TRUE(portfolio.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 4))).ok());
  ASSERT_TRUE(portfolio.UpdateProgress(MilestoneId("K"), Started(D(2027, 1, 4))).ok());
  ASSERT_TRUE(portfolio.UpdateProgress(MilestoneId("R"), Remaining(D(2027, 1, 4), 1)).ok());
  EXPECT_EQ(Row(portfolio, "R").finish, D(2027, 1, 5));
  // As of Thu 07 nothing unfinished finishes before Thu 07.
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(2027, 1, 7))), ElementsAre("A", "B", "K", "R"));
  EXPECT_EQ(Row(portfolio, "A").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "A").finish, D(2027, 1, 7));
  EXPECT_EQ(Row(portfolio, "A").slip_days, 2);
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 8));
  EXPECT_EQ(Row(portfolio, "K").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "K").finish, D(2027, 1, 7));
  EXPECT_EQ(Row(portfolio, "R").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "R").finish, D(2027, 1, 7));
  // A report after the as-of date keeps the floor: 0 days left on Wed 06 is still Thu 07.
  EXPECT_THAT(Moved(portfolio.UpdateProgress(MilestoneId("R"), Remaining(D(2027, 1, 6), 0))),
              IsEmpty());
  EXPECT_EQ(Row(portfolio, "R").finish, D(2027, 1, 7));
}

TEST(ForecastTest, DoneMilestonesIgnoreTheAsOfDate) {
  Portfolio p = TwoInARow();
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Done(D(2027, 1, 5))).ok());
  // B (Wed 06..Fri 08 after A's early finish) has not started: as of Mon 11 it slips to
  // Mon 11..Wed 13; A stays done on Tue 05.
  EXPECT_THAT(Moved(p.SetAsOf(D(2027, 1, 11))), ElementsAre("B"));
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 4));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 5));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 11));
  EXPECT_EQ(Row(p, "B").finish, D(2027, 1, 13));
  // A's slack: A ends at working-time instant 2 (Wed 06), B starts at 5 (Mon 11): 3 days.
  EXPECT_EQ(Row(p, "A").slack_days, 3);
  EXPECT_FALSE(Row(p, "A").critical);
  EXPECT_THAT(Path(p, "P"), ElementsAre("B"));
}

TEST(ForecastTest, ReportThatChangesNoDateIsStillFloorChecked) {
  // Regression: an in_progress report that keeps the dates changes which point the as-of
  // floor looks at (ES before, EF after); the next SetAsOf must still find the milestone.
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);              // Mon 04..Fri 08
  AddMilestone(p, "B", 3, {{"A", 5}});  // ES = END(Fri 15): Mon 18..Wed 20
  Portfolio portfolio = MustCreate(spec);
  // The first SetAsOf indexes the milestones whose key falls before B's (END(Fri 15)); the
  // second stays within that window, so it must find A in the index, not by a scan.
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(2027, 1, 4))), IsEmpty());
  EXPECT_THAT(Moved(portfolio.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 4)))), IsEmpty());
  // As of Mon 11, A is not done: it finishes Mon 11; B from END(Mon 11) + 5: Tue 19..Thu 21.
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(2027, 1, 11))), ElementsAre("A", "B"));
  EXPECT_EQ(Row(portfolio, "A").start, D(2027, 1, 4));
  EXPECT_EQ(Row(portfolio, "A").finish, D(2027, 1, 11));
  EXPECT_EQ(Row(portfolio, "B").start, D(2027, 1, 19));
  EXPECT_EQ(Row(portfolio, "B").finish, D(2027, 1, 21));
}

TEST(ForecastTest, SetBaselineMakesTheForecastTheBaseline) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(2027, 1, 4));
  AddMilestone(p, "A", 5);
  AddMilestone(p, "B", 3, {{"A", 0}});
  Project& q = AddProject(spec, "Q", D(2027, 1, 4));
  AddMilestone(q, "C", 2);  // Mon 04..Tue 05
  Portfolio portfolio = MustCreate(spec);
  ASSERT_TRUE(portfolio.UpdateProgress(MilestoneId("A"), Done(D(2027, 1, 12))).ok());
  ASSERT_TRUE(portfolio.SetAsOf(D(2027, 1, 6)).ok());  // C slips to Wed 06..Thu 07
  EXPECT_EQ(Row(portfolio, "B").slip_days, 2);
  EXPECT_EQ(Row(portfolio, "C").slip_days, 2);
  // One project's baseline: P's slips go to 0, Q keeps its own.
  ASSERT_TRUE(portfolio.SetBaseline(ProjectId("P")).ok());
  EXPECT_EQ(Row(portfolio, "B").slip_days, 0);
  EXPECT_EQ(Row(portfolio, "B").baseline_start, D(2027, 1, 13));
  EXPECT_EQ(Row(portfolio, "B").baseline_finish, D(2027, 1, 15));
  EXPECT_EQ(Row(portfolio, "A").baseline_finish, D(2027, 1, 12));
  EXPECT_EQ(Row(portfolio, "C").slip_days, 2);
  EXPECT_EQ(portfolio.SetBaseline(ProjectId("Z")).code(), absl::StatusCode::kNotFound);
  // Every project's.
  portfolio.SetBaseline();
  EXPECT_EQ(Row(portfolio, "C").slip_days, 0);
  EXPECT_EQ(Row(portfolio, "C").baseline_start, D(2027, 1, 6));
  // Slip is measured from the new baseline: A reopened and finished Fri 08 is 2 days early.
  ASSERT_TRUE(portfolio.UpdateProgress(MilestoneId("A"), Done(D(2027, 1, 8))).ok());
  EXPECT_EQ(Row(portfolio, "A").slip_days, -2);
  EXPECT_EQ(Row(portfolio, "B").slip_days, -2);
  // Plan edits move the forecast, never the baseline.
  ASSERT_TRUE(portfolio.SetDuration(MilestoneId("B"), 4).ok());
  EXPECT_EQ(Row(portfolio, "B").baseline_finish, D(2027, 1, 15));
  EXPECT_EQ(Row(portfolio, "B").slip_days, -1);
}

TEST(ForecastTest, RefusedProgressReportsChangeNothing) {
  Portfolio p = TwoInARow();
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 5))).ok());
  const std::vector<MilestoneSchedule> before = p.Schedule();
  const std::vector<std::pair<MilestoneId, Progress>> log = p.ProgressLog();
  struct Case {
    Progress progress;
    std::string message;
  };
  const Date u = D(2027, 1, 8);
  std::vector<Case> cases = {
      {Report(MilestoneStatus::kInProgress, u, 101),
       "milestone \"A\": percent 101 is out of range (0 to 100)"},
      {Report(MilestoneStatus::kDone, u, -1),
       "milestone \"A\": percent -1 is out of range (0 to 100)"},
      {Remaining(u, -1), "milestone \"A\": remaining_days -1 is out of range (0 to 100000)"},
      {Remaining(u, 100001),
       "milestone \"A\": remaining_days 100001 is out of range (0 to 100000)"},
      {Report(MilestoneStatus::kDone, u, std::nullopt, 2),
       "milestone \"A\": remaining_days is only for in_progress, not done"},
      {Report(MilestoneStatus::kBlocked, u, std::nullopt, 0),
       "milestone \"A\": remaining_days is only for in_progress, not blocked"},
      {Report(MilestoneStatus::kInProgress, u, std::nullopt, std::nullopt, u),
       "milestone \"A\": finished_on is only for done, not in_progress"},
      {Report(MilestoneStatus::kDone, u, std::nullopt, std::nullopt, D(2027, 1, 9)),
       "milestone \"A\": finished_on 2027-01-09 is after reported_on 2027-01-08"},
      {Report(MilestoneStatus::kDone, Date()),
       "milestone \"A\": reported_on is required (a date from 1900-01-01 to 9999-12-31)"},
      {Report(static_cast<MilestoneStatus>(7), u),
       "milestone \"A\": status 7 is not a milestone status"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ScheduleDelta> r = p.UpdateProgress(MilestoneId("A"), c.progress);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(Message(r.status()), c.message);
  }
  absl::StatusOr<ScheduleDelta> r = p.UpdateProgress(MilestoneId("ghost"), Done(u));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(r.status()), "milestone \"ghost\": unknown id");
  EXPECT_EQ(p.Schedule(), before);
  EXPECT_EQ(p.ProgressLog(), log);
}

TEST(ForecastTest, EditsThatWouldPassYear9999AreRolledBackWhole) {
  PortfolioSpec spec;
  Project& p = AddProject(spec, "P", D(9999, 12, 20));
  AddMilestone(p, "A", 3);              // Mon 12-20..Wed 12-22
  AddMilestone(p, "B", 2, {{"A", 0}});  // Thu 12-23..Fri 12-24
  Portfolio portfolio = MustCreate(spec);
  const std::vector<MilestoneSchedule> before = portfolio.Schedule();
  // 10 days left after Mon 12-20 would end in year 10000.
  absl::StatusOr<ScheduleDelta> r =
      portfolio.UpdateProgress(MilestoneId("A"), Remaining(D(9999, 12, 20), 10));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(portfolio.Schedule(), before);
  EXPECT_THAT(portfolio.ProgressLog(), IsEmpty());
  // As of Thu 12-30, A would end on the Monday after 9999-12-31.
  r = portfolio.SetAsOf(D(9999, 12, 30));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(portfolio.Schedule(), before);
  EXPECT_FALSE(portfolio.as_of().has_value());
  // An earlier as-of date is still allowed, and still finds both: A Mon 27..Wed 29, B Thu 30..
  // Fri 31.
  EXPECT_THAT(Moved(portfolio.SetAsOf(D(9999, 12, 27))), ElementsAre("A", "B"));
  EXPECT_EQ(Row(portfolio, "A").start, D(9999, 12, 27));
  EXPECT_EQ(Row(portfolio, "B").finish, D(9999, 12, 31));
}

TEST(ForecastTest, ProgressLogAndAsOfRebuildTheSameForecast) {
  Portfolio p = TwoInARow();
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Started(D(2027, 1, 5))).ok());
  Progress done = Done(D(2027, 1, 12));
  done.finished_on = D(2027, 1, 11);
  done.percent = 100;
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), done).ok());
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("B"), Remaining(D(2027, 1, 12), 4)).ok());
  ASSERT_TRUE(p.SetAsOf(D(2027, 1, 13)).ok());
  // A's latest report alone would lose its actual start: the log adds it first.
  std::vector<std::pair<MilestoneId, Progress>> log = p.ProgressLog();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].first, MilestoneId("A"));
  EXPECT_EQ(log[0].second, Started(D(2027, 1, 5)));
  EXPECT_EQ(log[1].second, done);
  EXPECT_EQ(log[2].first, MilestoneId("B"));
  EXPECT_EQ(log[2].second, Remaining(D(2027, 1, 12), 4));

  Portfolio again = MustCreate(p.ToSpec());
  for (const auto& [id, progress] : log) ASSERT_TRUE(again.UpdateProgress(id, progress).ok());
  ASSERT_TRUE(again.SetAsOf(*p.as_of()).ok());
  std::vector<MilestoneSchedule> a = again.Schedule(), b = p.Schedule();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].start, b[i].start);
    EXPECT_EQ(a[i].finish, b[i].finish);
    EXPECT_EQ(a[i].slack_days, b[i].slack_days);
    EXPECT_EQ(a[i].status, b[i].status);
  }
  EXPECT_EQ(Row(p, "A").start, D(2027, 1, 5));
  EXPECT_EQ(Row(p, "A").finish, D(2027, 1, 11));
  EXPECT_EQ(Row(p, "B").start, D(2027, 1, 12));
  EXPECT_EQ(Row(p, "B").finish, D(2027, 1, 18));  // Wed 13 + 4 - 1: Mon 18
}

TEST(ForecastTest, FullRecomputationKeepsTheForecast) {
  Portfolio p = TwoInARow();
  ASSERT_TRUE(p.UpdateProgress(MilestoneId("A"), Remaining(D(2027, 1, 6), 3)).ok());
  ASSERT_TRUE(p.SetAsOf(D(2027, 1, 12)).ok());
  const std::vector<MilestoneSchedule> before = p.Schedule();
  absl::StatusOr<ScheduleDelta> d = p.RescheduleAll();
  ASSERT_TRUE(d.ok());
  EXPECT_THAT(d->moved, IsEmpty());
  EXPECT_EQ(p.Schedule(), before);
  // And the floor still applies after it: as of Wed 13, A (finish Tue 12) moves to Wed 13.
  EXPECT_THAT(Moved(p.SetAsOf(D(2027, 1, 13))), ElementsAre("A", "B"));
}

}  // namespace
}  // namespace handoff
