// Private: MessageToJson appending to a string, for callers that render many messages into one
// text (a digest's items) without a string per message.
#ifndef HANDOFF_SRC_ROUTING_MESSAGE_JSON_H_
#define HANDOFF_SRC_ROUTING_MESSAGE_JSON_H_

#include <string>

#include "handoff/message.h"
#include "handoff/time_zone.h"

namespace handoff::internal {

// Appends MessageToJson(message, zone) to `out`.
void AppendMessageJson(std::string* out, const Message& message, const TimeZone& zone);

}  // namespace handoff::internal

#endif  // HANDOFF_SRC_ROUTING_MESSAGE_JSON_H_
