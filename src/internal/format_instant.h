// Private: FormatInstant into a caller's buffer, for renderers that append many instants (a
// digest's items) without a string per instant.
#ifndef HANDOFF_SRC_INTERNAL_FORMAT_INSTANT_H_
#define HANDOFF_SRC_INTERNAL_FORMAT_INSTANT_H_

#include <cstddef>

#include "handoff/instant.h"
#include "handoff/time_zone.h"

namespace handoff::internal {

// Room for any formatted instant (the longest, far outside the supported years, is under 40).
inline constexpr size_t kInstantChars = 64;

// Writes FormatInstant(t, zone) to `out` (kInstantChars of room) and returns its length.
size_t FormatInstantTo(Instant t, const TimeZone& zone, char* out);

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_INTERNAL_FORMAT_INSTANT_H_
