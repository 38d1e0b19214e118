// Business-time arithmetic (spec SLA.md, "Arithmetic") and ISO 8601 instants: hand-computed
// cases, daylight-saving days, and properties against a reference that steps minute by minute.
#include "handoff/business_time.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "handoff/instant.h"

namespace handoff {

// Prints instants readably in failure messages.
void PrintTo(const Instant& t, std::ostream* os) {
  *os << t.seconds << " (" << FormatInstant(t, *TimeZone::Parse("Z")) << ")";
}

namespace {

using ::testing::HasSubstr;

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

// Seconds since the epoch of a UTC (or local wall-clock) date and time, independent of the
// library (H. Hinnant's days_from_civil).
int64_t T(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  y -= mo <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (era * 146097 + doe - 719468) * kDay + h * kHour + mi * 60 + s;
}
Instant U(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return Instant{T(y, mo, d, h, mi, s)};
}
Date D(int y, int m, int d) {
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

TimeRange R(int h0, int m0, int h1, int m1) { return TimeRange{h0 * 60 + m0, h1 * 60 + m1}; }

struct CalendarArgs {
  std::vector<TimeRange> hours = {R(9, 0, 18, 0)};
  std::string timezone = "+00:00";
  std::vector<Date> holidays = {};
  std::vector<Weekday> weekend = {Weekday::kSat, Weekday::kSun};
};

BusinessTime Make(const CalendarArgs& args) {
  CalendarSpec spec;
  spec.hours = args.hours;
  spec.timezone = args.timezone;
  spec.holidays = args.holidays;
  spec.weekend = args.weekend;
  absl::StatusOr<WorkingCalendar> cal = WorkingCalendar::Create(spec);
  EXPECT_TRUE(cal.ok()) << cal.status();
  return BusinessTime(*cal);
}

constexpr char kCet[] = "CET-1CEST,M3.5.0,M10.5.0/3";
constexpr char kEst[] = "EST5EDT,M3.2.0,M11.1.0";
constexpr char kAest[] = "AEST-10AEDT,M10.1.0,M4.1.0/3";

// ---------------------------------------------------------------------------------------------
// Hand-computed cases (2027-01-04 is a Monday).

TEST(BusinessTimeTest, CountEndingAtLunchIsDueAtNoonNotAtTheNextOpening) {
  BusinessTime bt = Make({.hours = {R(9, 0, 12, 0), R(13, 0, 18, 0)}});
  const Instant mon9 = U(2027, 1, 4, 9);
  EXPECT_EQ(bt.Add(mon9, 3 * kHour), U(2027, 1, 4, 12));
  EXPECT_EQ(bt.Add(mon9, 3 * kHour + 1), U(2027, 1, 4, 13, 0, 1));
  EXPECT_EQ(bt.Add(mon9, 8 * kHour), U(2027, 1, 4, 18));  // the day's end, not Tue 09:00
  EXPECT_EQ(bt.Add(mon9, 8 * kHour + 1), U(2027, 1, 5, 9, 0, 1));
  EXPECT_EQ(bt.Elapsed(mon9, U(2027, 1, 4, 13)), 3 * kHour);
  EXPECT_EQ(bt.Elapsed(U(2027, 1, 4, 12, 30), U(2027, 1, 4, 13, 30)), 30 * 60);
  EXPECT_EQ(bt.Elapsed(mon9, U(2027, 1, 5, 9)), 8 * kHour);
}

TEST(BusinessTimeTest, StartInsideABreakCountsFromTheNextOpening) {
  BusinessTime bt = Make({.hours = {R(9, 0, 12, 0), R(13, 0, 18, 0)}});
  EXPECT_EQ(bt.Add(U(2027, 1, 4, 12, 30), kHour), U(2027, 1, 4, 14));
  EXPECT_EQ(bt.Add(U(2027, 1, 4, 12, 30), 1), U(2027, 1, 4, 13, 0, 1));
  EXPECT_EQ(bt.Add(U(2027, 1, 4, 7, 0), 1), U(2027, 1, 4, 9, 0, 1));
  EXPECT_EQ(bt.Add(U(2027, 1, 4, 20, 0), kHour), U(2027, 1, 5, 10));
  EXPECT_EQ(bt.Elapsed(U(2027, 1, 4, 12, 10), U(2027, 1, 4, 12, 50)), 0);
}

TEST(BusinessTimeTest, SkipsTheWeekendAndAHoliday) {
  // Mon 2027-01-11 is a holiday: Fri 17:00 + 2 h = 1 h on Friday, 1 h on Tuesday.
  BusinessTime bt = Make({.holidays = {D(2027, 1, 11)}});
  const Instant fri17 = U(2027, 1, 8, 17);
  EXPECT_EQ(bt.Add(fri17, 2 * kHour), U(2027, 1, 12, 10));
  EXPECT_EQ(bt.Elapsed(fri17, U(2027, 1, 12, 10)), 2 * kHour);
  EXPECT_EQ(bt.Elapsed(U(2027, 1, 9, 10), U(2027, 1, 11, 17)), 0);  // Sat to the holiday
  EXPECT_EQ(bt.Add(U(2027, 1, 9, 10), 1), U(2027, 1, 12, 9, 0, 1));
}

TEST(BusinessTimeTest, AddingZeroIsTheIdentityEvenOutsideBusinessHours) {
  BusinessTime bt = Make({.hours = {R(9, 0, 12, 0), R(13, 0, 18, 0)}});
  for (Instant t : {U(2027, 1, 4, 10), U(2027, 1, 4, 12, 30, 17), U(2027, 1, 9, 3),
                    U(2027, 1, 4, 18), Instant{-5000000000}, Instant{300000000000}}) {
    EXPECT_EQ(bt.Add(t, 0), t);
    EXPECT_EQ(bt.Add(t, -7), t);
  }
}

TEST(BusinessTimeTest, ElapsedOfAnEmptyOrReversedRangeIsZero) {
  BusinessTime bt = Make({});
  EXPECT_EQ(bt.Elapsed(U(2027, 1, 4, 17), U(2027, 1, 4, 10)), 0);
  EXPECT_EQ(bt.Elapsed(U(2027, 1, 4, 10), U(2027, 1, 4, 10)), 0);
  EXPECT_EQ(bt.Elapsed(Instant{INT64_MAX}, Instant{INT64_MIN}), 0);
}

TEST(BusinessTimeTest, FixedOffsetHoursAreLocalWallClock) {
  BusinessTime east = Make({.timezone = "+08:00"});  // 09:00 local is 01:00Z
  EXPECT_EQ(east.Add(U(2027, 1, 4, 0), 1), U(2027, 1, 4, 1, 0, 1));
  EXPECT_EQ(east.Add(U(2027, 1, 4, 9), kHour), U(2027, 1, 4, 10));  // 17:00 local + 1 h
  EXPECT_EQ(east.Add(U(2027, 1, 4, 9), kHour + 1), U(2027, 1, 5, 1, 0, 1));
  BusinessTime west = Make({.timezone = "-05:30"});  // 09:00 local is 14:30Z
  EXPECT_EQ(west.Elapsed(U(2027, 1, 4, 14), U(2027, 1, 4, 15)), 30 * 60);
  // Saturday 02:00Z is still Friday 20:30 local: no business time before Monday.
  EXPECT_EQ(west.Add(U(2027, 1, 9, 2), 1), U(2027, 1, 11, 14, 30, 1));
}

TEST(BusinessTimeTest, KeepsACopyOfTheCalendar) {
  BusinessTime bt = Make({.timezone = kCet});
  EXPECT_TRUE(bt.calendar().time_zone().has_dst());
  EXPECT_EQ(bt.calendar().spec().hours, (std::vector<TimeRange>{R(9, 0, 18, 0)}));
}

TEST(BusinessTimeTest, SpecExampleFromTheHeader) {
  CalendarSpec spec;
  spec.timezone = kCet;
  BusinessTime bt(*WorkingCalendar::Create(spec));
  Instant logged = *ParseInstant("2027-03-26T17:00", bt.calendar().time_zone());
  EXPECT_EQ(logged, U(2027, 3, 26, 16));
  Instant due = bt.Add(logged, 4 * kHour);
  EXPECT_EQ(due, U(2027, 3, 29, 10));
  EXPECT_EQ(FormatInstant(due, bt.calendar().time_zone()), "2027-03-29T12:00:00+02:00");
  EXPECT_EQ(bt.Elapsed(logged, due), 4 * kHour);
}

// ---------------------------------------------------------------------------------------------
// Daylight saving. CET springs forward on Sun 2027-03-28 at 02:00 (to 03:00) and falls back on
// Sun 2027-10-31 at 03:00 (to 02:00). US Eastern: Sun 2027-03-14 and Sun 2027-11-07 at 02:00.
// Sydney: forward Sun 2027-10-03 at 02:00, back Sun 2027-04-04 at 03:00. An empty weekend makes
// the Sundays working days.

TEST(BusinessTimeDstTest, OfficeHoursKeepTheirLengthOnTheChangeDays) {
  BusinessTime cet = Make({.timezone = kCet, .weekend = {}});
  EXPECT_EQ(cet.Elapsed(U(2027, 3, 28), U(2027, 3, 29)), 9 * kHour);
  EXPECT_EQ(cet.Elapsed(U(2027, 3, 27), U(2027, 3, 30)), 27 * kHour);
  EXPECT_EQ(cet.Add(U(2027, 3, 28, 0), 1), U(2027, 3, 28, 7, 0, 1));     // 09:00 CEST
  EXPECT_EQ(cet.Add(U(2027, 3, 27, 16), 2 * kHour), U(2027, 3, 28, 8));  // Sat 17:00 CET + 2 h
  EXPECT_EQ(cet.Elapsed(U(2027, 10, 30), U(2027, 11, 2)), 27 * kHour);
  EXPECT_EQ(cet.Add(U(2027, 10, 31, 0), 9 * kHour), U(2027, 10, 31, 17));  // 18:00 CET
  BusinessTime est = Make({.timezone = kEst});
  // Fri 2027-03-12 17:00 EST + 2 h: 1 h on Friday, then Mon 09:00 EDT (13:00Z) + 1 h.
  EXPECT_EQ(est.Add(U(2027, 3, 12, 22), 2 * kHour), U(2027, 3, 15, 14));
  EXPECT_EQ(est.Elapsed(U(2027, 11, 5, 22), U(2027, 11, 8, 23)), 9 * kHour);  // to Mon 18:00 EST
}

TEST(BusinessTimeDstTest, WholeDaysLastTwentyThreeOrTwentyFiveHours) {
  const CalendarArgs all_day = {.hours = {R(0, 0, 24, 0)}, .weekend = {}};
  CalendarArgs args = all_day;
  args.timezone = kCet;
  BusinessTime cet = Make(args);
  EXPECT_EQ(cet.Elapsed(U(2027, 3, 27, 23), U(2027, 3, 28, 22)), 23 * kHour);
  EXPECT_EQ(cet.Elapsed(U(2027, 10, 30, 22), U(2027, 10, 31, 23)), 25 * kHour);
  args.timezone = kEst;
  args.weekend = {Weekday::kSat};
  BusinessTime est = Make(args);
  // Saturday 00:00 EST to Monday 00:00 EDT: only Sunday works.
  EXPECT_EQ(est.Elapsed(U(2027, 3, 13, 5), U(2027, 3, 15, 4)), 23 * kHour);
  EXPECT_EQ(est.Elapsed(U(2027, 3, 14, 5), U(2027, 3, 15, 4)), 23 * kHour);
  EXPECT_EQ(est.Elapsed(U(2027, 11, 7, 4), U(2027, 11, 8, 5)), 25 * kHour);
  // Friday 07:00 EST + 24 h: 17 h to Friday's 24:00, then Sunday from 00:00 EST (05:00Z), which
  // springs forward at 07:00Z: 7 h later is 12:00Z, 08:00 EDT.
  EXPECT_EQ(est.Add(U(2027, 3, 12, 12), 24 * kHour), U(2027, 3, 14, 12));
  args.timezone = kAest;
  args.weekend = {};
  BusinessTime aest = Make(args);
  EXPECT_EQ(aest.Elapsed(U(2027, 4, 3, 13), U(2027, 4, 4, 14)), 25 * kHour);  // AEDT to AEST
  EXPECT_EQ(aest.Elapsed(U(2027, 10, 2, 14), U(2027, 10, 3, 13)), 23 * kHour);
}

TEST(BusinessTimeDstTest, RangesThatTouchTheGapFollowTheLocalToUtcRule) {
  // 2027-03-28 in CET: 02:00-03:00 local does not exist; 01:00Z is 03:00 CEST.
  auto day = [](std::vector<TimeRange> hours) {
    return Make({.hours = std::move(hours), .timezone = kCet, .weekend = {}})
        .Elapsed(U(2027, 3, 27, 23), U(2027, 3, 28, 22));
  };
  EXPECT_EQ(day({R(1, 0, 3, 0)}), kHour);          // 00:00Z-01:00Z: shorter by the gap
  EXPECT_EQ(day({R(2, 30, 4, 0)}), 30 * 60);       // 02:30 reads as 01:30Z; 04:00 is 02:00Z
  EXPECT_EQ(day({R(2, 15, 2, 45)}), 30 * 60);      // both ends in the gap: 01:15Z-01:45Z
  EXPECT_EQ(day({R(2, 30, 3, 0)}), 0);             // 01:30Z to 01:00Z: empty that day
  EXPECT_EQ(day({R(2, 30, 3, 30)}), 0);            // 01:30Z to 01:30Z: empty
  EXPECT_EQ(day({R(1, 0, 2, 30), R(3, 0, 4, 0)}),  // 00:00Z-01:30Z and 01:00Z-02:00Z overlap;
            2 * kHour);                            // the overlap counts once
  EXPECT_EQ(day({R(2, 15, 2, 45), R(3, 0, 4, 0)}), kHour);  // 01:15Z-01:45Z inside 01:00Z-02:00Z
  // Add walks the union: from 00:30Z, 1 h ends at 01:30Z whichever range it is counted in.
  BusinessTime bt =
      Make({.hours = {R(1, 0, 2, 30), R(3, 0, 4, 0)}, .timezone = kCet, .weekend = {}});
  EXPECT_EQ(bt.Add(U(2027, 3, 28, 0, 30), kHour), U(2027, 3, 28, 1, 30));
  EXPECT_EQ(bt.Add(U(2027, 3, 28, 0, 30), 90 * 60), U(2027, 3, 28, 2));
  // Then Monday's 01:00-02:30, which starts at 01:00 CEST: Sunday 23:00Z.
  EXPECT_EQ(bt.Add(U(2027, 3, 28, 0, 30), 90 * 60 + 1), U(2027, 3, 28, 23, 0, 1));
}

TEST(BusinessTimeDstTest, RangesInTheRepeatedHourStartAtTheFirstOccurrence) {
  // 2027-10-31 in CET: 02:00-03:00 local occurs twice (00:00Z-01:00Z CEST, 01:00Z-02:00Z CET).
  auto day = [](std::vector<TimeRange> hours) {
    return Make({.hours = std::move(hours), .timezone = kCet, .weekend = {}})
        .Elapsed(U(2027, 10, 30, 22), U(2027, 10, 31, 23));
  };
  EXPECT_EQ(day({R(2, 30, 3, 30)}), 2 * kHour);  // 00:30Z to 02:30Z
  EXPECT_EQ(day({R(2, 0, 3, 0)}), 2 * kHour);    // 00:00Z to 02:00Z (03:00 is CET)
  EXPECT_EQ(day({R(1, 0, 2, 30)}), 90 * 60);     // 23:00Z to 00:30Z
  // US Eastern 2027-11-07: 01:00-02:00 occurs twice; 01:30 means 05:30Z.
  BusinessTime est = Make({.hours = {R(1, 30, 2, 0)}, .timezone = kEst, .weekend = {}});
  EXPECT_EQ(est.Elapsed(U(2027, 11, 7), U(2027, 11, 8)), 90 * 60);  // 05:30Z-07:00Z
  EXPECT_EQ(est.Add(U(2027, 11, 7), 1), U(2027, 11, 7, 5, 30, 1));
}

TEST(BusinessTimeDstTest, GapAcrossMidnightMayMakeNeighbouringDaysOverlap) {
  // Two hours forward at 23:00 standard time (UTC+0 to UTC+2) on Sun 2027-03-28: local
  // 23:00-01:00 does not exist. Sunday 22:00-24:00 reads 24:00 with the old offset (Mon 00:00Z);
  // Monday 01:00-05:00 starts at Sunday 23:00Z. Together: 22:00Z to 03:00Z, the hour in common
  // counted once.
  BusinessTime bt = Make({.hours = {R(1, 0, 5, 0), R(22, 0, 24, 0)},
                          .timezone = "XXX0YYY-2,M3.5.0/23,M10.5.0/1",
                          .weekend = {}});
  EXPECT_EQ(bt.Elapsed(U(2027, 3, 28, 21), U(2027, 3, 29, 4)), 5 * kHour);
  EXPECT_EQ(bt.Add(U(2027, 3, 28, 21), 2 * kHour), U(2027, 3, 29, 0));
  EXPECT_EQ(bt.Add(U(2027, 3, 28, 21), 5 * kHour), U(2027, 3, 29, 3));
  // Next: Monday 22:00 local, UTC+2.
  EXPECT_EQ(bt.Add(U(2027, 3, 28, 21), 5 * kHour + 1), U(2027, 3, 29, 20, 0, 1));
  // Sunday 23:30-24:00 starts in the gap and reads as 23:30Z, after Monday's 01:00 (23:00Z):
  // a later day's interval starts first.
  BusinessTime late = Make({.hours = {R(1, 0, 5, 0), R(23, 30, 24, 0)},
                            .timezone = "XXX0YYY-2,M3.5.0/23,M10.5.0/1",
                            .weekend = {}});
  EXPECT_EQ(late.Elapsed(U(2027, 3, 28, 21), U(2027, 3, 29, 4)), 4 * kHour);
  EXPECT_EQ(late.Add(U(2027, 3, 28, 21), 1), U(2027, 3, 28, 23, 0, 1));
}

TEST(BusinessTimeDstTest, LongSpansCountEveryWorkingDay) {
  // With 09:00-18:00 the clock changes never touch business hours, so ten years of business
  // time is 9 h per working day; the count of working days comes from the calendar itself.
  for (const char* zone : {kCet, kEst, kAest, "+05:45"}) {
    BusinessTime bt = Make({.timezone = zone, .holidays = {D(2027, 12, 24), D(2031, 5, 1)}});
    const TimeZone& tz = bt.calendar().time_zone();
    int64_t days = 0;
    Date last = D(2025, 1, 1);
    for (Date d = D(2025, 1, 1); d < D(2035, 1, 1); d += boost::gregorian::days(1)) {
      if (!bt.calendar().IsWorkingDay(d)) continue;
      ++days;
      last = d;
    }
    const Instant a{tz.LocalToUtc(T(2025, 1, 1))}, b{tz.LocalToUtc(T(2035, 1, 1))};
    EXPECT_EQ(bt.Elapsed(a, b), days * 9 * kHour) << zone;
    const int64_t last_day = (last - D(1970, 1, 1)).days();
    EXPECT_EQ(bt.Add(a, days * 9 * kHour), Instant{tz.LocalToUtc(last_day * kDay + 18 * kHour)})
        << zone;
    const Instant u = bt.Add(a, 10000000);
    EXPECT_EQ(bt.Elapsed(a, u), 10000000) << zone;
    EXPECT_LT(bt.Elapsed(a, Instant{u.seconds - 1}), 10000000) << zone;
  }
}

TEST(BusinessTimeDstTest, RoundTheClockCalendarIsRealTime) {
  for (const char* zone : {kCet, kEst, kAest, "Z"}) {
    BusinessTime bt = Make({.hours = {R(0, 0, 24, 0)}, .timezone = zone, .weekend = {}});
    const Instant a = U(2026, 2, 3, 4, 5, 6);
    EXPECT_EQ(bt.Elapsed(a, U(2031, 7, 8, 9, 10, 11)), T(2031, 7, 8, 9, 10, 11) - a.seconds);
    EXPECT_EQ(bt.Add(a, 123456789), Instant{a.seconds + 123456789}) << zone;
  }
}

// ---------------------------------------------------------------------------------------------
// The ends of the supported range.

TEST(BusinessTimeRangeTest, NothingBefore1900OrAfter9999) {
  for (const char* zone : {"+00:00", "-11:00", kEst, kAest}) {
    BusinessTime bt = Make({.hours = {R(0, 0, 24, 0)}, .timezone = zone, .weekend = {}});
    const TimeZone& tz = bt.calendar().time_zone();
    const Instant first{tz.LocalToUtc(T(1900, 1, 1))};
    EXPECT_EQ(bt.Add(Instant{INT64_MIN}, 1), Instant{first.seconds + 1}) << zone;
    EXPECT_EQ(bt.Elapsed(Instant{INT64_MIN}, first), 0) << zone;
    // The last day ends at local 10000-01-01T00:00 (the zone held at its late-9999 offset).
    const Instant last_day = *ParseInstant("9999-12-31T00:00", tz);
    EXPECT_EQ(bt.Elapsed(last_day, Instant{INT64_MAX}), 24 * kHour) << zone;
    EXPECT_EQ(bt.Add(last_day, 24 * kHour), Instant{last_day.seconds + 24 * kHour}) << zone;
    EXPECT_EQ(bt.Add(last_day, 24 * kHour + 1), kEndOfTime) << zone;
    EXPECT_EQ(bt.Add(Instant{INT64_MAX - 5}, 1), Instant{INT64_MAX - 5}) << zone;
  }
  // A fixed zone answers in closed form even across the whole range.
  BusinessTime utc = Make({});
  int64_t all = utc.Elapsed(Instant{INT64_MIN}, Instant{INT64_MAX});
  EXPECT_EQ(all, (utc.calendar().MaxIndex() + int64_t{1}) * 9 * kHour);
  EXPECT_EQ(utc.Add(Instant{INT64_MIN}, all), U(9999, 12, 31, 18));
  EXPECT_EQ(utc.Add(Instant{INT64_MIN}, all + 1), kEndOfTime);
  EXPECT_EQ(utc.Add(U(2027, 1, 4), INT64_MAX), kEndOfTime);
}

// ---------------------------------------------------------------------------------------------
// Instants.

TEST(InstantTest, ParsesOffsetsAndDropsFractions) {
  const TimeZone utc = *TimeZone::Parse("Z");
  const TimeZone cet = *TimeZone::Parse(kCet);
  EXPECT_EQ(*ParseInstant("2027-03-29T09:00:00+02:00", utc), U(2027, 3, 29, 7));
  EXPECT_EQ(*ParseInstant("2027-03-29T09:00+0200", utc), U(2027, 3, 29, 7));
  EXPECT_EQ(*ParseInstant("2027-03-29T09:00Z", cet), U(2027, 3, 29, 9));  // offset wins
  EXPECT_EQ(*ParseInstant("2027-03-29T09:00:59.999Z", utc), U(2027, 3, 29, 9, 0, 59));
  EXPECT_EQ(*ParseInstant("2027-03-29T09:00:05.5-05:30", utc), U(2027, 3, 29, 14, 30, 5));
  EXPECT_EQ(*ParseInstant("2027-03-29T09:00:00-00:00", utc), U(2027, 3, 29, 9));
  EXPECT_EQ(*ParseInstant("1970-01-01T00:30:15+00:30:15", utc), Instant{0});  // as formatted
  EXPECT_EQ(*ParseInstant("1900-01-01T00:00Z", utc), U(1900, 1, 1));
  EXPECT_EQ(*ParseInstant("9999-12-31T23:59:59+00:00", utc), U(9999, 12, 31, 23, 59, 59));
}

TEST(InstantTest, LocalTimeUsesTheZoneWithGapsForwardAndOverlapsFirst) {
  const TimeZone cet = *TimeZone::Parse(kCet);
  const TimeZone est = *TimeZone::Parse(kEst);
  EXPECT_EQ(*ParseInstant("2027-03-29T09:00", cet), U(2027, 3, 29, 7));
  EXPECT_EQ(*ParseInstant("2027-03-26T09:00:00", cet), U(2027, 3, 26, 8));
  EXPECT_EQ(*ParseInstant("2027-03-28T02:30", cet), U(2027, 3, 28, 1, 30));  // in the gap
  EXPECT_EQ(*ParseInstant("2027-11-07T01:30", est), U(2027, 11, 7, 5, 30));  // first of two
  EXPECT_EQ(*ParseInstant("2027-03-15T09:00:00.25", est), U(2027, 3, 15, 13));
  EXPECT_EQ(*ParseInstant("2027-01-05T10:00", *TimeZone::Parse("+08:00")), U(2027, 1, 5, 2));
}

TEST(InstantTest, RejectsMalformedTextNamingItAndTheReason) {
  const TimeZone utc = *TimeZone::Parse("Z");
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c : std::vector<Case>{
           {"2027-02-30T09:00Z", "does not exist"},
           {"2027-13-01T09:00Z", "does not exist"},
           {"2027-0a-01T09:00:00Z", "not an ISO date"},
           {"1899-12-31T09:00Z", "out of range"},
           {"2027-03-29T25:00Z", "hour 25"},
           {"2027-03-29T24:00Z", "hour 24"},
           {"2027-03-29T09:60Z", "minute 60"},
           {"2027-03-29T09:00:60Z", "second 60"},
           {"2027-03-29 09:00Z", "not an ISO 8601"},
           {"2027-03-29t09:00Z", "not an ISO 8601"},
           {"2027-03-29T9:00Z", "not an ISO 8601"},
           {"2027-03-29T09", "not an ISO 8601"},
           {"", "not an ISO 8601"},
           {"2027-03-29T09:00:0Z", "seconds"},
           {"2027-03-29T09:00:00.Z", "at least one digit"},
           {"2027-03-29T09:00.5Z", "not an offset"},
           {"2027-03-29T09:00+2", "not an offset"},
           {"2027-03-29T09:00+02:0", "not an offset"},
           {"2027-03-29T09:00z", "not an offset"},
           {"2027-03-29T09:00Z junk", "not an offset"},
           {"2027-03-29T09:00+24:00", "out of range"},
           {"2027-03-29T09:00+02:60", "out of range"},
       }) {
    absl::StatusOr<Instant> t = ParseInstant(c.text, utc);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(t.status().message()), HasSubstr(std::string("\"") + c.text + "\""));
    EXPECT_THAT(std::string(t.status().message()), HasSubstr(c.reason)) << c.text;
  }
}

TEST(InstantTest, FormatsWithTheOffsetInForceNeverZ) {
  const TimeZone cet = *TimeZone::Parse(kCet);
  EXPECT_EQ(FormatInstant(U(2027, 3, 29, 7), cet), "2027-03-29T09:00:00+02:00");
  EXPECT_EQ(FormatInstant(U(2027, 3, 26, 8, 0, 7), cet), "2027-03-26T09:00:07+01:00");
  EXPECT_EQ(FormatInstant(U(2027, 3, 28, 0, 59, 59), cet), "2027-03-28T01:59:59+01:00");
  EXPECT_EQ(FormatInstant(U(2027, 3, 28, 1), cet), "2027-03-28T03:00:00+02:00");
  EXPECT_EQ(FormatInstant(U(2027, 1, 5, 2), *TimeZone::Parse("Z")), "2027-01-05T02:00:00+00:00");
  EXPECT_EQ(FormatInstant(U(2027, 1, 5, 2), *TimeZone::Parse("-05:30")),
            "2027-01-04T20:30:00-05:30");
  EXPECT_EQ(FormatInstant(Instant{0}, *TimeZone::Parse("LMT-0:30:15")),
            "1970-01-01T00:30:15+00:30:15");
  EXPECT_EQ(FormatInstant(kEndOfTime, *TimeZone::Parse(kEst)), "10000-01-02T19:00:00-05:00");
  EXPECT_FALSE(FormatInstant(Instant{INT64_MAX}, cet).empty());
  EXPECT_FALSE(FormatInstant(Instant{INT64_MIN}, cet).empty());
}

TEST(InstantTest, LocalDateFollowsTheOffsetAndClampsToTheRange) {
  const TimeZone cet = *TimeZone::Parse(kCet);
  EXPECT_EQ(LocalDate(U(2027, 3, 28, 21, 59, 59), cet), D(2027, 3, 28));
  EXPECT_EQ(LocalDate(U(2027, 3, 28, 22), cet), D(2027, 3, 29));  // 00:00 CEST
  EXPECT_EQ(LocalDate(U(2027, 1, 4, 22, 59, 59), cet), D(2027, 1, 4));
  EXPECT_EQ(LocalDate(U(2027, 1, 4, 23), cet), D(2027, 1, 5));
  EXPECT_EQ(LocalDate(Instant{INT64_MIN}, cet), D(1900, 1, 1));
  EXPECT_EQ(LocalDate(Instant{INT64_MAX}, cet), D(9999, 12, 31));
  EXPECT_EQ(LocalDate(kEndOfTime, *TimeZone::Parse("Z")), D(9999, 12, 31));
}

// Property: FormatInstant then ParseInstant gives the instant back, in any zone, and the local
// part of the text is the local time LocalDate and UtcToLocal see.
TEST(InstantTest, FormatThenParseRoundTripsOnRandomInstants) {
  std::mt19937_64 rng(11);
  const std::vector<std::string> zones = {
      "Z", "+05:45", "-09:30", kCet, kEst, kAest, "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"};
  const int64_t lo = T(1900, 1, 2), hi = T(9999, 12, 30);
  for (int i = 0; i < 20000; ++i) {
    const TimeZone tz = *TimeZone::Parse(zones[rng() % zones.size()]);
    const Instant t{lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo))};
    const std::string text = FormatInstant(t, tz);
    absl::StatusOr<Instant> back = ParseInstant(text, tz);
    ASSERT_TRUE(back.ok()) << back.status();
    ASSERT_EQ(*back, t) << text;
    ASSERT_EQ(FormatIsoDate(LocalDate(t, tz)), text.substr(0, 10));
  }
}

// ---------------------------------------------------------------------------------------------
// Properties against a reference that steps minute by minute.

// Every business interval of every day around a window, marked minute by minute; then any
// Elapsed inside the window is a prefix-sum lookup. Interval ends fall on whole minutes (the
// zones have whole-minute offsets), so coverage is constant within each minute.
class MinuteReference {
 public:
  MinuteReference(const WorkingCalendar& cal, int64_t begin, int64_t end)
      : begin_(begin), covered_((end - begin) / 60, 0) {
    const TimeZone& tz = cal.time_zone();
    for (int64_t day = begin / kDay - 3; day <= end / kDay + 3; ++day) {
      const Date date = Date(1970, 1, 1) + boost::gregorian::days(day);
      if (!cal.IsWorkingDay(date)) continue;
      for (const TimeRange& r : cal.spec().hours) {
        const int64_t s = tz.LocalToUtc(day * kDay + r.begin_minute * 60);
        const int64_t e = tz.LocalToUtc(day * kDay + r.end_minute * 60);
        for (int64_t m = std::max(s, begin); m < std::min(e, end); m += 60) {
          covered_[(m - begin) / 60] = 1;
        }
      }
    }
    prefix_.assign(covered_.size() + 1, 0);
    for (size_t i = 0; i < covered_.size(); ++i) prefix_[i + 1] = prefix_[i] + covered_[i];
  }
  int64_t end() const { return begin_ + static_cast<int64_t>(covered_.size()) * 60; }
  // Business seconds in [a, b) for begin <= a, b < end.
  int64_t Elapsed(int64_t a, int64_t b) const {
    if (b <= a) return 0;
    const int64_t ma = (a - begin_) / 60, mb = (b - begin_) / 60;
    return 60 * (prefix_[mb] - prefix_[ma]) - covered_[ma] * ((a - begin_) % 60) +
           covered_[mb] * ((b - begin_) % 60);
  }

 private:
  int64_t begin_;
  std::vector<int64_t> covered_;
  std::vector<int64_t> prefix_;
};

// Random calendars: weekends, holidays, 1-3 ranges biased towards the hours where clocks change
// (01:00-04:00 and around midnight), fixed offsets and daylight-saving rules, on windows of nine
// days placed mostly over the clock changes.
struct RandomCase {
  WorkingCalendar calendar;
  int64_t begin, end;  // the window, whole minutes
};

RandomCase MakeRandomCase(std::mt19937_64& rng) {
  static const std::vector<std::string> kRules = {
      kCet,
      kEst,
      kAest,
      "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",  // Lord Howe: half an hour of daylight saving
      "XXX0YYY-2,M3.5.0/23,M10.5.0/1",         // two hours forward across midnight
      "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"};      // changes at local 23:00 of Saturday
  auto pick = [&rng](int64_t n) { return static_cast<int64_t>(rng() % static_cast<uint64_t>(n)); };
  CalendarSpec spec;
  spec.weekend.clear();
  for (int d = 0; d < 7; ++d) {
    if (pick(10) < 3) spec.weekend.push_back(static_cast<Weekday>(d));
  }
  if (spec.weekend.size() == 7) spec.weekend.pop_back();
  if (pick(10) < 3) {
    const int minutes = static_cast<int>(pick(27 * 4 + 1) - 12 * 4) * 15;  // -12:00 .. +15:00
    char text[16];
    std::snprintf(text, sizeof text, "%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                  std::abs(minutes) % 60);
    spec.timezone = text;
  } else {
    spec.timezone = kRules[pick(static_cast<int64_t>(kRules.size()))];
  }
  // Range ends: distinct sorted minute marks, then sometimes made adjacent.
  const int ranges = 1 + static_cast<int>(pick(3));
  std::vector<int> marks;
  while (static_cast<int>(marks.size()) < 2 * ranges) {
    int m = 0;
    switch (pick(4)) {
      case 0:
        m = static_cast<int>(60 + pick(13) * 15);  // 01:00 .. 04:00
        break;
      case 1:
        m = static_cast<int>(pick(2) == 0 ? pick(9) * 15 : 1320 + pick(9) * 15);  // midnight
        break;
      default:
        m = static_cast<int>(pick(49) * 30);  // anywhere, 24:00 included
    }
    if (std::find(marks.begin(), marks.end(), m) == marks.end()) marks.push_back(m);
  }
  std::sort(marks.begin(), marks.end());
  spec.hours.clear();
  for (int i = 0; i < ranges; ++i) spec.hours.push_back({marks[2 * i], marks[2 * i + 1]});
  for (size_t i = 1; i < spec.hours.size(); ++i) {
    if (pick(10) < 3) spec.hours[i].begin_minute = spec.hours[i - 1].end_minute;
  }
  // The window: nine days from a random day of a random year; for a zone with daylight saving,
  // four times in five a window that holds one of the year's clock changes.
  const int year = 1970 + static_cast<int>(pick(120));
  int64_t begin = T(year, 1, 1) + pick(365) * kDay;
  const TimeZone tz = *TimeZone::Parse(spec.timezone);
  if (tz.has_dst() && pick(5) < 4) {
    std::vector<int64_t> change_days;
    for (int64_t d = T(year, 1, 1) / kDay; d < T(year + 1, 1, 1) / kDay; ++d) {
      if (tz.OffsetAt(d * kDay) != tz.OffsetAt((d + 1) * kDay)) change_days.push_back(d);
    }
    EXPECT_FALSE(change_days.empty());
    begin = (change_days[pick(static_cast<int64_t>(change_days.size()))] - pick(8)) * kDay;
  }
  for (int h = static_cast<int>(pick(4)); h > 0; --h) {
    const int64_t at = begin / kDay + pick(9);
    spec.holidays.push_back(Date(1970, 1, 1) + boost::gregorian::days(at));
  }
  absl::StatusOr<WorkingCalendar> cal = WorkingCalendar::Create(spec);
  EXPECT_TRUE(cal.ok()) << cal.status();
  return RandomCase{*cal, begin, begin + 9 * kDay};
}

TEST(BusinessTimePropertyTest, ElapsedMatchesMinuteSteppingOnRandomCalendars) {
  std::mt19937_64 rng(20270328);
  for (int round = 0; round < 400; ++round) {
    RandomCase c = MakeRandomCase(rng);
    BusinessTime bt(c.calendar);
    MinuteReference ref(c.calendar, c.begin, c.end);
    const int64_t span = c.end - c.begin;
    for (int q = 0; q < 60; ++q) {
      int64_t a = c.begin + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
      int64_t b = c.begin + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
      if (q % 3 == 0) b = std::min(c.end - 1, a + static_cast<int64_t>(rng() % (6 * kHour)));
      ASSERT_EQ(bt.Elapsed(Instant{a}, Instant{b}), ref.Elapsed(a, b))
          << "round " << round << " zone " << c.calendar.spec().timezone << " a=" << a
          << " b=" << b;
      if (bt.linear()) {  // positions measure the same
        ASSERT_EQ(std::max<int64_t>(0, bt.Position(Instant{b}) - bt.Position(Instant{a})),
                  ref.Elapsed(a, b))
            << "round " << round << " a=" << a << " b=" << b;
      }
    }
  }
}

TEST(BusinessTimePropertyTest, AddIsTheEarliestInstantWithTheCount) {
  std::mt19937_64 rng(20271031);
  for (int round = 0; round < 400; ++round) {
    RandomCase c = MakeRandomCase(rng);
    BusinessTime bt(c.calendar);
    MinuteReference ref(c.calendar, c.begin, c.end);
    const int64_t span = c.end - c.begin;
    for (int q = 0; q < 60; ++q) {
      const Instant t{c.begin + static_cast<int64_t>(rng() % static_cast<uint64_t>(span / 2))};
      const int64_t most = ref.Elapsed(t.seconds, c.end - 1);
      int64_t s = static_cast<int64_t>(rng() % static_cast<uint64_t>(most + 1));
      if (q % 4 == 0) s = std::min<int64_t>(s, static_cast<int64_t>(rng() % 120));
      const Instant u = bt.Add(t, s);
      if (bt.linear()) {
        ASSERT_EQ(bt.AddFrom(t, bt.Position(t), s), u) << "round " << round;
      }
      ASSERT_GE(u, t);
      ASSERT_LT(u.seconds, c.end) << "round " << round;
      ASSERT_EQ(ref.Elapsed(t.seconds, u.seconds), s)
          << "round " << round << " zone " << c.calendar.spec().timezone << " t=" << t.seconds;
      if (s > 0) {
        ASSERT_LT(ref.Elapsed(t.seconds, u.seconds - 1), s) << "round " << round;
      } else {
        ASSERT_EQ(u, t);
      }
      ASSERT_EQ(bt.Elapsed(t, u), s);
    }
  }
}

// Property: over spans of up to two years (well past what the minute reference can cover),
// Elapsed is additive and Add inverts it, with both calls walking or jumping far.
TEST(BusinessTimePropertyTest, LongSpansAreAdditiveAndAddInvertsElapsed) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 60; ++round) {
    RandomCase c = MakeRandomCase(rng);
    BusinessTime bt(c.calendar);
    auto draw = [&rng, &c] {
      return Instant{c.begin + static_cast<int64_t>(rng() % static_cast<uint64_t>(730 * kDay))};
    };
    Instant x = draw(), y = draw(), z = draw();
    if (x > y) std::swap(x, y);
    if (y > z) std::swap(y, z);
    if (x > y) std::swap(x, y);
    const int64_t xz = bt.Elapsed(x, z);
    ASSERT_EQ(bt.Elapsed(x, y) + bt.Elapsed(y, z), xz) << c.calendar.spec().timezone;
    const Instant u = bt.Add(x, xz);
    ASSERT_LE(u, z);
    ASSERT_EQ(bt.Elapsed(x, u), xz);
    if (xz > 0) {
      ASSERT_EQ(bt.Elapsed(u, z), 0);
      ASSERT_LT(bt.Elapsed(x, Instant{u.seconds - 1}), xz);
    }
  }
}

}  // namespace
}  // namespace handoff

namespace handoff {
namespace {

// FormatInstant writes its digits by hand; ParseInstant reads them back to the same instant, in
// fixed and daylight-saving zones, over the whole supported range (fixed seed).
TEST(InstantFormatTest, RoundTripsThroughParseOverRandomInstantsAndZones) {
  const char* zones[] = {"Z",
                         "+08:00",
                         "-03:30",
                         "+05:45",
                         "-12:00",
                         "+14:00",
                         "CET-1CEST,M3.5.0,M10.5.0/3",
                         "EST5EDT,M3.2.0,M11.1.0",
                         "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"};
  const ::testing::Matcher<const std::string&> shape = ::testing::MatchesRegex(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[-+][0-9]{2}:[0-9]{2}(:[0-9]{2})?");
  std::mt19937_64 rng(20261127);
  const Instant lo = *ParseInstant("1900-01-02T00:00:00Z", *TimeZone::Parse("Z"));
  const Instant hi = *ParseInstant("9999-12-30T00:00:00Z", *TimeZone::Parse("Z"));
  for (const char* name : zones) {
    absl::StatusOr<TimeZone> zone = TimeZone::Parse(name);
    ASSERT_TRUE(zone.ok()) << name << ": " << zone.status();
    for (int i = 0; i < 20000; ++i) {
      const Instant t{lo.seconds +
                      static_cast<int64_t>(rng() % static_cast<uint64_t>(hi.seconds - lo.seconds))};
      const std::string text = FormatInstant(t, *zone);
      ASSERT_THAT(text, shape) << name;
      absl::StatusOr<Instant> back = ParseInstant(text, *zone);
      ASSERT_TRUE(back.ok()) << name << " " << text << ": " << back.status();
      ASSERT_EQ(back->seconds, t.seconds) << name << " " << text;
    }
  }
  EXPECT_EQ(FormatIsoDate(Date(1900, 1, 1)), "1900-01-01");
  EXPECT_EQ(FormatIsoDate(Date(2027, 12, 9)), "2027-12-09");
  EXPECT_EQ(FormatIsoDate(Date(9999, 12, 31)), "9999-12-31");
}

}  // namespace
}  // namespace handoff
