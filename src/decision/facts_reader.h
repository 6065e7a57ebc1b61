// FactsReader: a case document (JSON or YAML) -> FactsData, against a
// policy's schema. Nested groups ({"order": {"id": ...}}) and dotted keys
// ({"order.id": ...}) both work. Undeclared fields are ignored; a declared
// field with the wrong type, an enum word the schema lacks, a timestamp
// that is not RFC 3339, money below zero (unless declared `signed: true`)
// or a timezone that is not shaped like a zone name is an error naming the
// field. A UTF-8 byte-order mark before a JSON case is skipped. Every field error of a
// case is reported, in document order, in one message. The locale fact is
// the exception: any text is negotiated, never refused.
#ifndef AFTERSALES_DECISION_FACTS_READER_H_
#define AFTERSALES_DECISION_FACTS_READER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/options.h"
#include "aftersales/status.h"
#include "common/word_index.h"
#include "decision/locale_fact.h"
#include "decision/policy_impl.h"

namespace aftersales::internal {

// The declared fact names as a tree of their dotted parts ("order" ->
// "id"), built once per policy so that reading a case walks the document's
// keys without building path strings or hashing them.
struct FactKeyTree {
  struct Node {
    int slot = -1;  // fact slot, or -1 for a group
    std::vector<std::pair<std::string, int>> children;  // key -> node index
    WordIndex index;                                     // the children's keys, in order
  };
  std::vector<Node> nodes;  // nodes[0] is the root
  int Child(int node, std::string_view key) const;
};
FactKeyTree BuildFactKeyTree(const Schema& schema);

// `locale`, when given, is the policy's locale fact: read as any text and
// negotiated (decision/locale_fact.h) instead of checked against its type.
Status ReadJsonFacts(std::string_view json, const Schema& schema, const FactKeyTree& keys,
                     const Limits& limits, const LocaleFact* locale, FactsData* out);
Status ReadYamlFacts(std::string_view yaml, const Schema& schema, const Limits& limits, const LocaleFact* locale,
                     FactsData* out);

// The case id a JSON case gives (the string at fact `slot`, the policy's
// case id fact), read leniently from a case that may be wrong elsewhere, so
// that an error about the case can name it; "" when the text is not JSON,
// is over the limits, or has no such string.
std::string CaseIdOfJson(std::string_view json, const FactKeyTree& keys, std::uint32_t slot, const Limits& limits);

// What the declaration asks beyond the type, for a value of the right type:
// money is never below zero unless declared `signed: true` (in a list, no
// item), and the timezone fact is shaped like a zone name (IsTimeZoneName),
// so that no lookup is made for it. "" when `v` passes, else why not (the
// caller puts the fact's name in front).
std::string DeclaredValueProblem(const FieldDecl& decl, const Value& v);

// Converts one scalar given as text (from YAML or a builder) to the fact's
// type. False with `why` set when it does not fit.
bool ConvertText(const FieldDecl& decl, std::string_view text, bool quoted, Value* out, std::string* why);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_FACTS_READER_H_
