#include "handoff/journal.h"
#include "handoff/workspace.h"
#include "src/internal/strings.h"

namespace handoff {

absl::Status MemoryJournal::Append(const Command& command) {
  std::string record = CommandToJson(command);
  std::lock_guard<std::mutex> lock(mu_);
  records_.push_back(std::move(record));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Command>> MemoryJournal::ReadAll() const {
  static const TimeZone* utc = new TimeZone(*TimeZone::Parse("+00:00"));
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Command> out;
  out.reserve(records_.size());
  for (size_t i = 0; i < records_.size(); ++i) {
    absl::StatusOr<Command> c = ParseCommandJson(records_[i], *utc);
    if (!c.ok()) {
      return absl::DataLossError(
          internal::Cat("journal record ", i + 1, ": ", internal::StdView(c.status().message())));
    }
    out.push_back(*std::move(c));
  }
  return out;
}

uint64_t MemoryJournal::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_.size();
}

std::vector<std::string> MemoryJournal::records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_;
}

absl::Status Replay(const Journal& journal, Workspace& workspace) {
  absl::StatusOr<std::vector<Command>> commands = journal.ReadAll();
  if (!commands.ok()) return commands.status();
  for (size_t i = 0; i < commands->size(); ++i) {
    absl::Status s = workspace.Apply((*commands)[i]);
    if (!s.ok()) {
      return absl::DataLossError(internal::Cat(
          "journal record ", i + 1, " is rejected on replay: ", internal::StdView(s.message())));
    }
  }
  return absl::OkStatus();
}

}  // namespace handoff
