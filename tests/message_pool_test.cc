// The message pool of src/routing/message_pool.h: a released message comes back empty, its
// strings keeping their buffers, and a draft's long fields take the buffers its slot kept;
// releases on other threads are safe (run under ThreadSanitizer too); the pool destroys what it
// keeps (LeakSanitizer in the debug preset).
#include "src/routing/message_pool.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace handoff::internal {
namespace {

// Every member of `m`, as a Message{} has them.
void ExpectEmpty(const Message& m) {
  EXPECT_EQ(m.seq, 0u);
  EXPECT_EQ(m.at, Instant{});
  EXPECT_TRUE(m.to.empty());
  EXPECT_TRUE(m.kind.empty());
  EXPECT_TRUE(m.account.empty());
  EXPECT_TRUE(m.project.empty());
  EXPECT_TRUE(m.milestone.empty());
  EXPECT_TRUE(m.feedback.empty());
  EXPECT_TRUE(m.risk.empty());
  EXPECT_TRUE(m.clock.empty());
  EXPECT_FALSE(m.due.has_value());
  EXPECT_TRUE(m.fields.empty());
}

// Sets every member, strings longer than a std::string keeps inline.
void Fill(Message& m, int i) {
  const std::string tail = " of message number " + std::to_string(i);
  m.seq = static_cast<uint64_t>(i) + 1;
  m.at = Instant{1'800'000'000 + i};
  m.to = PersonId("person-with-a-long-id" + tail);
  m.kind = "feedback_state_changed" + tail;
  m.account = "account" + tail;
  m.project = "project" + tail;
  m.milestone = "milestone" + tail;
  m.feedback = "feedback" + tail;
  m.risk = "risk" + tail;
  m.clock = "first_response" + tail;
  m.due = Instant{1'800'003'600 + i};
  m.fields.emplace_back("text", "\"a customer's long complaint" + tail + "\"");
  m.fields.emplace_back("state", "\"waiting_on_customer\"");
}

TEST(MessagePoolTest, ANewMessageIsEmpty) {
  MessagePool pool;
  ExpectEmpty(*pool.New());
}

TEST(MessagePoolTest, AReleasedMessageComesBackEmptyWithItsBuffers) {
  MessagePool pool;
  std::shared_ptr<Message> m = pool.New();
  Fill(*m, 7);
  const Message* address = m.get();
  const size_t kind_capacity = m->kind.capacity();
  const size_t project_capacity = m->project.capacity();
  m.reset();  // the last owner: back to the pool

  std::shared_ptr<Message> again = pool.New();
  ASSERT_EQ(again.get(), address);  // the latest released is reused first
  ExpectEmpty(*again);
  // The strings kept their buffers: a kind as long as before is assigned without allocating.
  EXPECT_GE(again->kind.capacity(), kind_capacity);
  EXPECT_GE(again->project.capacity(), project_capacity);
  again->kind = "feedback_state_changed";
  EXPECT_EQ(again->kind, "feedback_state_changed");
}

TEST(MessagePoolTest, AMessageIsReleasedOnlyByItsLastOwner) {
  MessagePool pool;
  std::shared_ptr<Message> m = pool.New();
  Fill(*m, 1);
  std::shared_ptr<const Message> other_owner = m;
  m.reset();
  EXPECT_EQ(other_owner->kind, "feedback_state_changed of message number 1");  // still intact
  std::shared_ptr<Message> fresh = pool.New();
  EXPECT_NE(fresh.get(), other_owner.get());
  ExpectEmpty(*fresh);
}

TEST(MessagePoolTest, ManyMessagesAreEachHandedOutOnce) {
  MessagePool pool;
  std::vector<std::shared_ptr<Message>> live;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) {  // several chunks of the pool's blocks
      live.push_back(pool.New());
      ExpectEmpty(*live.back());
      Fill(*live.back(), i);
    }
    for (size_t i = 0; i < live.size(); ++i) {  // no message was handed out twice
      EXPECT_EQ(live[i]->seq, static_cast<uint64_t>(i) + 1) << "round " << round;
    }
    live.clear();
  }
}

// The fields a draft adds, as (name, JSON text) pairs, from the pool or from the heap.
TEST(MessagePoolTest, ADraftsFieldsAreTheirValuesJsonText) {
  MessagePool pool;
  for (bool pooled : {true, false}) {
    SCOPED_TRACE(pooled ? "pooled" : "heap");
    for (int round = 0; round < 2; ++round) {  // the second round reuses kept buffers
      MessageDraft d =
          pooled ? pool.NewDraft() : MessageDraft(std::make_shared<Message>(), nullptr);
      ASSERT_TRUE(d);
      d.AddField("state", "\"waiting_on_customer\"");
      d.AddField("previous_priority", "\"urgent\"");
      d.AddString("text", "She said \"it's down\"\nagain, a long line of text\t\x01.");
      d.AddString("reason", "ok");
      d.AddInt("slip_days", -3);
      d.AddInt("baseline_slip_days", 0);
      d.AddInt("count", 9'007'199'254'740'993);
      d.MoveField("milestones", std::string("[\"M-0001\",\"M-0002\",\"M-0003\"]"));
      const MessageFields expected = {
          {"state", "\"waiting_on_customer\""},
          {"previous_priority", "\"urgent\""},
          {"text", R"("She said \"it's down\"\nagain, a long line of text\t\u0001.")"},
          {"reason", "\"ok\""},
          {"slip_days", "-3"},
          {"baseline_slip_days", "0"},
          {"count", "9007199254740993"},
          {"milestones", R"(["M-0001","M-0002","M-0003"])"}};
      EXPECT_EQ(d->fields, expected);
      std::shared_ptr<Message> m = std::move(d).Release();
      EXPECT_FALSE(d);
      EXPECT_EQ(m->fields, expected);
    }
  }
  EXPECT_FALSE(MessageDraft());
}

// A field name or value longer than a std::string holds inline takes a buffer the slot kept
// from its last message, one large enough; a short one is built inline and leaves the kept
// buffers alone.
TEST(MessagePoolTest, ALongFieldTakesABufferItsSlotKept) {
  MessagePool pool;
  std::vector<const char*> kept;
  {
    MessageDraft d = pool.NewDraft();
    d.AddString("text", std::string(60, 'x'));
    d.AddField("previous_state", "\"waiting_on_customer\"");
    d.AddField("baseline_slip_days", "3");
    kept = {d->fields[0].second.data(), d->fields[1].second.data(), d->fields[2].first.data()};
    std::move(d).Release().reset();  // back to the pool
  }
  auto is_kept = [&](const std::string& s) {
    return std::find(kept.begin(), kept.end(), s.data()) != kept.end();
  };
  MessageDraft d = pool.NewDraft();
  d.AddField("state", "\"new\"");                           // short: inline
  d.AddField("baseline_slip_days", "-2");                   // the kept name
  d.AddField("previous_state", "\"in_progress_forever\"");  // the kept 21-byte value
  d.AddString("text", std::string(40, 'y'));                // the kept 62-byte one
  d.AddString("reason", std::string(70, 'r'));              // none left that large
  ASSERT_EQ(d->fields.size(), 5u);
  EXPECT_EQ(d->fields[0].second.capacity(), std::string().capacity());
  EXPECT_TRUE(is_kept(d->fields[1].first));
  EXPECT_TRUE(is_kept(d->fields[2].second));
  EXPECT_TRUE(is_kept(d->fields[3].second));
  EXPECT_FALSE(is_kept(d->fields[4].second));
  const MessageFields expected = {{"state", "\"new\""},
                                  {"baseline_slip_days", "-2"},
                                  {"previous_state", "\"in_progress_forever\""},
                                  {"text", "\"" + std::string(40, 'y') + "\""},
                                  {"reason", "\"" + std::string(70, 'r') + "\""}};
  EXPECT_EQ(d->fields, expected);
}

// A buffer longer than kSpareBytes is freed on release, not kept for the next message.
TEST(MessagePoolTest, AnOversizedFieldBufferIsNotKept) {
  MessagePool pool;
  {
    MessageDraft d = pool.NewDraft();
    d.AddString("text", std::string(4 * MessagePool::kSpareBytes, 'z'));
    std::move(d).Release().reset();
  }
  MessageDraft d = pool.NewDraft();
  d.AddString("text", std::string(20, 'w'));
  ASSERT_EQ(d->fields.size(), 1u);
  EXPECT_LE(d->fields[0].second.capacity(), MessagePool::kSpareBytes);
}

// Messages are created on one thread (Apply, under the workspace's lock) and released on
// others (hosts acknowledging, or dropping the list of delivered messages).
TEST(MessagePoolTest, MessagesReleasedOnOtherThreadsAreReusedSafely) {
  MessagePool pool;
  constexpr int kThreads = 3, kPerThread = 20000;
  std::vector<std::vector<std::shared_ptr<Message>>> handed(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> releasers;
  std::vector<std::atomic<bool>> go(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    releasers.emplace_back([&, t] {
      ++ready;
      while (!go[static_cast<size_t>(t)].load()) std::this_thread::yield();
      for (auto& m : handed[static_cast<size_t>(t)]) m.reset();
    });
  }
  while (ready.load() < kThreads) std::this_thread::yield();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      handed[static_cast<size_t>(t)].push_back(pool.New());
      Fill(*handed[static_cast<size_t>(t)].back(), i);
    }
    go[static_cast<size_t>(t)] = true;  // released there while this thread goes on creating
  }
  std::vector<std::shared_ptr<Message>> mine;
  for (int i = 0; i < kPerThread; ++i) {
    mine.push_back(pool.New());
    ExpectEmpty(*mine.back());
    Fill(*mine.back(), i);
  }
  for (std::thread& t : releasers) t.join();
  for (int i = 0; i < kPerThread; ++i) {
    EXPECT_EQ(mine[static_cast<size_t>(i)]->seq, static_cast<uint64_t>(i) + 1);
  }
}

}  // namespace
}  // namespace handoff::internal
