// PolicyStore: the live policy of a long-running service, replaced while
// cases are being decided.
//
//   auto store = aftersales::PolicyStore::Open("rules");
//   if (!store.ok()) { std::cerr << store.status().message(); return 2; }
//   // Any thread, any time:
//   std::shared_ptr<const aftersales::Policy> policy = (*store)->Current();
//   aftersales::Decision d = policy->Decide(*policy->ReadFactsJson(json));
//   // One thread, when the files changed (a signal, a timer, an admin call):
//   aftersales::ReloadResult r = (*store)->Reload();
//   if (!r.swapped) { log(aftersales::FormatIssues(r.issues)); }  // old one stays live
//
// A reload loads and validates the whole new version before swapping it in
// with one pointer swap, so a reader sees either the old or the new policy,
// never a mix. A decision in flight keeps the version it started with (it
// holds the shared_ptr); every Decision names the digest of its policy.
#ifndef AFTERSALES_POLICY_STORE_H_
#define AFTERSALES_POLICY_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "aftersales/policy.h"
#include "aftersales/result.h"

namespace aftersales {

struct ReloadResult {
  // True when the new version was loaded and is now live. False when it had
  // errors (listed in `issues`); the old version then stays live.
  bool swapped = false;
  std::string old_digest;    // live before the reload
  std::string new_digest;    // live after it (== old_digest when not swapped)
  std::vector<Issue> issues; // errors and warnings of the new version
};

namespace internal {
struct PolicyStoreState;
}

class AFTERSALES_EXPORT PolicyStore {
 public:
  // Loads the policy at `path` (a .yaml file or a folder, as LoadPolicy
  // takes it). A policy with errors gives InvalidArgument whose message holds
  // every issue, one `file:line:column: message` per line.
  static Result<std::unique_ptr<PolicyStore>> Open(std::string path, LoadOptions options = {});

  ~PolicyStore();
  PolicyStore(const PolicyStore&) = delete;
  PolicyStore& operator=(const PolicyStore&) = delete;

  // The live policy; never null. Cheap and thread-safe: copies a shared_ptr
  // under a lock held for nothing else.
  std::shared_ptr<const Policy> Current() const;

  // Loads the policy again from the same path and options, and swaps it in
  // when it has no error. Thread-safe: readers never wait for the load, and
  // concurrent Reload calls run one after another.
  ReloadResult Reload();

  const std::string& path() const;

 private:
  explicit PolicyStore(std::unique_ptr<internal::PolicyStoreState> state);
  std::unique_ptr<internal::PolicyStoreState> state_;
};

}  // namespace aftersales

#endif  // AFTERSALES_POLICY_STORE_H_
