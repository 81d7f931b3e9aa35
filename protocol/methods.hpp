// Expands methods.def into compile-time facts: for every notification params type, its wire
// method and whether it is stored in thread history. Call sites never spell method strings.
#pragma once

#include "protocol/v2/client_support.hpp"
#include "protocol/v2/command_exec.hpp"
#include "protocol/v2/fuzzy_file_search.hpp"
#include "protocol/v2/hook.hpp"
#include "protocol/v2/initialize.hpp"
#include "protocol/v2/item.hpp"
#include "protocol/v2/shell_command.hpp"
#include "protocol/v2/thread.hpp"
#include "protocol/v2/thread_history_edit.hpp"
#include "protocol/v2/token_usage.hpp"
#include "protocol/v2/turn.hpp"

#include <string_view>

namespace appserver::protocol {

/// Whether a notification is appended to the thread's history before it is sent.
enum class History { stored, transient };

/// NotificationTraits<Params>::method / ::history, defined for every NOTIFICATION row.
template <class Params> struct NotificationTraits;

#define NOTIFICATION(Name, wire, Params, hist)                     \
  template <> struct NotificationTraits<v2::Params> {              \
    static constexpr std::string_view method = wire;               \
    static constexpr History history = History::hist;              \
  };
#include "protocol/methods.def"

}  // namespace appserver::protocol
