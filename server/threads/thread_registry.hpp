// The set of loaded threads (id → LiveThread). The only shared map; guarded by a mutex with
// short critical sections: callers copy out the pointer, then act on the thread's strand.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace appserver {

class LiveThread;

class ThreadRegistry {
 public:
  std::shared_ptr<LiveThread> find(const std::string& id) const;
  /// Inserts unless present; returns the thread now registered under `id`.
  std::shared_ptr<LiveThread> insert(const std::string& id, std::shared_ptr<LiveThread> thread);
  /// Removes `id` if it is registered as `thread` (a resumed replacement is left alone).
  void erase(const std::string& id, const std::shared_ptr<LiveThread>& thread);
  std::vector<std::string> ids() const;  // sorted
  std::vector<std::shared_ptr<LiveThread>> all() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<LiveThread>> threads_;
};

}  // namespace appserver
