// The message pool of src/routing/message_pool.h: a released message comes back empty, its
// strings keeping their buffers; releases on other threads are safe (run under ThreadSanitizer
// too); the pool destroys what it keeps (LeakSanitizer in the debug preset).
#include "src/routing/message_pool.h"

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
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
