// File: handoff/business_time.h
//
// Business-time arithmetic on a `WorkingCalendar` (spec SLA.md, "Arithmetic"), exact to the
// second: how many business seconds lie between two instants, and the instant at which a budget
// of business seconds runs out. SLA clocks measure used time and deadlines with it.
//
// Business time is the union of the calendar's *business intervals*: each working day (a local
// date that is neither a weekend day nor a holiday) times each `hours` range, both ends converted
// from local wall-clock time to instants with the calendar's `TimeZone::LocalToUtc` (a time in a
// spring-forward gap moves forward by the gap's length; a time that occurs twice means its first
// occurrence). A range whose ends come out with end <= start is empty that day. So a 09:00-18:00
// day keeps its 9 hours when the clock changes at 02:00, a 00:00-24:00 day lasts 23 or 25 hours,
// and a range that spans the gap is shorter by it. Where two ranges overlap after conversion
// (possible only next to a gap) the overlap counts once.
//
// Example (CET with Sat/Sun weekend and 09:00-18:00; 2027-03-26 is a Friday):
//   handoff::CalendarSpec spec;
//   spec.timezone = "CET-1CEST,M3.5.0,M10.5.0/3";
//   handoff::BusinessTime bt(*handoff::WorkingCalendar::Create(spec));
//   handoff::Instant logged = *handoff::ParseInstant("2027-03-26T17:00",
//   bt.calendar().time_zone()); handoff::Instant due = bt.Add(logged, 4 * 3600);  // Mon 2027-03-29
//   12:00 CEST (10:00Z) int64_t used = bt.Elapsed(logged, due);            // 4 * 3600
//
// Cost: with a fixed-offset zone both calls are closed forms over the calendar's working-day
// ordinals whatever the span: a table lookup per end within a year of the calendar's holidays,
// O(log H) for H holidays farther away. With daylight-saving rules they walk the
// local days the span covers, a few zone conversions per working day: O(days), never minute by
// minute (a ten-year span is a few thousand steps).
//
// Range: business intervals exist on working days from 1900-01-01 to 9999-12-31 (local); any
// instant may be passed, and outside that window there is simply no business time.
//
// Thread safety: immutable after construction; concurrent calls on one object are safe.
#ifndef HANDOFF_BUSINESS_TIME_H_
#define HANDOFF_BUSINESS_TIME_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "handoff/calendar.h"
#include "handoff/instant.h"

namespace handoff {

// The instant `BusinessTime::Add` returns when the calendar runs out of business time first:
// 10000-01-03T00:00:00Z, later than every business interval in any zone. A deadline there never
// comes; `FormatInstant` still formats it.
inline constexpr Instant kEndOfTime{253402473600};

// BusinessTime
//
// Business-time arithmetic over one calendar.
class BusinessTime {
 public:
  // Builds the arithmetic for `calendar`, keeping a copy of it.
  explicit BusinessTime(const WorkingCalendar& calendar);

  // Elapsed()
  //
  // Returns the business seconds inside [a, b); 0 when b <= a.
  int64_t Elapsed(Instant a, Instant b) const;

  // Add()
  //
  // Returns the earliest instant u >= t with Elapsed(t, u) == seconds. A count that ends exactly
  // at the end of a business interval is due at that end (18:00), not at the next opening;
  // Add(t, 0) == t, and a negative `seconds` counts as 0. When fewer than `seconds` business
  // seconds follow `t` before the supported range ends, returns the later of `t` and
  // `kEndOfTime`.
  Instant Add(Instant t, int64_t seconds) const;

  // Business time as a line, for calendars whose zone has no daylight saving (`linear()`):
  // Position(t) counts the business seconds before `t` from the start of the supported range,
  // so that Elapsed(a, b) == max(0, Position(b) - Position(a)) and
  // Add(t, seconds) == AddFrom(t, Position(t), seconds). A caller that measures from one instant
  // many times (an SLA clock from its start) keeps that instant's position and halves the work.
  bool linear() const { return fixed_; }
  // Requires linear().
  int64_t Position(Instant t) const;
  // Add(t, seconds), given `position` == Position(t). Requires linear().
  Instant AddFrom(Instant t, int64_t position, int64_t seconds) const;

  // Returns the calendar this arithmetic runs on.
  const WorkingCalendar& calendar() const { return calendar_; }

 private:
  class Walker;  // the day-by-day union of business intervals, for zones with DST

  // Fixed-offset zones: business seconds of local wall-clock time in [1900-01-01, local).
  int64_t LocalPrefix(int64_t local) const;

  WorkingCalendar calendar_;
  std::vector<std::pair<int64_t, int64_t>> ranges_;  // `hours` as seconds after local midnight
  int64_t day_seconds_ = 0;                          // business seconds of one working day
  bool fixed_ = true;                                // the zone has no DST
  int64_t east_ = 0;                                 // fixed zones: offset east of UTC
  int64_t total_ = 0;                                // fixed zones: all business seconds
};

}  // namespace handoff

#endif  // HANDOFF_BUSINESS_TIME_H_
