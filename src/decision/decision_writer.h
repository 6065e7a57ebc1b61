// DecisionWriter: the one writer of a decision's JSON (the vocabulary's
// form), one line or indented. It reads a decision through one view,
// DecisionParts, whether the decision is a public Decision (DecisionToJson)
// or the engine's values straight after deciding (Policy::DecideToJson,
// batches), so every way out of the library prints the same bytes.
// Depends on common/ only.
#ifndef AFTERSALES_DECISION_DECISION_WRITER_H_
#define AFTERSALES_DECISION_DECISION_WRITER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aftersales/decision.h"
#include "common/value.h"

namespace aftersales::internal {

// Appends JSON text to a string, one line (indent < 0) or indented by
// `indent` spaces per level in the layout nlohmann::json's dump gives
// (`"key": value`, one member or item per line, `{}` and `[]` when empty).
class JsonOut {
 public:
  JsonOut(std::string* out, int indent) : out_(out), indent_(indent) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // A member's key; its value follows.
  void Key(std::string_view key);
  // A key already escaped and quoted ("\"key\"").
  void QuotedKey(std::string_view quoted);
  // A whole member already written ("\"key\":value"), for one-line output.
  void RawMember(std::string_view member);
  // A member whose value is a string.
  void Member(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }
  // Escaped; a byte sequence that is not UTF-8 becomes U+FFFD.
  void String(std::string_view s);
  void Int(std::int64_t v);
  void Uint(std::uint64_t v);
  void Double(double v);
  void Bool(bool v) { Scalar(v ? "true" : "false"); }
  void Null() { Scalar("null"); }

 private:
  void Open(char c);
  void Close(char c);
  void Scalar(std::string_view text);
  // Before a value: the separator from the previous item of an array.
  void BeforeValue();
  // Before a key: the separator from the previous member.
  void BeforeKey();
  void AfterKey();
  void NewLine();

  std::string* out_;
  int indent_;
  // How many containers are open, and whether the innermost one has had a
  // member or item yet. (The ones around it have: it is one of theirs.)
  std::size_t depth_ = 0;
  bool has_items_ = false;
  bool after_key_ = false;
};

// Where each decision field goes ("freight.payer" inside "freight"), worked
// out from the fields' names in order and the groups that print null when
// none of their fields is set. Immutable.
class DecisionLayout {
 public:
  DecisionLayout(const std::vector<std::string>& names, const std::vector<std::string>& nullable_groups);
  ~DecisionLayout();

  struct Node;
  const Node& root() const { return *root_; }

 private:
  std::unique_ptr<Node> root_;
};

// The values of a decision's fields, by position in the layout's names.
class FieldSource {
 public:
  virtual ~FieldSource() = default;
  virtual bool present(std::size_t i) const = 0;
  virtual void Write(JsonOut* out, std::size_t i) const = 0;
};

// One view of a decision: everything its JSON holds.
struct DecisionParts {
  std::string_view case_id;
  // The fields, when the decision was made (errors empty).
  const DecisionLayout* layout = nullptr;
  const FieldSource* fields = nullptr;
  std::string_view script_locale, script_text;
  std::vector<std::string_view> matched_rules;
  std::string_view policy_name, policy_version, policy_digest;
  // The `policy` member as one line writes it, when the caller keeps it
  // ready (PolicyPartJson); empty to write it from the three above.
  std::string_view policy_json;
  // Why it was not made; empty when it was.
  const std::vector<DecisionError>* errors = nullptr;
  // The rules tried (DecideOptions::explain); nullptr to leave it out.
  const std::vector<RuleTrace>* trace = nullptr;
};

// The `policy` member of a one-line decision: "policy":{"name":...}.
std::string PolicyPartJson(std::string_view name, std::string_view version, std::string_view digest);

// Appends the decision's JSON: case_id, then the fields (or the errors),
// script, matched_rules, policy, and the trace when given.
void WriteDecisionJson(const DecisionParts& d, int indent, std::string* out);

// A value as a decision's JSON prints it: timestamps and durations as their
// text, maps and errors as CEL literals; absent list items as null.
void WriteJsonValue(JsonOut* out, const Value& v);
void WriteJsonValue(JsonOut* out, const FieldValue& v);
// `file:line:column` (FormatLocation), or "" when the location names no file.
std::string FormatPlace(const SourceLocation& l);
// The trace outcome's word: matched, not_matched, error, not_reached.
const char* OutcomeName(RuleTrace::Outcome o);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_DECISION_WRITER_H_
