#include "handoff/business_time.h"

#include <algorithm>

namespace handoff {
namespace {

constexpr int64_t kDay = 86400;

constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Days since 1970-01-01 (H. Hinnant's days_from_civil); constexpr, unlike Boost dates.
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

constexpr int64_t kFirstDay = DaysFromCivil(1900, 1, 1);
constexpr int64_t kLastDay = DaysFromCivil(9999, 12, 31);
constexpr int64_t kRangeBegin = kFirstDay * kDay;     // local 1900-01-01T00:00
constexpr int64_t kRangeEnd = (kLastDay + 1) * kDay;  // local 10000-01-01T00:00

// Every zone offset is below 25 hours, so the instant of a local time lies within 25 hours of
// it: a business interval of local day D lies inside [D*kDay - kReach, (D+1)*kDay + kReach).
constexpr int64_t kReach = 2 * kDay;
// Instants are clamped to this window before any arithmetic; nothing outside it is business time.
constexpr int64_t kMinInstant = kRangeBegin - kReach;
constexpr int64_t kMaxInstant = kRangeEnd + kReach;
static_assert(kEndOfTime.seconds == kMaxInstant);

// TimeZone evaluates its rules with Boost.Date_Time, which throws for years outside 1400..9999.
// Near the end of year 9999 a DST zone is held at the offset it has a few days before, exactly as
// instant.cc does, so that ParseInstant and business intervals agree.
constexpr int64_t kSafeLo = DaysFromCivil(1400, 1, 5) * kDay;
constexpr int64_t kSafeHi = DaysFromCivil(9999, 12, 27) * kDay;

int64_t SafeLocalToUtc(const TimeZone& zone, int64_t local) {
  if (local >= kSafeLo && local <= kSafeHi) return zone.LocalToUtc(local);
  return local - zone.OffsetAt(local < kSafeLo ? kSafeLo : kSafeHi);
}

}  // namespace

// Yields business time at or after `from` as disjoint pieces in increasing order (not always
// maximal: adjacent pieces may touch). Business intervals are not sorted by start in general (a
// range that starts inside a gap starts later than the next one), and next to a gap they can
// overlap, even across days; so intervals are buffered until no later day can start before them
// (a day's intervals start no earlier than kReach before its midnight), and each is clipped to
// what earlier pieces already covered. The buffer holds about three days of intervals.
class BusinessTime::Walker {
 public:
  Walker(const BusinessTime& bt, int64_t from)
      : bt_(bt),
        covered_(from),
        next_day_(std::max(kFirstDay, FloorDiv(from - kReach, kDay) - 1)) {}

  // Sets [*begin, *end) to the next piece; returns false when no business time is left.
  bool Next(int64_t* begin, int64_t* end) {
    for (;;) {
      while (next_day_ <= kLastDay &&
             (head_ == pending_.size() || next_day_ * kDay - kReach <= pending_[head_].first)) {
        LoadDay();
      }
      if (head_ == pending_.size()) return false;
      const auto [b, e] = pending_[head_++];
      if (head_ > 64) {
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      if (e <= covered_) continue;
      *begin = std::max(b, covered_);
      *end = covered_ = e;
      return true;
    }
  }

 private:
  void LoadDay() {
    const int64_t day = next_day_++;
    if (!bt_.calendar_.PositionOfEpochDay(day).working) return;
    const TimeZone& zone = bt_.calendar_.time_zone();
    for (const auto& [first, last] : bt_.ranges_) {
      const int64_t b = SafeLocalToUtc(zone, day * kDay + first);
      const int64_t e = SafeLocalToUtc(zone, day * kDay + last);
      if (e <= b || e <= covered_) continue;
      auto at = std::upper_bound(
          pending_.begin() + static_cast<std::ptrdiff_t>(head_), pending_.end(), b,
          [](int64_t x, const std::pair<int64_t, int64_t>& p) { return x < p.first; });
      pending_.insert(at, {b, e});
    }
  }

  const BusinessTime& bt_;
  int64_t covered_;  // business time before this instant has been yielded (or is not wanted)
  int64_t next_day_;
  std::vector<std::pair<int64_t, int64_t>> pending_;  // sorted by start from head_ on
  size_t head_ = 0;
};

BusinessTime::BusinessTime(const WorkingCalendar& calendar) : calendar_(calendar) {
  for (const TimeRange& r : calendar_.spec().hours) {
    ranges_.emplace_back(r.begin_minute * 60LL, r.end_minute * 60LL);
    day_seconds_ += (r.end_minute - r.begin_minute) * 60LL;
  }
  fixed_ = !calendar_.time_zone().has_dst();
  if (fixed_) {
    east_ = calendar_.time_zone().OffsetAt(0);
    total_ = (static_cast<int64_t>(calendar_.MaxIndex()) + 1) * day_seconds_;
  }
}

int64_t BusinessTime::LocalPrefix(int64_t local) const {
  if (local <= kRangeBegin) return 0;
  if (local >= kRangeEnd) return total_;
  const int64_t day = FloorDiv(local, kDay);
  // The index counts the working days from 1900-01-01 up to, not including, the day.
  const WorkingCalendar::DayPosition position = calendar_.PositionOfEpochDay(day);
  int64_t sum = position.index * day_seconds_;
  if (position.working) {
    const int64_t in_day = local - day * kDay;
    for (const auto& [first, last] : ranges_) {
      sum += std::clamp(in_day - first, int64_t{0}, last - first);
    }
  }
  return sum;
}

int64_t BusinessTime::Elapsed(Instant a, Instant b) const {
  const int64_t from = std::clamp(a.seconds, kMinInstant, kMaxInstant);
  const int64_t to = std::clamp(b.seconds, kMinInstant, kMaxInstant);
  if (to <= from) return 0;
  if (fixed_) return Position(b) - Position(a);
  Walker walker(*this, from);
  int64_t sum = 0, begin = 0, end = 0;
  while (walker.Next(&begin, &end) && begin < to) sum += std::min(end, to) - begin;
  return sum;
}

int64_t BusinessTime::Position(Instant t) const {
  return LocalPrefix(std::clamp(t.seconds, kMinInstant, kMaxInstant) + east_);
}

Instant BusinessTime::AddFrom(Instant t, int64_t position, int64_t seconds) const {
  if (seconds <= 0) return t;
  const Instant none = std::max(t, kEndOfTime);
  if (t.seconds >= kMaxInstant || seconds > total_ - position) return none;
  // The target's last second falls on working day n (0-based ordinal), r seconds into it;
  // using target - 1 puts a count that fills a day exactly at that day's end.
  const int64_t target = position + seconds;
  const int64_t n = (target - 1) / day_seconds_;
  int64_t r = target - n * day_seconds_;
  const int64_t day = calendar_.EpochDayAt(static_cast<int32_t>(n));
  for (const auto& [first, last] : ranges_) {
    if (r <= last - first) return Instant{day * kDay + first + r - east_};
    r -= last - first;
  }
  return none;  // unreachable: r <= day_seconds_
}

Instant BusinessTime::Add(Instant t, int64_t seconds) const {
  if (seconds <= 0) return t;
  if (fixed_) return AddFrom(t, Position(t), seconds);
  const Instant none = std::max(t, kEndOfTime);
  if (t.seconds >= kMaxInstant) return none;
  const int64_t from = std::max(t.seconds, kMinInstant);
  Walker walker(*this, from);
  int64_t left = seconds, begin = 0, end = 0;
  while (walker.Next(&begin, &end)) {
    if (end - begin >= left) return Instant{begin + left};
    left -= end - begin;
  }
  return none;
}

}  // namespace handoff
