// PolicyModel: the compiled form of a policy, built by the loader
// (src/policy/policy_builder) and executed by the engine (src/decision).
// Everything a decision needs is resolved here: names to slots, expressions
// to Programs, script templates to parts. Immutable once built.
#ifndef AFTERSALES_POLICY_POLICY_MODEL_H_
#define AFTERSALES_POLICY_POLICY_MODEL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "common/shared_location.h"
#include "common/value.h"
#include "expr/declarations.h"
#include "expr/program.h"
#include "expr/type.h"

namespace aftersales::internal {

// Expression spaces: EvalContext::spaces[kFactSpace] holds the case's facts,
// [kDecisionSpace] the decision fields decided so far.
inline constexpr std::uint8_t kFactSpace = 0;
inline constexpr std::uint8_t kDecisionSpace = 1;

// A declared fact or decision field.
struct FieldDecl {
  std::string name;          // "order.delivered_at", "refund_cents", "freight.payer"
  TypePtr type;
  bool money = false;        // int minor units, shown as 299.00 in scripts
  // Money that may be below zero (`signed: true`); without it a negative
  // amount in a case is an error naming the fact.
  bool signed_money = false;
  // The policy's timezone fact: a case's value must be shaped like a zone
  // name (IsTimeZoneName), or the case is refused before any lookup.
  bool zone_name = false;
  bool personal = false;     // customer-identifying (masked in logs)
  bool required = false;     // decision: a decision without it is an error
  Value default_value;       // absent when none
  // Money decision: the most it may be (`at_most:`, an int expression), and
  // when it may be more all the same (`unless:`, bool); the engine refuses
  // a decision over it (a refund over what was paid). `at_most_facts`: the
  // facts the expression names, by slot (with one absent, an error
  // evaluating it means there is nothing to hold the field to).
  std::shared_ptr<const Program> at_most;
  std::shared_ptr<const Program> at_most_unless;
  std::vector<std::uint32_t> at_most_facts;
  std::uint32_t slot = 0;    // index in its space
  SourceLocation location;
};

// A group of decision fields ("escalation" for escalation.to, ...), printed
// as one JSON object; `nullable` prints null instead of {} when all its
// fields are absent.
struct GroupDecl {
  std::string name;
  bool nullable = false;
  SourceLocation location;
};

struct Schema {
  std::vector<std::shared_ptr<const EnumType>> enums;
  std::vector<FieldDecl> facts;      // facts[i].slot == i
  std::vector<FieldDecl> decisions;  // decisions[i].slot == i
  std::vector<GroupDecl> groups;
  // Facts by their names in space 0, decision fields as "decision.<name>"
  // in space 1.
  Declarations declarations;
  // Name -> slot, for reading cases and building facts (never when deciding).
  std::unordered_map<std::string, std::uint32_t> fact_index;
  std::unordered_map<std::string, std::uint32_t> decision_index;
};

// A script template compiled at load: literal text and field references.
struct TemplatePart {
  std::string literal;       // when !is_field
  bool is_field = false;
  VarRef ref;                // the fact or decision field
  std::string name;          // as written, for errors
  std::string spec;          // format spec after ':' (may be empty)
  // `ref` is a named value (kNamedValueSpace): rendering works it out.
  // Text after '|' ({order.id|your order}): shown when the value is absent,
  // instead of failing the decision.
  std::optional<std::string> fallback;
  bool money = false;
  Type::Kind kind = Type::Kind::kDyn;
};

struct Template {
  std::vector<TemplatePart> parts;
  SharedLocation location;
};

struct Assignment {
  std::uint32_t slot = 0;                  // decision slot
  std::unique_ptr<const Program> program;  // null when `constant` is used
  Value constant;
  SharedLocation location;
};

struct Rule {
  std::string id;
  std::string description;
  std::unique_ptr<const Program> when;     // null: always matches
  std::vector<Assignment> then;
  // Indexed like PolicyModel::locales, nullopt where the rule has no text;
  // empty for a rule without a script (most rules of a large policy).
  std::vector<std::optional<Template>> scripts;
  SharedLocation location;                 // the rule's `id`
  SharedLocation when_location;
};

// How a stage's matching rules decide (DMN's hit policies). `first`: the
// first match. `collect` and `rule_order`: every match, in order (lists
// accumulate). The others are for decision tables and evaluate every row:
// `unique`: at most one row may match (two fail the decision); `any`:
// matching rows must set the same values (the first applies); `priority`:
// the match whose first output comes first in that output's enum.
enum class HitPolicy { kFirst, kCollect, kRuleOrder, kUnique, kAny, kPriority };

// Every match contributes (collect, rule_order).
inline bool CollectsAll(HitPolicy hit) {
  return hit == HitPolicy::kCollect || hit == HitPolicy::kRuleOrder;
}

struct Stage {
  std::string id;
  std::string description;
  HitPolicy hit = HitPolicy::kFirst;
  // Its rules are a decision table's rows (`table:` instead of `rules:`).
  bool table = false;
  // hit: priority: the decision slot of the table's first output and its
  // enum, whose word order ranks matching rows.
  std::uint32_t priority_slot = 0;
  std::shared_ptr<const EnumType> priority_enum;
  std::vector<Rule> rules;
  SourceLocation location;
};

// A check every decision must pass (e.g. the freight parts add up).
struct Invariant {
  std::string id;
  std::string message;
  std::unique_ptr<const Program> check;
  SourceLocation location;
};

// One entry of the header's `platforms: {overlays: ...}`: the policy that
// decides the cases of one platform. Resolved by the loader (the builder
// only checks and records it).
struct PlatformEntry {
  std::string platform;    // a word of the platform fact's enum
  std::string path;        // as written ("platforms/jd"): relative to the folder of location.file
  SourceLocation location;  // of the path, where problems with the overlay are reported
};

// The header's `platforms`: which fact names a case's platform, and the
// overlay policy of each platform that has one.
struct PlatformsDecl {
  std::uint32_t fact_slot = 0;
  std::shared_ptr<const EnumType> platforms;  // the fact's enum
  std::vector<PlatformEntry> overlays;
  SourceLocation location;                    // of `platforms`
};

// A named value (`variables:` of the policy or of a stage): an expression
// over facts and other named values, worked out at most once per decision,
// when first read. Rules refer to it by its index in
// PolicyModel::named_values (a VarRef in kNamedValueSpace).
struct NamedValue {
  std::string name;
  std::string stage;                       // "" for the policy's own
  std::unique_ptr<const Program> program;  // null only in a model with errors
  SourceLocation location;                 // of its name
};

struct PolicyModel {
  std::string name;
  std::string version;
  std::string description;
  std::string digest;  // "sha256:<hex>"
  Schema schema;
  std::vector<std::string> locales;       // e.g. zh-CN zh-TW en
  std::size_t default_locale = 0;         // index: when the case names none
  std::size_t fallback_locale = 0;        // index: when a rule lacks the case's locale
  std::optional<std::uint32_t> case_id_fact;   // fact slots, when declared
  std::optional<std::uint32_t> locale_fact;
  std::optional<std::uint32_t> timezone_fact;
  std::string default_timezone = "Asia/Shanghai";
  // Set when the header declares `platforms` and the policy is the one
  // being loaded (see PlatformsUse in policy_builder.h).
  std::optional<PlatformsDecl> platforms;
  std::vector<NamedValue> named_values;   // the policy's, then each stage's
  std::vector<Stage> stages;
  std::vector<Invariant> invariants;
  Limits limits;
  std::vector<Issue> warnings;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_POLICY_MODEL_H_
