#include "aftersales/policy_store.h"

#include <atomic>
#include <mutex>
#include <utility>

#include "aftersales/loader.h"

namespace aftersales {
namespace internal {

// The live policy. std::atomic<std::shared_ptr> where the standard library
// has it (libstdc++ 12 does), a mutex-guarded copy otherwise.
class LivePolicy {
 public:
  explicit LivePolicy(std::shared_ptr<const Policy> p) : p_(std::move(p)) {}
#if defined(__cpp_lib_atomic_shared_ptr)
  std::shared_ptr<const Policy> Load() const { return p_.load(std::memory_order_acquire); }
  void Store(std::shared_ptr<const Policy> p) { p_.store(std::move(p), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const Policy>> p_;
#else
  std::shared_ptr<const Policy> Load() const {
    std::lock_guard<std::mutex> lock(mu_);
    return p_;
  }
  void Store(std::shared_ptr<const Policy> p) {
    std::lock_guard<std::mutex> lock(mu_);
    p_.swap(p);
    // The old policy (now in `p`) is released after the lock is dropped.
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Policy> p_;
#endif
};

struct PolicyStoreState {
  std::string path;
  LoadOptions options;
  LivePolicy live;
  std::mutex reload_mu;  // one reload at a time
};

}  // namespace internal

Result<std::unique_ptr<PolicyStore>> PolicyStore::Open(std::string path, LoadOptions options) {
  LoadResult loaded = LoadPolicy(path, options);
  if (!loaded.ok()) {
    return Status::InvalidArgument("cannot load policy " + path + ":\n" + FormatIssues(loaded.issues));
  }
  auto state = std::unique_ptr<internal::PolicyStoreState>(
      new internal::PolicyStoreState{std::move(path), options, internal::LivePolicy(std::move(loaded.policy)), {}});
  return std::unique_ptr<PolicyStore>(new PolicyStore(std::move(state)));
}

PolicyStore::PolicyStore(std::unique_ptr<internal::PolicyStoreState> state) : state_(std::move(state)) {}
PolicyStore::~PolicyStore() = default;

std::shared_ptr<const Policy> PolicyStore::Current() const { return state_->live.Load(); }

const std::string& PolicyStore::path() const { return state_->path; }

ReloadResult PolicyStore::Reload() {
  std::lock_guard<std::mutex> lock(state_->reload_mu);
  ReloadResult r;
  std::shared_ptr<const Policy> old = state_->live.Load();
  r.old_digest = old->digest();
  LoadResult loaded = LoadPolicy(state_->path, state_->options);
  r.issues = std::move(loaded.issues);
  if (!loaded.ok()) {
    r.new_digest = r.old_digest;
    return r;
  }
  r.new_digest = loaded.policy->digest();
  state_->live.Store(std::move(loaded.policy));
  r.swapped = true;
  return r;
}

}  // namespace aftersales
