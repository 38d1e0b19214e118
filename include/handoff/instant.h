// File: handoff/instant.h
//
// Instants: points in time as whole seconds since 1970-01-01T00:00:00Z, with no leap seconds.
// Every command, timer and SLA deadline is an `Instant`; the calendar's `TimeZone` only matters
// when an instant is read from or written as text, and when its local date is needed.
//
// Text is ISO 8601 (spec SLA.md, "Arithmetic"): `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by an
// offset (`Z`, `+HH:MM`, `-HH:MM`, `+HHMM`) or by nothing, in which case it is local wall-clock
// time in the calendar's zone, read by `TimeZone::LocalToUtc` (a time inside a spring-forward gap
// moves forward by the gap; one that occurs twice means its first occurrence). Fractional seconds
// are dropped, never rounded.
//
// Example:
//   handoff::TimeZone cet = *handoff::TimeZone::Parse("CET-1CEST,M3.5.0,M10.5.0/3");
//   handoff::Instant t = *handoff::ParseInstant("2027-03-29T09:00", cet);  // 07:00Z (CEST)
//   std::string s = handoff::FormatInstant(t, cet);     // "2027-03-29T09:00:00+02:00"
//   handoff::Date d = handoff::LocalDate(t, cet);       // 2027-03-29
//
// Supported range: local dates 1900-01-01 to 9999-12-31. `TimeZone` reads its rules through
// Boost.Date_Time, which knows years 1400..9999 only, so within a few days of either end of that
// window these functions hold a daylight-saving zone at the offset it has there instead of letting
// an exception escape.
//
// Thread safety: `Instant` is a plain value; the functions are pure and safe to call concurrently.
#ifndef HANDOFF_INSTANT_H_
#define HANDOFF_INSTANT_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "handoff/calendar.h"
#include "handoff/time_zone.h"

namespace handoff {

// Instant
//
// A UTC instant, whole seconds since 1970-01-01T00:00:00Z.
struct Instant {
  int64_t seconds = 0;
  friend auto operator<=>(const Instant&, const Instant&) = default;
  friend bool operator==(const Instant&, const Instant&) = default;
};

// ParseInstant()
//
// Parses ISO 8601 `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, `+HH:MM`, `-HH:MM` or
// `+HHMM` (also `+HH:MM:SS`, which `FormatInstant` writes for the rare zone whose offset has
// seconds), or by nothing: then the text is local time in `zone`, a gap time moving forward and
// an overlap time meaning its first occurrence. Fractional seconds (`.` and one or more digits
// after the seconds) are dropped. Returns InvalidArgument naming the text and the reason for
// anything else: a malformed layout, a date that does not exist or lies outside 1900-01-01 ..
// 9999-12-31, an hour above 23 (`24:00` included), a minute or second above 59 (no leap
// seconds), an offset above 23:59, or text after the offset. `T` and `Z` are upper case.
absl::StatusOr<Instant> ParseInstant(std::string_view text, const TimeZone& zone);

// FormatInstant()
//
// Formats `t` as `YYYY-MM-DDTHH:MM:SS+HH:MM`, the local time and the offset `zone` has at `t`
// (`+00:00` for UTC, never `Z`). An offset with a seconds part, which only an exotic POSIX rule
// gives, is written `+HH:MM:SS` so that `ParseInstant` reads the text back to `t`. Never fails;
// instants outside the supported range are formatted with the zone held at its nearest end.
std::string FormatInstant(Instant t, const TimeZone& zone);

// LocalDate()
//
// Returns the local calendar date of `t` in `zone` (the date of `t` plus the offset in force at
// `t`). Instants whose local date lies outside 1900-01-01 .. 9999-12-31 give the nearest end of
// that range.
Date LocalDate(Instant t, const TimeZone& zone);

}  // namespace handoff

#endif  // HANDOFF_INSTANT_H_
