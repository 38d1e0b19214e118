#include "handoff/time_zone.h"

#include <algorithm>
#include <cctype>

#include "boost/date_time/gregorian/gregorian_types.hpp"
#include "src/internal/strings.h"

namespace handoff {
namespace {

using internal::Cat;

absl::Status Bad(std::string_view text, std::string_view reason) {
  return absl::InvalidArgumentError(Cat("time zone \"", text, "\": ", reason));
}

// A cursor over the TZ text.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Reads up to `max_digits` digits; false when there is none.
  bool Number(int* out, int max_digits = 3) {
    int n = 0, v = 0;
    while (n < max_digits && std::isdigit(static_cast<unsigned char>(peek()))) {
      v = v * 10 + (s[i++] - '0');
      ++n;
    }
    *out = v;
    return n > 0;
  }
};

// std / dst names: three or more letters, or <...> with letters, digits, '+' and '-'.
bool Name(Cursor& c) {
  if (c.eat('<')) {
    size_t begin = c.i;
    while (!c.done() && c.peek() != '>') {
      char ch = c.peek();
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '-') return false;
      ++c.i;
    }
    size_t n = c.i - begin;
    return c.eat('>') && n >= 3;
  }
  size_t begin = c.i;
  while (std::isalpha(static_cast<unsigned char>(c.peek()))) ++c.i;
  return c.i - begin >= 3;
}

// [+-]hh[:mm[:ss]] with hh up to `max_hours`.
bool Hms(Cursor& c, int max_hours, int64_t* out) {
  int sign = 1;
  if (c.eat('-')) {
    sign = -1;
  } else {
    c.eat('+');
  }
  int h = 0, m = 0, sec = 0;
  if (!c.Number(&h, 3) || h > max_hours) return false;
  if (c.eat(':')) {
    if (!c.Number(&m, 2) || m > 59) return false;
    if (c.eat(':') && (!c.Number(&sec, 2) || sec > 59)) return false;
  }
  *out = sign * (h * 3600LL + m * 60LL + sec);
  return true;
}

bool IsFixedOffset(std::string_view tz, int64_t* east) {
  if (tz == "Z") {
    *east = 0;
    return true;
  }
  if ((tz.size() != 3 && tz.size() != 6) || (tz[0] != '+' && tz[0] != '-')) return false;
  auto digits = [](std::string_view d, int* v) {
    if (d.size() != 2 || !std::isdigit(static_cast<unsigned char>(d[0])) ||
        !std::isdigit(static_cast<unsigned char>(d[1]))) {
      return false;
    }
    *v = (d[0] - '0') * 10 + (d[1] - '0');
    return true;
  };
  int h = 0, m = 0;
  if (!digits(tz.substr(1, 2), &h)) return false;
  if (tz.size() == 6 && (tz[3] != ':' || !digits(tz.substr(4, 2), &m))) return false;
  if (h > 18 || m > 59 || h * 60 + m > 18 * 60) return false;
  *east = (tz[0] == '-' ? -1 : 1) * (h * 3600LL + m * 60LL);
  return true;
}

int64_t DaysFromEpoch(int year, int month, int day) {
  static const boost::gregorian::date kEpoch(1970, 1, 1);
  return (boost::gregorian::date(static_cast<unsigned short>(year),
                                 static_cast<unsigned short>(month),
                                 static_cast<unsigned short>(day)) -
          kEpoch)
      .days();
}

// The proleptic Gregorian year of local seconds since the epoch (Howard Hinnant's
// civil_from_days), clamped to the years whose rules Boost's calendar can date (1400..9999):
// outside them the zone keeps the rules of the nearest supported year instead of throwing.
int YearOf(int64_t local_seconds) {
  int64_t z =
      (local_seconds >= 0 ? local_seconds / 86400 : (local_seconds - 86399) / 86400) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t year = yoe + era * 400 + (mp >= 10 ? 1 : 0);
  return static_cast<int>(std::clamp<int64_t>(year, 1400, 9999));
}

}  // namespace

absl::StatusOr<TimeZone> TimeZone::Parse(std::string_view text) {
  TimeZone tz;
  int64_t east = 0;
  if (IsFixedOffset(text, &east)) {
    tz.std_west_ = tz.dst_west_ = -east;
    return tz;
  }
  Cursor c{text};
  if (!Name(c)) {
    return Bad(text,
               "is neither a fixed offset (\"+08:00\", \"-05:30\", \"Z\") nor a POSIX rule "
               "such as \"CET-1CEST,M3.5.0,M10.5.0/3\"");
  }
  if (!Hms(c, 24, &tz.std_west_)) return Bad(text, "the standard offset is missing or malformed");
  tz.dst_west_ = tz.std_west_;
  if (c.done()) return tz;
  if (!Name(c)) return Bad(text, "the daylight-saving zone name is malformed");
  tz.has_dst_ = true;
  tz.dst_west_ = tz.std_west_ - 3600;
  if (c.peek() != ',' && !c.done()) {
    if (!Hms(c, 24, &tz.dst_west_)) return Bad(text, "the daylight-saving offset is malformed");
  }
  if (c.done()) return Bad(text, "a daylight-saving zone needs explicit rules (,start,end)");
  auto rule = [&](Rule* r) {
    if (!c.eat(',')) return false;
    int a = 0, b = 0, d = 0;
    if (c.eat('M')) {
      if (!c.Number(&a, 2) || a < 1 || a > 12 || !c.eat('.') || !c.Number(&b, 1) || b < 1 ||
          b > 5 || !c.eat('.') || !c.Number(&d, 1) || d > 6) {
        return false;
      }
      *r = Rule{Rule::kMonthWeekDay, d, b, a};
    } else if (c.eat('J')) {
      if (!c.Number(&a, 3) || a < 1 || a > 365) return false;
      *r = Rule{Rule::kJulian1, a, 0, 0};
    } else {
      if (!c.Number(&a, 3) || a > 365) return false;
      *r = Rule{Rule::kJulian0, a, 0, 0};
    }
    if (c.eat('/') && !Hms(c, 167, &r->time)) return false;
    return true;
  };
  if (!rule(&tz.start_)) return Bad(text, "the daylight-saving start rule is malformed");
  if (!rule(&tz.end_)) return Bad(text, "the daylight-saving end rule is malformed");
  if (!c.done()) return Bad(text, Cat("unexpected text \"", text.substr(c.i), "\""));
  return tz;
}

int64_t TimeZone::RuleLocal(const Rule& r, int year) {
  int64_t day = 0;
  const bool leap =
      boost::gregorian::gregorian_calendar::is_leap_year(static_cast<unsigned short>(year));
  switch (r.kind) {
    case Rule::kJulian1:  // 1..365, February 29 never counted
      day = DaysFromEpoch(year, 1, 1) + r.day - 1 + (leap && r.day >= 60 ? 1 : 0);
      break;
    case Rule::kJulian0:  // 0..365, February 29 counted
      day = DaysFromEpoch(year, 1, 1) + r.day;
      break;
    case Rule::kMonthWeekDay: {
      boost::gregorian::date first(static_cast<unsigned short>(year),
                                   static_cast<unsigned short>(r.month), 1);
      int first_wd = first.day_of_week().as_number();  // 0 = Sunday, as in POSIX
      int dom = 1 + (r.day - first_wd + 7) % 7 + 7 * (r.week - 1);
      int last = first.end_of_month().day();
      while (dom > last) dom -= 7;
      day = DaysFromEpoch(year, r.month, dom);
      break;
    }
  }
  return day * 86400 + r.time;
}

bool TimeZone::IsDst(int64_t utc) const {
  if (!has_dst_) return false;
  const int year = YearOf(utc - std_west_);
  const int64_t start = RuleLocal(start_, year) + std_west_;  // read in standard time
  const int64_t end = RuleLocal(end_, year) + dst_west_;      // read in daylight time
  if (start < end) return utc >= start && utc < end;
  return utc >= start || utc < end;  // southern hemisphere: DST spans the new year
}

int64_t TimeZone::OffsetAt(int64_t utc) const { return IsDst(utc) ? -dst_west_ : -std_west_; }

int64_t TimeZone::LocalToUtc(int64_t local) const {
  if (!has_dst_) return local + std_west_;
  const int64_t as_std = local + std_west_, as_dst = local + dst_west_;
  const bool std_ok = !IsDst(as_std), dst_ok = IsDst(as_dst);
  if (std_ok && dst_ok) return std::min(as_std, as_dst);  // occurs twice: the first
  if (std_ok) return as_std;
  if (dst_ok) return as_dst;
  // In a gap: read with the offset in force just before it, i.e. at the earlier candidate.
  const int64_t earlier = std::min(as_std, as_dst);
  return local - OffsetAt(earlier);
}

}  // namespace handoff
