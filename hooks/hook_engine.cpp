// Hook selection, preview, concurrent execution and aggregation; see hook_engine.hpp.
#include "hooks/hook_engine.hpp"

#include "hooks/hook_events.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>

namespace appserver::hooks {

namespace asio = boost::asio;
using protocol::v2::HookExecutionMode;
using protocol::v2::HookHandlerType;
using protocol::v2::HookRunStatus;
using protocol::v2::HookScope;

std::int64_t HookClock::now() const {
  if (now_ms) return now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void resolve_input(HookInvocation& invocation) {
  if (invocation.make_input) invocation.stdin_json = std::exchange(invocation.make_input, nullptr)();
}

std::vector<const HookHandler*> select_handlers(const HookSet& set,
                                                const HookInvocation& invocation) {
  std::vector<const HookHandler*> out;
  const bool uses_matcher = event_info(invocation.event).uses_matcher;
  for (const auto& handler : set.handlers) {
    if (handler.event != invocation.event || !handler.runs(set.bypass_trust)) continue;
    if (uses_matcher && invocation.matcher_input && !handler.matcher.matches(*invocation.matcher_input) &&
        std::none_of(invocation.matcher_aliases.begin(), invocation.matcher_aliases.end(),
                     [&](const std::string& alias) { return handler.matcher.matches(alias); }))
      continue;
    out.push_back(&handler);
  }
  return out;
}

std::vector<std::string> hook_environment(const std::vector<std::string>& base,
                                          const std::vector<std::string>& scrub) {
  static const std::vector<std::string> never = {
      "CODEX_EXEC_SERVER_NOISE_AUTH_TOKEN", "NODE_REPL_AUTH_TOKEN", "OPENAI_FEDERATION_RULE_ID",
      "OPENAI_IDENTITY_TOKEN_FILE", "OPENAI_WORKLOAD_IDENTITY_CONTEXT"};
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
           });
  };
  std::vector<std::string> out;
  for (const auto& entry : base) {
    const std::string_view name = std::string_view(entry).substr(0, entry.find('='));
    bool drop = false;
    for (const auto* list : {&never, &scrub})
      for (const auto& n : *list) drop = drop || same(name, n);
    if (!drop) out.push_back(entry);
  }
  return out;
}

std::string run_id(const HookHandler& handler, const std::string& suffix) {
  return std::string(event_info(handler.event).kebab) + ":" +
         std::to_string(handler.display_order) + ":" + handler.source_path + suffix;
}

HookRunSummary preview_run(const HookHandler& handler, const HookInvocation& invocation,
                           std::int64_t now_sec) {
  HookRunSummary run;
  run.id = run_id(handler, invocation.run_id_suffix);
  run.eventName = handler.event;
  run.handlerType = HookHandlerType::command;
  run.executionMode = handler.async ? HookExecutionMode::async : HookExecutionMode::sync;
  run.scope = event_info(handler.event).thread_scoped ? HookScope::thread : HookScope::turn;
  run.sourcePath = handler.source_path;
  run.source = handler.source;
  run.displayOrder = handler.display_order;
  run.status = HookRunStatus::running;
  run.statusMessage = handler.status_message;
  run.startedAt = now_sec;
  return run;
}

HookBatchResult aggregate(HookEventName event, std::vector<HookRunResult> runs) {
  HookBatchResult batch;
  bool any_stopped = false, any_blocked = false;
  for (const auto& run : runs) {
    any_stopped = any_stopped || run.outcome.should_stop;
    any_blocked = any_blocked || run.outcome.should_block;
    for (const auto& context : run.outcome.contexts) batch.contexts.push_back(context);
  }
  switch (event) {
    case HookEventName::userPromptSubmit:
      batch.should_stop = any_stopped || any_blocked;
      batch.should_block = any_blocked;
      break;
    case HookEventName::stop:
    case HookEventName::subagentStop:  // a sub-agent's Stop: a block continues the sub-agent
      batch.should_stop = any_stopped;
      batch.should_block = !any_stopped && any_blocked;
      if (batch.should_block) {
        for (const auto& run : runs)
          if (run.outcome.should_block)
            batch.fragments.push_back({run.outcome.reason, run.summary.id});
      }
      break;
    case HookEventName::preToolUse: {
      batch.should_block = any_blocked;
      const HookRunResult* rewrite = nullptr;
      for (const auto& run : runs) {
        if (run.outcome.should_block && batch.block_reason.empty()) batch.block_reason = run.outcome.reason;
        if (run.outcome.updated_input && (!rewrite || run.completion_order > rewrite->completion_order))
          rewrite = &run;
      }
      if (!any_blocked && rewrite) batch.updated_input = rewrite->outcome.updated_input;
      break;
    }
    case HookEventName::permissionRequest:
      for (const auto& run : runs) {
        if (run.outcome.verdict == std::optional<std::string>("deny")) {
          batch.verdict = "deny";
          batch.block_reason = run.outcome.reason;
          break;
        }
        if (run.outcome.verdict) batch.verdict = "allow";
      }
      batch.should_block = batch.verdict == std::optional<std::string>("deny");
      break;
    case HookEventName::postToolUse:
      batch.should_block = any_blocked;
      for (const auto& run : runs)
        if (run.outcome.should_block)
          batch.block_reason += (batch.block_reason.empty() ? "" : "\n\n") + run.outcome.reason;
      break;
    default:
      batch.should_stop = any_stopped;
      batch.should_block = any_blocked;
      break;
  }
  batch.runs = std::move(runs);
  return batch;
}

namespace {

class Batch final : public HookBatch, public std::enable_shared_from_this<Batch> {
 public:
  Batch(asio::any_io_executor ex, std::vector<const HookHandler*> handlers,
        HookInvocation invocation, HookClock clock, std::function<void(HookBatchResult)> done)
      : ex_(ex), handlers_(std::move(handlers)), invocation_(std::move(invocation)),
        clock_(std::move(clock)), done_(std::move(done)), results_(handlers_.size()) {}

  void start() {
    remaining_ = handlers_.size();
    if (remaining_ == 0) {
      auto self = shared_from_this();
      asio::post(ex_, [self] { self->finish(); });
      return;
    }
    auto self = shared_from_this();
    resolve_input(invocation_);
    started_ms_ = clock_.now();
    for (std::size_t i = 0; i < handlers_.size(); ++i) {
      const HookHandler& handler = *handlers_[i];
      CommandSpec spec;
      spec.command = handler.command;
      spec.argv = handler.argv;
      if (invocation_.environment) spec.environment = *invocation_.environment;
      spec.cwd = invocation_.cwd;
      spec.stdin_data = invocation_.stdin_json;
      spec.timeout = std::chrono::seconds(handler.timeout_sec);
      running_.push_back(run_command(ex_, std::move(spec), [self, i](CommandResult result) {
        self->on_result(i, std::move(result));
      }));
    }
  }

  void cancel() override {
    for (auto& command : running_)
      if (command) command->cancel();
  }

 private:
  void on_result(std::size_t i, CommandResult result) {
    const HookHandler& handler = *handlers_[i];
    HookRunResult& out = results_[i];
    const std::int64_t completed_ms = clock_.now();
    out.summary = preview_run(handler, invocation_, started_ms_ / 1000);
    out.outcome = interpret_command_result(handler.event, result, handler.timeout_sec, handler.async);
    out.summary.status = out.outcome.status;
    out.summary.entries = out.outcome.entries;
    out.summary.completedAt = completed_ms / 1000;
    out.summary.durationMs = clock_.fixed ? completed_ms - started_ms_ : result.duration.count();
    out.completion_order = completed_++;
    out.command = std::move(result);
    running_[i].reset();
    if (--remaining_ == 0) finish();
  }

  void finish() {
    auto done = std::move(done_);
    done(aggregate(invocation_.event, std::move(results_)));
  }

  asio::any_io_executor ex_;
  std::vector<const HookHandler*> handlers_;
  HookInvocation invocation_;
  HookClock clock_;
  std::int64_t started_ms_ = 0;
  std::size_t completed_ = 0;
  std::function<void(HookBatchResult)> done_;
  std::vector<HookRunResult> results_;
  std::vector<std::shared_ptr<RunningCommand>> running_;
  std::size_t remaining_ = 0;
};

}  // namespace

std::shared_ptr<HookBatch> run_hooks(asio::any_io_executor executor,
                                     std::vector<const HookHandler*> handlers,
                                     HookInvocation invocation, HookClock clock,
                                     std::function<void(HookBatchResult)> done) {
  auto batch = std::make_shared<Batch>(executor, std::move(handlers), std::move(invocation),
                                       std::move(clock), std::move(done));
  batch->start();
  return batch;
}

}  // namespace appserver::hooks
