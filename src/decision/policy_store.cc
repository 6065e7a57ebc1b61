#include "aftersales/policy_store.h"

#include <mutex>
#include <utility>

#include "aftersales/loader.h"

namespace aftersales {
namespace internal {

// The live policy: a shared_ptr copied under a mutex. The lock is held
// only to copy or swap the pointer (no load, no decision, no destructor runs
// under it), so readers wait at most a few nanoseconds.
//
// Not std::atomic<std::shared_ptr>: libstdc++ 12 has it, but its load()
// releases the internal lock bit with memory_order_relaxed
// (bits/shared_ptr_atomic.h, _Sp_atomic::load), so a reader's read of the
// pointer does not happen-before the next store's write; ThreadSanitizer
// reports it as a data race.
class LivePolicy {
 public:
  explicit LivePolicy(std::shared_ptr<const Policy> p) : p_(std::move(p)) {}
  std::shared_ptr<const Policy> Load() const {
    std::lock_guard<std::mutex> lock(mu_);
    return p_;
  }
  void Store(std::shared_ptr<const Policy> p) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      p_.swap(p);
    }
    // The old policy (now in `p`) is released here, outside the lock, and
    // destroyed only when the last decision holding it is done.
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Policy> p_;
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
