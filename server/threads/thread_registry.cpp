// Loaded-thread registry; see thread_registry.hpp.
#include "server/threads/thread_registry.hpp"

namespace appserver {

std::shared_ptr<LiveThread> ThreadRegistry::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = threads_.find(id);
  return it == threads_.end() ? nullptr : it->second;
}

std::shared_ptr<LiveThread> ThreadRegistry::insert(const std::string& id,
                                                   std::shared_ptr<LiveThread> thread) {
  std::lock_guard lock(mutex_);
  return threads_.emplace(id, std::move(thread)).first->second;
}

void ThreadRegistry::erase(const std::string& id, const std::shared_ptr<LiveThread>& thread) {
  std::lock_guard lock(mutex_);
  auto it = threads_.find(id);
  if (it != threads_.end() && it->second == thread) threads_.erase(it);
}

std::vector<std::string> ThreadRegistry::ids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, thread] : threads_) out.push_back(id);
  return out;
}

std::vector<std::shared_ptr<LiveThread>> ThreadRegistry::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<LiveThread>> out;
  for (const auto& [id, thread] : threads_) out.push_back(thread);
  return out;
}

}  // namespace appserver
