// Running blocking work (file reads and writes) off the io thread from a coroutine:
//
//   auto work = [changes] { return apply_changes(changes); };  // a named local, see below
//   std::string error = co_await run_blocking(ctx.file_io, work);
//
// `work` (a plain callable, not a coroutine) runs on `pool`; the awaiting coroutine resumes on
// its own executor (a thread's strand) with the result, so what `work` captures must be its own
// (copies), never the caller's state. An exception from `work` terminates (std::terminate):
// give it a non-throwing body that returns errors as values.
//
// GCC 12 workaround (one place): a lambda with captures built inside a co_await expression is
// destroyed twice by GCC 12's coroutine lowering (reported upstream of us as
// chriskohlhoff/asio#858, co_spawn with a move-capturing lambda, and equeim/tremotesf2#551,
// "co_await and lambda with captures in the same expression"); here it corrupted the heap
// (seen with ASan and glibc's checks). So `work` is taken by const
// reference: pass a named local, and it is copied into the operation, never a temporary of the
// awaiting coroutine. The same holds for co_spawn with a coroutine lambda, which crashed the
// same way. This is a plain async operation with no coroutine frame of its own; tested in
// tests/unit/run_blocking_test.cpp.
//
// For code that is not a coroutine (request handlers), run_then(pool, executor, work, done)
// does the same with a callback: `work()` on `pool`, then `done(result)` on `executor`.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>
#include <utility>

namespace appserver {

template <class Work, class Result = std::invoke_result_t<Work&>>
boost::asio::awaitable<Result> run_blocking(boost::asio::thread_pool& pool, const Work& work) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(Result)>(
      [&pool](auto handler, Work work) {
        // The coroutine's executor keeps work (its io_context keeps running) until the result is back.
        auto guard = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
        boost::asio::post(pool, [handler = std::move(handler), work = std::move(work), guard = std::move(guard)]() mutable {
          Result result = work();
          auto executor = guard.get_executor();
          boost::asio::post(executor, [handler = std::move(handler), result = std::move(result),
                                       guard = std::move(guard)]() mutable { std::move(handler)(std::move(result)); });
        });
      },
      boost::asio::use_awaitable, work);
}

/// Runs `work()` (a plain callable, blocking file I/O) on `pool`, then `done(result)` on
/// `executor` (a connection's or a thread's strand). The executor's io_context is kept running
/// until `done` has run. `work` must return errors as values (an exception terminates) and must
/// not touch state that lives on `executor`; `done` gets the result by rvalue. Call from any
/// thread.
template <class Executor, class Work, class Done>
void run_then(boost::asio::thread_pool& pool, const Executor& executor, Work work, Done done) {
  auto guard = boost::asio::make_work_guard(executor);
  boost::asio::post(pool, [work = std::move(work), done = std::move(done), guard = std::move(guard)]() mutable {
    auto result = work();
    auto target = guard.get_executor();
    boost::asio::post(target, [done = std::move(done), result = std::move(result), guard = std::move(guard)]() mutable {
      done(std::move(result));
    });
  });
}

}  // namespace appserver
