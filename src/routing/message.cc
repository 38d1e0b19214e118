#include "handoff/message.h"

#include "src/internal/format_instant.h"
#include "src/internal/json_text.h"
#include "src/internal/strings.h"
#include "src/routing/message_json.h"

namespace handoff {
namespace internal {

void AppendMessageJson(std::string* out_string, const Message& m, const TimeZone& zone) {
  std::string& out = *out_string;
  // An instant as a JSON string (its text never needs an escape).
  auto instant = [&](Instant t) {
    char text[kInstantChars];
    const size_t n = FormatInstantTo(t, zone, text);
    out += '"';
    out.append(text, n);
    out += '"';
  };
  internal::Append(&out, "{\"seq\":", m.seq, ",\"at\":");
  instant(m.at);
  out += ",\"to\":";
  AppendJsonString(&out, m.to.value());
  out += ",\"kind\":";
  AppendJsonString(&out, m.kind);
  out += ",\"account\":";
  if (m.account.empty()) {
    out += "null";
  } else {
    AppendJsonString(&out, m.account);
  }
  out += ",\"project\":";
  if (m.project.empty()) {
    out += "null";
  } else {
    AppendJsonString(&out, m.project);
  }
  auto optional_field = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    internal::Append(&out, ",\"", name, "\":");
    AppendJsonString(&out, value);
  };
  optional_field("milestone", m.milestone);
  optional_field("feedback", m.feedback);
  optional_field("risk", m.risk);
  optional_field("clock", m.clock);
  if (!m.clock.empty() || m.due) {
    out += ",\"due\":";
    if (m.due) {
      instant(*m.due);
    } else {
      out += "null";
    }
  }
  for (const auto& [name, value] : m.fields) {
    out += ',';
    AppendJsonString(&out, name);
    out += ':';
    out += value;
  }
  out += '}';
}

}  // namespace internal

std::string MessageToJson(const Message& message, const TimeZone& zone) {
  std::string out;
  out.reserve(160);
  internal::AppendMessageJson(&out, message, zone);
  return out;
}

}  // namespace handoff
