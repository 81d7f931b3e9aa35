// fuzzyFileSearch: lists the files (and their folders) under each root and ranks them with
// fuzzy_match_path(). Inside a git work tree the list is `git ls-files --cached --others
// --exclude-standard` (git's own .gitignore rules, as the reference's ignore-aware walk
// honours them); elsewhere a plain walk (no symlinks followed, `.git` folders skipped, at most
// 200,000 entries). Where we differ from Codex 0.169 on purpose: `.git` internals are never
// listed (the reference lists `.git/config`).
//
// Thread-safety: search() may be called from any thread. Listing and ranking run on the
// search's own worker thread (its own io_context), never on the io threads; the reply is sent
// from there.
#pragma once

#include "protocol/v2/fuzzy_file_search.hpp"
#include "server/rpc/reply.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace appserver {

class FileSearch {
 public:
  /// `environment`: KEY=VALUE entries for the git process.
  explicit FileSearch(std::vector<std::string> environment);
  /// Stops the worker (a running search is abandoned, unanswered).
  ~FileSearch();

  /// Answers `reply` with at most 50 matches of `params.query` under `params.roots`; an empty
  /// query or no roots: `{files: []}`; a root that does not exist adds nothing.
  void search(protocol::v2::FuzzyFileSearchParams params, Reply<protocol::v2::FuzzyFileSearchResponse> reply);

 private:
  struct Search;
  void list_root(std::shared_ptr<Search> search, std::size_t root);
  void finish(const std::shared_ptr<Search>& search);

  std::vector<std::string> environment_;
  std::mutex mutex_;  // guards tokens_
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> tokens_;  // cancellation token → flag
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace appserver
