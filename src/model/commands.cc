#include "handoff/commands.h"

#include <array>
#include <type_traits>
#include <utility>

#include "nlohmann/json.hpp"
#include "src/internal/status_macros.h"
#include "src/internal/strings.h"
#include "src/io/json_reader.h"

namespace handoff {
namespace {

using internal::Cat;
using nlohmann::json;
using namespace internal::json_reader;  // NOLINT: the reader helpers

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, E v) {
  size_t i = static_cast<size_t>(v);
  return i < N ? names[i] : std::string_view("?");
}

template <typename E, size_t N>
absl::StatusOr<E> Lookup(const std::array<std::string_view, N>& names, std::string_view what,
                         std::string_view name) {
  std::string list;
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
    internal::Append(&list, i == 0 ? "" : ", ", names[i]);
  }
  return absl::InvalidArgumentError(
      Cat("unknown ", what, " \"", name, "\" (expected one of: ", list, ")"));
}

constexpr std::array<std::string_view, 5> kKinds = {"complaint", "change_request", "question",
                                                    "bug", "praise"};
constexpr std::array<std::string_view, 4> kChannels = {"meeting", "phone", "email", "im"};
constexpr std::array<std::string_view, 4> kPriorities = {"low", "normal", "high", "urgent"};
constexpr std::array<std::string_view, 6> kStates = {
    "new", "acknowledged", "in_progress", "waiting_on_customer", "resolved", "closed"};
constexpr std::array<std::string_view, 3> kHealths = {"green", "amber", "red"};
constexpr std::array<std::string_view, 3> kSeverities = {"low", "medium", "high"};

// The file names of the command types, in CommandPayload's alternative order.
constexpr std::array<std::string_view, std::variant_size_v<CommandPayload>> kTypeNames = {
    "log_feedback",
    "respond_feedback",
    "set_feedback_state",
    "customer_replied",
    "confirm_resolution",
    "reopen_feedback",
    "set_feedback_priority",
    "update_milestone",
    "raise_risk",
    "close_risk",
    "set_health",
    "accept_change",
    "record_cost",
    "set_baseline",
    "close_project",
    "record_csat",
    "log_touchpoint",
    "log_opportunity",
    "record_renewal",
    "tick"};

// Reads an enum member through `parse`.
template <typename E, typename Parse>
absl::StatusOr<E> AsEnum(const json& obj, const std::string& ptr, std::string_view key,
                         Parse parse) {
  HANDOFF_ASSIGN_OR_RETURN(const json* m, Required(obj, ptr, key));
  std::string p = Cat(ptr, "/", key);
  HANDOFF_ASSIGN_OR_RETURN(std::string name, AsString(*m, p));
  absl::StatusOr<E> v = parse(name);
  if (!v.ok()) return Bad(p, internal::StdView(v.status().message()));
  return *v;
}

absl::StatusOr<int64_t> AsInt64(const json& j, const std::string& ptr) {
  if (!j.is_number_integer()) return Bad(ptr, Cat("must be an integer, got ", TypeName(j)));
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Bad(ptr, Cat("integer ", j.dump(), " is out of range"));
  }
  return j.get<int64_t>();
}

absl::StatusOr<bool> AsBool(const json& j, const std::string& ptr) {
  if (!j.is_boolean()) return Bad(ptr, Cat("must be true or false, got ", TypeName(j)));
  return j.get<bool>();
}

template <typename IdT>
absl::StatusOr<IdT> ReqId(const json& obj, const std::string& ptr, std::string_view key) {
  HANDOFF_ASSIGN_OR_RETURN(const json* m, Required(obj, ptr, key));
  HANDOFF_ASSIGN_OR_RETURN(std::string s, AsId(*m, Cat(ptr, "/", key)));
  return IdT(std::move(s));
}

absl::StatusOr<std::string> ReqString(const json& obj, const std::string& ptr,
                                      std::string_view key) {
  HANDOFF_ASSIGN_OR_RETURN(const json* m, Required(obj, ptr, key));
  return AsString(*m, Cat(ptr, "/", key));
}

absl::Status OptInt(const json& obj, const std::string& ptr, std::string_view key,
                    std::optional<int32_t>* out) {
  if (const json* m = Member(obj, key)) {
    HANDOFF_ASSIGN_OR_RETURN(int32_t v, AsInt(*m, Cat(ptr, "/", key)));
    *out = v;
  }
  return absl::OkStatus();
}

absl::Status OptInt64(const json& obj, const std::string& ptr, std::string_view key, int64_t* out) {
  if (const json* m = Member(obj, key)) {
    HANDOFF_ASSIGN_OR_RETURN(*out, AsInt64(*m, Cat(ptr, "/", key)));
  }
  return absl::OkStatus();
}

// Payload readers: `obj` is the event object, `ptr` its pointer.
absl::StatusOr<CommandPayload> ReadPayload(std::string_view type, const json& obj,
                                           const std::string& ptr) {
  auto expect = [&](std::initializer_list<std::string_view> payload_keys) {
    std::vector<std::string_view> keys = {"at", "by", "type"};
    keys.insert(keys.end(), payload_keys.begin(), payload_keys.end());
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool known = false;
      for (std::string_view k : keys) known = known || k == it.key();
      if (!known) {
        std::string list;
        for (std::string_view k : keys) internal::Append(&list, list.empty() ? "" : ", ", k);
        return Bad(
            Cat(ptr, "/", PointerToken(it.key())),
            Cat("unknown member \"", it.key(), "\" for ", type, " (expected one of: ", list, ")"));
      }
    }
    return absl::OkStatus();
  };
  if (type == "log_feedback") {
    HANDOFF_RETURN_IF_ERROR(
        expect({"id", "project", "milestone", "kind", "channel", "priority", "text"}));
    LogFeedback p;
    HANDOFF_ASSIGN_OR_RETURN(p.id, ReqId<FeedbackId>(obj, ptr, "id"));
    HANDOFF_ASSIGN_OR_RETURN(p.project, ReqId<ProjectId>(obj, ptr, "project"));
    HANDOFF_RETURN_IF_ERROR(OptId(obj, ptr, "milestone", &p.milestone));
    HANDOFF_ASSIGN_OR_RETURN(p.kind, AsEnum<FeedbackKind>(obj, ptr, "kind", ParseFeedbackKind));
    HANDOFF_ASSIGN_OR_RETURN(p.channel, AsEnum<Channel>(obj, ptr, "channel", ParseChannel));
    HANDOFF_ASSIGN_OR_RETURN(p.priority, AsEnum<Priority>(obj, ptr, "priority", ParsePriority));
    HANDOFF_ASSIGN_OR_RETURN(p.text, ReqString(obj, ptr, "text"));
    return p;
  }
  if (type == "respond_feedback") {
    HANDOFF_RETURN_IF_ERROR(expect({"feedback", "text"}));
    RespondFeedback p;
    HANDOFF_ASSIGN_OR_RETURN(p.feedback, ReqId<FeedbackId>(obj, ptr, "feedback"));
    HANDOFF_ASSIGN_OR_RETURN(p.text, ReqString(obj, ptr, "text"));
    return p;
  }
  if (type == "set_feedback_state") {
    HANDOFF_RETURN_IF_ERROR(expect({"feedback", "state", "text"}));
    SetFeedbackState p;
    HANDOFF_ASSIGN_OR_RETURN(p.feedback, ReqId<FeedbackId>(obj, ptr, "feedback"));
    HANDOFF_ASSIGN_OR_RETURN(p.state, AsEnum<FeedbackState>(obj, ptr, "state", ParseFeedbackState));
    if (p.state != FeedbackState::kInProgress && p.state != FeedbackState::kWaitingOnCustomer &&
        p.state != FeedbackState::kResolved) {
      return Bad(Cat(ptr, "/state"),
                 Cat("state \"", FeedbackStateName(p.state),
                     "\" cannot be set (expected in_progress, waiting_on_customer, resolved)"));
    }
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "text", &p.text));
    return p;
  }
  if (type == "customer_replied" || type == "reopen_feedback") {
    HANDOFF_RETURN_IF_ERROR(expect({"feedback", "text"}));
    HANDOFF_ASSIGN_OR_RETURN(FeedbackId f, ReqId<FeedbackId>(obj, ptr, "feedback"));
    HANDOFF_ASSIGN_OR_RETURN(std::string text, ReqString(obj, ptr, "text"));
    if (type == "customer_replied") return CustomerReplied{std::move(f), std::move(text)};
    return ReopenFeedback{std::move(f), std::move(text)};
  }
  if (type == "confirm_resolution") {
    HANDOFF_RETURN_IF_ERROR(expect({"feedback"}));
    HANDOFF_ASSIGN_OR_RETURN(FeedbackId f, ReqId<FeedbackId>(obj, ptr, "feedback"));
    return ConfirmResolution{std::move(f)};
  }
  if (type == "set_feedback_priority") {
    HANDOFF_RETURN_IF_ERROR(expect({"feedback", "priority"}));
    SetFeedbackPriority p;
    HANDOFF_ASSIGN_OR_RETURN(p.feedback, ReqId<FeedbackId>(obj, ptr, "feedback"));
    HANDOFF_ASSIGN_OR_RETURN(p.priority, AsEnum<Priority>(obj, ptr, "priority", ParsePriority));
    return p;
  }
  if (type == "update_milestone") {
    HANDOFF_RETURN_IF_ERROR(
        expect({"milestone", "status", "percent", "remaining_days", "finished_on"}));
    UpdateMilestone p;
    HANDOFF_ASSIGN_OR_RETURN(p.milestone, ReqId<MilestoneId>(obj, ptr, "milestone"));
    HANDOFF_ASSIGN_OR_RETURN(p.status,
                             AsEnum<MilestoneStatus>(obj, ptr, "status", ParseMilestoneStatus));
    HANDOFF_RETURN_IF_ERROR(OptInt(obj, ptr, "percent", &p.percent));
    HANDOFF_RETURN_IF_ERROR(OptInt(obj, ptr, "remaining_days", &p.remaining_days));
    if (const json* f = Member(obj, "finished_on")) {
      HANDOFF_ASSIGN_OR_RETURN(Date d, AsDate(*f, Cat(ptr, "/finished_on")));
      p.finished_on = d;
    }
    return p;
  }
  if (type == "raise_risk") {
    HANDOFF_RETURN_IF_ERROR(expect({"id", "project", "milestones", "severity", "text"}));
    RaiseRisk p;
    HANDOFF_ASSIGN_OR_RETURN(p.id, ReqId<RiskId>(obj, ptr, "id"));
    HANDOFF_ASSIGN_OR_RETURN(p.project, ReqId<ProjectId>(obj, ptr, "project"));
    if (const json* ms = Member(obj, "milestones")) {
      HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*ms, Cat(ptr, "/milestones")));
      for (size_t i = 0; i < arr->size(); ++i) {
        HANDOFF_ASSIGN_OR_RETURN(std::string id, AsId((*arr)[i], Cat(ptr, "/milestones/", i)));
        p.milestones.emplace_back(std::move(id));
      }
    }
    if (Member(obj, "severity") != nullptr) {
      HANDOFF_ASSIGN_OR_RETURN(p.severity,
                               AsEnum<RiskSeverity>(obj, ptr, "severity", ParseRiskSeverity));
    }
    HANDOFF_ASSIGN_OR_RETURN(p.text, ReqString(obj, ptr, "text"));
    return p;
  }
  if (type == "close_risk") {
    HANDOFF_RETURN_IF_ERROR(expect({"risk", "text"}));
    CloseRisk p;
    HANDOFF_ASSIGN_OR_RETURN(p.risk, ReqId<RiskId>(obj, ptr, "risk"));
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "text", &p.text));
    return p;
  }
  if (type == "set_health") {
    HANDOFF_RETURN_IF_ERROR(expect({"project", "health", "reason"}));
    SetHealth p;
    HANDOFF_ASSIGN_OR_RETURN(p.project, ReqId<ProjectId>(obj, ptr, "project"));
    HANDOFF_ASSIGN_OR_RETURN(std::string h, ReqString(obj, ptr, "health"));
    if (h != "auto") {
      absl::StatusOr<Health> health = ParseHealth(h);
      if (!health.ok()) {
        return Bad(Cat(ptr, "/health"), Cat(internal::StdView(health.status().message()),
                                            " or \"auto\" to drop the override"));
      }
      p.health = *health;
    }
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "reason", &p.reason));
    return p;
  }
  if (type == "accept_change") {
    HANDOFF_RETURN_IF_ERROR(expect({"feedback", "durations", "new_milestones", "links", "text"}));
    AcceptChange p;
    HANDOFF_ASSIGN_OR_RETURN(p.feedback, ReqId<FeedbackId>(obj, ptr, "feedback"));
    if (const json* d = Member(obj, "durations")) {
      HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*d, Cat(ptr, "/durations")));
      for (size_t i = 0; i < arr->size(); ++i) {
        std::string ep = Cat(ptr, "/durations/", i);
        HANDOFF_RETURN_IF_ERROR(ExpectObject((*arr)[i], ep, {"milestone", "duration_days"}));
        AcceptChange::DurationEdit e;
        HANDOFF_ASSIGN_OR_RETURN(e.milestone, ReqId<MilestoneId>((*arr)[i], ep, "milestone"));
        HANDOFF_ASSIGN_OR_RETURN(const json* days, Required((*arr)[i], ep, "duration_days"));
        HANDOFF_ASSIGN_OR_RETURN(e.duration_days, AsInt(*days, Cat(ep, "/duration_days")));
        p.durations.push_back(std::move(e));
      }
    }
    if (const json* n = Member(obj, "new_milestones")) {
      HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*n, Cat(ptr, "/new_milestones")));
      for (size_t i = 0; i < arr->size(); ++i) {
        HANDOFF_ASSIGN_OR_RETURN(
            Milestone m, internal::ParseMilestoneJson((*arr)[i], Cat(ptr, "/new_milestones/", i)));
        p.new_milestones.push_back(std::move(m));
      }
    }
    if (const json* l = Member(obj, "links")) {
      HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*l, Cat(ptr, "/links")));
      for (size_t i = 0; i < arr->size(); ++i) {
        std::string ep = Cat(ptr, "/links/", i);
        HANDOFF_RETURN_IF_ERROR(
            ExpectObject((*arr)[i], ep, {"milestone", "depends_on", "lag_days"}));
        AcceptChange::LinkEdit e;
        HANDOFF_ASSIGN_OR_RETURN(e.milestone, ReqId<MilestoneId>((*arr)[i], ep, "milestone"));
        HANDOFF_ASSIGN_OR_RETURN(e.depends_on, ReqId<MilestoneId>((*arr)[i], ep, "depends_on"));
        if (const json* lag = Member((*arr)[i], "lag_days")) {
          HANDOFF_ASSIGN_OR_RETURN(e.lag_days, AsInt(*lag, Cat(ep, "/lag_days")));
        }
        p.links.push_back(std::move(e));
      }
    }
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "text", &p.text));
    return p;
  }
  if (type == "record_cost") {
    HANDOFF_RETURN_IF_ERROR(expect({"project", "planned", "actual", "note"}));
    RecordCost p;
    HANDOFF_ASSIGN_OR_RETURN(p.project, ReqId<ProjectId>(obj, ptr, "project"));
    HANDOFF_RETURN_IF_ERROR(OptInt64(obj, ptr, "planned", &p.planned));
    HANDOFF_RETURN_IF_ERROR(OptInt64(obj, ptr, "actual", &p.actual));
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "note", &p.note));
    return p;
  }
  if (type == "set_baseline") {
    HANDOFF_RETURN_IF_ERROR(expect({"project"}));
    HANDOFF_ASSIGN_OR_RETURN(ProjectId id, ReqId<ProjectId>(obj, ptr, "project"));
    return SetBaseline{std::move(id)};
  }
  if (type == "close_project") {
    HANDOFF_RETURN_IF_ERROR(expect({"project", "lessons"}));
    CloseProject p;
    HANDOFF_ASSIGN_OR_RETURN(p.project, ReqId<ProjectId>(obj, ptr, "project"));
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "lessons", &p.lessons));
    return p;
  }
  if (type == "record_csat") {
    HANDOFF_RETURN_IF_ERROR(expect({"project", "score", "comment"}));
    RecordCsat p;
    HANDOFF_ASSIGN_OR_RETURN(p.project, ReqId<ProjectId>(obj, ptr, "project"));
    HANDOFF_ASSIGN_OR_RETURN(const json* score, Required(obj, ptr, "score"));
    HANDOFF_ASSIGN_OR_RETURN(p.score, AsInt(*score, Cat(ptr, "/score")));
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "comment", &p.comment));
    return p;
  }
  if (type == "log_touchpoint") {
    HANDOFF_RETURN_IF_ERROR(expect({"account", "channel", "text"}));
    LogTouchpoint p;
    HANDOFF_ASSIGN_OR_RETURN(p.account, ReqId<AccountId>(obj, ptr, "account"));
    HANDOFF_ASSIGN_OR_RETURN(p.channel, AsEnum<Channel>(obj, ptr, "channel", ParseChannel));
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "text", &p.text));
    return p;
  }
  if (type == "log_opportunity") {
    HANDOFF_RETURN_IF_ERROR(expect({"id", "account", "amount", "text"}));
    LogOpportunity p;
    HANDOFF_ASSIGN_OR_RETURN(p.id, ReqId<OpportunityId>(obj, ptr, "id"));
    HANDOFF_ASSIGN_OR_RETURN(p.account, ReqId<AccountId>(obj, ptr, "account"));
    HANDOFF_RETURN_IF_ERROR(OptInt64(obj, ptr, "amount", &p.amount));
    HANDOFF_RETURN_IF_ERROR(OptString(obj, ptr, "text", &p.text));
    return p;
  }
  if (type == "record_renewal") {
    HANDOFF_RETURN_IF_ERROR(expect({"account", "renewed", "amount"}));
    RecordRenewal p;
    HANDOFF_ASSIGN_OR_RETURN(p.account, ReqId<AccountId>(obj, ptr, "account"));
    if (const json* r = Member(obj, "renewed")) {
      HANDOFF_ASSIGN_OR_RETURN(p.renewed, AsBool(*r, Cat(ptr, "/renewed")));
    }
    HANDOFF_RETURN_IF_ERROR(OptInt64(obj, ptr, "amount", &p.amount));
    return p;
  }
  if (type == "tick") {
    HANDOFF_RETURN_IF_ERROR(expect({}));
    return Tick{};
  }
  std::string list;
  for (std::string_view n : kTypeNames) internal::Append(&list, list.empty() ? "" : ", ", n);
  return Bad(Cat(ptr, "/type"),
             Cat("unknown event type \"", type, "\" (expected one of: ", list, ")"));
}

absl::StatusOr<Command> ReadCommand(const json& obj, const TimeZone& zone, const std::string& ptr) {
  if (!obj.is_object()) return Bad(ptr, Cat("must be an object, got ", TypeName(obj)));
  Command c;
  HANDOFF_ASSIGN_OR_RETURN(std::string at, ReqString(obj, ptr, "at"));
  absl::StatusOr<Instant> instant = ParseInstant(at, zone);
  if (!instant.ok()) return Bad(Cat(ptr, "/at"), internal::StdView(instant.status().message()));
  c.at = *instant;
  HANDOFF_ASSIGN_OR_RETURN(c.by, ReqId<PersonId>(obj, ptr, "by"));
  HANDOFF_ASSIGN_OR_RETURN(std::string type, ReqString(obj, ptr, "type"));
  HANDOFF_ASSIGN_OR_RETURN(c.payload, ReadPayload(type, obj, ptr));
  return c;
}

// --- encoding ------------------------------------------------------------------------------

const TimeZone& Utc() {
  static const TimeZone* utc = new TimeZone(*TimeZone::Parse("+00:00"));
  return *utc;
}

struct Encoder {
  json& o;
  void operator()(const LogFeedback& p) {
    o["id"] = p.id.value();
    o["project"] = p.project.value();
    if (!p.milestone.empty()) o["milestone"] = p.milestone.value();
    o["kind"] = FeedbackKindName(p.kind);
    o["channel"] = ChannelName(p.channel);
    o["priority"] = PriorityName(p.priority);
    o["text"] = p.text;
  }
  void operator()(const RespondFeedback& p) {
    o["feedback"] = p.feedback.value();
    o["text"] = p.text;
  }
  void operator()(const SetFeedbackState& p) {
    o["feedback"] = p.feedback.value();
    o["state"] = FeedbackStateName(p.state);
    if (!p.text.empty()) o["text"] = p.text;
  }
  void operator()(const CustomerReplied& p) {
    o["feedback"] = p.feedback.value();
    o["text"] = p.text;
  }
  void operator()(const ConfirmResolution& p) { o["feedback"] = p.feedback.value(); }
  void operator()(const ReopenFeedback& p) {
    o["feedback"] = p.feedback.value();
    o["text"] = p.text;
  }
  void operator()(const SetFeedbackPriority& p) {
    o["feedback"] = p.feedback.value();
    o["priority"] = PriorityName(p.priority);
  }
  void operator()(const UpdateMilestone& p) {
    o["milestone"] = p.milestone.value();
    o["status"] = MilestoneStatusName(p.status);
    if (p.percent) o["percent"] = *p.percent;
    if (p.remaining_days) o["remaining_days"] = *p.remaining_days;
    if (p.finished_on) o["finished_on"] = FormatIsoDate(*p.finished_on);
  }
  void operator()(const RaiseRisk& p) {
    o["id"] = p.id.value();
    o["project"] = p.project.value();
    o["milestones"] = json::array();
    for (const MilestoneId& m : p.milestones) o["milestones"].push_back(m.value());
    o["severity"] = RiskSeverityName(p.severity);
    o["text"] = p.text;
  }
  void operator()(const CloseRisk& p) {
    o["risk"] = p.risk.value();
    if (!p.text.empty()) o["text"] = p.text;
  }
  void operator()(const SetHealth& p) {
    o["project"] = p.project.value();
    o["health"] = p.health ? std::string(HealthName(*p.health)) : std::string("auto");
    if (!p.reason.empty()) o["reason"] = p.reason;
  }
  void operator()(const AcceptChange& p) {
    o["feedback"] = p.feedback.value();
    o["durations"] = json::array();
    for (const auto& d : p.durations) {
      o["durations"].push_back(
          {{"milestone", d.milestone.value()}, {"duration_days", d.duration_days}});
    }
    o["new_milestones"] = json::array();
    for (const Milestone& m : p.new_milestones) {
      json mo;
      mo["id"] = m.id.value();
      if (!m.name.empty()) mo["name"] = m.name;
      mo["duration_days"] = m.duration_days;
      if (m.customer_visible) mo["customer_visible"] = true;
      if (!m.owner.empty()) mo["owner"] = m.owner.value();
      mo["depends_on"] = json::array();
      for (const Dependency& d : m.depends_on) {
        mo["depends_on"].push_back({{"id", d.id.value()}, {"lag_days", d.lag_days}});
      }
      o["new_milestones"].push_back(std::move(mo));
    }
    o["links"] = json::array();
    for (const auto& l : p.links) {
      o["links"].push_back({{"milestone", l.milestone.value()},
                            {"depends_on", l.depends_on.value()},
                            {"lag_days", l.lag_days}});
    }
    if (!p.text.empty()) o["text"] = p.text;
  }
  void operator()(const RecordCost& p) {
    o["project"] = p.project.value();
    o["planned"] = p.planned;
    o["actual"] = p.actual;
    if (!p.note.empty()) o["note"] = p.note;
  }
  void operator()(const SetBaseline& p) { o["project"] = p.project.value(); }
  void operator()(const CloseProject& p) {
    o["project"] = p.project.value();
    if (!p.lessons.empty()) o["lessons"] = p.lessons;
  }
  void operator()(const RecordCsat& p) {
    o["project"] = p.project.value();
    o["score"] = p.score;
    if (!p.comment.empty()) o["comment"] = p.comment;
  }
  void operator()(const LogTouchpoint& p) {
    o["account"] = p.account.value();
    o["channel"] = ChannelName(p.channel);
    if (!p.text.empty()) o["text"] = p.text;
  }
  void operator()(const LogOpportunity& p) {
    o["id"] = p.id.value();
    o["account"] = p.account.value();
    o["amount"] = p.amount;
    if (!p.text.empty()) o["text"] = p.text;
  }
  void operator()(const RecordRenewal& p) {
    o["account"] = p.account.value();
    o["renewed"] = p.renewed;
    o["amount"] = p.amount;
  }
  void operator()(const Tick&) {}
};

}  // namespace

std::string_view FeedbackKindName(FeedbackKind v) { return NameOf(kKinds, v); }
std::string_view ChannelName(Channel v) { return NameOf(kChannels, v); }
std::string_view PriorityName(Priority v) { return NameOf(kPriorities, v); }
std::string_view FeedbackStateName(FeedbackState v) { return NameOf(kStates, v); }
std::string_view HealthName(Health v) { return NameOf(kHealths, v); }
std::string_view RiskSeverityName(RiskSeverity v) { return NameOf(kSeverities, v); }
absl::StatusOr<FeedbackKind> ParseFeedbackKind(std::string_view n) {
  return Lookup<FeedbackKind>(kKinds, "kind", n);
}
absl::StatusOr<Channel> ParseChannel(std::string_view n) {
  return Lookup<Channel>(kChannels, "channel", n);
}
absl::StatusOr<Priority> ParsePriority(std::string_view n) {
  return Lookup<Priority>(kPriorities, "priority", n);
}
absl::StatusOr<FeedbackState> ParseFeedbackState(std::string_view n) {
  return Lookup<FeedbackState>(kStates, "state", n);
}
absl::StatusOr<Health> ParseHealth(std::string_view n) {
  return Lookup<Health>(kHealths, "health", n);
}
absl::StatusOr<RiskSeverity> ParseRiskSeverity(std::string_view n) {
  return Lookup<RiskSeverity>(kSeverities, "severity", n);
}

std::string_view CommandTypeName(const Command& command) {
  return kTypeNames[command.payload.index()];
}

absl::StatusOr<Command> ParseCommandJson(std::string_view text, const TimeZone& zone,
                                         std::string_view pointer) {
  json obj = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (obj.is_discarded()) return Bad(pointer, "invalid JSON");
  return ReadCommand(obj, zone, std::string(pointer));
}

absl::StatusOr<std::vector<Command>> ParseCommandsJson(std::string_view text,
                                                       const TimeZone& zone) {
  json arr = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (arr.is_discarded()) return Bad("/events", "invalid JSON");
  if (!arr.is_array()) return Bad("/events", Cat("must be an array, got ", TypeName(arr)));
  std::vector<Command> out;
  out.reserve(arr.size());
  for (size_t i = 0; i < arr.size(); ++i) {
    HANDOFF_ASSIGN_OR_RETURN(Command c, ReadCommand(arr[i], zone, Cat("/events/", i)));
    out.push_back(std::move(c));
  }
  return out;
}

std::string CommandToJson(const Command& command) {
  json o;
  o["at"] = FormatInstant(command.at, Utc());
  o["by"] = command.by.value();
  o["type"] = CommandTypeName(command);
  std::visit(Encoder{o}, command.payload);
  return o.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace handoff
