// File: handoff/message.h
//
// Routed messages: what a `Workspace` tells a person (an AE, a PM, an assignee, an escalation
// lead). Every message is built for one recipient and carries only what that recipient's
// accounts may see. `MessageToJson` gives the `handoff run` line (spec SCENARIO.md): `seq`,
// `at`, `to`, `kind`, `account`, `project`, then `milestone` / `feedback` / `risk` where it
// concerns one, then the kind's own fields.
//
// Kinds: PM -> AE `milestone_started`, `milestone_done`, `milestone_blocked`,
// `forecast_changed`, `risk_raised`, `risk_closed`, `health_changed`, `change_accepted`,
// `feedback_responded`, `feedback_state_changed`, `project_closed`; AE -> PM `feedback_logged`,
// `customer_replied`, `feedback_closed`, `feedback_reopened`; both ways
// `feedback_priority_changed`; SLA `sla_warning`, `sla_breached`, `escalated`; and `digest`
// (held messages delivered together). docs/messages.md lists each kind's fields.
//
// Thread safety: plain values.
#ifndef HANDOFF_MESSAGE_H_
#define HANDOFF_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "handoff/ids.h"
#include "handoff/instant.h"
#include "handoff/time_zone.h"

namespace handoff {

// A message's own fields: (name, JSON value text) pairs, in order. Every kind has at most five,
// kept inline (a sequence container: iterate, index, compare, emplace_back).
using MessageFields = absl::InlinedVector<std::pair<std::string, std::string>, 5>;

struct Message {
  uint64_t seq = 0;  // delivery order over the whole workspace, from 1
  Instant at;        // the command's instant, or the timer's for timer messages
  PersonId to;
  std::string kind;
  std::string account;         // the account it concerns (the recipient's, for an AE)
  std::string project;         // empty when none
  std::string milestone;       // empty when none
  std::string feedback;        // empty when none
  std::string risk;            // empty when none
  std::string clock;           // SLA messages: "first_response" or "resolution"
  std::optional<Instant> due;  // SLA messages and feedback_logged: the target's due instant
  // The kind's own fields, in order, as (name, JSON value text) pairs, e.g. ("slip_days", "3"),
  // ("text", "\"Login is slow\"").
  MessageFields fields;
};

// Renders the `handoff run` line: a compact JSON object, instants in `zone`'s offset.
std::string MessageToJson(const Message& message, const TimeZone& zone);

}  // namespace handoff

#endif  // HANDOFF_MESSAGE_H_
