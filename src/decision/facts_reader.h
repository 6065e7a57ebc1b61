// FactsReader: a case document (JSON or YAML) -> FactsData, against a
// policy's schema. Nested groups ({"order": {"id": ...}}) and dotted keys
// ({"order.id": ...}) both work. Undeclared fields are ignored; a declared
// field with the wrong type, an enum word the schema lacks, or a timestamp
// that is not RFC 3339 is an error naming the field. Every field error of a
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

// Converts one scalar given as text (from YAML or a builder) to the fact's
// type. False with `why` set when it does not fit.
bool ConvertText(const FieldDecl& decl, std::string_view text, bool quoted, Value* out, std::string* why);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_FACTS_READER_H_
