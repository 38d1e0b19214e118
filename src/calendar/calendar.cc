#include "handoff/calendar.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "src/internal/strings.h"

namespace handoff {
namespace {

constexpr std::array<std::string_view, 7> kWeekdayNames = {"Mon", "Tue", "Wed", "Thu",
                                                           "Fri", "Sat", "Sun"};
// 1900-01-01 is a Monday: ordinals start there, so every supported date has a non-negative one.
const Date kOrigin(1900, 1, 1);
const Date kMaxDate(9999, 12, 31);
const int64_t kOriginDayNumber = kOrigin.day_number();

// Days from the origin. A valid date's day number is its Julian day count, so the difference of
// two counts; the special values (not_a_date_time, the infinities) keep Boost's arithmetic.
int64_t DayNumber(Date date) {
  if (!date.is_special()) [[likely]] {
    return static_cast<int64_t>(date.day_number()) - kOriginDayNumber;
  }
  return (date - kOrigin).days();
}

bool ParseDigits(std::string_view text, int* out) {
  int value = 0;
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

bool ParseClock(std::string_view text, int* minutes) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || !ParseDigits(text.substr(0, 2), &h) ||
      !ParseDigits(text.substr(3, 2), &m) || m > 59 || h > 24 || (h == 24 && m != 0)) {
    return false;
  }
  *minutes = h * 60 + m;
  return true;
}

}  // namespace

std::string_view WeekdayName(Weekday day) { return kWeekdayNames[static_cast<int>(day)]; }

absl::StatusOr<Weekday> ParseWeekday(std::string_view name) {
  for (int i = 0; i < 7; ++i) {
    if (kWeekdayNames[i] == name) return static_cast<Weekday>(i);
  }
  return absl::InvalidArgumentError(
      internal::Cat("unknown weekday \"", name, "\" (expected Mon, Tue, Wed, Thu, Fri, Sat, Sun)"));
}

Weekday WeekdayOf(Date date) { return static_cast<Weekday>(DayNumber(date) % 7); }

absl::StatusOr<Date> ParseIsoDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), &y) || !ParseDigits(text.substr(5, 2), &m) ||
      !ParseDigits(text.substr(8, 2), &d)) {
    return absl::InvalidArgumentError(
        internal::Cat("\"", text, "\" is not an ISO date (expected YYYY-MM-DD)"));
  }
  if (y < 1900) {
    return absl::InvalidArgumentError(
        internal::Cat("date ", text, " is out of range (1900-01-01 to 9999-12-31)"));
  }
  if (m < 1 || m > 12 || d < 1 ||
      d > boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(y),
                                                                 static_cast<unsigned short>(m))) {
    return absl::InvalidArgumentError(internal::Cat("date ", text, " does not exist"));
  }
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

std::string FormatIsoDate(Date date) {
  auto ymd = date.year_month_day();
  const int y = static_cast<int>(ymd.year), m = static_cast<int>(ymd.month),
            d = static_cast<int>(ymd.day);
  // Digits by hand: this runs for every date in every routed message.
  char out[10] = {static_cast<char>('0' + y / 1000 % 10),
                  static_cast<char>('0' + y / 100 % 10),
                  static_cast<char>('0' + y / 10 % 10),
                  static_cast<char>('0' + y % 10),
                  '-',
                  static_cast<char>('0' + m / 10),
                  static_cast<char>('0' + m % 10),
                  '-',
                  static_cast<char>('0' + d / 10),
                  static_cast<char>('0' + d % 10)};
  return std::string(out, sizeof(out));  // Boost dates run from 1400 to 9999: four digits
}

absl::StatusOr<TimeRange> ParseTimeRange(std::string_view text) {
  TimeRange range;
  if (text.size() != 11 || text[5] != '-' || !ParseClock(text.substr(0, 5), &range.begin_minute) ||
      !ParseClock(text.substr(6, 5), &range.end_minute) || range.begin_minute == 24 * 60) {
    return absl::InvalidArgumentError(
        internal::Cat("\"", text, "\" is not a time range (expected HH:MM-HH:MM)"));
  }
  if (range.end_minute <= range.begin_minute) {
    return absl::InvalidArgumentError(
        internal::Cat("time range \"", text, "\" ends before it begins"));
  }
  return range;
}

std::string FormatTimeRange(const TimeRange& r) {
  return absl::StrFormat("%02d:%02d-%02d:%02d", r.begin_minute / 60, r.begin_minute % 60,
                         r.end_minute / 60, r.end_minute % 60);
}

absl::StatusOr<WorkingCalendar> WorkingCalendar::Create(const CalendarSpec& spec) {
  WorkingCalendar cal;
  cal.spec_ = spec;
  cal.working_.fill(true);
  for (size_t i = 0; i < spec.weekend.size(); ++i) {
    int day = static_cast<int>(spec.weekend[i]);
    if (day < 0 || day > 6) {
      return absl::InvalidArgumentError(internal::Cat("weekend/", i, ": not a weekday"));
    }
    if (!cal.working_[day]) {
      return absl::InvalidArgumentError(
          internal::Cat("weekend/", i, ": \"", WeekdayName(spec.weekend[i]), "\" is listed twice"));
    }
    cal.working_[day] = false;
  }
  for (int day = 0; day < 7; ++day) {
    cal.prefix_[day + 1] = cal.prefix_[day] + (cal.working_[day] ? 1 : 0);
  }
  cal.per_week_ = cal.prefix_[7];
  if (cal.per_week_ == 0) {
    return absl::InvalidArgumentError("weekend: lists all seven days; no day is a working day");
  }
  if (spec.hours.empty()) {
    return absl::InvalidArgumentError("hours: is empty; a working day needs working hours");
  }
  for (size_t i = 0; i < spec.hours.size(); ++i) {
    const TimeRange& r = spec.hours[i];
    if (r.begin_minute < 0 || r.end_minute > 24 * 60 || r.end_minute <= r.begin_minute) {
      return absl::InvalidArgumentError(
          internal::Cat("hours/", i, ": \"", FormatTimeRange(r), "\" is not a valid time range"));
    }
    if (i > 0 && r.begin_minute < spec.hours[i - 1].end_minute) {
      return absl::InvalidArgumentError(
          internal::Cat("hours/", i, ": \"", FormatTimeRange(r), "\" overlaps or precedes \"",
                        FormatTimeRange(spec.hours[i - 1]), "\" (hours must be sorted)"));
    }
  }
  absl::StatusOr<TimeZone> tz = TimeZone::Parse(spec.timezone);
  if (!tz.ok()) {
    return absl::InvalidArgumentError(
        internal::Cat("timezone: ", internal::StdView(tz.status().message())));
  }
  cal.time_zone_ = *tz;
  std::sort(cal.spec_.holidays.begin(), cal.spec_.holidays.end());
  cal.spec_.holidays.erase(std::unique(cal.spec_.holidays.begin(), cal.spec_.holidays.end()),
                           cal.spec_.holidays.end());
  for (Date h : cal.spec_.holidays) {
    if (h < kOrigin) {
      return absl::InvalidArgumentError(
          internal::Cat("holidays: ", FormatIsoDate(h), " is before 1900-01-01"));
    }
    if (cal.working_[static_cast<int>(WeekdayOf(h))]) {
      cal.holiday_ordinals_.push_back(cal.WeekdayOrdinal(h));
    }
  }
  // Ordinal of the last working day on or before kMaxDate: working days before the day after it,
  // minus one. The day after is not a representable Date, so count by day number.
  int64_t n = DayNumber(kMaxDate) + 1;
  int64_t o = (n / 7) * cal.per_week_ + cal.prefix_[n % 7];
  int64_t holidays_before = static_cast<int64_t>(cal.holiday_ordinals_.size());
  cal.max_index_ = static_cast<int32_t>(o - holidays_before - 1);
  // Tables around the holidays: a year on either side, at most kMaxTableDays days.
  constexpr int64_t kMargin = 366, kMaxTableDays = 16384;
  if (!cal.spec_.holidays.empty()) {
    const int64_t first = std::max<int64_t>(0, DayNumber(cal.spec_.holidays.front()) - kMargin);
    const int64_t last = std::min({DayNumber(cal.spec_.holidays.back()) + kMargin,
                                   DayNumber(kMaxDate), first + kMaxTableDays - 1});
    cal.positions_base_ = first;
    cal.positions_.reserve(static_cast<size_t>(last - first + 1));
    for (int64_t day = first; day <= last; ++day) {
      const DayPosition position = cal.ComputePosition(day);
      if (position.working) {
        if (cal.working_days_.empty()) cal.working_base_ = position.index;
        cal.working_days_.push_back(day);
      }
      cal.positions_.push_back(position);
    }
  }
  return cal;
}

int64_t WorkingCalendar::WeekdayOrdinal(Date date) const {
  int64_t n = DayNumber(date);
  return (n / 7) * per_week_ + prefix_[n % 7];
}

bool WorkingCalendar::IsWorkingDay(Date date) const {
  return PositionOfOriginDay(DayNumber(date)).working;
}

namespace {
// Days from the origin (1900-01-01) to 1970-01-01.
const int64_t kEpochFromOrigin = DayNumber(Date(1970, 1, 1));
}  // namespace

WorkingCalendar::DayPosition WorkingCalendar::PositionOfEpochDay(int64_t epoch_day) const {
  return PositionOfOriginDay(epoch_day + kEpochFromOrigin);  // >= 0 for supported dates
}

WorkingCalendar::DayPosition WorkingCalendar::PositionOfOriginDay(int64_t n) const {
  const uint64_t at = static_cast<uint64_t>(n - positions_base_);
  if (at < positions_.size()) return positions_[at];
  return ComputePosition(n);
}

WorkingCalendar::DayPosition WorkingCalendar::ComputePosition(int64_t n) const {
  // Working weekdays before the day is the weekday ordinal o of the first working weekday on or
  // after it; removing the holidays before it gives the number of working days before the day,
  // which is the ordinal of the first working day on or after it. A working weekday is a holiday
  // when its ordinal is listed.
  const int64_t o = (n / 7) * per_week_ + prefix_[n % 7];
  const auto it = std::lower_bound(holiday_ordinals_.begin(), holiday_ordinals_.end(), o);
  return DayPosition{static_cast<int32_t>(o - (it - holiday_ordinals_.begin())),
                     working_[n % 7] && (it == holiday_ordinals_.end() || *it != o)};
}

int64_t WorkingCalendar::EpochDayAt(int32_t k) const {
  const uint64_t at = static_cast<uint64_t>(static_cast<int64_t>(k) - working_base_);
  if (at < working_days_.size()) return working_days_[at] - kEpochFromOrigin;
  return OriginDayAt(k) - kEpochFromOrigin;
}

int32_t WorkingCalendar::IndexOf(Date date) const {
  return PositionOfOriginDay(DayNumber(date)).index;
}

Date WorkingCalendar::DayAt(int32_t k) const {
  return kOrigin + boost::gregorian::days(OriginDayAt(k));
}

int64_t WorkingCalendar::OriginDayAt(int32_t k) const {
  // Holiday j (0-based, sorted) sits after holiday_ordinals_[j] - j working days, so working day
  // k has weekday ordinal k + #{j : holiday_ordinals_[j] - j <= k}. That count is monotone in
  // j; binary search it.
  size_t lo = 0, hi = holiday_ordinals_.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (holiday_ordinals_[mid] - static_cast<int64_t>(mid) <= k) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  int64_t o = static_cast<int64_t>(k) + static_cast<int64_t>(lo);
  int64_t week = o / per_week_;
  int64_t r = o % per_week_;
  int day = 0;
  while (!working_[day] || prefix_[day] != r) ++day;
  return week * 7 + day;
}

}  // namespace handoff
