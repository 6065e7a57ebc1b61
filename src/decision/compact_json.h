// The decision's one-line JSON, written straight into a string: the form
// DecisionToJson gives a decision that succeeded, without a trace. Shared by
// DecisionToJson (from a Decision) and Policy::DecideToJson (from the
// engine's values, with no Decision built in between), so both print the
// same bytes.
#ifndef AFTERSALES_DECISION_COMPACT_JSON_H_
#define AFTERSALES_DECISION_COMPACT_JSON_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"

namespace aftersales::internal {

// Where each decision field goes ("freight.payer" inside "freight"), worked
// out once from the fields' names in order and the groups that print null
// when empty. Immutable.
class DecisionLayout {
 public:
  DecisionLayout(std::vector<std::string> names, std::vector<std::string> nullable_groups);
  ~DecisionLayout();
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<std::string>& nullable_groups() const { return groups_; }

  struct Node;
  const Node& root() const { return *root_; }

 private:
  std::vector<std::string> names_;
  std::vector<std::string> groups_;
  std::unique_ptr<Node> root_;
};

// The values of a decision's fields, by position in the layout's names.
class FieldSource {
 public:
  virtual ~FieldSource() = default;
  virtual bool present(std::size_t i) const = 0;
  virtual void Append(std::string* out, std::size_t i) const = 0;
};

struct CompactParts {
  std::string_view case_id;
  std::string_view script_locale;
  std::string_view script_text;
  std::vector<std::string_view> matched_rules;
  std::string_view policy_name, policy_version, policy_digest;
};

void AppendCompactDecision(std::string* out, const DecisionLayout& layout, const FieldSource& fields,
                           const CompactParts& parts);

// A JSON string: escaped, and valid UTF-8 (a broken sequence becomes U+FFFD).
void AppendJsonString(std::string* out, std::string_view s);
// A field's value as DecisionToJson prints it: timestamps and durations as
// their text, maps and errors as CEL literals; absent list items as null.
void AppendJsonValue(std::string* out, const Value& v);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_COMPACT_JSON_H_
