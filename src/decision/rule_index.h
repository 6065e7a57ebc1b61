// RuleIndex: which rules of a stage may match a case, found without trying
// them one by one. A rule whose condition has a guard on a fact (a part of
// its top-level `&&` chain such as `item.sku == 'SKU-1'` or `issue.type in
// ['a', 'b']`) cannot match a case whose fact is not among the guard's
// constants: that is what Program::GuardAllows checks, one rule at a time,
// and what this index answers for all of them with one lookup per fact
// (the alpha memory of a Rete network, on the guards the rules already
// have). Each rule is indexed under one of its guards, the one that tells
// most cases apart (a string or int fact before an enum, an enum before a
// bool). Rules without a guard on a fact (none, or only on decision fields
// or named values, or constants of another kind than the fact) are
// candidates for every case.
//
// A large set of rules that one lookup leaves (or that have no guard to
// look up) is narrowed again by a range guard (`item.paid_cents >= 100 &&
// item.paid_cents < 500`) on the int fact most of them have one on: those
// rules are kept sorted by their ranges' lower ends and only those whose
// range holds the case's value are tried: the scan for a value x starts at
// x minus the longest range, the widest tenth of the ranges being kept
// apart and checked one by one.
//
// The engine tries the candidates in rule order, so hit policies, the rules
// that fire and their order are those of a plain scan; it charges one step
// for each rule it skips, as GuardAllows would have (it charges one for all
// of a rule's guards), so the step budget runs out exactly where it would.
// `--explain` scans (every rule traced).
//
// Built with the policy (PolicyImpl), immutable, shared by all threads.
#ifndef AFTERSALES_DECISION_RULE_INDEX_H_
#define AFTERSALES_DECISION_RULE_INDEX_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/value.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

class RuleIndex {
 public:
  // The index of `stage`, or null when it would not pay (few rules, or few
  // of them guarded on a fact).
  static std::unique_ptr<const RuleIndex> Build(const Stage& stage, const Schema& schema);

  // The rules of the stage that may match the case whose facts are
  // `facts` (slots of the schema), by index, in rule order. `out` is
  // cleared first. Many candidates from several lists are put in order
  // through a bit set of the stage's rules (one per thread), not sorted.
  void Candidates(const Value* facts, std::vector<std::uint32_t>* out) const;

  std::size_t num_rules() const { return num_rules_; }

 private:
  // Rules that pass one lookup: tried as they are, except those with a
  // range guard on `range_slot` (when `filtered`), which are kept by their
  // range and tried only when the case's value lies in it.
  struct Bucket {
    std::vector<std::uint32_t> rules;
    bool filtered = false;
    std::uint32_t range_slot = 0;
    struct Span {
      std::int64_t lo, hi;
      std::uint32_t rule;
    };
    std::vector<Span> spans;  // by lo, none longer than max_len
    std::uint64_t max_len = 0;  // hi - lo of the longest span
    std::vector<Span> wide;   // the longest tenth, tried one by one
  };
  // The rules guarded on one fact, by the value the guard allows.
  struct Key {
    std::uint32_t slot = 0;
    Type::Kind kind = Type::Kind::kDyn;
    const EnumType* enum_type = nullptr;             // kEnum: rules by word index
    std::vector<Bucket> by_word;
    std::unordered_map<std::string_view, Bucket> by_string;  // kString
    std::unordered_map<std::int64_t, Bucket> by_int;         // kInt
    Bucket by_bool[2];                                        // kBool
  };
  const Bucket* Lookup(const Key& key, const Value& v) const;
  static void Filter(Bucket* bucket, const Stage& stage, const Schema& schema);
  static void Add(const Bucket& bucket, const Value* facts, std::vector<std::uint32_t>* out);
  void InRuleOrder(std::vector<std::uint32_t>* rules) const;

  std::vector<Key> keys_;
  Bucket always_;  // candidates for every case (up to its range filter)
  std::size_t num_rules_ = 0;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_RULE_INDEX_H_
