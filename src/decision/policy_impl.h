// PolicyImpl: the implementation behind aftersales::Policy. Owns the
// compiled PolicyModel; reads cases into FactsData and decides them.
#ifndef AFTERSALES_DECISION_POLICY_IMPL_H_
#define AFTERSALES_DECISION_POLICY_IMPL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/decision.h"
#include "aftersales/facts.h"
#include "aftersales/options.h"
#include "aftersales/result.h"
#include "common/time.h"
#include "common/value.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

// One case's facts: slot i holds fact i of the owner's schema (absent when
// the case did not give it and the schema has no default).
struct FactsData {
  const PolicyImpl* owner = nullptr;
  std::vector<Value> slots;
};

struct FactKeyTree;
class DecisionLayout;

class PolicyImpl {
 public:
  explicit PolicyImpl(PolicyModel model);
  ~PolicyImpl();

  const PolicyModel& model() const { return model_; }

  Result<Facts> ReadFactsJson(std::string_view json, std::string_view source_name) const;
  Result<Facts> ReadFactsYaml(std::string_view yaml, std::string_view source_name) const;
  FactsBuilder NewFacts() const;
  Decision Decide(const Facts& facts, const DecideOptions& options) const;
  std::string DecideToJson(const Facts& facts, const DecideOptions& options, bool* decided) const;
  // The same JSON appended to `out`; true when the case was decided.
  bool AppendDecisionJson(const Facts& facts, const DecideOptions& options, std::string* out) const;

  // For the readers and the builder: a fresh FactsData with defaults set.
  std::unique_ptr<FactsData> NewFactsData() const;
  static Facts MakeFacts(std::unique_ptr<FactsData> data);
  // The facts' slots, or nullptr for Facts that were moved from.
  static const FactsData* DataOf(const Facts& facts) { return facts.data_.get(); }

 private:
  PolicyModel model_;
  std::unique_ptr<const FactKeyTree> keys_;  // for reading JSON cases
  // The zone of a case that names none (default_timezone), found once.
  const TimeZone* default_zone_ = nullptr;
  // The model's constants and defaults as loaded; the model holds borrowed
  // copies of them (Value::Borrow), so deciding touches no shared counter.
  std::vector<Value> owned_;
  // Where each decision field goes in the decision's JSON.
  std::unique_ptr<const DecisionLayout> layout_;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_POLICY_IMPL_H_
