// Helpers shared by the hostile-input suites: the shipped policy, small
// policies from strings, and the error each entry point gives ("" when the
// input was taken).
#ifndef AFTERSALES_TESTS_UNIT_HOSTILE_HOSTILE_UTIL_H_
#define AFTERSALES_TESTS_UNIT_HOSTILE_HOSTILE_UTIL_H_

#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/aftersales.h"

namespace hostile {

inline const aftersales::Policy& Shipped() {
  static const std::shared_ptr<const aftersales::Policy> policy = [] {
    auto r = aftersales::LoadPolicy(AFTERSALES_SOURCE_DIR "/rules");
    BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
    return r.policy;
  }();
  return *policy;
}

inline std::string Repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

inline bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The error reading `text` as a case of `policy`; "" when it was read.
inline std::string JsonError(const std::string& text, const aftersales::Policy& policy = Shipped()) {
  auto r = policy.ReadFactsJson(text);
  return r.ok() ? "" : r.status().message();
}
inline std::string YamlError(const std::string& text, const aftersales::Policy& policy = Shipped()) {
  auto r = policy.ReadFactsYaml(text);
  return r.ok() ? "" : r.status().message();
}

// Every issue of loading one file "p.yaml", one per line; "" when it loaded.
inline std::string PolicyErrors(const std::string& yaml, const aftersales::LoadOptions& options = {}) {
  auto r = aftersales::LoadPolicyFromStrings({{"p.yaml", yaml}}, options);
  return r.ok() ? "" : aftersales::FormatIssues(r.issues);
}

// Loads, and fails the test when the policy has errors.
inline std::shared_ptr<const aftersales::Policy> MustLoad(const std::string& yaml,
                                                          const aftersales::LoadOptions& options = {}) {
  auto r = aftersales::LoadPolicyFromStrings({{"p.yaml", yaml}}, options);
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

// Decides a JSON case (which must read).
inline aftersales::Decision DecideJson(const aftersales::Policy& p, const std::string& json) {
  auto facts = p.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  return p.Decide(*facts);
}

// The first error of a decision, or "" when it was decided. The JSON the
// engine writes directly must say the same.
inline std::string DecisionError(const aftersales::Policy& p, const std::string& json) {
  auto facts = p.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  aftersales::Decision d = p.Decide(*facts);
  bool decided = false;
  std::string direct = p.DecideToJson(*facts, {}, &decided);
  BOOST_TEST(decided == d.ok());
  if (d.ok()) return "";
  BOOST_TEST(direct == aftersales::DecisionToJson(d));
  return d.errors[0].message;
}

// A policy of one rule that always matches: `then` is the YAML flow map the
// rule sets, `facts` and `decisions` flow maps of declarations.
inline std::string OneRule(const std::string& facts, const std::string& decisions, const std::string& then,
                           const std::string& when = "") {
  return "policy: {name: t, version: \"1\"}\n"
         "facts: " + facts + "\n"
         "decisions: " + decisions + "\n"
         "stages:\n"
         "  - {id: s, hit: first, rules: [{id: r, " + (when.empty() ? "" : "when: \"" + when + "\", ") +
         "then: " + then + "}]}\n";
}

// The smallest policy: one decision, one rule.
inline const char* const kMinimalPolicy = R"(policy: {name: t, version: "1"}
decisions:
  resolution: {type: string, required: true}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'"}}]}
)";

}  // namespace hostile

#endif  // AFTERSALES_TESTS_UNIT_HOSTILE_HOSTILE_UTIL_H_
