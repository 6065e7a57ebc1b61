// Decision: what a policy recommends for one case, and why.
//
// The fields are the decision fields the policy declares (the vocabulary's:
// resolution, options, refund_cents, freight.*, evidence_required, priority,
// escalation.*, deadlines.*), in declaration order, keyed by dotted path.
// A decision that could not be made has ok() == false and names, in
// `errors`, the field, the rule and its place in the policy file.
// docs/vocabulary.md says what each field of the shipped vocabulary means.
#ifndef AFTERSALES_DECISION_H_
#define AFTERSALES_DECISION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/export.h"
#include "aftersales/issue.h"

namespace aftersales {

// A decided value: JSON-like, with money as an int of minor units.
struct FieldValue {
  enum class Kind { kAbsent, kNull, kBool, kInt, kUint, kDouble, kString, kList };
  Kind kind = Kind::kAbsent;
  bool bool_value = false;
  std::int64_t int_value = 0;
  std::uint64_t uint_value = 0;
  double double_value = 0;
  std::string string_value;        // strings, enums, timestamps (RFC 3339), durations
  std::vector<FieldValue> items;   // lists
  bool is_money = false;           // an int that is minor units of money

  bool present() const { return kind != Kind::kAbsent; }
};

// One rule tried while deciding (DecideOptions::explain).
struct RuleTrace {
  enum class Outcome { kMatched, kNotMatched, kError, kNotReached };
  std::string stage;
  std::string rule_id;
  Outcome outcome = Outcome::kNotMatched;
  // Why it did not match: the part of the condition that was false, or the
  // error (an absent fact is named). Empty when it matched.
  std::string detail;
  SourceLocation location;
};

struct DecisionError {
  std::string message;   // names the field and, when known, the fact
  std::string field;     // decision field being decided, if any
  std::string rule_id;   // rule whose expression failed, if any
  SourceLocation location;
};

struct Decision {
  std::string case_id;
  std::vector<std::pair<std::string, FieldValue>> fields;
  // Groups of fields ("escalation") that print as null when none is set.
  std::vector<std::string> nullable_groups;
  std::vector<std::string> matched_rules;  // ids, in the order they fired
  std::string script_locale;
  std::string script_text;
  std::string policy_name;
  std::string policy_version;
  std::string policy_digest;               // "sha256:..." of the canonical policy
  std::vector<RuleTrace> trace;            // only with DecideOptions::explain
  std::vector<DecisionError> errors;

  bool ok() const { return errors.empty(); }
  // The field at a dotted path, or nullptr when the policy declares none.
  AFTERSALES_EXPORT const FieldValue* Find(std::string_view path) const;
};

// The vocabulary's JSON form (one object, no trailing newline). indent < 0
// prints one line. With include_trace, a "trace" array is added.
AFTERSALES_EXPORT std::string DecisionToJson(const Decision& d, bool include_trace = false,
                                             int indent = -1);
// What an agent reads: the resolution, money, deadlines and the script.
AFTERSALES_EXPORT std::string DecisionToText(const Decision& d, bool include_trace = false);

}  // namespace aftersales

#endif  // AFTERSALES_DECISION_H_
