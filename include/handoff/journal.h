// File: handoff/journal.h
//
// The journal: the ordered record of every command a Workspace applied, the only source of
// truth. Replaying a journal into a fresh Workspace built from the same portfolio, policies
// and routing gives the identical state and the identical messages. This version ships the
// in-memory journal; the durable (SQLite) journal implements the same interface.
//
// Example:
//   auto journal = std::make_shared<handoff::MemoryJournal>();
//   ws->AttachJournal(journal);
//   ws->Apply(command);                       // appended after it commits
//   auto again = handoff::Workspace::Create(scenario);
//   handoff::Replay(*journal, **again);       // same state, same messages
//
// Records are JSON objects (CommandToJson), instants in UTC. Thread safety: MemoryJournal's
// methods may be called from any thread.
#ifndef HANDOFF_JOURNAL_H_
#define HANDOFF_JOURNAL_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "handoff/commands.h"

namespace handoff {

class Workspace;

class Journal {
 public:
  virtual ~Journal() = default;
  // Appends one applied command. Errors are the store's (Unavailable for a busy store).
  virtual absl::Status Append(const Command& command) = 0;
  // Returns every record in order, decoded. DataLoss naming the record for one that does not
  // decode.
  virtual absl::StatusOr<std::vector<Command>> ReadAll() const = 0;
  // The number of records.
  virtual uint64_t size() const = 0;
};

// A journal kept in memory as encoded records.
class MemoryJournal : public Journal {
 public:
  absl::Status Append(const Command& command) override;
  absl::StatusOr<std::vector<Command>> ReadAll() const override;
  uint64_t size() const override;
  // The encoded records (one JSON object each), in order.
  std::vector<std::string> records() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> records_;
};

// Applies every record of `journal` to `workspace` in order. Returns the first error, naming
// the record's position (DataLoss when a journaled command is rejected on replay: the journal
// does not belong to this workspace's portfolio).
absl::Status Replay(const Journal& journal, Workspace& workspace);

}  // namespace handoff

#endif  // HANDOFF_JOURNAL_H_
