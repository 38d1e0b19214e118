#include "handoff/calendar.h"

#include <random>
#include <set>

#include "gtest/gtest.h"

namespace handoff {
namespace {

Date D(int y, int m, int d) {
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

TEST(CalendarTest, ParsesIsoDatesStrictly) {
  EXPECT_EQ(*ParseIsoDate("2027-01-04"), D(2027, 1, 4));
  EXPECT_EQ(*ParseIsoDate("2028-02-29"), D(2028, 2, 29));
  EXPECT_FALSE(ParseIsoDate("2027-02-29").ok());
  EXPECT_FALSE(ParseIsoDate("2027-13-01").ok());
  EXPECT_FALSE(ParseIsoDate("2027/01/04").ok());
  EXPECT_FALSE(ParseIsoDate("2027-1-4").ok());
  EXPECT_FALSE(ParseIsoDate("1899-12-31").ok());
  EXPECT_FALSE(ParseIsoDate("").ok());
  EXPECT_EQ(FormatIsoDate(D(2027, 3, 9)), "2027-03-09");
}

TEST(CalendarTest, ParsesTimeRanges) {
  EXPECT_EQ(*ParseTimeRange("09:00-12:00"), (TimeRange{540, 720}));
  EXPECT_EQ(*ParseTimeRange("13:30-24:00"), (TimeRange{810, 1440}));
  EXPECT_FALSE(ParseTimeRange("12:00-09:00").ok());
  EXPECT_FALSE(ParseTimeRange("09:00-09:00").ok());
  EXPECT_FALSE(ParseTimeRange("24:00-24:00").ok());
  EXPECT_FALSE(ParseTimeRange("9:00-12:00").ok());
  EXPECT_FALSE(ParseTimeRange("09:60-12:00").ok());
  EXPECT_EQ(FormatTimeRange({540, 1440}), "09:00-24:00");
}

TEST(CalendarTest, RejectsWeekendOfSevenDaysAndBadHours) {
  CalendarSpec spec;
  spec.weekend = {Weekday::kMon, Weekday::kTue, Weekday::kWed, Weekday::kThu,
                  Weekday::kFri, Weekday::kSat, Weekday::kSun};
  EXPECT_EQ(WorkingCalendar::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = CalendarSpec();
  spec.weekend = {Weekday::kSat, Weekday::kSat};
  EXPECT_FALSE(WorkingCalendar::Create(spec).ok());
  spec = CalendarSpec();
  spec.hours = {};
  EXPECT_FALSE(WorkingCalendar::Create(spec).ok());
  spec.hours = {{540, 720}, {700, 1080}};
  absl::Status overlap = WorkingCalendar::Create(spec).status();
  EXPECT_NE(std::string(overlap.message()).find("hours/1"), std::string::npos) << overlap;
  spec.hours = {{540, 720}, {720, 1080}};  // adjacent is fine
  EXPECT_TRUE(WorkingCalendar::Create(spec).ok());
  spec.timezone = "Mars/Olympus";
  EXPECT_FALSE(WorkingCalendar::Create(spec).ok());
}

TEST(CalendarTest, IndexOfRollsForwardAndDayAtInverts) {
  CalendarSpec spec;
  spec.holidays = {D(2027, 1, 1), D(2027, 1, 6)};
  WorkingCalendar cal = *WorkingCalendar::Create(spec);
  const int32_t mon = cal.IndexOf(D(2027, 1, 4));
  EXPECT_EQ(cal.IndexOf(D(2027, 1, 1)), mon);  // holiday Fri, then the weekend
  EXPECT_EQ(cal.IndexOf(D(2027, 1, 2)), mon);
  EXPECT_EQ(cal.DayAt(mon), D(2027, 1, 4));
  EXPECT_EQ(cal.DayAt(mon + 1), D(2027, 1, 5));
  EXPECT_EQ(cal.DayAt(mon + 2), D(2027, 1, 7));  // skips the Wednesday holiday
  EXPECT_EQ(cal.IndexOf(D(2027, 1, 6)), mon + 2);
  EXPECT_FALSE(cal.IsWorkingDay(D(2027, 1, 6)));
  EXPECT_TRUE(cal.IsWorkingDay(D(2027, 1, 7)));
  EXPECT_EQ(cal.DayAt(cal.MaxIndex()), D(9999, 12, 31));  // a Friday
}

// Property: on random calendars, ordinals agree with counting working days one by one.
// Day-number answers come from tables around the holidays and by search elsewhere: both agree
// with the date-based calls (which always search), near the holidays and far from them.
TEST(CalendarTest, DayNumberAnswersMatchTheDateCallsNearAndFarFromHolidays) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 100; ++round) {
    CalendarSpec spec;
    spec.weekend = {Weekday::kSat, Weekday::kSun};
    if (round % 3 == 0) spec.weekend = {Weekday::kFri};
    const Date base = D(2027, 1, 1) + boost::gregorian::days(static_cast<long>(rng() % 4000));
    for (int h = static_cast<int>(rng() % 40); h > 0; --h) {
      spec.holidays.push_back(base + boost::gregorian::days(static_cast<long>(rng() % 3000)));
    }
    WorkingCalendar cal = *WorkingCalendar::Create(spec);
    for (int q = 0; q < 400; ++q) {
      // Within 11 years either side of the first holiday, and anywhere from 1900 to 9999.
      const Date d =
          q % 4 == 3 ? D(1900, 1, 1) + boost::gregorian::days(static_cast<long>(rng() % 2900000))
                     : base + boost::gregorian::days(static_cast<long>(rng() % 8000) - 4000);
      const int64_t epoch_day = (d - D(1970, 1, 1)).days();
      const WorkingCalendar::DayPosition position = cal.PositionOfEpochDay(epoch_day);
      ASSERT_EQ(position.working, cal.IsWorkingDay(d)) << FormatIsoDate(d);
      ASSERT_EQ(position.index, cal.IndexOf(d)) << FormatIsoDate(d);
      if (position.working) {
        ASSERT_EQ(cal.EpochDayAt(position.index), epoch_day) << FormatIsoDate(d);
        ASSERT_EQ(cal.DayAt(position.index), d) << FormatIsoDate(d);
      }
    }
  }
}

TEST(CalendarTest, OrdinalsMatchDayByDayCountingOnRandomCalendars) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    CalendarSpec spec;
    spec.weekend.clear();
    for (int d = 0; d < 7; ++d) {
      if (rng() % 3 == 0) spec.weekend.push_back(static_cast<Weekday>(d));
    }
    if (spec.weekend.size() == 7) spec.weekend.pop_back();
    const Date base = D(2026, 12, 1) + boost::gregorian::days(static_cast<long>(rng() % 400));
    for (int h = static_cast<int>(rng() % 30); h > 0; --h) {
      spec.holidays.push_back(base + boost::gregorian::days(static_cast<long>(rng() % 200)));
    }
    WorkingCalendar cal = *WorkingCalendar::Create(spec);
    std::set<int> weekend;
    for (Weekday w : spec.weekend) weekend.insert(static_cast<int>(w));
    std::set<Date> holidays(spec.holidays.begin(), spec.holidays.end());
    auto working = [&](Date d) {
      return !weekend.count((d.day_of_week().as_number() + 6) % 7) && !holidays.count(d);
    };
    int32_t k = cal.IndexOf(base);
    Date first = base;
    while (!working(first)) first += boost::gregorian::days(1);
    ASSERT_EQ(cal.DayAt(k), first) << "round " << round;
    for (Date d = base; d < base + boost::gregorian::days(220); d += boost::gregorian::days(1)) {
      ASSERT_EQ(cal.IsWorkingDay(d), working(d)) << FormatIsoDate(d);
      // The day-number form answers the same.
      const int64_t epoch_day = (d - D(1970, 1, 1)).days();
      const WorkingCalendar::DayPosition position = cal.PositionOfEpochDay(epoch_day);
      ASSERT_EQ(position.working, working(d)) << FormatIsoDate(d);
      ASSERT_EQ(position.index, k) << FormatIsoDate(d);
      if (working(d)) {
        ASSERT_EQ(cal.EpochDayAt(k), epoch_day) << k;
      }
      if (working(d)) {
        ASSERT_EQ(cal.IndexOf(d), k) << FormatIsoDate(d);
        ASSERT_EQ(cal.DayAt(k), d) << k;
        ++k;
      } else {
        ASSERT_EQ(cal.IndexOf(d), k) << FormatIsoDate(d);
      }
    }
  }
}

}  // namespace
}  // namespace handoff
