// `app-server hooks test`: fire one event at the hooks a thread in a cwd would have, for real,
// and show how each run was understood; see hook_test_command.hpp and docs/hooks.md
// "Debugging your hooks".
#include "server/hook_test/hook_test_command.hpp"

#include "hooks/hook_discovery.hpp"
#include "hooks/hook_engine.hpp"
#include "hooks/hook_events.hpp"
#include "hooks/hook_schemas.hpp"
#include "protocol/describe_json.hpp"
#include "protocol/json_parse.hpp"
#include "server/config/config_file.hpp"
#include "server/hook_test/hook_effect.hpp"
#include "server/hook_test/sample_event.hpp"
#include "server/options.hpp"

#include <boost/asio/io_context.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace appserver::hook_test {

namespace {

using Json = nlohmann::json;
using hooks::HookHandler;
using protocol::v2::HookSource;
using protocol::v2::HookTrustStatus;

constexpr std::size_t kShownOutputBytes = 4000;  // per stream, text mode
constexpr std::size_t kJsonOutputBytes = 65536;  // per stream, --json

struct Args {
  std::optional<HookEventName> event;
  hooks::DiscoveryRoots roots;
  std::string payload_file;  // "" none, "-" stdin
  std::optional<std::string> tool_name, prompt, source, command, last_message;
  std::optional<Json> tool_input;
  bool all_layers = false, json = false, bypass_trust = false, print_payload = false;
};

Args parse(const std::vector<std::string>& args) {
  Args a;
  DiscoveryOptions discovery;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
      return args[++i];
    };
    const std::string& arg = args[i];
    if (discovery.take(arg, value)) continue;
    if (arg == "--payload") a.payload_file = value();
    else if (arg == "--tool-name") a.tool_name = value();
    else if (arg == "--command") a.command = value();
    else if (arg == "--prompt") a.prompt = value();
    else if (arg == "--source") a.source = value();
    else if (arg == "--last-message") a.last_message = value();
    else if (arg == "--tool-input") {
      auto parsed = protocol::parse_bounded(value());
      if (!parsed.ok()) throw std::invalid_argument("--tool-input: not JSON (" + parsed.error + ")");
      a.tool_input = std::move(parsed.value);
    } else if (arg == "--all-layers") a.all_layers = true;
    else if (arg == "--json") a.json = true;
    else if (arg == "--dangerously-bypass-hook-trust") a.bypass_trust = true;
    else if (arg == "--print-payload") a.print_payload = true;
    else if (arg.rfind("--", 0) == 0) throw std::invalid_argument("unknown option " + arg + " (see hooks test --help)");
    else if (a.event) throw std::invalid_argument("hooks test: one event, got " + arg + " too");
    else if (!(a.event = parse_event_name(arg)))
      throw std::invalid_argument("hooks test: unknown event " + arg + " (see hooks test --help for the list)");
  }
  if (!a.event) throw std::invalid_argument("hooks test: name an event, e.g. `app-server hooks test PreToolUse`");
  a.roots = discovery.roots();
  a.roots.read_untrusted_projects = a.all_layers;
  return a;
}

Json read_payload(const std::string& file) {
  std::string text;
  if (file == "-") {
    std::ostringstream all;
    all << std::cin.rdbuf();
    text = all.str();
  } else {
    std::ifstream in(file);
    if (!in) throw std::invalid_argument("--payload " + file + ": cannot read");
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto parsed = protocol::parse_bounded(text);
  if (!parsed.ok()) throw std::invalid_argument("--payload " + file + ": not JSON (" + parsed.error + ")");
  if (!parsed.value.is_object()) throw std::invalid_argument("--payload " + file + ": expected a JSON object");
  return std::move(parsed.value);
}

/// One configured handler of the event and what became of it.
struct Row {
  const HookHandler* handler = nullptr;
  std::string matcher;  // how the matcher was applied
  std::string not_run;  // why it did not run; "" = it ran
  const hooks::HookRunResult* result = nullptr;
};

std::string matcher_note(const HookHandler& h, const std::optional<std::string>& input, bool& matches) {
  matches = true;
  if (!hooks::event_info(h.event).uses_matcher) return "none (" + std::string(hooks::event_info(h.event).pascal) + " ignores matchers)";
  const auto& pattern = h.matcher.pattern();
  if (!pattern || pattern->empty() || *pattern == "*") return "matches everything";
  matches = !input || h.matcher.matches(*input);
  return Json(*pattern).dump() + (matches ? " matches " : " does not match ") + Json(input.value_or("")).dump();
}

std::string why_not_run(const HookHandler& h, bool project_untrusted, bool bypass) {
  if (project_untrusted) return "not run: its project is not trusted (app-server hooks trust --project)";
  if (!h.enabled) return "not run: disabled ([hooks.state] enabled = false)";
  if (!h.runs(bypass))
    return std::string("not run: ") + (h.trust_status == HookTrustStatus::modified ? "changed since it was trusted"
                                                                                   : "not trusted") +
           " (app-server hooks trust " + h.key + ", or --dangerously-bypass-hook-trust)";
  return "";
}

std::string bounded(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  return text.substr(0, limit) + "… (" + std::to_string(text.size() - limit) + " more bytes)";
}

void print_stream(const char* label, const std::string& text) {
  if (text.empty()) return;
  std::istringstream lines(bounded(text, kShownOutputBytes));
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    std::cout << "    " << (first ? label : "      ") << "| " << line << "\n";
    first = false;
  }
}

std::string describe_exit(const hooks::CommandResult& c) {
  if (c.timed_out) return "timed out, process group killed";
  if (c.error && !c.exit_code) return "did not start: " + *c.error;
  if (!c.exit_code) return "killed by a signal";
  return "exit " + std::to_string(*c.exit_code);
}

void print_text(const Args& a, const std::string& payload, const hooks::HookSet& set, const std::vector<Row>& rows,
                const HookEffect& effect) {
  const std::string name(hooks::event_info(*a.event).pascal);
  std::size_t ran = 0;
  for (const auto& r : rows) ran += r.result ? 1 : 0;
  std::cout << name << " in " << a.roots.cwd.string() << ": " << rows.size() << " handler"
            << (rows.size() == 1 ? "" : "s") << " configured, " << ran << " ran\n";
  for (const auto& w : set.warnings) std::cout << "warning: " << w << "\n";
  for (const auto& e : set.errors) std::cout << "error: " << e.path << ": " << e.message << "\n";
  std::cout << "payload (stdin): " << payload << "\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const HookHandler& h = *r.handler;
    std::cout << "\n[" << i + 1 << "] " << protocol::encode(h.source).get<std::string>() << "  " << h.key << "\n"
              << "    command  " << h.command << (h.async ? "   (async)" : "") << "\n"
              << "    trust    " << protocol::encode(h.trust_status).get<std::string>() << (h.enabled ? "" : ", disabled")
              << "\n"
              << "    matcher  " << r.matcher << "\n";
    if (!r.result) {
      std::cout << "    " << r.not_run << "\n";
      continue;
    }
    const auto& run = r.result->summary;
    std::cout << "    ran      " << describe_exit(r.result->command) << " after "
              << run.durationMs.value_or(0) << " ms (timeout " << h.timeout_sec << " s)\n";
    print_stream("stdout ", r.result->command.stdout_text);
    print_stream("stderr ", r.result->command.stderr_text);
    std::cout << "    status   " << protocol::encode(run.status).get<std::string>()
              << (h.async ? " (async: in a turn it runs in the background and cannot block; its context reaches the next model request)" : "")
              << "\n";
    for (const auto& entry : run.entries)
      std::cout << "    " << protocol::encode(entry.kind).get<std::string>() << ": " << entry.text << "\n";
  }
  if (rows.empty()) std::cout << "\nno " << name << " handler is configured for " << a.roots.cwd.string() << "\n";
  std::cout << "\neffect on the turn: " << effect.summary << "\n";
  for (const auto& d : effect.details) std::cout << "  " << d << "\n";
}

Json json_report(const Args& a, const Json& payload, const hooks::HookSet& set, const std::vector<Row>& rows,
                 const HookEffect& effect) {
  Json handlers = Json::array(), runs = Json::array();
  for (const auto& r : rows) {
    Json row = {{"key", r.handler->key},
                {"command", r.handler->command},
                {"source", protocol::encode(r.handler->source)},
                {"sourcePath", r.handler->source_path},
                {"trustStatus", protocol::encode(r.handler->trust_status)},
                {"enabled", r.handler->enabled},
                {"async", r.handler->async},
                {"matcher", r.matcher},
                {"notRun", r.not_run.empty() ? Json(nullptr) : Json(r.not_run)},
                {"exitCode", nullptr},
                {"stdout", nullptr},
                {"stderr", nullptr},
                {"run", nullptr}};
    if (r.result) {
      const auto& c = r.result->command;
      row["exitCode"] = c.exit_code ? Json(*c.exit_code) : Json(nullptr);
      row["stdout"] = bounded(c.stdout_text, kJsonOutputBytes);
      row["stderr"] = bounded(c.stderr_text, kJsonOutputBytes);
      row["run"] = protocol::encode(r.result->summary);
      runs.push_back(row["run"]);
    }
    handlers.push_back(std::move(row));
  }
  return {{"event", std::string(hooks::event_info(*a.event).pascal)},
          {"cwd", a.roots.cwd.string()},
          {"payload", payload},
          {"warnings", set.warnings},
          {"errors", protocol::encode(set.errors)},
          {"handlers", std::move(handlers)},
          {"runs", std::move(runs)},
          {"effect", effect.json}};
}

}  // namespace

int run_hooks_test(const std::vector<std::string>& args) {
  Args a;
  try {
    a = parse(args);
  } catch (const std::exception& e) {
    std::cerr << "app-server: " << e.what() << "\n";
    return 2;
  }
  // The thread settings a turn in this cwd would have (handlers/thread.cpp, server.cpp).
  const ConfigFile config = load_config_file(a.roots.home / "config.toml", a.roots.config_overrides);
  const std::string model = config.selected_provider() ? config.model.value_or("gpt-5") : "builtin";
  SampleEvent sample = default_sample(*a.event, a.roots.cwd.string(), model,
                                      config.approval_policy == std::optional<std::string>("never"));
  if (a.tool_name) sample.tool_name = *a.tool_name;
  if (a.tool_input) sample.tool_input = *a.tool_input;
  if (a.command) sample.tool_input = {{"command", *a.command}};
  if (a.prompt) sample.prompt = *a.prompt;
  if (a.source) sample.source = *a.source;
  if (a.last_message) sample.last_assistant_message = *a.last_message;
  std::string payload = sample_payload(sample);
  std::vector<std::string> notes;
  if (!a.payload_file.empty()) {
    Json given;
    try {
      given = read_payload(a.payload_file);
    } catch (const std::exception& e) {
      std::cerr << "app-server: " << e.what() << "\n";
      return 2;
    }
    adopt_payload_facts(sample, given);
    if (a.tool_name) sample.tool_name = *a.tool_name;
    if (const auto* schema = hooks::hook_input_schema(*a.event))
      if (auto failure = schema->validate(given))
        notes.push_back("the payload does not match the " + std::string(hooks::event_info(*a.event).pascal) +
                        " input schema at " + failure->pointer + ": " + failure->rule);
    payload = given.dump();
  }
  if (a.print_payload) {
    std::cout << nlohmann::ordered_json::parse(payload).dump(2) << "\n";  // the engine's key order
    return 0;
  }

  hooks::HookSet set = hooks::discover(a.roots);
  set.bypass_trust = a.bypass_trust;
  for (auto& n : notes) set.warnings.push_back(std::move(n));
  const bool project_untrusted = !hooks::project_trusted(a.roots.home, a.roots.cwd);
  hooks::HookInvocation invocation{*a.event, matcher_input(sample), nullptr, a.roots.cwd.string(),
                                   run_id_suffix(sample)};
  std::vector<std::string> environment;
  for (char** e = environ; e && *e; ++e) environment.emplace_back(*e);
  invocation.environment = std::make_shared<const std::vector<std::string>>(
      hooks::hook_environment(environment, config.secret_env_keys()));
  invocation.stdin_json = payload;

  std::vector<Row> rows;
  std::vector<const HookHandler*> sync_handlers, async_handlers;
  for (const auto& h : set.handlers) {
    if (h.event != *a.event) continue;
    Row row{&h};
    bool matches = true;
    row.matcher = matcher_note(h, invocation.matcher_input, matches);
    row.not_run = why_not_run(h, project_untrusted && h.source == HookSource::project, set.bypass_trust);
    if (row.not_run.empty() && !matches) row.not_run = "not run: the matcher does not match";
    if (row.not_run.empty()) (h.async ? async_handlers : sync_handlers).push_back(&h);
    rows.push_back(std::move(row));
  }

  boost::asio::io_context io;
  hooks::HookBatchResult sync_result, async_result;
  auto sync_batch = hooks::run_hooks(io.get_executor(), sync_handlers, invocation, {},
                                     [&](hooks::HookBatchResult r) { sync_result = std::move(r); });
  auto async_batch = hooks::run_hooks(io.get_executor(), async_handlers, invocation, {},
                                      [&](hooks::HookBatchResult r) { async_result = std::move(r); });
  io.run();
  bool any_failed = false;
  auto attach = [&](const std::vector<const HookHandler*>& handlers, const hooks::HookBatchResult& result) {
    for (std::size_t i = 0; i < handlers.size() && i < result.runs.size(); ++i)
      for (auto& row : rows)
        if (row.handler == handlers[i]) {
          row.result = &result.runs[i];
          any_failed = any_failed || result.runs[i].summary.status == protocol::v2::HookRunStatus::failed;
        }
  };
  attach(sync_handlers, sync_result);
  attach(async_handlers, async_result);
  const HookEffect effect = describe_effect(sample, sync_result);
  if (a.json) std::cout << json_report(a, Json::parse(payload), set, rows, effect).dump(2) << "\n";
  else print_text(a, payload, set, rows, effect);
  return any_failed ? 1 : 0;
}

}  // namespace appserver::hook_test
