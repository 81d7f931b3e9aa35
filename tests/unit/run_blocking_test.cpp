// run_blocking (server/support/run_blocking.hpp), the one place that works around GCC 12's
// double destruction of capturing lambdas in co_await expressions: the work runs on the pool's
// thread, the coroutine resumes on its own strand with the result, and what the work captured
// by copy is destroyed exactly once (a use-after-free would show under the sanitizer build).
#include "server/support/run_blocking.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace asio = boost::asio;

TEST_CASE("run_blocking runs the work off the io thread and resumes on the coroutine's strand") {
  asio::io_context io;
  asio::thread_pool pool(1);
  auto strand = asio::make_strand(io);
  const auto io_thread = std::this_thread::get_id();
  auto counted = std::make_shared<int>(0);  // use_count tells how many copies are alive
  std::thread::id work_thread, resumed_thread;
  bool resumed_in_strand = false;
  std::vector<std::string> result;
  asio::co_spawn(
      strand,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 50; ++i) {  // many rounds: a double free would not stay hidden
          std::vector<std::string> big(100, std::string(64, 'x'));
          const auto work = [big, counted, &work_thread]() {
            work_thread = std::this_thread::get_id();
            return std::vector<std::string>(big.begin(), big.begin() + 3);
          };
          result = co_await appserver::run_blocking(pool, work);
        }
        resumed_thread = std::this_thread::get_id();
        resumed_in_strand = strand.running_in_this_thread();
      },
      asio::detached);
  io.run();
  pool.join();
  CHECK(result == std::vector<std::string>(3, std::string(64, 'x')));
  CHECK(work_thread != io_thread);
  CHECK(resumed_thread == io_thread);
  CHECK(resumed_in_strand);
  CHECK(counted.use_count() == 1);  // every copy the operation made is gone
}

TEST_CASE("run_then runs the work off the io thread, then the callback on its executor, and keeps io.run() going until then") {
  asio::io_context io;
  asio::thread_pool pool(1);
  auto strand = asio::make_strand(io);
  const auto io_thread = std::this_thread::get_id();
  auto counted = std::make_shared<int>(0);
  std::thread::id work_thread, done_thread;
  bool done_in_strand = false;
  std::vector<std::string> result;
  appserver::run_then(
      pool, strand,
      [counted, &work_thread] {
        work_thread = std::this_thread::get_id();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // io.run() has nothing else to do meanwhile
        return std::vector<std::string>(2, "loaded");
      },
      [counted, &done_thread, &done_in_strand, &result, &strand](std::vector<std::string> value) {
        done_thread = std::this_thread::get_id();
        done_in_strand = strand.running_in_this_thread();
        result = std::move(value);
      });
  io.run();  // returns only once the callback has run: the work guard kept it alive
  pool.join();
  CHECK(result == std::vector<std::string>(2, "loaded"));
  CHECK(work_thread != io_thread);
  CHECK(done_thread == io_thread);
  CHECK(done_in_strand);
  CHECK(counted.use_count() == 1);
}
