// PolicyImpl::Decide: runs the compiled stages over one case. Everything is
// slots and pointers here: no parsing and no name lookups per decision.
#include <algorithm>
#include <cmath>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "common/format.h"
#include "common/int128.h"
#include "common/time.h"
#include "expr/builtins.h"
#include "expr/regex_pool.h"
#include "decision/policy_impl.h"
#include "decision/stage_probe.h"
#include "decision/policy_internal.h"
#include "decision/rule_index.h"
#include "decision/decision_writer.h"
#include "decision/eval_setup.h"
#include "decision/script_locale.h"
#include "policy/script_template.h"

namespace aftersales::internal {
namespace {

using TK = Type::Kind;

FieldValue ToField(const Value& v, bool money) {
  FieldValue f;
  f.is_money = money;
  switch (v.kind()) {
    case Value::Kind::kAbsent: f.kind = FieldValue::Kind::kAbsent; break;
    case Value::Kind::kNull: f.kind = FieldValue::Kind::kNull; break;
    case Value::Kind::kBool: f.kind = FieldValue::Kind::kBool; f.bool_value = v.bool_value(); break;
    case Value::Kind::kInt: f.kind = FieldValue::Kind::kInt; f.int_value = v.int_value(); break;
    case Value::Kind::kUint: f.kind = FieldValue::Kind::kUint; f.uint_value = v.uint_value(); break;
    case Value::Kind::kDouble: f.kind = FieldValue::Kind::kDouble; f.double_value = v.double_value(); break;
    case Value::Kind::kString: f.kind = FieldValue::Kind::kString; f.string_value = v.string_value(); break;
    case Value::Kind::kTimestamp:
      f.kind = FieldValue::Kind::kString;
      f.string_value = FormatTimestamp(v.timestamp_value());
      break;
    case Value::Kind::kDuration:
      f.kind = FieldValue::Kind::kString;
      f.string_value = FormatDuration(v.duration_value());
      break;
    case Value::Kind::kList:
      f.kind = FieldValue::Kind::kList;
      for (const Value& e : v.list_value()) f.items.push_back(ToField(e, money));
      break;
    case Value::Kind::kMap:
    case Value::Kind::kError:
      f.kind = FieldValue::Kind::kString;
      f.string_value = FormatCelLiteral(v);
      break;
  }
  return f;
}

// Field values as a diff compares them: same kind, same value (doubles by ==).
bool SameFieldValue(const FieldValue& a, const FieldValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case FieldValue::Kind::kAbsent:
    case FieldValue::Kind::kNull: return true;
    case FieldValue::Kind::kBool: return a.bool_value == b.bool_value;
    case FieldValue::Kind::kInt: return a.int_value == b.int_value;
    case FieldValue::Kind::kUint: return a.uint_value == b.uint_value;
    case FieldValue::Kind::kDouble: return a.double_value == b.double_value;
    case FieldValue::Kind::kString: return a.string_value == b.string_value;
    case FieldValue::Kind::kList:
      if (a.items.size() != b.items.size()) return false;
      for (std::size_t i = 0; i < a.items.size(); ++i) {
        if (!SameFieldValue(a.items[i], b.items[i])) return false;
      }
      return true;
  }
  return false;
}

// A value a `then` produced must fit its field (expressions typed dyn are
// only checked here).
bool Fits(const Type& t, const Value& v, std::string* why) {
  switch (t.kind()) {
    case TK::kDyn: return true;
    case TK::kEnum:
      if (v.kind() != Value::Kind::kString) break;
      if (t.enum_type()->Contains(v.string_value())) return true;
      *why = "'" + v.string_value() + "' is not a value of " + t.enum_type()->name;
      return false;
    case TK::kList:
      if (v.kind() != Value::Kind::kList) break;
      for (const Value& e : v.list_value()) {
        if (!Fits(*t.elem(), e, why)) return false;
      }
      return true;
    case TK::kInt: if (v.kind() == Value::Kind::kInt) return true; break;
    case TK::kUint: if (v.kind() == Value::Kind::kUint) return true; break;
    case TK::kDouble: if (v.kind() == Value::Kind::kDouble) return true; break;
    case TK::kBool: if (v.kind() == Value::Kind::kBool) return true; break;
    case TK::kString: if (v.kind() == Value::Kind::kString) return true; break;
    case TK::kTimestamp: if (v.kind() == Value::Kind::kTimestamp) return true; break;
    case TK::kDuration: if (v.kind() == Value::Kind::kDuration) return true; break;
    default: return true;
  }
  *why = "expected " + t.ToString() + ", got " + std::string(Value::KindName(v.kind()));
  return false;
}

// A double that is NaN or infinite, in a value or in a list's items (list
// types nest at most kMaxTypeNesting deep).
bool NonFinite(const Value& v, int depth = 0) {
  if (v.kind() == Value::Kind::kDouble) return !std::isfinite(v.double_value());
  if (v.kind() != Value::Kind::kList || depth > kMaxTypeNesting) return false;
  for (const Value& e : v.list_value()) {
    if (NonFinite(e, depth + 1)) return true;
  }
  return false;
}

// The first negative amount in a money value (or list of them), if any.
const Value* Negative(const Value& v, int depth = 0) {
  if (v.kind() == Value::Kind::kInt) return v.int_value() < 0 ? &v : nullptr;
  if (v.kind() != Value::Kind::kList || depth > kMaxTypeNesting) return nullptr;
  for (const Value& e : v.list_value()) {
    if (const Value* n = Negative(e, depth + 1)) return n;
  }
  return nullptr;
}

// The vectors a decision fills, kept per thread from one decision to the
// next so that deciding seldom allocates. A decider takes them (swaps them
// in) and gives them back empty with their capacity; one that starts while
// another runs on the same thread finds them taken and starts empty.
struct DeciderScratch {
  std::vector<Value> decided;
  std::vector<const Rule*> set_by, matched;
  std::vector<std::uint32_t> candidates, touched;
};

DeciderScratch& ThreadScratch() {
  thread_local DeciderScratch scratch;
  return scratch;
}

class Decider {
 public:
  // With `build_fields` false the decided values stay here (values(),
  // matched()) instead of being copied into `d`, which then only gets errors.
  Decider(const PolicyImpl& policy, const FactsData& facts, const DecideOptions& options, Decision* d,
          bool build_fields = true)
      : Decider(policy, policy.model(), facts, options, d, build_fields) {}

  Decider(const PolicyImpl& policy, const PolicyModel& m, const FactsData& facts, const DecideOptions& options,
          Decision* d, bool build_fields)
      : policy_(policy),
        m_(m),
        vocabulary_(policy.vocabulary()),
        default_zone_(policy.default_zone()),
        facts_(facts),
        options_(options),
        d_(d),
        regexes_(MakeRegexPool(m)),
        explain_steps_left_(m.limits.max_eval_steps),
        build_fields_(build_fields) {
    DeciderScratch& scratch = ThreadScratch();
    decided_.swap(scratch.decided);
    set_by_.swap(scratch.set_by);
    matched_.swap(scratch.matched);
    candidates_.swap(scratch.candidates);
    touched_.swap(scratch.touched);
    decided_.resize(m.schema.decisions.size());
    for (const FieldDecl& f : m.schema.decisions) decided_[f.slot] = f.default_value;
    spaces_[kFactSpace] = facts.slots.data();
    spaces_[kDecisionSpace] = decided_.data();
    // The named values start unread; each is worked out when first read.
    PrepareEvalContext(m, spaces_, &regexes_, &named_, &ctx_);
    set_by_.assign(m.schema.decisions.size(), nullptr);
  }

  ~Decider() {
    // Emptied first: the values may hold the case's strings.
    decided_.clear();
    set_by_.clear();
    matched_.clear();
    candidates_.clear();
    touched_.clear();
    DeciderScratch& scratch = ThreadScratch();
    if (decided_.capacity() > scratch.decided.capacity()) decided_.swap(scratch.decided);
    if (set_by_.capacity() > scratch.set_by.capacity()) set_by_.swap(scratch.set_by);
    if (matched_.capacity() > scratch.matched.capacity()) matched_.swap(scratch.matched);
    if (candidates_.capacity() > scratch.candidates.capacity()) candidates_.swap(scratch.candidates);
    if (touched_.capacity() > scratch.touched.capacity()) touched_.swap(scratch.touched);
  }
  Decider(const Decider&) = delete;
  Decider& operator=(const Decider&) = delete;

  // Runs the stages before `stage_index`, then tries every rule of that
  // stage as if it were the only one (StageProbe, stage_probe.h).
  void Probe(std::size_t stage_index, StageProbe* out) {
    for (std::size_t i = 0; i < stage_index && i < m_.stages.size(); ++i) {
      if (!RunStage(i)) return;
    }
    if (stage_index >= m_.stages.size()) return;
    const Stage& stage = m_.stages[stage_index];
    out->reached = true;
    out->matched.assign(stage.rules.size(), false);
    out->outputs.assign(stage.rules.size(), {});
    for (std::size_t r = 0; r < stage.rules.size(); ++r) {
      const Rule& rule = stage.rules[r];
      if (OverBudget()) {
        out->reached = false;
        return;
      }
      if (!Matches(stage, rule)) continue;
      out->matched[r] = true;
      for (const Assignment& a : rule.then) out->outputs[r].push_back(ValueOf(a));
    }
  }

  void Run() {
    for (std::size_t s = 0; s < m_.stages.size(); ++s) {
      if (!RunStage(s)) return;
    }
    // A budget spent by the last rule is the error, not what it left undone.
    if (OverBudget()) return;
    for (const FieldDecl& f : m_.schema.decisions) {
      if (f.required && decided_[f.slot].is_absent()) {
        Error("no rule decided '" + f.name + "'", f.name, "", f.location);
      }
    }
    if (!d_->ok() || OverBudget()) return;
    CheckCaps();
    if (!d_->ok()) return;
    for (const Invariant& inv : m_.invariants) {
      Value v = inv.check->Evaluate(ctx_);
      if (v.kind() == Value::Kind::kBool && v.bool_value()) continue;
      if (OverBudget()) return;
      std::string why = v.is_error() ? " (" + v.error_message() + ")" : "";
      Error("invariant '" + inv.id + "' failed: " + inv.message + why + "; rules fired: " + FiredList(), "", "",
            inv.location);
    }
    if (!d_->ok() || OverBudget()) return;
    CheckVocabulary();
    if (!d_->ok()) return;
    RenderScript();
    if (!d_->ok()) return;
    CheckSize();
    if (!build_fields_) return;
    d_->fields.reserve(m_.schema.decisions.size());
    for (const FieldDecl& f : m_.schema.decisions) {
      d_->fields.emplace_back(f.name, ToField(decided_[f.slot], f.money));
    }
    for (const GroupDecl& g : m_.schema.groups) {
      if (g.nullable) d_->nullable_groups.push_back(g.name);
    }
  }

  const std::vector<Value>& values() const { return decided_; }
  const std::vector<const Rule*>& matched() const { return matched_; }

 private:
  // A money field declared `at_most:` (the refund, at most what was paid)
  // is never decided over it, unless its `unless:` holds. The cap fails
  // closed: one that cannot be worked out because facts it names are absent
  // fails the decision, naming them (a field at 0 needs no cap: money is
  // never negative); one that fails otherwise (an overflow) fails it too.
  void CheckCaps() {
    for (const FieldDecl& f : m_.schema.decisions) {
      if (!f.at_most) continue;
      const Value& v = decided_[f.slot];
      if (v.kind() != Value::Kind::kInt) continue;
      Value cap = f.at_most->Evaluate(ctx_);
      if (cap.is_error()) {
        if (OverBudget()) return;
        // The error names the absent fact the cap could not do without (one
        // it reads through has() is not named).
        bool absent = false;
        for (std::uint32_t slot : f.at_most_facts) absent = absent || facts_.slots[slot].is_absent();
        if (!absent) {
          Error("'" + f.name + "' cannot be checked against its at_most (" + f.at_most->source() +
                    "): " + cap.error_message() + "; rules fired: " + FiredList(),
                f.name, SetBy(f), f.location);
        } else if (v.int_value() > 0 && !Unless(f)) {
          Error("'" + f.name + "' would be " + FormatMoney(v.int_value()) + ", and its cap (at_most: " +
                    f.at_most->source() + ") cannot be worked out: " + cap.error_message() +
                    " (the policy's unless does not allow it); rules fired: " + FiredList(),
                f.name, SetBy(f), f.location);
        }
        continue;
      }
      if (cap.kind() != Value::Kind::kInt || v.int_value() <= cap.int_value()) continue;
      if (Unless(f)) continue;
      Error("'" + f.name + "' would be " + FormatMoney(v.int_value()) + ", more than " + f.at_most->source() + " (" +
                FormatMoney(cap.int_value()) + "), which the policy does not allow (at_most); rules fired: " + FiredList(),
            f.name, SetBy(f), f.location);
    }
  }

  // The field's `unless` holds (one that cannot be worked out does not).
  bool Unless(const FieldDecl& f) {
    if (!f.at_most_unless) return false;
    Value allowed = f.at_most_unless->Evaluate(ctx_);
    return allowed.kind() == Value::Kind::kBool && allowed.bool_value();
  }

  // The rule that last set a decision field ("" for its default).
  std::string SetBy(const FieldDecl& f) const { return set_by_[f.slot] ? set_by_[f.slot]->id : ""; }

  // The vocabulary's invariants (docs/vocabulary.md, Invariants), for every
  // policy that declares its fields, whatever the policy's own invariants
  // say (an overlay can replace those): the freight parts and the refund.
  void CheckVocabulary() {
    const VocabularySlots& v = vocabulary_;
    auto fail = [&](const std::string& field, const std::string& what) {
      const auto& decl = m_.schema.decisions[m_.schema.decision_index.at(field)];
      Error("the decision breaks the vocabulary's invariants: " + what + "; rules fired: " + FiredList(), field,
            SetBy(decl), decl.location);
    };
    auto amount = [&](std::uint32_t slot) -> std::int64_t {
      const Value& x = decided_[slot];
      return x.kind() == Value::Kind::kInt ? x.int_value() : 0;
    };
    if (v.freight) {
      const Value& payer_value = decided_[v.payer];
      static const std::string kNoPayer;
      const std::string& payer = payer_value.kind() == Value::Kind::kString ? payer_value.string_value() : kNoPayer;
      const std::int64_t merchant = amount(v.merchant), customer = amount(v.customer),
                         insurance = amount(v.insurance);
      const bool quoted = v.to_be_quoted && decided_[*v.to_be_quoted].kind() == Value::Kind::kBool &&
                          decided_[*v.to_be_quoted].bool_value();
      const Value& rs = facts_.slots[v.return_shipping];
      const bool rs_known = rs.kind() == Value::Kind::kInt;
      // The three parts as an error names them (only when one is reported).
      const auto parts = [&] {
        return "freight.merchant_cents " + FormatMoney(merchant) + ", freight.customer_cents " +
               FormatMoney(customer) + ", freight.insurance_cents " + FormatMoney(insurance);
      };
      const bool any = merchant != 0 || customer != 0 || insurance != 0;
      if (payer == "none") {
        if (any) return fail("freight.payer", "freight.payer is none (nothing goes back) but " + parts());
        if (quoted) return fail("freight.to_be_quoted", "freight.payer is none (nothing goes back) but freight.to_be_quoted is true");
      } else if (quoted) {
        if (any) return fail("freight.to_be_quoted", "freight.to_be_quoted is true but " + parts());
        if (rs_known) {
          return fail("freight.to_be_quoted", "freight.to_be_quoted is true but request.return_shipping_cents is known (" +
                                                  FormatMoney(rs.int_value()) + ")");
        }
      } else if (!rs_known) {
        if (v.to_be_quoted) {
          return fail("freight.to_be_quoted", "goods go back (freight.payer is " + payer +
                                                  ") and request.return_shipping_cents is absent, but "
                                                  "freight.to_be_quoted is false");
        }
      } else {
        const Int128 sum = static_cast<Int128>(merchant) + customer + insurance;
        if (sum != rs.int_value()) {
          return fail("freight.payer", parts() + " do not add up to request.return_shipping_cents (" +
                                           FormatMoney(rs.int_value()) + ")");
        }
        // The party named pays something of a freight there is; the
        // insurance pays first, so its part counts for whoever it covers.
        bool pays = true;
        if (rs.int_value() > 0) {
          if (payer == "merchant") pays = merchant > 0 || insurance > 0;
          if (payer == "customer") pays = customer > 0 || insurance > 0;
          if (payer == "split") pays = merchant > 0 || customer > 0 || insurance > 0;
          if (payer == "insurance") pays = insurance > 0;
        }
        if (!pays) {
          return fail("freight.payer", "freight.payer is " + payer + " but pays nothing of a freight of " +
                                           FormatMoney(rs.int_value()) + " (" + parts() + ")");
        }
      }
    }
    if (v.refund) {
      const Value& r = decided_[v.refund_cents];
      if (r.kind() != Value::Kind::kInt || r.int_value() <= 0) return;
      auto fact = [&](const std::optional<std::uint32_t>& slot) -> const Value* {
        if (!slot || facts_.slots[*slot].kind() != Value::Kind::kInt) return nullptr;
        return &facts_.slots[*slot];
      };
      auto or0 = [&](const Value* x) -> Int128 { return x ? x->int_value() : 0; };
      const Value* item = fact(v.item_paid);
      const Value* total = fact(v.total_paid);
      const Value* fee = fact(v.shipping_fee);
      const Value* dup = fact(v.duplicate_charge);
      const auto dup_text = [&] {
        return dup ? " + order.duplicate_charge_cents (" + FormatMoney(dup->int_value()) + ")" : std::string();
      };
      if (item && r.int_value() > or0(item) + or0(fee) + or0(dup)) {
        return fail("refund_cents", "refund_cents is " + FormatMoney(r.int_value()) + ", more than item.paid_cents (" +
                                        FormatMoney(item->int_value()) + ")" +
                                        (fee ? " + order.shipping_fee_cents (" + FormatMoney(fee->int_value()) + ")" : "") +
                                        dup_text());
      }
      if (total && r.int_value() > or0(total) + or0(dup)) {
        return fail("refund_cents", "refund_cents is " + FormatMoney(r.int_value()) +
                                        ", more than order.total_paid_cents (" + FormatMoney(total->int_value()) + ")" +
                                        dup_text());
      }
      if (!item && !total) {
        std::string absent;
        if (v.item_paid) absent = "fact 'item.paid_cents' is absent";
        if (v.total_paid) absent += (absent.empty() ? "" : ", ") + std::string("fact 'order.total_paid_cents' is absent");
        return fail("refund_cents", "refund_cents is " + FormatMoney(r.int_value()) +
                                        " but what was paid cannot be known: " + absent);
      }
    }
  }

  // The whole decision within max_decision_bytes: its fields, the rules
  // that fired and the script, as JSON.
  void CheckSize() {
    const std::uint64_t limit = m_.limits.max_decision_bytes;
    std::uint64_t bytes = d_->script_text.size(), visited = 0;
    for (const Rule* rule : matched_) bytes += rule->id.size() + 3;
    for (const FieldDecl& f : m_.schema.decisions) {
      if (bytes > limit) break;
      bytes += f.name.size() + 4 + JsonBytes(decided_[f.slot], limit - bytes, &visited);
    }
    if (bytes <= limit) return;
    Error("the decision is larger than " + std::to_string(limit) +
              " bytes as JSON (limit max_decision_bytes); rules fired: " + FiredList(),
          "", "", {});
  }

  // The step budget bounds the whole decision: once it is spent the
  // decision fails, rather than quietly skipping the rules left.
  bool OverBudget() {
    if (ctx_.steps_left >= 0) return false;
    if (!budget_reported_) {
      budget_reported_ = true;
      Error("the evaluation step budget (" + std::to_string(m_.limits.max_eval_steps) +
                " steps per decision) ran out; rules fired so far: " + FiredList(),
            "", "", {});
    }
    return true;
  }

  std::string FiredList() const {
    std::string s;
    for (const Rule* rule : matched_) s += (s.empty() ? "" : ", ") + rule->id;
    return s.empty() ? "none" : s;
  }

  void Error(std::string message, std::string field, std::string rule, const SourceLocation& at) {
    d_->errors.push_back({std::move(message), std::move(field), std::move(rule), at});
  }

  void Trace(const Stage& stage, const Rule& rule, RuleTrace::Outcome outcome, std::string detail) {
    if (!options_.explain) return;
    d_->trace.push_back({stage.id, rule.id, outcome, std::move(detail), rule.location});
  }

  bool Matches(const Stage& stage, const Rule& rule) {
    if (!rule.when) {
      Trace(stage, rule, RuleTrace::Outcome::kMatched, "");
      return true;
    }
    // A guard that fails (say `issue.type == 'wrong_item'` on another issue)
    // settles it without evaluating the rest of the condition.
    Value v = rule.when->GuardAllows(ctx_) ? rule.when->Evaluate(ctx_) : Value::Bool(false);
    if (v.kind() == Value::Kind::kBool && v.bool_value()) {
      Trace(stage, rule, RuleTrace::Outcome::kMatched, "");
      return true;
    }
    if (options_.explain) {
      // Explaining re-evaluates parts of the condition. It must not spend
      // the decision's budget, or --explain could change the decision, and
      // it must not get a fresh one per rule, or explaining 1,000 rules
      // could cost 1,000 decisions: all the explaining of one decision
      // shares a budget of its own, as large as the decision's.
      // Named values it works out are the explanation's too: the decision
      // gets them back unread, to work out (and pay for) as it would have.
      std::int64_t steps_left = ctx_.steps_left;
      ctx_.steps_left = explain_steps_left_;
      std::vector<NamedValueSlot> named_before;
      if (!named_.empty()) named_before = named_;
      if (ctx_.steps_left < 0) {
        Trace(stage, rule, RuleTrace::Outcome::kNotMatched, ExplainBudgetSpent());
      } else {
        Explain(stage, rule, v);
      }
      if (!named_.empty()) {
        std::copy(named_before.begin(), named_before.end(), named_.begin());
      }
      explain_steps_left_ = ctx_.steps_left;
      ctx_.steps_left = steps_left;
    }
    return false;
  }

  // One stage, as its hit policy says. False when the budget ran out.
  bool RunStage(std::size_t s) {
    const Stage& stage = m_.stages[s];
    // Explaining traces every rule: it scans.
    const RuleIndex* index = options_.explain ? nullptr : policy_.rule_index(s);
    if (stage.hit == HitPolicy::kUnique || stage.hit == HitPolicy::kAny ||
        stage.hit == HitPolicy::kPriority) {
      return RunSingleHit(stage, index);
    }
    if (index) return RunIndexed(stage, *index);
    bool decided = false;
    for (const Rule& rule : stage.rules) {
      if (OverBudget()) return false;
      if (decided) {
        Trace(stage, rule, RuleTrace::Outcome::kNotReached, "");
        continue;
      }
      if (!Matches(stage, rule)) continue;
      matched_.push_back(&rule);
      if (build_fields_) d_->matched_rules.push_back(rule.id);
      Apply(stage, rule);
      if (stage.hit == HitPolicy::kFirst) decided = true;
    }
    return true;
  }

  // Tries the rules of `stage` that `index` says may match, in order,
  // until `tried` returns true. Each rule skipped costs the step its guard
  // would have (RuleIndex), and the budget is checked before each rule
  // tried, as the scan checks it before every rule. False when the budget
  // ran out.
  template <typename Tried>
  bool TryCandidates(const Stage& stage, const RuleIndex& index, Tried&& tried) {
    index.Candidates(facts_.slots.data(), &candidates_);
    std::uint32_t next = 0;  // the first rule not yet paid for
    for (std::uint32_t r : candidates_) {
      ctx_.steps_left -= static_cast<std::int64_t>(r - next);
      next = r + 1;
      if (OverBudget()) return false;
      if (tried(stage.rules[r])) return true;
    }
    ctx_.steps_left -= static_cast<std::int64_t>(stage.rules.size() - next);
    return true;
  }

  // A first, collect or rule_order stage through its index (never when
  // explaining, so no trace to write).
  bool RunIndexed(const Stage& stage, const RuleIndex& index) {
    return TryCandidates(stage, index, [&](const Rule& rule) {
      if (!Matches(stage, rule)) return false;
      matched_.push_back(&rule);
      if (build_fields_) d_->matched_rules.push_back(rule.id);
      Apply(stage, rule);
      return stage.hit == HitPolicy::kFirst;
    });
  }

  // A `then` value of `rule` as it would be set (an error value when it
  // cannot be worked out).
  Value ValueOf(const Assignment& a) { return a.program ? a.program->Evaluate(ctx_) : a.constant; }

  static std::string RowList(const std::vector<const Rule*>& rows) {
    std::string s;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i > 0) s += i + 1 == rows.size() ? " and " : ", ";
      s += "'" + rows[i]->id + "'";
    }
    return s;
  }

  // A unique, any or priority stage: every row is tried, then one of the
  // matches applies (or the decision fails). False when the budget ran out.
  bool RunSingleHit(const Stage& stage, const RuleIndex* index) {
    std::vector<const Rule*> hits;
    if (index) {
      if (!TryCandidates(stage, *index, [&](const Rule& rule) {
            if (Matches(stage, rule)) hits.push_back(&rule);
            return false;
          })) {
        return false;
      }
    } else {
      for (const Rule& rule : stage.rules) {
        if (OverBudget()) return false;
        if (Matches(stage, rule)) hits.push_back(&rule);
      }
    }
    if (hits.empty()) return true;
    const Rule* chosen = hits.front();
    if (stage.hit == HitPolicy::kUnique && hits.size() > 1) {
      Error("stage '" + stage.id + "' (hit: unique): rows " + RowList(hits) +
                (hits.size() == 2 ? " both match" : " all match") + "; at most one may",
            "", hits[1]->id, hits[1]->location);
      return true;
    }
    if (stage.hit == HitPolicy::kAny) {
      for (std::size_t i = 1; i < hits.size(); ++i) {
        for (const Assignment& a : chosen->then) {
          auto other = std::find_if(hits[i]->then.begin(), hits[i]->then.end(),
                                    [&](const Assignment& b) { return b.slot == a.slot; });
          if (other == hits[i]->then.end()) continue;
          Value x = ValueOf(a), y = ValueOf(*other);
          if (OverBudget()) return false;
          if (x.is_error() || y.is_error()) continue;  // Apply names it
          if (!ValuesEqual(x, y)) {
            const FieldDecl& f = m_.schema.decisions[a.slot];
            Error("stage '" + stage.id + "' (hit: any): rows '" + chosen->id + "' and '" + hits[i]->id +
                      "' both match but set '" + f.name + "' differently (" + FormatCelLiteral(x) + " and " +
                      FormatCelLiteral(y) + ")",
                  f.name, hits[i]->id, other->location);
            return true;
          }
        }
      }
    }
    if (stage.hit == HitPolicy::kPriority && stage.priority_enum) {
      int best = -1;
      for (const Rule* rule : hits) {
        auto a = std::find_if(rule->then.begin(), rule->then.end(),
                              [&](const Assignment& b) { return b.slot == stage.priority_slot; });
        if (a == rule->then.end()) continue;
        Value v = ValueOf(*a);
        if (OverBudget()) return false;
        int rank = v.kind() == Value::Kind::kString ? stage.priority_enum->IndexOf(v.string_value()) : -1;
        if (rank < 0) {
          chosen = rule;  // Apply names what is wrong with it
          break;
        }
        if (best < 0 || rank < best) {
          best = rank;
          chosen = rule;
        }
      }
    }
    matched_.push_back(chosen);
    if (build_fields_) d_->matched_rules.push_back(chosen->id);
    Apply(stage, *chosen);
    return true;
  }

  std::string ExplainBudgetSpent() const {
    return "not explained: explaining this decision took its budget of " + std::to_string(m_.limits.max_eval_steps) +
           " steps";
  }

  // Which part of the condition failed: the first top-level && part that is
  // false, or the error that stopped it (an absent fact is named).
  void Explain(const Stage& stage, const Rule& rule, const Value& whole) {
    const auto& parts = rule.when->conjuncts();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      Value p = rule.when->EvaluateConjunct(i, ctx_);
      if (ctx_.steps_left < 0) {
        Trace(stage, rule, RuleTrace::Outcome::kNotMatched, ExplainBudgetSpent());
        return;
      }
      if (p.is_error()) {
        Trace(stage, rule, RuleTrace::Outcome::kError, "\"" + std::string(parts[i].source) + "\": " + p.error_message());
        return;
      }
      if (p.kind() == Value::Kind::kBool && !p.bool_value()) {
        Trace(stage, rule, RuleTrace::Outcome::kNotMatched, "\"" + std::string(parts[i].source) + "\" is false");
        return;
      }
    }
    if (whole.is_error()) {
      Trace(stage, rule, RuleTrace::Outcome::kError, whole.error_message());
    } else {
      Trace(stage, rule, RuleTrace::Outcome::kNotMatched, "the condition is false");
    }
  }

  void Apply(const Stage& stage, const Rule& rule) {
    for (const Assignment& a : rule.then) {
      const FieldDecl& f = m_.schema.decisions[a.slot];
      Value v = a.program ? a.program->Evaluate(ctx_) : a.constant;
      if (v.is_error()) {
        if (OverBudget()) return;  // the budget is the error, not this field
        Error("rule '" + rule.id + "' cannot set '" + f.name + "': " + v.error_message(), f.name, rule.id,
              a.location);
        continue;
      }
      std::string why;
      if (!Fits(*f.type, v, &why)) {
        Error("rule '" + rule.id + "' cannot set '" + f.name + "': " + why, f.name, rule.id, a.location);
        continue;
      }
      if (NonFinite(v)) {
        Error("rule '" + rule.id + "' cannot set '" + f.name + "': " + FormatCelLiteral(v) +
                  " is not a finite number",
              f.name, rule.id, a.location);
        continue;
      }
      if (f.money) {
        if (const Value* n = Negative(v)) {
          Error("rule '" + rule.id + "' cannot set '" + f.name + "' to " + FormatMoney(n->int_value()) +
                    ": a money field is never negative",
                f.name, rule.id, a.location);
          continue;
        }
      }
      set_by_[a.slot] = &rule;
      if (CollectsAll(stage.hit) && f.type->kind() == TK::kList) {
        if (!touched_in_stage(stage, a.slot)) decided_[a.slot] = Value();
        if (!AppendUnique(v, &decided_[a.slot])) {
          OverBudget();
          return;
        }
      } else {
        decided_[a.slot] = std::move(v);
      }
    }
  }

  // Adds the items of `add` that `into` lacks, in order. An `into` that is
  // not a list is replaced (an empty one first, so `add` loses its own
  // repeats). Every comparison is charged to the budget, item by item;
  // false when the budget ran out.
  bool AppendUnique(const Value& add, Value* into) {
    if (add.kind() != Value::Kind::kList) {
      *into = add;
      return true;
    }
    Value::List merged;
    if (into->kind() == Value::Kind::kList) merged = into->list_value();
    ChargedEquality equality(ctx_.steps_left);
    for (const Value& e : add.list_value()) {
      bool seen = false;
      for (const Value& m : merged) {
        if (equality.Equal(m, e)) {
          seen = true;
          break;
        }
        if (equality.spent()) break;
      }
      if (equality.spent()) break;
      if (!seen) merged.push_back(e);
    }
    ctx_.steps_left -= equality.steps();
    if (equality.spent()) return false;
    *into = Value::ListOf(std::move(merged));
    return true;
  }

  // In a collect stage, the first rule to set a list replaces what earlier
  // stages left; later rules of the same stage add to it.
  bool touched_in_stage(const Stage& stage, std::uint32_t slot) {
    if (&stage != current_stage_) {
      current_stage_ = &stage;
      touched_.clear();
    }
    if (std::find(touched_.begin(), touched_.end(), slot) != touched_.end()) return true;
    touched_.push_back(slot);
    return false;
  }

  void RenderScript() {
    // No locale: the default one. One the policy has no text for (the
    // locale fact is an enum with more words than `locales`): the fallback.
    // The fact holds a negotiated word, so this compares a few short words.
    std::size_t locale = m_.default_locale;
    if (m_.locale_fact) {
      const Value& v = facts_.slots[*m_.locale_fact];
      if (v.kind() == Value::Kind::kString) {
        locale = m_.fallback_locale;
        for (std::size_t i = 0; i < m_.locales.size(); ++i) {
          if (m_.locales[i] == v.string_value()) {
            locale = i;
            break;
          }
        }
      }
    }
    const TimeZone* zone = nullptr;
    if (m_.timezone_fact && facts_.slots[*m_.timezone_fact].kind() == Value::Kind::kString) {
      const std::string& name = facts_.slots[*m_.timezone_fact].string_value();
      zone = FindTimeZoneRemembered(name);
      if (!zone) {
        const std::string& fact = m_.schema.facts[*m_.timezone_fact].name;
        Error(fact + ": unknown time zone '" + name + "' (expected an IANA zone such as Asia/Shanghai)", fact, "",
              {});
        return;
      }
    } else {
      zone = default_zone_;
    }
    // One language for the whole reply (see script_locale.h): this one,
    // unless a fired rule has text in the fallback locale but not in it.
    locale = ReplyLocale(m_, locale, matched_);
    std::string text;
    std::string used_locale = locale < m_.locales.size() ? m_.locales[locale] : "";
    for (const Rule* rule : matched_) {
      const Template* t = ScriptIn(*rule, locale);
      if (!t) continue;
      std::string paragraph, error;
      if (!RenderTemplate(*t, spaces_, zone, used_locale, m_.limits.max_script_length, &paragraph, &error,
                          nullptr, &ctx_)) {
        Error("the script of rule '" + rule->id + "': " + error, "script", rule->id, t->location);
        continue;
      }
      if (!text.empty()) text += "\n\n";
      text += paragraph;
      if (text.size() > m_.limits.max_script_length) {
        Error("the script is longer than the limit of " + std::to_string(m_.limits.max_script_length) + " bytes",
              "script", rule->id, t->location);
        return;
      }
    }
    d_->script_locale = used_locale;
    d_->script_text = std::move(text);
  }

  const PolicyImpl& policy_;
  const PolicyModel& m_;
  const VocabularySlots& vocabulary_;
  const TimeZone* default_zone_;
  const FactsData& facts_;
  const DecideOptions& options_;
  Decision* d_;
  // Patterns built while deciding, each compiled once (explaining too).
  RegexPool regexes_;
  std::int64_t explain_steps_left_;
  std::vector<Value> decided_;
  std::vector<const Rule*> set_by_;  // the rule that last set each field
  const Value* spaces_[2];
  // One per named value of the policy, read through ctx_.named: never
  // resized after the constructor.
  std::vector<NamedValueSlot> named_;
  EvalContext ctx_;
  std::vector<const Rule*> matched_;
  std::vector<std::uint32_t> candidates_;  // RuleIndex::Candidates, reused per stage
  const Stage* current_stage_ = nullptr;
  std::vector<std::uint32_t> touched_;
  bool budget_reported_ = false;
  bool build_fields_ = true;
};

// The engine's decided values as the JSON writer's FieldSource, in the
// schema's order of decision fields.
class DecidedFields final : public FieldSource {
 public:
  DecidedFields(const PolicyModel& m, const std::vector<Value>& values) : m_(m), values_(values) {}
  bool present(std::size_t i) const override { return !values_[m_.schema.decisions[i].slot].is_absent(); }
  void Write(JsonOut* out, std::size_t i) const override {
    WriteJsonValue(out, values_[m_.schema.decisions[i].slot]);
  }

 private:
  const PolicyModel& m_;
  const std::vector<Value>& values_;
};

}  // namespace

FieldValue DecidedField(const Value& v, bool money) { return ToField(v, money); }

bool SameDecidedField(const Value& a, const Value& b) {
  if (a.kind() == b.kind()) {
    switch (a.kind()) {
      case Value::Kind::kAbsent:
      case Value::Kind::kNull: return true;
      case Value::Kind::kBool: return a.bool_value() == b.bool_value();
      case Value::Kind::kInt: return a.int_value() == b.int_value();
      case Value::Kind::kUint: return a.uint_value() == b.uint_value();
      case Value::Kind::kDouble: return a.double_value() == b.double_value();
      case Value::Kind::kString: return a.string_value() == b.string_value();
      case Value::Kind::kList: {
        const Value::List& x = a.list_value();
        const Value::List& y = b.list_value();
        if (x.size() != y.size()) return false;
        for (std::size_t i = 0; i < x.size(); ++i) {
          if (!SameDecidedField(x[i], y[i])) return false;
        }
        return true;
      }
      default: break;
    }
  }
  // Kinds that differ, or print as text (a timestamp and the string of the
  // same instant are the same field): compare as the Decision would carry them.
  const FieldValue x = ToField(a, false), y = ToField(b, false);
  return SameFieldValue(x, y);
}

StageProbe ProbeStage(const PolicyImpl& policy, const FactsData& facts, std::size_t stage) {
  StageProbe out;
  Decision d;
  DecideOptions options;
  Decider decider(policy, facts, options, &d, /*build_fields=*/false);
  decider.Probe(stage, &out);
  return out;
}

const VocabularySlots& PolicyImpl::vocabulary() const {
  std::call_once(vocabulary_once_, [this] {
    const Schema& schema = model_.schema;
    auto money = [](const std::unordered_map<std::string, std::uint32_t>& index,
                    const std::vector<FieldDecl>& decls, const char* name) -> std::optional<std::uint32_t> {
      auto it = index.find(name);
      if (it == index.end() || !decls[it->second].money) return std::nullopt;
      return it->second;
    };
    auto fact = [&](const char* name) { return money(schema.fact_index, schema.facts, name); };
    auto field = [&](const char* name) { return money(schema.decision_index, schema.decisions, name); };
    VocabularySlots v;
    auto payer = schema.decision_index.find("freight.payer");
    const bool payer_ok = payer != schema.decision_index.end() &&
                          schema.decisions[payer->second].type->kind() == TK::kEnum &&
                          schema.decisions[payer->second].type->enum_type()->Contains("none");
    auto merchant = field("freight.merchant_cents"), customer = field("freight.customer_cents"),
         insurance = field("freight.insurance_cents");
    auto rs = fact("request.return_shipping_cents");
    if (payer_ok && merchant && customer && insurance && rs) {
      v.freight = true;
      v.payer = payer->second;
      v.merchant = *merchant;
      v.customer = *customer;
      v.insurance = *insurance;
      v.return_shipping = *rs;
      auto quoted = schema.decision_index.find("freight.to_be_quoted");
      if (quoted != schema.decision_index.end() && schema.decisions[quoted->second].type->kind() == TK::kBool) {
        v.to_be_quoted = quoted->second;
      }
    }
    v.item_paid = fact("item.paid_cents");
    v.total_paid = fact("order.total_paid_cents");
    v.shipping_fee = fact("order.shipping_fee_cents");
    v.duplicate_charge = fact("order.duplicate_charge_cents");
    if (auto refund = field("refund_cents"); refund && (v.item_paid || v.total_paid)) {
      v.refund = true;
      v.refund_cents = *refund;
    }
    vocabulary_ = v;
  });
  return vocabulary_;
}

Decision PolicyImpl::Decide(const Facts& facts, const DecideOptions& options) const {
  const FactsData* data = PolicyInternal::Data(facts);
  if (!Accepts(data)) {
    Decision d;
    d.policy_name = model_.name;
    d.policy_version = model_.version;
    d.policy_digest = model_.digest;
    d.errors.push_back({"these facts were not read by this policy (read them with its ReadFactsJson, ReadFactsYaml or "
                        "NewFacts)", "", "", {}});
    return d;
  }
  // With platform overlays, the case's platform picks the rules.
  return Route(*data).DecideAccepted(*data, facts, options);
}

namespace {

// Runs a decider into d, turning what it throws into the decision's errors.
template <typename Run>
void Guarded(Decision* d, Run&& run) {
  try {
    run();
  } catch (const std::bad_alloc&) {
    d->errors.push_back({"out of memory while deciding", "", "", {}});
  } catch (const std::exception& e) {
    d->errors.push_back({std::string("internal error while deciding: ") + e.what(), "", "", {}});
  } catch (...) {
    d->errors.push_back({"internal error while deciding", "", "", {}});
  }
}

}  // namespace

void PolicyImpl::Stamp(const Facts& facts, Decision* d) const {
  d->policy_name = model_.name;
  d->policy_version = model_.version;
  d->policy_digest = model_.digest;
  d->case_id = facts.case_id();
}

Decision PolicyImpl::DecideAccepted(const FactsData& data, const Facts& facts, const DecideOptions& options) const {
  Decision d;
  Guarded(&d, [&] {
    Stamp(facts, &d);
    Decider(*this, data, options, &d).Run();
  });
  if (!d.ok()) d.fields.clear();
  return d;
}

std::string PolicyImpl::DecideToJson(const Facts& facts, const DecideOptions& options, bool* decided) const {
  std::string out;
  out.reserve(1024);  // most decisions fit: no regrowth while writing
  *decided = AppendDecisionJson(facts, options, &out);
  return out;
}

bool PolicyImpl::AppendDecisionJson(const Facts& facts, const DecideOptions& options, std::string* out,
                                    std::vector<DecisionError>* errors) const {
  const FactsData* data = PolicyInternal::Data(facts);
  if (!Accepts(data)) {
    Decision d = Decide(facts, options);
    *out += DecisionToJson(d, options.explain, -1);
    if (errors != nullptr) *errors = std::move(d.errors);
    return false;
  }
  // The overlay of the case's platform writes it, with its own layout.
  return Route(*data).AppendAccepted(*data, facts, options, out, errors);
}

void PolicyImpl::DecideValues(const Facts& facts, EngineDecision* out) const {
  // Emptied, not replaced: a caller that decides case after case into one
  // EngineDecision reuses its vectors.
  out->decided_by = nullptr;
  out->values.clear();
  out->matched.clear();
  out->errors.clear();
  const FactsData* data = PolicyInternal::Data(facts);
  if (!Accepts(data)) {
    out->errors = Decide(facts, {}).errors;
    return;
  }
  const PolicyImpl& by = Route(*data);
  out->decided_by = &by;
  Decision d;
  std::optional<Decider> decider;
  const DecideOptions options;
  // As DecideAccepted runs it, without the fields: the same rules fire,
  // the same errors arise.
  Guarded(&d, [&] {
    decider.emplace(by, *data, options, &d, /*build_fields=*/false);
    decider->Run();
  });
  Guarded(&d, [&] {
    // A decider that threw part way keeps the rules that fired before it.
    if (decider) out->matched.assign(decider->matched().begin(), decider->matched().end());
    if (decider && d.ok()) out->values.assign(decider->values().begin(), decider->values().end());
  });
  out->errors = std::move(d.errors);
  if (!out->ok()) out->values.clear();
}

bool PolicyImpl::AppendAccepted(const FactsData& data, const Facts& facts, const DecideOptions& options,
                                std::string* out, std::vector<DecisionError>* errors) const {
  // The general path: a Decision, then its JSON.
  auto general = [&] {
    Decision d = DecideAccepted(data, facts, options);
    *out += DecisionToJson(d, options.explain, -1);
    const bool decided = d.ok();
    if (errors != nullptr) *errors = std::move(d.errors);
    return decided;
  };
  if (options.explain) return general();
  // The compact path: the decided values straight into the layout. A case
  // that fails is written from this same run's errors, not decided again.
  Decision d;
  std::optional<Decider> decider;
  Guarded(&d, [&] {
    decider.emplace(*this, data, options, &d, /*build_fields=*/false);
    decider->Run();
  });
  if (!d.ok()) {
    Guarded(&d, [&] { Stamp(facts, &d); });
    d.fields.clear();
    *out += DecisionToJson(d, options.explain, -1);
    if (errors != nullptr) *errors = std::move(d.errors);
    return false;
  }
  try {
    const DecidedFields fields(model_, decider->values());
    DecisionParts parts;
    // The case id as Facts::case_id reads it: by the policy that read the case.
    if (const auto& id_fact = data.owner->model().case_id_fact) {
      const Value& id = data.slots[*id_fact];
      if (id.kind() == Value::Kind::kString) parts.case_id = id.string_value();
    }
    parts.layout = layout_.get();
    parts.fields = &fields;
    parts.script_locale = d.script_locale;
    parts.script_text = d.script_text;
    // The ids' list is kept per thread from one decision to the next.
    thread_local std::vector<std::string_view> ids;
    parts.matched_rules.swap(ids);
    parts.matched_rules.clear();
    for (const Rule* rule : decider->matched()) parts.matched_rules.push_back(rule->id);
    parts.policy_name = model_.name;
    parts.policy_version = model_.version;
    parts.policy_digest = model_.digest;
    parts.policy_json = policy_json_;
    const std::size_t size = out->size();
    try {
      WriteDecisionJson(parts, -1, out);
    } catch (...) {
      out->resize(size);  // no half-written decision
      throw;
    }
    parts.matched_rules.swap(ids);
    return true;
  } catch (...) {
    // Writing failed (out of memory): the general path tries once more.
    return general();
  }
}

}  // namespace aftersales::internal
