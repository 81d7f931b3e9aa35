// thread/fork: a copy of a thread's stored history under a new id, as Codex 0.169 makes it
// (recorded with a mock model: the response has the new thread with the copied turns and
// `forkedFromId`; then the copied thread/tokenUsage/updated and thread/started; the fork's
// first turn runs SessionStart with source "fork"). Metadata (name, archived) is not copied.
#pragma once

#include <optional>
#include <string>

#include "protocol/v2/thread.hpp"
#include "server/threads/thread_store.hpp"

namespace appserver {

/// Writes the fork's file: every complete record of `source_file` in order, `threadId` fields
/// rewritten to `fork.id`, the first `thread/started` replaced by one for `fork` (turns
/// empty), thread/name/updated, thread/archived and thread/unarchived left out. Returns ""
/// or the error (the source cannot be read, the fork's file cannot be written). Blocking
/// file I/O, like loading a thread for thread/resume.
std::string write_fork_file(const std::string& source_text, const protocol::v2::Thread& fork,
                            const std::string& source_id, ThreadLog& out);

}  // namespace appserver
