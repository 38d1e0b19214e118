#include <algorithm>

#include "handoff/sla.h"
#include "nlohmann/json.hpp"
#include "src/internal/status_macros.h"
#include "src/internal/strings.h"
#include "src/io/json_reader.h"

namespace handoff {
namespace {

using internal::Cat;
using nlohmann::json;
using namespace internal::json_reader;  // NOLINT: the reader helpers

template <typename E, typename Parse>
absl::StatusOr<std::optional<std::vector<E>>> EnumList(const json& match, const std::string& ptr,
                                                       std::string_view key, Parse parse) {
  const json* m = Member(match, key);
  if (m == nullptr) return std::optional<std::vector<E>>();
  std::string p = Cat(ptr, "/", key);
  HANDOFF_ASSIGN_OR_RETURN(const json* arr, AsArray(*m, p));
  if (arr->empty()) return Bad(p, "is empty; leave the list out to match anything");
  std::vector<E> out;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string ip = Cat(p, "/", i);
    HANDOFF_ASSIGN_OR_RETURN(std::string name, AsString((*arr)[i], ip));
    absl::StatusOr<E> v = parse(name);
    if (!v.ok()) return Bad(ip, internal::StdView(v.status().message()));
    out.push_back(*v);
  }
  return std::optional<std::vector<E>>(std::move(out));
}

absl::StatusOr<std::optional<int32_t>> Minutes(const json& obj, const std::string& ptr,
                                               std::string_view key) {
  const json* m = Member(obj, key);
  if (m == nullptr) return std::optional<int32_t>();
  std::string p = Cat(ptr, "/", key);
  HANDOFF_ASSIGN_OR_RETURN(int32_t v, AsInt(*m, p));
  if (v < 1) return Bad(p, Cat(key, " ", v, " must be at least 1"));
  return std::optional<int32_t>(v);
}

}  // namespace

std::string_view SlaClockName(SlaClockKind kind) {
  return kind == SlaClockKind::kFirstResponse ? "first_response" : "resolution";
}

bool SlaMatches(const SlaPolicy& policy, FeedbackKind kind, Priority priority,
                std::string_view tier) {
  const SlaMatch& m = policy.match;
  if (m.kinds && std::find(m.kinds->begin(), m.kinds->end(), kind) == m.kinds->end()) {
    return false;
  }
  if (m.priorities &&
      std::find(m.priorities->begin(), m.priorities->end(), priority) == m.priorities->end()) {
    return false;
  }
  if (m.tiers) {
    if (tier.empty()) return false;
    if (std::find(m.tiers->begin(), m.tiers->end(), tier) == m.tiers->end()) return false;
  }
  return true;
}

absl::StatusOr<std::vector<SlaPolicy>> ParseSlaPoliciesJson(std::string_view text) {
  json arr = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (arr.is_discarded()) return Bad("/sla_policies", "invalid JSON");
  if (!arr.is_array()) return Bad("/sla_policies", Cat("must be an array, got ", TypeName(arr)));
  std::vector<SlaPolicy> out;
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& e = arr[i];
    std::string ptr = Cat("/sla_policies/", i);
    HANDOFF_RETURN_IF_ERROR(ExpectObject(e, ptr,
                                         {"name", "match", "first_response_minutes",
                                          "resolution_minutes", "warn_at_percent", "escalation"}));
    SlaPolicy p;
    HANDOFF_RETURN_IF_ERROR(OptString(e, ptr, "name", &p.name));
    if (const json* match = Member(e, "match")) {
      std::string mp = Cat(ptr, "/match");
      HANDOFF_RETURN_IF_ERROR(ExpectObject(*match, mp, {"kinds", "priorities", "tiers"}));
      HANDOFF_ASSIGN_OR_RETURN(p.match.kinds,
                               EnumList<FeedbackKind>(*match, mp, "kinds", ParseFeedbackKind));
      HANDOFF_ASSIGN_OR_RETURN(p.match.priorities,
                               EnumList<Priority>(*match, mp, "priorities", ParsePriority));
      if (const json* tiers = Member(*match, "tiers")) {
        std::string tp = Cat(mp, "/tiers");
        HANDOFF_ASSIGN_OR_RETURN(const json* t, AsArray(*tiers, tp));
        if (t->empty()) return Bad(tp, "is empty; leave the list out to match anything");
        std::vector<std::string> names;
        for (size_t k = 0; k < t->size(); ++k) {
          HANDOFF_ASSIGN_OR_RETURN(std::string name, AsId((*t)[k], Cat(tp, "/", k)));
          names.push_back(std::move(name));
        }
        p.match.tiers = std::move(names);
      }
    }
    HANDOFF_ASSIGN_OR_RETURN(p.first_response_minutes, Minutes(e, ptr, "first_response_minutes"));
    HANDOFF_ASSIGN_OR_RETURN(p.resolution_minutes, Minutes(e, ptr, "resolution_minutes"));
    if (const json* w = Member(e, "warn_at_percent")) {
      std::string wp = Cat(ptr, "/warn_at_percent");
      HANDOFF_ASSIGN_OR_RETURN(p.warn_at_percent, AsInt(*w, wp));
      if (p.warn_at_percent < 1 || p.warn_at_percent > 100) {
        return Bad(wp, Cat("warn_at_percent ", p.warn_at_percent, " is outside 1..100"));
      }
    }
    if (const json* esc = Member(e, "escalation")) {
      std::string ep = Cat(ptr, "/escalation");
      HANDOFF_ASSIGN_OR_RETURN(const json* levels, AsArray(*esc, ep));
      for (size_t k = 0; k < levels->size(); ++k) {
        std::string lp = Cat(ep, "/", k);
        HANDOFF_RETURN_IF_ERROR(ExpectObject((*levels)[k], lp, {"after_minutes", "to"}));
        SlaEscalationLevel level;
        HANDOFF_ASSIGN_OR_RETURN(const json* after, Required((*levels)[k], lp, "after_minutes"));
        HANDOFF_ASSIGN_OR_RETURN(level.after_minutes, AsInt(*after, Cat(lp, "/after_minutes")));
        if (level.after_minutes < 0) {
          return Bad(Cat(lp, "/after_minutes"),
                     Cat("after_minutes ", level.after_minutes, " must not be negative"));
        }
        HANDOFF_ASSIGN_OR_RETURN(const json* to, Required((*levels)[k], lp, "to"));
        HANDOFF_ASSIGN_OR_RETURN(std::string to_id, AsId(*to, Cat(lp, "/to")));
        level.to = PersonId(std::move(to_id));
        p.escalation.push_back(std::move(level));
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string SlaPoliciesToJson(const std::vector<SlaPolicy>& policies) {
  json arr = json::array();
  for (const SlaPolicy& p : policies) {
    json o;
    if (!p.name.empty()) o["name"] = p.name;
    json match = json::object();
    if (p.match.kinds) {
      match["kinds"] = json::array();
      for (FeedbackKind k : *p.match.kinds) match["kinds"].push_back(FeedbackKindName(k));
    }
    if (p.match.priorities) {
      match["priorities"] = json::array();
      for (Priority k : *p.match.priorities) match["priorities"].push_back(PriorityName(k));
    }
    if (p.match.tiers) match["tiers"] = *p.match.tiers;
    o["match"] = std::move(match);
    if (p.first_response_minutes) o["first_response_minutes"] = *p.first_response_minutes;
    if (p.resolution_minutes) o["resolution_minutes"] = *p.resolution_minutes;
    o["warn_at_percent"] = p.warn_at_percent;
    o["escalation"] = json::array();
    for (const SlaEscalationLevel& l : p.escalation) {
      o["escalation"].push_back({{"after_minutes", l.after_minutes}, {"to", l.to.value()}});
    }
    arr.push_back(std::move(o));
  }
  return arr.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace handoff
