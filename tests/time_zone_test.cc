// The spec's pinned vectors (SLA.md) and POSIX conventions Boost.Date_Time gets wrong.
#include "handoff/time_zone.h"

#include "gtest/gtest.h"

namespace handoff {
namespace {

// Seconds since the epoch of a UTC (or local wall-clock) date and time.
int64_t T(int y, int mo, int d, int h, int mi) {
  // Days from civil (Howard Hinnant's algorithm), independent of the library.
  y -= mo <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60;
}

TEST(TimeZoneTest, CentralEuropeanRuleVectorsFromTheSpec) {
  TimeZone tz = *TimeZone::Parse("CET-1CEST,M3.5.0,M10.5.0/3");
  EXPECT_EQ(tz.LocalToUtc(T(2027, 3, 29, 9, 0)), T(2027, 3, 29, 7, 0));    // CEST, UTC+2
  EXPECT_EQ(tz.LocalToUtc(T(2027, 3, 26, 9, 0)), T(2027, 3, 26, 8, 0));    // CET, UTC+1
  EXPECT_EQ(tz.LocalToUtc(T(2027, 3, 28, 2, 30)), T(2027, 3, 28, 1, 30));  // in the gap
  EXPECT_EQ(tz.UtcToLocal(T(2027, 3, 28, 1, 30)), T(2027, 3, 28, 3, 30));  // moved forward
}

TEST(TimeZoneTest, UsEasternRuleVectorsFromTheSpec) {
  TimeZone tz = *TimeZone::Parse("EST5EDT,M3.2.0,M11.1.0");
  EXPECT_EQ(tz.LocalToUtc(T(2027, 3, 15, 9, 0)), T(2027, 3, 15, 13, 0));
  EXPECT_EQ(tz.LocalToUtc(T(2027, 11, 8, 9, 0)), T(2027, 11, 8, 14, 0));
  EXPECT_EQ(tz.LocalToUtc(T(2027, 11, 7, 1, 30)), T(2027, 11, 7, 5, 30));  // first occurrence
  // The end rule is read in daylight time: 02:00 EDT on 2027-11-07 is 06:00Z.
  EXPECT_EQ(tz.OffsetAt(T(2027, 11, 7, 5, 59)), -4 * 3600);
  EXPECT_EQ(tz.OffsetAt(T(2027, 11, 7, 6, 0)), -5 * 3600);
  // The start rule is read in standard time: 02:00 EST on 2027-03-14 is 07:00Z.
  EXPECT_EQ(tz.OffsetAt(T(2027, 3, 14, 6, 59)), -5 * 3600);
  EXPECT_EQ(tz.OffsetAt(T(2027, 3, 14, 7, 0)), -4 * 3600);
}

TEST(TimeZoneTest, FixedOffsetsAreEastPositiveLikeIso) {
  EXPECT_EQ(TimeZone::Parse("+08:00")->LocalToUtc(T(2027, 1, 5, 10, 0)), T(2027, 1, 5, 2, 0));
  EXPECT_EQ(TimeZone::Parse("-05:30")->LocalToUtc(T(2027, 1, 5, 10, 0)), T(2027, 1, 5, 15, 30));
  EXPECT_EQ(TimeZone::Parse("Z")->LocalToUtc(T(2027, 1, 5, 10, 0)), T(2027, 1, 5, 10, 0));
  EXPECT_FALSE(TimeZone::Parse("+08:00")->has_dst());
}

TEST(TimeZoneTest, ExplicitDstOffsetJulianRulesAndSouthernHemisphere) {
  // Standard UTC+10, daylight UTC+11 from the first Sunday of October to the first of April.
  TimeZone aus = *TimeZone::Parse("AEST-10AEDT,M10.1.0,M4.1.0/3");
  EXPECT_EQ(aus.OffsetAt(T(2027, 1, 15, 0, 0)), 11 * 3600);
  EXPECT_EQ(aus.OffsetAt(T(2027, 6, 15, 0, 0)), 10 * 3600);
  // An explicit daylight offset of 30 minutes ahead; Julian day rules.
  TimeZone half = *TimeZone::Parse("<+03>-3<+0330>-3:30,J60,J300/1");
  EXPECT_EQ(half.OffsetAt(T(2027, 6, 1, 0, 0)), 3 * 3600 + 1800);
  EXPECT_EQ(half.OffsetAt(T(2027, 12, 1, 0, 0)), 3 * 3600);
}

TEST(TimeZoneTest, PosixOffsetsArePositiveWest) {
  // "UTC+8" is POSIX for eight hours *behind* Greenwich.
  EXPECT_EQ(TimeZone::Parse("UTC+8")->OffsetAt(0), -8 * 3600);
  EXPECT_EQ(TimeZone::Parse("CET-1CEST,M3.5.0,M10.5.0/3")->OffsetAt(T(2027, 1, 10, 0, 0)), 3600);
}

TEST(TimeZoneTest, RejectsMalformedZones) {
  for (const char* bad : {"", "CET", "CET-1CEST", "UTC+", "+8:00", "+25:00", "Mars/Olympus",
                          "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.5.0",
                          "EST5EDT,M3.2.0,M11.1.0x", "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,J0,J100"}) {
    EXPECT_FALSE(TimeZone::Parse(bad).ok()) << "accepted: " << bad;
  }
}

}  // namespace
}  // namespace handoff

namespace handoff {
namespace {

TEST(TimeZoneTest, DstZonesDoNotThrowAtTheEdgesOfTheCalendar) {
  TimeZone tz = *TimeZone::Parse("EST5EDT,M3.2.0,M11.1.0");
  // 10000-01-01T00:00 local (the 24:00 end of 9999-12-31) and far past it.
  const int64_t end_of_9999 = 253402300800;  // 10000-01-01T00:00:00Z
  EXPECT_EQ(tz.LocalToUtc(end_of_9999), end_of_9999 + 5 * 3600);
  EXPECT_EQ(tz.OffsetAt(end_of_9999 + 86400 * 400), -5 * 3600);
  EXPECT_EQ(tz.OffsetAt(-5016384000), -5 * 3600);  // 1811-01-15: winter, standard time
}

}  // namespace
}  // namespace handoff
