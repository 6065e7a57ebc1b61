// FactsReader: a case document (JSON or YAML) -> FactsData, against a
// policy's schema. Nested groups ({"order": {"id": ...}}) and dotted keys
// ({"order.id": ...}) both work. Undeclared fields are ignored; each
// declared field's value goes through FactConverter (decision/fact_value.h),
// which says what fits the fact and why not. A UTF-8 byte-order mark before
// a JSON case is skipped. Every field error of a case is reported, in
// document order, in one message.
//
// JSON is read twice over at most: ReadJsonFacts first tries the fast
// reader (simdjson's DOM parser), which takes a well-formed case whose
// facts all fit and stops at the first doubt; then the exact reader
// (simdjson's on-demand parser) reads the case again from the defaults and
// says exactly what is wrong and where. Both convert through the same
// FactConverter, so what the fast reader takes the exact one takes alike.
#ifndef AFTERSALES_DECISION_FACTS_READER_H_
#define AFTERSALES_DECISION_FACTS_READER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aftersales/options.h"
#include "aftersales/status.h"
#include "common/word_index.h"
#include "decision/fact_value.h"
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

// What a case is read against: the policy's schema, its key tree, limits
// and locale fact (nullptr when it has none; read as any text and
// negotiated, decision/locale_fact.h).
struct FactsTarget {
  const Schema& schema;
  const FactKeyTree& keys;
  const Limits& limits;
  const LocaleFact* locale;
};

struct YamlNode;

// REQUIRES: `out` holds the schema's defaults.
Status ReadJsonFacts(std::string_view json, const FactsTarget& target, FactsData* out);
Status ReadYamlFacts(std::string_view yaml, const FactsTarget& target, FactsData* out);
// A case already read as YAML (a policy test's, merged over its file's
// base case): its errors name the lines of the document it came from.
Status ReadYamlFacts(const YamlNode& root, const FactsTarget& target, FactsData* out);

// The two JSON readers ReadJsonFacts runs, each on its own (for tests that
// hold them to each other). The fast one reads the case (kRead), or stops
// at the first fact that does not fit, named in *refused (kRefused), or
// cannot parse the case at all (kNotParsed: not JSON, over a limit, or a
// number beyond 64 bits somewhere). The exact one puts each fact that does
// not fit in *errors, in document order; its status is the case's.
enum class FastRead { kRead, kRefused, kNotParsed };
FastRead ReadJsonFactsFast(std::string_view json, const FactsTarget& target, FactsData* out, FactError* refused);
Status ReadJsonFactsExact(std::string_view json, const FactsTarget& target, FactsData* out,
                          std::vector<FactError>* errors);

// The case id a JSON case gives (the string at fact `slot`, the policy's
// case id fact), read leniently from a case that may be wrong elsewhere, so
// that an error about the case can name it; "" when the text is not JSON,
// is over the limits, or has no such string.
std::string CaseIdOfJson(std::string_view json, const FactKeyTree& keys, std::uint32_t slot, const Limits& limits);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_FACTS_READER_H_
