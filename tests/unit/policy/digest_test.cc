#include "policy/digest.h"

#include <boost/test/unit_test.hpp>

#include <string>

#include "policy/policy_builder.h"

namespace aftersales::internal {
namespace {

constexpr char kPolicy[] = R"(policy:
  name: p
  version: "1"
stages:
  - id: s
    hit: first
    rules:
      - id: a
        when: item.used
        then:
          resolution: reject
          refund_cents: 100
      - id: b
        then: {resolution: escalate}
)";

// The same policy, reformatted: comments, flow/block styles, quoting, key
// order and indentation all differ.
constexpr char kReformatted[] = R"(# A comment.
stages:
- rules:
  - then:
      refund_cents: 100   # a hundred cents
      resolution: 'reject'
    when: "item.used"
    id: a
  - {id: b, then: {resolution: escalate}}
  hit: first
  id: s
policy: {version: '1', name: "p"}
)";

std::string DigestOf(const std::string& text) {
  BuildResult r = BuildPolicy({{"p.yaml", text}}, LoadOptions{});
  BOOST_REQUIRE_MESSAGE(r.model, FormatIssues(r.issues));
  return r.model->digest;
}

std::string CanonicalOf(const std::string& text) {
  YamlDocument doc = ReadYaml(text, "x.yaml");
  BOOST_REQUIRE(doc.root);
  std::string out;
  AppendCanonical(*doc.root, &out);
  return out;
}

BOOST_AUTO_TEST_SUITE(DigestTest)

BOOST_AUTO_TEST_CASE(ReformattingKeepsTheDigest) {
  std::string d = DigestOf(kPolicy);
  BOOST_CHECK_EQUAL(d.size(), 71u);
  BOOST_CHECK_EQUAL(d.substr(0, 7), "sha256:");
  BOOST_CHECK_EQUAL(DigestOf(kReformatted), d);
  BOOST_CHECK_EQUAL(DigestOf(kPolicy), d);  // deterministic
}

BOOST_AUTO_TEST_CASE(AnySemanticChangeAltersIt) {
  std::string base = DigestOf(kPolicy);
  std::string changed = kPolicy;
  changed.replace(changed.find("100"), 3, "101");
  BOOST_CHECK_NE(DigestOf(changed), base);
  std::string swapped = kPolicy;  // rule order matters in a first stage
  std::size_t a = swapped.find("      - id: a");
  std::size_t b = swapped.find("      - id: b");
  std::string rule_a = swapped.substr(a, b - a), rule_b = swapped.substr(b);
  swapped = swapped.substr(0, a) + rule_b + rule_a;
  BOOST_CHECK_NE(DigestOf(swapped), base);
}

BOOST_AUTO_TEST_CASE(CanonicalFormIsUnambiguous) {
  BOOST_CHECK_NE(CanonicalOf("[ab, c]"), CanonicalOf("[a, bc]"));
  BOOST_CHECK_NE(CanonicalOf("{a: [b]}"), CanonicalOf("{a: b}"));
  BOOST_CHECK_NE(CanonicalOf("a: ~"), CanonicalOf("a: ''"));
  BOOST_CHECK_EQUAL(CanonicalOf("{b: 1, a: {d: 2, c: 3}}"), CanonicalOf("a: {c: 3, d: 2}\nb: 1"));
  BOOST_CHECK_EQUAL(CanonicalOf("{}"), "M0:");
  BOOST_CHECK_EQUAL(CanonicalOf("[x, [], {}]"), "L3:S1:xL0:M0:");
}

BOOST_AUTO_TEST_CASE(FileOrderIsNameOrder) {
  const char* schema = "facts:\n  a.b: int\n";
  const char* rules = "policy: {name: p, version: '1'}\n";
  BuildResult one = BuildPolicy({{"a.yaml", schema}, {"b.yaml", rules}}, LoadOptions{});
  BuildResult two = BuildPolicy({{"b.yaml", rules}, {"a.yaml", schema}}, LoadOptions{});
  BOOST_REQUIRE(one.model && two.model);
  BOOST_CHECK_EQUAL(one.model->digest, two.model->digest);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace aftersales::internal
