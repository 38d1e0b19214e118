#include "handoff/instant.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/str_format.h"
#include "src/internal/format_instant.h"
#include "src/internal/strings.h"

namespace handoff {
namespace {

using internal::Cat;

constexpr int64_t kDay = 86400;

constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Days since 1970-01-01 of a proleptic Gregorian date, for any year (H. Hinnant's
// days_from_civil); Boost dates stop at 9999, formatted instants do not.
constexpr int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int64_t month;
  int64_t day;
};

constexpr Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr int64_t kFirstDay = DaysFromCivil(1900, 1, 1);
constexpr int64_t kLastDay = DaysFromCivil(9999, 12, 31);

// TimeZone evaluates its rules with Boost.Date_Time, which throws for years outside 1400..9999.
// Its conversions look up to about two days around the time asked (offsets below 25 h each), so
// they are safe between these bounds; outside them a DST zone is held at the offset it has at the
// nearer bound. The same bounds are used by business_time.cc.
constexpr int64_t kSafeLo = DaysFromCivil(1400, 1, 5) * kDay;
constexpr int64_t kSafeHi = DaysFromCivil(9999, 12, 27) * kDay;

int64_t SafeOffsetAt(const TimeZone& zone, int64_t utc) {
  if (!zone.has_dst()) return zone.OffsetAt(0);
  return zone.OffsetAt(std::clamp(utc, kSafeLo, kSafeHi));
}

int64_t SafeLocalToUtc(const TimeZone& zone, int64_t local) {
  if (local >= kSafeLo && local <= kSafeHi) return zone.LocalToUtc(local);
  return local - SafeOffsetAt(zone, local < kSafeLo ? kSafeLo : kSafeHi);
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly two digits at `text[pos]`.
bool TwoDigits(std::string_view text, size_t pos, int* out) {
  if (pos + 2 > text.size() || !IsDigit(text[pos]) || !IsDigit(text[pos + 1])) return false;
  *out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
  return true;
}

constexpr std::string_view kLayout =
    "expected YYYY-MM-DDTHH:MM[:SS[.fraction]] and then Z, +HH:MM, -HH:MM or nothing";

// Parses the offset suffix: "Z", "+HH:MM", "+HHMM" or "+HH:MM:SS" (and '-'). Empty text is not
// an offset; the caller handles it.
bool ParseOffset(std::string_view s, int64_t* east, std::string* reason) {
  if (s == "Z") {
    *east = 0;
    return true;
  }
  int h = 0, m = 0, sec = 0;
  bool ok = (s[0] == '+' || s[0] == '-') && TwoDigits(s, 1, &h);
  if (ok && s.size() == 5) {
    ok = TwoDigits(s, 3, &m);
  } else if (ok && (s.size() == 6 || s.size() == 9)) {
    ok = s[3] == ':' && TwoDigits(s, 4, &m) &&
         (s.size() == 6 || (s[6] == ':' && TwoDigits(s, 7, &sec)));
  } else {
    ok = false;
  }
  if (!ok) {
    *reason = Cat("\"", s, "\" after the time is not an offset (", kLayout, ")");
    return false;
  }
  if (h > 23 || m > 59 || sec > 59) {
    *reason = Cat("offset \"", s, "\" is out of range (at most 23:59)");
    return false;
  }
  *east = (s[0] == '-' ? -1 : 1) * (h * 3600LL + m * 60LL + sec);
  return true;
}

}  // namespace

absl::StatusOr<Instant> ParseInstant(std::string_view text, const TimeZone& zone) {
  auto bad = [text](std::string_view reason) {
    return absl::InvalidArgumentError(Cat("instant \"", text, "\": ", reason));
  };
  int h = 0, m = 0, s = 0;
  if (text.size() < 16 || text[10] != 'T' || !TwoDigits(text, 11, &h) || text[13] != ':' ||
      !TwoDigits(text, 14, &m)) {
    return bad(Cat("is not an ISO 8601 date and time (", kLayout, ")"));
  }
  absl::StatusOr<Date> date = ParseIsoDate(text.substr(0, 10));
  if (!date.ok()) return bad(internal::StdView(date.status().message()));
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!TwoDigits(text, pos + 1, &s)) {
      return bad(Cat("the seconds are not two digits (", kLayout, ")"));
    }
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      const size_t digits = ++pos;
      while (pos < text.size() && IsDigit(text[pos])) ++pos;
      if (pos == digits) return bad("a '.' after the seconds needs at least one digit");
    }
  }
  if (h > 23) return bad(Cat("hour ", h, " is out of range (00-23)"));
  if (m > 59) return bad(Cat("minute ", m, " is out of range (00-59)"));
  if (s > 59) return bad(Cat("second ", s, " is out of range (00-59; no leap seconds)"));
  const int64_t local = (*date - Date(1970, 1, 1)).days() * kDay + h * 3600LL + m * 60LL + s;
  if (pos == text.size()) return Instant{SafeLocalToUtc(zone, local)};
  int64_t east = 0;
  std::string reason;
  if (!ParseOffset(text.substr(pos), &east, &reason)) return bad(reason);
  return Instant{local - east};
}

namespace internal {

size_t FormatInstantTo(Instant t, const TimeZone& zone, char* out_chars) {
  const int64_t offset = SafeOffsetAt(zone, t.seconds);
  const int64_t local = SaturatingAdd(t.seconds, offset);
  const int64_t days = FloorDiv(local, kDay);
  const int64_t in_day = (local % kDay + kDay) % kDay;  // no days * kDay: it may overflow
  const Civil c = CivilFromDays(days);
  const int64_t a = offset < 0 ? -offset : offset;
  if (c.year < 0 || c.year > 9999 || a >= 100 * 3600) {  // outside the common shape
    std::string out = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year, c.month,
                                      c.day, in_day / 3600, in_day / 60 % 60, in_day % 60,
                                      offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    if (a % 60 != 0) absl::StrAppendFormat(&out, ":%02d", a % 60);
    const size_t size = std::min(out.size(), kInstantChars);
    std::memcpy(out_chars, out.data(), size);
    return size;
  }
  // Digits by hand: this runs for every instant of every rendered message.
  char* out = out_chars;
  size_t n = 0;
  auto two = [&](int64_t v) {
    out[n++] = static_cast<char>('0' + v / 10);
    out[n++] = static_cast<char>('0' + v % 10);
  };
  two(c.year / 100);
  two(c.year % 100);
  out[n++] = '-';
  two(c.month);
  out[n++] = '-';
  two(c.day);
  out[n++] = 'T';
  two(in_day / 3600);
  out[n++] = ':';
  two(in_day / 60 % 60);
  out[n++] = ':';
  two(in_day % 60);
  out[n++] = offset < 0 ? '-' : '+';
  two(a / 3600);
  out[n++] = ':';
  two(a / 60 % 60);
  if (a % 60 != 0) {
    out[n++] = ':';
    two(a % 60);
  }
  return n;
}

}  // namespace internal

std::string FormatInstant(Instant t, const TimeZone& zone) {
  char out[internal::kInstantChars];
  return std::string(out, internal::FormatInstantTo(t, zone, out));
}

Date LocalDate(Instant t, const TimeZone& zone) {
  const int64_t local = SaturatingAdd(t.seconds, SafeOffsetAt(zone, t.seconds));
  const int64_t day = std::clamp(FloorDiv(local, kDay), kFirstDay, kLastDay);
  return Date(1970, 1, 1) + boost::gregorian::days(day);
}

}  // namespace handoff
