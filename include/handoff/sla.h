// File: handoff/sla.h
//
// SLA policies (spec SLA.md): which feedback items get which business-time targets, when the
// assignee is warned, and who an overdue item escalates to. Policies are an ordered list; the
// first whose `match` fits a feedback item applies (kinds, priorities, account tiers; a missing
// list matches anything).
//
// Example (scenario JSON):
//   {"name": "urgent complaints", "match": {"kinds": ["complaint"], "priorities": ["urgent"]},
//    "first_response_minutes": 120, "resolution_minutes": 960, "warn_at_percent": 80,
//    "escalation": [{"after_minutes": 60, "to": "zhao.lead"}]}
//
// Thread safety: plain values.
#ifndef HANDOFF_SLA_H_
#define HANDOFF_SLA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "handoff/commands.h"
#include "handoff/ids.h"

namespace handoff {

// The two clocks of a feedback item. Values are part of the on-disk format; never renumber.
enum class SlaClockKind : uint8_t { kFirstResponse = 0, kResolution = 1 };
// Returns "first_response" or "resolution".
std::string_view SlaClockName(SlaClockKind kind);

struct SlaEscalationLevel {
  int32_t after_minutes = 0;  // >= 0, counted from the breach in used business time
  PersonId to;
};

struct SlaMatch {
  std::optional<std::vector<FeedbackKind>> kinds;   // absent: any kind
  std::optional<std::vector<Priority>> priorities;  // absent: any priority
  std::optional<std::vector<std::string>> tiers;    // absent: any account (tier or not)
};

struct SlaPolicy {
  std::string name;
  SlaMatch match;
  std::optional<int32_t> first_response_minutes;  // >= 1; absent: that clock has no target
  std::optional<int32_t> resolution_minutes;      // >= 1
  int32_t warn_at_percent = 80;                   // 1..100
  std::vector<SlaEscalationLevel> escalation;
};

// Returns true when `policy` applies to an item of `kind` and `priority` on an account of
// `tier` (empty: the account has no tier, which never matches a `tiers` list).
bool SlaMatches(const SlaPolicy& policy, FeedbackKind kind, Priority priority,
                std::string_view tier);

// Parses a scenario's `sla_policies` array (compact JSON text). InvalidArgument naming the JSON
// pointer (`/sla_policies/0/match/kinds`) and the reason for a wrong type, an unknown member,
// an empty match list, minutes below 1, warn_at_percent outside 1..100 or a negative
// after_minutes. Escalation people are checked by the Workspace.
absl::StatusOr<std::vector<SlaPolicy>> ParseSlaPoliciesJson(std::string_view json_array);
// Encodes policies as the JSON array ParseSlaPoliciesJson reads.
std::string SlaPoliciesToJson(const std::vector<SlaPolicy>& policies);

}  // namespace handoff

#endif  // HANDOFF_SLA_H_
