// fuzzyFileSearch; see file_search.hpp.
#include "server/file_search/file_search.hpp"

#include "hooks/command_runner.hpp"
#include "server/file_search/fuzzy_match.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace appserver {

namespace v2 = protocol::v2;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {
constexpr std::size_t kMatchLimit = 50;          // the reference's MATCH_LIMIT
constexpr std::size_t kMaxWalkEntries = 200'000;  // a walk outside git stops here
constexpr std::size_t kMaxListingBytes = 64 << 20;

/// Every entry of `root` as (relative path, is directory), skipping `.git` folders.
std::vector<std::pair<std::string, bool>> walk(const fs::path& root, const std::atomic<bool>& cancelled) {
  std::vector<std::pair<std::string, bool>> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end && out.size() < kMaxWalkEntries; it.increment(ec)) {
    if ((out.size() & 1023) == 0 && cancelled) break;
    const bool dir = it->is_directory(ec);
    if (dir && it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    out.emplace_back(it->path().lexically_relative(root).generic_string(), dir && !it->is_symlink(ec));
  }
  return out;
}

/// The files of a NUL-separated `git ls-files -z` listing plus every folder above them.
std::vector<std::pair<std::string, bool>> from_git(const std::string& listing) {
  std::vector<std::pair<std::string, bool>> out;
  std::set<std::string> dirs;
  std::size_t start = 0;
  while (start < listing.size()) {
    std::size_t end = listing.find('\0', start);
    if (end == std::string::npos) end = listing.size();
    std::string path = listing.substr(start, end - start);
    start = end + 1;
    if (path.empty()) continue;
    for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      dirs.insert(path.substr(0, slash));
    out.emplace_back(std::move(path), false);
  }
  for (const auto& dir : dirs) out.emplace_back(dir, true);
  return out;
}
}  // namespace

struct FileSearch::Search {
  v2::FuzzyFileSearchParams params;
  Reply<v2::FuzzyFileSearchResponse> reply;
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
  std::vector<v2::FuzzyFileSearchResult> matches;
  std::shared_ptr<hooks::RunningCommand> git;  // while `git ls-files` runs

  void rank(const std::string& root, const std::vector<std::pair<std::string, bool>>& entries) {
    for (const auto& [path, is_dir] : entries) {
      auto m = fuzzy_match_path(params.query, path, is_dir);
      if (!m) continue;
      const auto slash = path.rfind('/');
      matches.push_back({slash == std::string::npos ? path : path.substr(slash + 1), std::move(m->indices),
                         is_dir ? v2::FuzzyFileSearchMatchType::directory : v2::FuzzyFileSearchMatchType::file,
                         path, root, m->score});
    }
    auto better = [](const v2::FuzzyFileSearchResult& a, const v2::FuzzyFileSearchResult& b) {
      return a.score != b.score ? a.score > b.score : a.path < b.path;
    };
    if (matches.size() > kMatchLimit) {  // keep the best 50 so far: memory stays bounded
      std::partial_sort(matches.begin(), matches.begin() + kMatchLimit, matches.end(), better);
      matches.resize(kMatchLimit);
    } else {
      std::sort(matches.begin(), matches.end(), better);
    }
  }
};

FileSearch::FileSearch(std::vector<std::string> environment)
    : environment_(std::move(environment)), work_(io_.get_executor()), thread_([this] { io_.run(); }) {}

FileSearch::~FileSearch() {
  work_.reset();
  io_.stop();
  thread_.join();
}

void FileSearch::search(v2::FuzzyFileSearchParams params, Reply<v2::FuzzyFileSearchResponse> reply) {
  auto search = std::make_shared<Search>(Search{std::move(params), reply});
  if (search->params.query.empty() || search->params.roots.empty()) return reply(v2::FuzzyFileSearchResponse{});
  if (const auto& token = search->params.cancellationToken) {
    std::lock_guard lock(mutex_);
    auto& slot = tokens_[*token];
    if (slot) *slot = true;  // the older search with this token answers nothing
    slot = search->cancelled;
  }
  asio::post(io_, [this, search] { list_root(search, 0); });
}

void FileSearch::list_root(std::shared_ptr<Search> search, std::size_t index) {
  if (index == search->params.roots.size() || *search->cancelled) return finish(search);
  const std::string root = search->params.roots[index];
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return list_root(search, index + 1);
  hooks::CommandSpec spec;
  spec.argv = {"git", "--no-optional-locks", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"};
  spec.environment = environment_;
  spec.timeout = std::chrono::seconds(20);
  spec.max_output_bytes = kMaxListingBytes;
  search->git = hooks::run_command(io_.get_executor(), std::move(spec), [this, search, index, root](hooks::CommandResult r) {
    search->git.reset();
    if (r.exit_code == std::optional<int>(0) && !r.output_truncated) {
      search->rank(root, from_git(r.stdout_text));
    } else {  // not a git work tree (or no git): every entry
      search->rank(root, walk(root, *search->cancelled));
    }
    list_root(search, index + 1);
  });
}

void FileSearch::finish(const std::shared_ptr<Search>& search) {
  if (const auto& token = search->params.cancellationToken) {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(*token);
    if (it != tokens_.end() && it->second == search->cancelled) tokens_.erase(it);
  }
  if (*search->cancelled) return search->reply(v2::FuzzyFileSearchResponse{});
  search->reply(v2::FuzzyFileSearchResponse{std::move(search->matches)});
}

}  // namespace appserver
