// File: handoff/time_zone.h
//
// The calendar's time zone: a fixed offset ("+08:00", "-05:30", "Z") or a POSIX TZ rule with
// explicit rules ("CET-1CEST,M3.5.0,M10.5.0/3"), converted exactly as spec SLA.md says. POSIX
// conventions hold: offsets are positive west of Greenwich, a missing DST offset means one hour
// ahead of standard time, rule times default to 02:00 and may run from -167 to 167 hours, the
// start time is read in standard time and the end time in daylight time. Boost.Date_Time's
// posix_time_zone does not follow these rules, so the conversion is the library's own.
//
// Instants are seconds since 1970-01-01T00:00:00Z; local times are seconds since 1970-01-01T00:00
// of the local wall clock.
//
// Example:
//   handoff::TimeZone tz = *handoff::TimeZone::Parse("EST5EDT,M3.2.0,M11.1.0");
//   int64_t utc = tz.LocalToUtc(local_seconds);   // a gap moves forward; an overlap takes the
//                                                 // first occurrence
//
// Thread safety: immutable after Parse.
#ifndef HANDOFF_TIME_ZONE_H_
#define HANDOFF_TIME_ZONE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace handoff {

class TimeZone {
 public:
  // Parses a fixed offset or a POSIX TZ rule. Returns InvalidArgument naming the reason for
  // anything else (including a DST zone without explicit rules).
  static absl::StatusOr<TimeZone> Parse(std::string_view text);

  // Returns the offset east of UTC, in seconds, in force at UTC instant `utc`.
  int64_t OffsetAt(int64_t utc) const;
  // Converts a UTC instant to local wall-clock seconds.
  int64_t UtcToLocal(int64_t utc) const { return utc + OffsetAt(utc); }
  // Converts local wall-clock seconds to a UTC instant: a local time inside a spring-forward gap
  // is read with the offset in force before the gap; one that occurs twice means the first.
  int64_t LocalToUtc(int64_t local) const;
  // Returns true when the zone has daylight saving time.
  bool has_dst() const { return has_dst_; }

 private:
  struct Rule {
    enum Kind { kJulian1, kJulian0, kMonthWeekDay } kind = kMonthWeekDay;
    int day = 0, week = 0, month = 0;  // meaning depends on kind
    int64_t time = 2 * 3600;           // seconds after local midnight
  };
  // Local seconds (in the time the rule is read in) at which `rule` fires in `year`.
  static int64_t RuleLocal(const Rule& rule, int year);
  bool IsDst(int64_t utc) const;

  int64_t std_west_ = 0;  // POSIX offsets: seconds to add to local time to get UTC
  int64_t dst_west_ = 0;
  bool has_dst_ = false;
  Rule start_, end_;
};

}  // namespace handoff

#endif  // HANDOFF_TIME_ZONE_H_
