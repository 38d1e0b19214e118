// File: handoff/commands.h
//
// Commands: what the PM, the AE or the host tells a `Workspace` (handoff/workspace.h). Each is a
// plain value with the instant it happened (`at`), the acting person (`by`) and a typed payload,
// exactly the events of spec SCENARIO.md. Commands encode to and decode from JSON (the scenario
// file's `events` entries, and the journal's records).
//
// Example:
//   handoff::Command c;
//   c.at = *handoff::ParseInstant("2027-01-05T10:00:00+08:00", zone);
//   c.by = handoff::PersonId("chen.ae");
//   c.payload = handoff::LogFeedback{.id = "F1", .project = handoff::ProjectId("P1"),
//                                    .kind = handoff::FeedbackKind::kComplaint, ...};
//
// Enum values are part of the on-disk format; never renumber. Thread safety: plain values.
#ifndef HANDOFF_COMMANDS_H_
#define HANDOFF_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "handoff/calendar.h"
#include "handoff/ids.h"
#include "handoff/instant.h"
#include "handoff/model.h"
#include "handoff/portfolio.h"

namespace handoff {

struct FeedbackTag {};
struct RiskTag {};
struct OpportunityTag {};
using FeedbackId = Id<FeedbackTag>;
using RiskId = Id<RiskTag>;
using OpportunityId = Id<OpportunityTag>;

enum class FeedbackKind : uint8_t {
  kComplaint = 0,
  kChangeRequest = 1,
  kQuestion = 2,
  kBug = 3,
  kPraise = 4
};
enum class Channel : uint8_t { kMeeting = 0, kPhone = 1, kEmail = 2, kIm = 3 };
enum class Priority : uint8_t { kLow = 0, kNormal = 1, kHigh = 2, kUrgent = 3 };
enum class FeedbackState : uint8_t {
  kNew = 0,
  kAcknowledged = 1,
  kInProgress = 2,
  kWaitingOnCustomer = 3,
  kResolved = 4,
  kClosed = 5
};
enum class Health : uint8_t { kGreen = 0, kAmber = 1, kRed = 2 };
enum class RiskSeverity : uint8_t { kLow = 0, kMedium = 1, kHigh = 2 };

// Names as written in files ("complaint", "change_request", ...) and their parsers; the parsers
// return InvalidArgument listing the accepted names.
std::string_view FeedbackKindName(FeedbackKind v);
std::string_view ChannelName(Channel v);
std::string_view PriorityName(Priority v);
std::string_view FeedbackStateName(FeedbackState v);
std::string_view HealthName(Health v);
std::string_view RiskSeverityName(RiskSeverity v);
absl::StatusOr<FeedbackKind> ParseFeedbackKind(std::string_view name);
absl::StatusOr<Channel> ParseChannel(std::string_view name);
absl::StatusOr<Priority> ParsePriority(std::string_view name);
absl::StatusOr<FeedbackState> ParseFeedbackState(std::string_view name);
absl::StatusOr<Health> ParseHealth(std::string_view name);
absl::StatusOr<RiskSeverity> ParseRiskSeverity(std::string_view name);

// --- AE side -------------------------------------------------------------------------------
struct LogFeedback {
  FeedbackId id;
  ProjectId project;
  MilestoneId milestone;  // optional
  FeedbackKind kind = FeedbackKind::kQuestion;
  Channel channel = Channel::kEmail;
  Priority priority = Priority::kNormal;
  std::string text;
};
struct CustomerReplied {
  FeedbackId feedback;
  std::string text;
};
struct ConfirmResolution {
  FeedbackId feedback;
};
struct ReopenFeedback {
  FeedbackId feedback;
  std::string text;
};
struct RecordCsat {
  ProjectId project;
  int32_t score = 0;  // 1..5
  std::string comment;
};
struct LogTouchpoint {
  AccountId account;
  Channel channel = Channel::kMeeting;
  std::string text;
};
struct LogOpportunity {
  OpportunityId id;
  AccountId account;
  int64_t amount = 0;  // in the account's currency, whole units, >= 0
  std::string text;
};
struct RecordRenewal {
  AccountId account;
  bool renewed = true;  // false: the customer churned
  int64_t amount = 0;
};

// --- PM side -------------------------------------------------------------------------------
struct RespondFeedback {
  FeedbackId feedback;
  std::string text;
};
struct SetFeedbackState {
  FeedbackId feedback;
  FeedbackState state = FeedbackState::kInProgress;  // in_progress, waiting_on_customer, resolved
  std::string text;                                  // optional
};
struct UpdateMilestone {
  MilestoneId milestone;
  MilestoneStatus status = MilestoneStatus::kInProgress;
  std::optional<int32_t> percent;
  std::optional<int32_t> remaining_days;
  std::optional<Date> finished_on;
};
struct RaiseRisk {
  RiskId id;
  ProjectId project;
  std::vector<MilestoneId> milestones;  // the milestones it threatens (of any project)
  RiskSeverity severity = RiskSeverity::kMedium;
  std::string text;
};
struct CloseRisk {
  RiskId risk;
  std::string text;  // optional
};
struct SetHealth {
  ProjectId project;
  std::optional<Health> health;  // empty: drop the override, back to the computed health
  std::string reason;            // required with a health
};
// A change request turned into milestone edits, applied atomically.
struct AcceptChange {
  FeedbackId feedback;  // a change_request of the project
  struct DurationEdit {
    MilestoneId milestone;
    int32_t duration_days = 0;
  };
  struct LinkEdit {
    MilestoneId milestone;   // the successor
    MilestoneId depends_on;  // the predecessor
    int32_t lag_days = 0;
  };
  std::vector<DurationEdit> durations;
  std::vector<Milestone> new_milestones;  // added to the feedback's project
  std::vector<LinkEdit> links;
  std::string text;  // optional
};
struct RecordCost {
  ProjectId project;
  int64_t planned = 0;  // budgeted cost of the work this record covers
  int64_t actual = 0;   // what it actually cost
  std::string note;
};
struct SetBaseline {
  ProjectId project;
};
struct CloseProject {
  ProjectId project;
  std::string lessons;
};
struct SetFeedbackPriority {
  FeedbackId feedback;
  Priority priority = Priority::kNormal;
};

// --- anyone --------------------------------------------------------------------------------
struct Tick {};

using CommandPayload =
    std::variant<LogFeedback, RespondFeedback, SetFeedbackState, CustomerReplied, ConfirmResolution,
                 ReopenFeedback, SetFeedbackPriority, UpdateMilestone, RaiseRisk, CloseRisk,
                 SetHealth, AcceptChange, RecordCost, SetBaseline, CloseProject, RecordCsat,
                 LogTouchpoint, LogOpportunity, RecordRenewal, Tick>;

struct Command {
  Instant at;
  PersonId by;
  CommandPayload payload;
};

// Returns the file name of the command's type ("log_feedback", ..., "tick").
std::string_view CommandTypeName(const Command& command);

// Decodes one event object (compact JSON text) of a scenario file; instants without an offset
// are local time in `zone`. Errors name the JSON pointer below `pointer` (e.g.
// "/events/17/milestone") and the reason; InvalidArgument.
absl::StatusOr<Command> ParseCommandJson(std::string_view json_text, const TimeZone& zone,
                                         std::string_view pointer = "");
// Decodes a scenario's `events` array.
absl::StatusOr<std::vector<Command>> ParseCommandsJson(std::string_view json_array_text,
                                                       const TimeZone& zone);
// Encodes a command as one compact JSON object (instants in UTC, "Z"-free "+00:00" form) that
// ParseCommandJson reads back to an equal command.
std::string CommandToJson(const Command& command);

}  // namespace handoff

#endif  // HANDOFF_COMMANDS_H_
