// PolicyInternal: the library's one way behind the public Policy, Facts and
// FactsBuilder (as leveldb's WriteBatchInternal is for WriteBatch). The
// public classes name it a friend and expose nothing else of their insides.
#ifndef AFTERSALES_DECISION_POLICY_INTERNAL_H_
#define AFTERSALES_DECISION_POLICY_INTERNAL_H_

#include <memory>

#include "aftersales/facts.h"
#include "aftersales/policy.h"

namespace aftersales::internal {

class PolicyImpl;
struct FactsData;

class PolicyInternal {
 public:
  // The compiled policy behind `policy`.
  static const PolicyImpl& Impl(const Policy& policy) { return *policy.impl_; }
  // A Policy around a compiled policy. REQUIRES: impl != nullptr.
  static std::shared_ptr<const Policy> Wrap(std::shared_ptr<const PolicyImpl> impl) {
    return std::shared_ptr<const Policy>(new Policy(std::move(impl)));
  }
  // The facts' slots, or nullptr for Facts that were moved from.
  static const FactsData* Data(const Facts& facts) { return facts.data_.get(); }
  static Facts MakeFacts(std::unique_ptr<FactsData> data) { return Facts(std::move(data)); }
  static FactsBuilder MakeBuilder(std::unique_ptr<FactsData> data) { return FactsBuilder(std::move(data)); }
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_POLICY_INTERNAL_H_
