// File: handoff/handoff.h
//
// The umbrella header: includes the whole public API of the handoff library.
//
// Example:
//   #include "handoff/handoff.h"
//   absl::StatusOr<handoff::Portfolio> p = handoff::LoadPortfolio(json_text);
#ifndef HANDOFF_HANDOFF_H_
#define HANDOFF_HANDOFF_H_

#include "handoff/business_time.h"  // IWYU pragma: export
#include "handoff/calendar.h"       // IWYU pragma: export
#include "handoff/commands.h"       // IWYU pragma: export
#include "handoff/ids.h"            // IWYU pragma: export
#include "handoff/instant.h"        // IWYU pragma: export
#include "handoff/journal.h"        // IWYU pragma: export
#include "handoff/message.h"        // IWYU pragma: export
#include "handoff/model.h"          // IWYU pragma: export
#include "handoff/portfolio.h"      // IWYU pragma: export
#include "handoff/scenario.h"       // IWYU pragma: export
#include "handoff/sla.h"            // IWYU pragma: export
#include "handoff/time_zone.h"      // IWYU pragma: export
#include "handoff/workspace.h"      // IWYU pragma: export

#endif  // HANDOFF_HANDOFF_H_
