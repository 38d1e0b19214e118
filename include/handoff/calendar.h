// File: handoff/calendar.h
//
// The delivery team's working calendar: which dates are working days (weekend weekdays and
// holidays are not), the business hours of a working day and the time zone they are read in.
//
// Schedules are computed on *working-day ordinals*: `IndexOf(d)` numbers the working days
// (`W[0] < W[1] < ...`, see spec SCHEDULING.md) and `DayAt(k)` maps an ordinal back to its date.
// Both are O(log H) for H holidays (a binary search over the holidays that fall on working
// weekdays) and O(1) otherwise: no day-by-day loops.
//
// Example:
//   handoff::CalendarSpec spec;                     // Sat/Sun weekend, 09:00-18:00, UTC
//   spec.holidays = {handoff::Date(2027, 1, 1)};
//   absl::StatusOr<handoff::WorkingCalendar> cal = handoff::WorkingCalendar::Create(spec);
//   int32_t k = cal->IndexOf(handoff::Date(2027, 1, 1));  // the ordinal of Mon 2027-01-04
//   handoff::Date d = cal->DayAt(k + 4);                  // Fri 2027-01-08
//
// Thread safety: a `WorkingCalendar` is immutable after `Create`; concurrent reads are safe.
#ifndef HANDOFF_CALENDAR_H_
#define HANDOFF_CALENDAR_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/date_time/gregorian/gregorian_types.hpp"
#include "handoff/time_zone.h"

namespace handoff {

// A calendar date (proleptic Gregorian). The library accepts dates from 1900-01-01 to
// 9999-12-31; nothing it computes may fall outside that range.
using Date = boost::gregorian::date;

// Weekdays in ISO order. The numeric values are part of the on-disk format; never renumber.
enum class Weekday : uint8_t {
  kMon = 0,
  kTue = 1,
  kWed = 2,
  kThu = 3,
  kFri = 4,
  kSat = 5,
  kSun = 6
};

// Returns the three-letter name used in scenario files ("Mon" .. "Sun").
std::string_view WeekdayName(Weekday day);
// Parses "Mon" .. "Sun" (exact case). Returns InvalidArgument for anything else.
absl::StatusOr<Weekday> ParseWeekday(std::string_view name);
// Returns the ISO weekday of `date`.
Weekday WeekdayOf(Date date);

// Parses an ISO `YYYY-MM-DD` date in the supported range. Returns InvalidArgument (naming the
// reason) for any other text, an impossible date such as 2027-02-30, or a date out of range.
absl::StatusOr<Date> ParseIsoDate(std::string_view text);
// Formats `date` as `YYYY-MM-DD`.
std::string FormatIsoDate(Date date);

// A half-open interval of local wall-clock time within one day, in minutes since midnight:
// [begin_minute, end_minute). `end_minute` may be 1440 (24:00).
struct TimeRange {
  int begin_minute = 0;
  int end_minute = 0;
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// Parses "HH:MM-HH:MM" (24:00 allowed only as an end). Returns InvalidArgument when malformed or
// when the end is not after the start.
absl::StatusOr<TimeRange> ParseTimeRange(std::string_view text);
// Formats as "HH:MM-HH:MM".
std::string FormatTimeRange(const TimeRange& range);

// The calendar as it is written in a scenario file; plain value, validated by
// `WorkingCalendar::Create`.
struct CalendarSpec {
  // Weekdays that are not worked. Default: Sat, Sun. May be empty; may not list all seven.
  std::vector<Weekday> weekend = {Weekday::kSat, Weekday::kSun};
  // Dates that are not worked (local dates). Duplicates and weekend dates are harmless.
  std::vector<Date> holidays;
  // Working intervals of a working day: sorted, non-overlapping (adjacent is fine), non-empty.
  // Default: 09:00-18:00.
  std::vector<TimeRange> hours = {TimeRange{9 * 60, 18 * 60}};
  // A fixed offset ("+08:00", "-05:30", "Z") or a POSIX TZ rule (spec SLA.md).
  // Default: "+00:00".
  std::string timezone = "+00:00";
};

// WorkingCalendar
//
// The validated, indexed form of a `CalendarSpec`. Ordinals count working days from an origin
// (1900-01-01) so every supported date has a non-negative ordinal.
class WorkingCalendar {
 public:
  // Validates `spec` and builds the index. Returns InvalidArgument naming the field (`weekend`,
  // `hours/1`, `timezone`) and the reason when the weekend lists all seven days or a day twice,
  // when hours are empty, unsorted or overlapping, or when the time zone does not parse.
  static absl::StatusOr<WorkingCalendar> Create(const CalendarSpec& spec);

  // Returns the spec this calendar was built from (holidays sorted and deduplicated).
  const CalendarSpec& spec() const { return spec_; }

  // Returns true when `date` is neither a weekend day nor a holiday.
  bool IsWorkingDay(Date date) const;
  // Returns idx(date): the ordinal of the first working day on or after `date`.
  int32_t IndexOf(Date date) const;
  // Returns W[k], the date of working day `k` (k >= 0). Dates past 9999-12-31 are not
  // representable; callers check `k <= MaxIndex()` first.
  Date DayAt(int32_t k) const;
  // The same questions by day number (days since 1970-01-01, as instants count them), for
  // business-time arithmetic: one table lookup near the holidays (one search elsewhere) answers
  // both, and no Date is built.
  // `epoch_day` must lie in 1900-01-01 .. 9999-12-31.
  struct DayPosition {
    int32_t index = 0;     // IndexOf(the day)
    bool working = false;  // IsWorkingDay(the day)
  };
  DayPosition PositionOfEpochDay(int64_t epoch_day) const;
  // DayAt(k) as a day number (days since 1970-01-01); k as for DayAt.
  int64_t EpochDayAt(int32_t k) const;
  // Returns the ordinal of the last working day on or before 9999-12-31.
  int32_t MaxIndex() const { return max_index_; }
  // Returns the parsed time zone.
  const TimeZone& time_zone() const { return time_zone_; }

 private:
  WorkingCalendar() = default;
  // Working weekdays strictly before `date`, counted from the origin (holidays not removed).
  int64_t WeekdayOrdinal(Date date) const;
  // Days from the origin to DayAt(k).
  int64_t OriginDayAt(int32_t k) const;
  // PositionOfEpochDay by the weekly pattern and a search of the holidays.
  DayPosition ComputePosition(int64_t origin_day) const;
  // The same, looked up in the table near the holidays (computed elsewhere): what IndexOf,
  // IsWorkingDay and PositionOfEpochDay answer with.
  DayPosition PositionOfOriginDay(int64_t origin_day) const;

  CalendarSpec spec_;
  std::array<bool, 7> working_{};          // by Weekday
  std::array<int32_t, 8> prefix_{};        // working weekdays in [Mon, day) of a week
  int32_t per_week_ = 0;                   // working weekdays per week
  std::vector<int64_t> holiday_ordinals_;  // weekday ordinals of holidays on working weekdays
  int32_t max_index_ = 0;
  TimeZone time_zone_;
  // Around the holidays (where the searches are), the answers of PositionOfEpochDay and
  // EpochDayAt for consecutive days, looked up instead of searched: positions_[i] is the
  // position of origin day positions_base_ + i, and working_days_[j] the origin day of working
  // day working_base_ + j. Empty without holidays.
  int64_t positions_base_ = 0;
  std::vector<DayPosition> positions_;
  int32_t working_base_ = 0;
  std::vector<int64_t> working_days_;
};

}  // namespace handoff

#endif  // HANDOFF_CALENDAR_H_
