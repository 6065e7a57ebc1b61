// PolicyImpl: the implementation behind aftersales::Policy. Owns the
// compiled PolicyModel; reads cases into FactsData and decides them. A
// policy with platform overlays also holds them, and hands each case to
// the overlay of its platform (Route) before deciding.
#ifndef AFTERSALES_DECISION_POLICY_IMPL_H_
#define AFTERSALES_DECISION_POLICY_IMPL_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/decision.h"
#include "aftersales/facts.h"
#include "aftersales/options.h"
#include "aftersales/policy.h"
#include "aftersales/result.h"
#include "common/time.h"
#include "common/value.h"
#include "decision/locale_fact.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

// One case's facts: slot i holds fact i of the owner's schema (absent when
// the case did not give it and the schema has no default). The facts keep
// their policy alive (the slots borrow its words and defaults) and name it
// by its id, which no other policy of the process ever has.
struct FactsData {
  std::shared_ptr<const PolicyImpl> owner;  // null for moved-from facts
  std::uint64_t policy_id = 0;
  std::vector<Value> slots;
};

struct FactKeyTree;
class DecisionLayout;
class PolicyImpl;

// A decision as the engine leaves it, for comparing the decisions of two
// policies (diff) without building Decision objects: what Policy::Decide
// would give, but the fields as values by slot. `values` borrow from the
// facts and the policy: use them while both live.
struct EngineDecision {
  const PolicyImpl* decided_by = nullptr;  // the policy (or overlay) whose rules decided
  std::vector<Value> values;               // by decision slot of decided_by's schema; empty when not ok()
  std::vector<const Rule*> matched;        // the rules that fired, in order (also when not ok())
  std::vector<DecisionError> errors;       // as Decision::errors
  bool ok() const { return errors.empty(); }
};

// A decided value as a Decision carries it (Decision::fields).
FieldValue DecidedField(const Value& v, bool money);
// True when DecidedField(a, m) and DecidedField(b, m) are the same field
// value (same kind and value; doubles by ==), without building either in
// the usual cases.
bool SameDecidedField(const Value& a, const Value& b);
class RuleIndex;
struct YamlNode;

// The vocabulary's fields (docs/vocabulary.md) whose invariants the engine
// enforces for every policy that declares them, by slot. Found from the
// schema on first use (engine.cc): a field counts when it is declared with
// the vocabulary's type (money, the payer an enum with the word `none`).
struct VocabularySlots {
  // freight.payer, freight.{merchant,customer,insurance}_cents and
  // request.return_shipping_cents all declared; freight.to_be_quoted maybe.
  bool freight = false;
  std::uint32_t payer = 0, merchant = 0, customer = 0, insurance = 0, return_shipping = 0;
  std::optional<std::uint32_t> to_be_quoted;
  // refund_cents declared, and item.paid_cents or order.total_paid_cents.
  bool refund = false;
  std::uint32_t refund_cents = 0;
  std::optional<std::uint32_t> item_paid, total_paid, shipping_fee, duplicate_charge;
};

// Made with std::make_shared (facts hold it by shared_ptr).
class PolicyImpl : public std::enable_shared_from_this<PolicyImpl> {
 public:
  explicit PolicyImpl(PolicyModel model);
  ~PolicyImpl();

  const PolicyModel& model() const { return model_; }
  // Unique in the process: no two policies loaded by it share one.
  std::uint64_t id() const { return id_; }
  // The zone of a case that names none (default_timezone), found at load.
  const TimeZone* default_zone() const { return default_zone_; }

  Result<Facts> ReadFactsJson(std::string_view json, std::string_view source_name) const;
  Result<Facts> ReadFactsYaml(std::string_view yaml, std::string_view source_name) const;
  // A case already read as YAML (facts_reader.h).
  Result<Facts> ReadFactsYaml(const YamlNode& root, std::string_view source_name) const;
  FactsBuilder NewFacts() const;
  // The case id a JSON case gives, for naming a case that cannot be read;
  // "" when it cannot tell (facts_reader.h, CaseIdOfJson).
  std::string CaseIdOfJson(std::string_view json) const;
  Decision Decide(const Facts& facts, const DecideOptions& options) const;
  std::string DecideToJson(const Facts& facts, const DecideOptions& options, bool* decided) const;
  // Decides `facts` as Decide does (no trace), into `*out`. Never throws.
  void DecideValues(const Facts& facts, EngineDecision* out) const;
  // The same JSON appended to `out`; true when the case was decided. When
  // it was not and `errors` is given, they are set to the decision's errors.
  bool AppendDecisionJson(const Facts& facts, const DecideOptions& options, std::string* out,
                          std::vector<DecisionError>* errors = nullptr) const;

  // The declared facts as a key tree, for reading JSON cases.
  const FactKeyTree& fact_keys() const { return *keys_; }
  // For the readers and the builder: a fresh FactsData with defaults set.
  std::unique_ptr<FactsData> NewFactsData() const;
  // The policy's locale fact, negotiated when a case is read; nullptr when
  // it has none.
  const LocaleFact* locale_fact() const { return locale_ ? &*locale_ : nullptr; }

  // Platform dispatch. Called once by the loader, before the policy is
  // shared: `slot` is the platform fact (of `platforms`, an enum), and each
  // overlay's `platform` one of its words. REQUIRES: every overlay reads
  // cases as this policy does (the same facts, in the same order).
  void SetPlatformOverlays(std::uint32_t slot, std::shared_ptr<const EnumType> platforms,
                           std::vector<PlatformOverlay> overlays);
  const std::vector<PlatformOverlay>& platform_overlays() const { return overlays_; }
  // True when this policy may decide `data`: it read them, or it is a
  // platform overlay of the policy that did.
  bool Accepts(const FactsData* data) const;
  // The policy whose rules decide `data`: the overlay of its platform, or
  // this policy. Reads one slot and indexes a vector. REQUIRES: Accepts(&data).
  const PolicyImpl& Route(const FactsData& data) const;
  // The vocabulary's fields this policy declares (engine.cc). Thread-safe.
  const VocabularySlots& vocabulary() const;
  // The rule index of stage `stage` (rule_index.h), or null when it has none.
  const RuleIndex* rule_index(std::size_t stage) const {
    return stage < rule_indexes_.size() ? rule_indexes_[stage].get() : nullptr;
  }

 private:
  // Deciding, once the facts are known to be this policy's to decide.
  Decision DecideAccepted(const FactsData& data, const Facts& facts, const DecideOptions& options) const;
  bool AppendAccepted(const FactsData& data, const Facts& facts, const DecideOptions& options,
                      std::string* out, std::vector<DecisionError>* errors) const;
  // Names this policy and the case on a decision.
  void Stamp(const Facts& facts, Decision* d) const;

  PolicyModel model_;
  const std::uint64_t id_;
  std::unique_ptr<const FactKeyTree> keys_;  // for reading JSON cases
  std::optional<LocaleFact> locale_;         // refers to model_
  // The zone of a case that names none (default_timezone), found once.
  const TimeZone* default_zone_ = nullptr;
  // The model's constants and defaults as loaded; the model holds borrowed
  // copies of them (Value::Borrow), so deciding touches no shared counter.
  std::vector<Value> owned_;
  // Where each decision field goes in the decision's JSON.
  std::unique_ptr<const DecisionLayout> layout_;
  // The decision JSON's `policy` member, one line (PolicyPartJson).
  std::string policy_json_;
  // Per stage, the index of its rules' guards (null: the stage is scanned).
  std::vector<std::unique_ptr<const RuleIndex>> rule_indexes_;
  // Platform dispatch: the platform fact's slot and enum, and the policy
  // for each word of the enum, by the word's index (nullptr: this one).
  std::optional<std::uint32_t> platform_slot_;
  std::shared_ptr<const EnumType> platform_enum_;
  std::vector<const PolicyImpl*> by_platform_;
  std::vector<PlatformOverlay> overlays_;
  mutable std::once_flag vocabulary_once_;
  mutable VocabularySlots vocabulary_;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_POLICY_IMPL_H_
