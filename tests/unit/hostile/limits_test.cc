// Every limit in aftersales::Limits: just over it gives its own error (the
// message, and the file:line:column or the field), just under it passes,
// and the setting moves the threshold.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "unit/hostile/hostile_util.h"

namespace {

using aftersales::LoadOptions;
using hostile::DecisionError;
using hostile::Has;
using hostile::JsonError;
using hostile::kMinimalPolicy;
using hostile::MustLoad;
using hostile::OneRule;
using hostile::PolicyErrors;
using hostile::Repeat;
using hostile::YamlError;

LoadOptions With(void (*set)(aftersales::Limits&)) {
  LoadOptions o;
  set(o.limits);
  return o;
}

// A policy whose one rule's `when` is `expr` (facts n: int, s: string).
std::string When(const std::string& expr) {
  return OneRule("{n: int, s: string}", "{resolution: {type: string, required: true}}", "{resolution: \"'x'\"}",
                 expr);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits)

BOOST_AUTO_TEST_CASE(max_policy_bytes) {
  const std::string policy = kMinimalPolicy;
  BOOST_TEST_REQUIRE(policy.size() == 165u);
  LoadOptions o;
  o.limits.max_policy_bytes = 165;
  BOOST_TEST(PolicyErrors(policy, o) == "");
  o.limits.max_policy_bytes = 164;
  BOOST_TEST(PolicyErrors(policy, o) == "p.yaml: the policy is larger than 164 bytes (limit max_policy_bytes)\n");
  // The files of a policy count together: the file that goes over is named.
  auto two = aftersales::LoadPolicyFromStrings({{"a.yaml", policy}, {"b.yaml", "# x\n"}}, o);
  o.limits.max_policy_bytes = 168;
  BOOST_TEST(aftersales::FormatIssues(two.issues) ==
             "a.yaml: the policy is larger than 164 bytes (limit max_policy_bytes)\n");
  two = aftersales::LoadPolicyFromStrings({{"a.yaml", policy}, {"b.yaml", "# xy\n"}}, o);
  BOOST_TEST(aftersales::FormatIssues(two.issues) ==
             "b.yaml: the policy is larger than 168 bytes (limit max_policy_bytes)\n");
  // The default, 16 MiB, read from disk: a file one byte over is not read.
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("aftersales_hostile_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "policy.yaml") << policy;
    std::ofstream big(dir / "zz_padding.yaml");
    big << "# " << std::string((16u << 20) - policy.size() - 3, 'x') << "\n";
  }
  BOOST_TEST(aftersales::LoadPolicy(dir.string()).ok());
  { std::ofstream(dir / "zz_padding.yaml", std::ios::app) << "#"; }
  auto over = aftersales::LoadPolicy(dir.string());
  BOOST_TEST(!over.ok());
  BOOST_TEST(Has(aftersales::FormatIssues(over.issues),
                 "zz_padding.yaml: the policy is larger than 16777216 bytes (limit max_policy_bytes)"),
             aftersales::FormatIssues(over.issues));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(max_yaml_depth) {
  // The minimal policy nests six collections deep (the rule's `then`).
  BOOST_TEST(PolicyErrors(kMinimalPolicy, With([](auto& l) { l.max_yaml_depth = 6; })) == "");
  BOOST_TEST(PolicyErrors(kMinimalPolicy, With([](auto& l) { l.max_yaml_depth = 5; })) ==
             "p.yaml:5:47: YAML nesting deeper than 5 levels\n");
  // The default, 64: 64 levels are read (the key is only unknown), 65 are not.
  const std::string head = "policy: {name: t, version: \"1\"}\nx: ";
  std::string at = PolicyErrors(head + Repeat("[", 63) + Repeat("]", 63) + "\n");
  BOOST_TEST(!Has(at, "nesting"), at);
  BOOST_TEST(Has(at, "p.yaml:2:1: unknown key 'x'"), at);
  BOOST_TEST(PolicyErrors(head + Repeat("[", 64) + Repeat("]", 64) + "\n") ==
             "p.yaml:2:67: YAML nesting deeper than 64 levels\n");
}

BOOST_AUTO_TEST_CASE(max_yaml_nodes) {
  // The minimal policy is 31 nodes (keys count).
  BOOST_TEST(PolicyErrors(kMinimalPolicy, With([](auto& l) { l.max_yaml_nodes = 31; })) == "");
  BOOST_TEST(PolicyErrors(kMinimalPolicy, With([](auto& l) { l.max_yaml_nodes = 30; })) ==
             "p.yaml:5:60: more than 30 YAML nodes (aliases count once per use); the file is too large\n");
  // An alias counts the nodes it stands for, each time it is used.
  const std::string aliased = std::string(kMinimalPolicy) + "x: &a [1, 2, 3]\ny: [*a, *a]\n";
  // x: 2 + 3 nodes, and 4 more for the copy its anchor keeps; y: 2 + 2 x 4.
  std::string ok = PolicyErrors(aliased, With([](auto& l) { l.max_yaml_nodes = 31 + 9 + 10; }));
  BOOST_TEST(!Has(ok, "YAML nodes"), ok);
  BOOST_TEST(PolicyErrors(aliased, With([](auto& l) { l.max_yaml_nodes = 31 + 9 + 9; })) ==
             "p.yaml:7:9: more than 49 YAML nodes (aliases count once per use); the file is too large\n");
}

BOOST_AUTO_TEST_CASE(max_expression_length) {
  // 16,384 bytes are an expression; 16,385 are not.
  BOOST_TEST(PolicyErrors(When("s != '" + Repeat("a", 16384 - 7) + "'")) == "");
  BOOST_TEST(PolicyErrors(When("s != '" + Repeat("a", 16384 - 6) + "'")) ==
             "p.yaml:5:48: expression too long (16385 bytes; the limit is 16384)\n");
  LoadOptions o;
  o.limits.max_expression_length = 10;
  BOOST_TEST(PolicyErrors(When("n == 12345"), o) == "");
  BOOST_TEST(PolicyErrors(When("n == 123456"), o) == "p.yaml:5:48: expression too long (11 bytes; the limit is 10)\n");
  // The expression API has the same limit.
  aftersales::Limits l;
  l.max_expression_length = 5;
  BOOST_TEST(aftersales::EvaluateExpression("1 + 2", {}, l).value == "3");
  auto over = aftersales::EvaluateExpression("1 + 23", {}, l);
  BOOST_TEST((over.outcome == aftersales::ExpressionResult::Outcome::kInvalid));
  BOOST_TEST(over.errors == std::vector<std::string>{"1:1: expression too long (6 bytes; the limit is 5)"});
}

BOOST_AUTO_TEST_CASE(max_expression_depth) {
  // Parentheses and unary operators: 63 inside the expression itself are
  // 64 levels; one more is too deep, at the place it starts.
  BOOST_TEST(PolicyErrors(When(Repeat("(", 63) + "true" + Repeat(")", 63))) == "");
  BOOST_TEST(PolicyErrors(When(Repeat("(", 64) + "true" + Repeat(")", 64))) ==
             "p.yaml:5:112: expression nested too deeply (limit 64)\n");
  BOOST_TEST(PolicyErrors(When(Repeat("!", 63) + "true")) == "");
  BOOST_TEST(PolicyErrors(When(Repeat("!", 64) + "true")) == "p.yaml:5:111: expression nested too deeply (limit 64)\n");
  LoadOptions o;
  o.limits.max_expression_depth = 8;
  BOOST_TEST(PolicyErrors(When(Repeat("(", 7) + "true" + Repeat(")", 7)), o) == "");
  BOOST_TEST(PolicyErrors(When(Repeat("(", 8) + "true" + Repeat(")", 8)), o) ==
             "p.yaml:5:56: expression nested too deeply (limit 8)\n");
  aftersales::Limits l;
  l.max_expression_depth = 4;
  BOOST_TEST(aftersales::EvaluateExpression("(((1)))", {}, l).value == "1");
  BOOST_TEST(aftersales::EvaluateExpression("((((1))))", {}, l).errors ==
             std::vector<std::string>{"1:5: expression nested too deeply (limit 4)"});
  // Chains count as deep as they are long: 63 links are 64 levels.
  BOOST_TEST(PolicyErrors(When(Repeat("n + ", 62) + "n > 0")) == "");  // 62 +, then >: 64 levels
  BOOST_TEST(PolicyErrors(When(Repeat("n + ", 63) + "n > 0")) == "p.yaml:5:302: expression nested too deeply (limit 64)\n");
  BOOST_TEST(aftersales::EvaluateExpression(Repeat("1+", 63) + "1", {}).value == "64");
  BOOST_TEST(aftersales::EvaluateExpression(Repeat("1+", 64) + "1", {}).errors ==
             std::vector<std::string>{"1:128: expression nested too deeply (limit 64)"});
  // The compiler holds a raised limit to 512 levels, which fit any thread's stack.
  l.max_expression_depth = 5000;
  BOOST_TEST(aftersales::EvaluateExpression(Repeat("1+", 500) + "1", {}, l).value == "501");
  BOOST_TEST(aftersales::EvaluateExpression("m" + Repeat(".a", 600), {{"m", "{}"}}, l).errors ==
             std::vector<std::string>{"1:1: expression too deep: more than 512 operators, fields or indexes applied "
                                      "one to the result of another"});
  auto chain = aftersales::EvaluateExpression(Repeat("1+", 600) + "1", {}, l);
  BOOST_TEST_REQUIRE(chain.errors.size() == 1u);
  BOOST_TEST(Has(chain.errors[0], "expression too deep: more than 512 operators"), chain.errors[0]);
}

BOOST_AUTO_TEST_CASE(max_script_length) {
  const std::string policy = R"y(policy: {name: t, version: "1", locales: [en]}
facts: {name: string}
decisions: {resolution: {type: string, required: true}}
stages:
  - {id: s, hit: first, rules: [{id: r, then: {resolution: "'x'"}, script: {en: "Hi {name}"}}]}
)y";
  auto p = MustLoad(policy);
  BOOST_TEST(DecisionError(*p, R"({"name": ")" + Repeat("a", 65536 - 3) + "\"}") == "");
  BOOST_TEST(DecisionError(*p, R"({"name": ")" + Repeat("a", 65536 - 2) + "\"}") ==
             "the script of rule 'r': script text longer than 65536 bytes");
  LoadOptions o;
  o.limits.max_script_length = 10;
  auto small = MustLoad(policy, o);
  BOOST_TEST(DecisionError(*small, R"({"name": "1234567"})") == "");
  BOOST_TEST(DecisionError(*small, R"({"name": "12345678"})") ==
             "the script of rule 'r': script text longer than 10 bytes");
  auto d = hostile::DecideJson(*small, R"({"name": "12345678"})");
  BOOST_TEST(d.errors[0].rule_id == "r");
}

BOOST_AUTO_TEST_CASE(max_case_bytes) {
  auto p = MustLoad(OneRule("{name: string}", "{resolution: {type: string, required: true}}", "{resolution: \"'x'\"}"),
                    With([](auto& l) { l.max_case_bytes = 20; }));
  const std::string json = R"({"name": "1234567"})";  // 19 bytes
  BOOST_TEST(JsonError(json + " ", *p) == "");
  BOOST_TEST(JsonError(json + "  ", *p) == "case is 21 bytes; the limit is 20 (max_case_bytes)");
  BOOST_TEST(YamlError("name: 1234567890123\n", *p) == "");
  BOOST_TEST(YamlError("name: 12345678901234\n", *p) == "case is 21 bytes; the limit is 20 (max_case_bytes)");
  // The default, 4 MiB, on the shipped policy.
  auto padded = [](std::size_t n) { return "{\"case\": {\"id\": \"x\"}" + std::string(n - 21, ' ') + "}"; };
  BOOST_TEST(JsonError(padded(4u << 20)) == "");
  BOOST_TEST(JsonError(padded((4u << 20) + 1)) == "case is 4194305 bytes; the limit is 4194304 (max_case_bytes)");
  auto status = hostile::Shipped().ReadFactsJson(padded((4u << 20) + 1)).status();
  BOOST_TEST((status.code() == aftersales::StatusCode::kResourceExhausted));
}

BOOST_AUTO_TEST_CASE(max_case_depth) {
  // 32 levels of objects or lists are a case (the top object is one).
  BOOST_TEST(JsonError(Repeat("{\"a\":", 32) + "1" + Repeat("}", 32)) == "");
  BOOST_TEST(JsonError(Repeat("{\"a\":", 33) + "1" + Repeat("}", 33)) ==
             "case nested more than 32 deep (limit max_case_depth)");
  BOOST_TEST(JsonError("{\"a\":" + Repeat("[", 31) + Repeat("]", 31) + "}") == "");
  BOOST_TEST(JsonError("{\"a\":" + Repeat("[", 32) + Repeat("]", 32) + "}") ==
             "case nested more than 32 deep (limit max_case_depth)");
  BOOST_TEST(YamlError("a: " + Repeat("[", 31) + Repeat("]", 31) + "\n") == "");
  BOOST_TEST(YamlError("a: " + Repeat("[", 32) + Repeat("]", 32) + "\n") ==
             "not valid YAML: line 1:35: YAML nesting deeper than 32 levels");
  auto p = MustLoad(kMinimalPolicy, With([](auto& l) { l.max_case_depth = 4; }));
  BOOST_TEST(JsonError(R"({"a": {"b": [[1]]}})", *p) == "");
  BOOST_TEST(JsonError(R"({"a": {"b": [[[1]]]}})", *p) == "case nested more than 4 deep (limit max_case_depth)");
  BOOST_TEST(YamlError("a: {b: [[1]]}\n", *p) == "");
  BOOST_TEST(YamlError("a: {b: [[[1]]]}\n", *p) == "not valid YAML: line 1:10: YAML nesting deeper than 4 levels");
}

BOOST_AUTO_TEST_CASE(max_case_nodes) {
  // A YAML case of n list items is n + 3 nodes (the map, the key, the list).
  auto list = [](std::size_t n) { return "x: [" + Repeat("1, ", n - 1) + "1]\n"; };
  BOOST_TEST(YamlError(list(100000 - 3)) == "");
  BOOST_TEST(YamlError(list(100000 - 2)) ==
             "not valid YAML: line 1:299996: more than 100000 YAML nodes (aliases count once per use); the file is "
             "too large");
  auto p = MustLoad(kMinimalPolicy, With([](auto& l) { l.max_case_nodes = 10; }));
  BOOST_TEST(YamlError(list(7), *p) == "");
  BOOST_TEST(YamlError(list(8), *p) ==
             "not valid YAML: line 1:26: more than 10 YAML nodes (aliases count once per use); the file is too large");
  // Aliases count each time they are used: a billion laughs stops early.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + std::string(1, c) + " [" + Repeat("*" + prev + ", ", 9) + "*" + prev + "]\n";
  }
  BOOST_TEST(Has(YamlError(bomb), "more than 100000 YAML nodes (aliases count once per use)"));
}

BOOST_AUTO_TEST_CASE(max_eval_steps) {
  const std::string policy = OneRule("{l: list<int>}", "{resolution: {type: string, required: true}}",
                                     "{resolution: \"'x'\"}", "l.all(x, l.all(y, y > 0))");
  auto p = MustLoad(policy);
  auto list = [](int n) { return "{\"l\": [" + Repeat("1, ", static_cast<std::size_t>(n - 1)) + "1]}"; };
  BOOST_TEST(DecisionError(*p, list(100)) == "");
  BOOST_TEST(DecisionError(*p, list(2000)) ==
             "the evaluation step budget (1000000 steps per decision) ran out; rules fired so far: none");
  // The budget is exact: find the least that decides a case; one step less
  // fails with the error, and a longer list needs more.
  auto least = [&](int n) {
    std::int64_t lo = 1, hi = 1'000'000;
    while (lo < hi) {
      std::int64_t mid = (lo + hi) / 2;
      LoadOptions o;
      o.limits.max_eval_steps = mid;
      if (DecisionError(*MustLoad(policy, o), list(n)).empty()) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const std::int64_t need = least(10);
  BOOST_TEST(need > 100);  // 10 x 10 iterations, each some steps
  BOOST_TEST(need < 1000);
  LoadOptions o;
  o.limits.max_eval_steps = need - 1;
  // (Whether the last step was the condition's or the value's, the budget
  // is the error.)
  BOOST_TEST(DecisionError(*MustLoad(policy, o), list(10)).rfind(
                 "the evaluation step budget (" + std::to_string(need - 1) + " steps per decision) ran out; rules fired "
                 "so far: ", 0) == 0);
  BOOST_TEST(least(20) > need);
  // The expression API has a budget too.
  aftersales::Limits l;
  l.max_eval_steps = 50;
  auto e = aftersales::EvaluateExpression("[1, 2, 3, 4, 5, 6, 7, 8].all(x, [1, 2, 3, 4, 5, 6, 7, 8].all(y, y > 0))",
                                          {}, l);
  BOOST_TEST(e.errors == std::vector<std::string>{"evaluation step budget exhausted"});
}

// Work that grows with the size of its operands is charged to the budget:
// a macro over a list fact that scans the list, or a long text, at every
// item runs out of steps instead of running for minutes.
BOOST_AUTO_TEST_CASE(large_operands_are_charged_to_the_step_budget) {
  const std::string decisions = "{resolution: {type: string, required: true}}";
  // `x in l` for every x of a list of 50,000 different words looks through
  // half the list each time: over a billion comparisons on two steps an item.
  auto in = MustLoad(OneRule("{l: list<string>}", decisions, "{resolution: \"'x'\"}", "l.all(x, x in l)"));
  std::string words = "[";
  for (int i = 0; i < 50000; ++i) words += (i ? ", \"" : "\"") + std::to_string(i) + "\"";
  words += "]";
  BOOST_TEST(DecisionError(*in, "{\"l\": " + words + "}") ==
             "the evaluation step budget (1000000 steps per decision) ran out; rules fired so far: none");
  // What is found at once costs little: 50,000 of one word decide.
  BOOST_TEST(DecisionError(*in, "{\"l\": [" + Repeat("\"b\", ", 49999) + "\"b\"]}") == "");
  // Looking through a 1 MiB text for each of 10,000 words that are not there.
  auto text = MustLoad(OneRule("{l: list<string>, text: string}", decisions, "{resolution: \"'x'\"}",
                               "l.exists(x, text.contains(x))"));
  const std::string big = Repeat("a", 1 << 20);
  BOOST_TEST(DecisionError(*text, "{\"l\": [" + Repeat("\"zz\", ", 9999) + "\"zz\"], \"text\": \"" + big + "\"}") ==
             "the evaluation step budget (1000000 steps per decision) ran out; rules fired so far: none");
  BOOST_TEST(DecisionError(*text, "{\"l\": [" + Repeat("\"zz\", ", 9999) + "\"a\"], \"text\": \"" + big + "\"}") ==
             "the evaluation step budget (1000000 steps per decision) ran out; rules fired so far: none");
  BOOST_TEST(DecisionError(*text, "{\"l\": [" + Repeat("\"a\", ", 9999) + "\"zz\"], \"text\": \"" + big + "\"}") ==
             "");
  // contains() is linear: a needle that almost matches everywhere is no
  // slower than any other (std::string::find took hours here).
  auto q = MustLoad(OneRule("{a: string, b: string}", decisions, "{resolution: \"'found'\"}", "a.contains(b)"));
  BOOST_TEST(DecisionError(*q, "{\"a\": \"" + Repeat("a", 1 << 20) + "\", \"b\": \"" + Repeat("a", 1 << 19) +
                                   "b\"}") == "no rule decided 'resolution'");
  BOOST_TEST(DecisionError(*q, "{\"a\": \"" + Repeat("a", 1 << 20) + "\", \"b\": \"" + Repeat("a", 1 << 19) + "\"}") ==
             "");
}

BOOST_AUTO_TEST_CASE(max_collection_size) {
  const std::string decisions = "{resolution: {type: string, required: true}, got: {type: list<int>}}";
  const std::string concat = OneRule("{l: list<int>}", decisions, "{resolution: \"'x'\", got: \"l + l\"}");
  auto small = MustLoad(concat, With([](auto& l) { l.max_collection_size = 10; }));
  BOOST_TEST(DecisionError(*small, R"({"l": [1, 2, 3, 4, 5]})") == "");
  BOOST_TEST(DecisionError(*small, R"({"l": [1, 2, 3, 4, 5, 6]})") ==
             "rule 'r' cannot set 'got': list too large: more than 10 items (limit max_collection_size)");
  // map() builds a list too (here from a literal longer than the limit).
  auto mapped = MustLoad(OneRule("{l: list<int>}", decisions,
                                 "{resolution: \"'x'\", got: \"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(x, x)\"}"),
                         With([](auto& l) { l.max_collection_size = 10; }));
  BOOST_TEST(DecisionError(*mapped, "{}") ==
             "rule 'r' cannot set 'got': list too large: more than 10 items (limit max_collection_size)");
  // A list fact is held to it when read, from JSON, YAML or a builder.
  BOOST_TEST(JsonError(R"({"l": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]})", *small) == "");
  BOOST_TEST(JsonError(R"({"l": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]})", *small) ==
             "l: more than 10 items (limit max_collection_size)");
  BOOST_TEST(YamlError("l: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n", *small) ==
             "l (line 1, column 4): more than 10 items (limit max_collection_size)");
  // The default, 100,000, on the shipped policy.
  const std::string evidence = "{\"issue\": {\"evidence\": [" + Repeat("\"photo\", ", 99999) + "\"photo\"";
  BOOST_TEST(JsonError(evidence + "]}}") == "");
  BOOST_TEST(JsonError(evidence + ", \"photo\"]}}") == "issue.evidence: more than 100000 items (limit max_collection_size)");
  auto b = hostile::Shipped().NewFacts();
  BOOST_TEST(b.SetStringList("issue.evidence", std::vector<std::string>(100000, "photo")).ok());
  BOOST_TEST(b.SetStringList("issue.evidence", std::vector<std::string>(100001, "photo")).message() ==
             "issue.evidence: more than 100000 items (limit max_collection_size)");
  // split() takes at most as many weights.
  aftersales::Limits l;
  l.max_collection_size = 3;
  BOOST_TEST(aftersales::EvaluateExpression("split(10, [1, 1, 1])", {}, l).value == "[4, 3, 3]");
  BOOST_TEST(aftersales::EvaluateExpression("split(10, [1, 1, 1, 1])", {}, l).errors ==
             std::vector<std::string>{"split(): more than 3 weights (limit max_collection_size)"});
}

BOOST_AUTO_TEST_CASE(max_string_length) {
  const std::string decisions = "{resolution: {type: string, required: true}, got: {type: string}}";
  auto small = MustLoad(OneRule("{s: string}", decisions, "{resolution: \"'x'\", got: \"s + s\"}"),
                        With([](auto& l) { l.max_string_length = 10; }));
  BOOST_TEST(DecisionError(*small, R"({"s": "12345"})") == "");
  BOOST_TEST(DecisionError(*small, R"({"s": "123456"})") ==
             "rule 'r' cannot set 'got': string too long: more than 10 bytes (limit max_string_length)");
  // A text fact is held to it when read.
  BOOST_TEST(JsonError(R"({"s": "1234567890"})", *small) == "");
  BOOST_TEST(JsonError(R"({"s": "12345678901"})", *small) == "s: text longer than 10 bytes (limit max_string_length)");
  BOOST_TEST(YamlError("s: 12345678901\n", *small) ==
             "s (line 1, column 4): text longer than 10 bytes (limit max_string_length)");
  // The default, 1 MiB, on the shipped policy.
  BOOST_TEST(JsonError("{\"item\": {\"name\": \"" + Repeat("a", 1 << 20) + "\"}}") == "");
  BOOST_TEST(JsonError("{\"item\": {\"name\": \"" + Repeat("a", (1 << 20) + 1) + "\"}}") ==
             "item.name: text longer than 1048576 bytes (limit max_string_length)");
  auto b = hostile::Shipped().NewFacts();
  BOOST_TEST(b.SetString("item.name", Repeat("a", 1 << 20)).ok());
  BOOST_TEST(b.SetString("item.name", Repeat("a", (1 << 20) + 1)).message() ==
             "item.name: text longer than 1048576 bytes (limit max_string_length)");
  aftersales::Limits l;
  l.max_string_length = 4;
  BOOST_TEST(aftersales::EvaluateExpression("'ab' + 'cd'", {}, l).value == "\"abcd\"");
  BOOST_TEST(aftersales::EvaluateExpression("'ab' + 'cde'", {}, l).errors ==
             std::vector<std::string>{"string too long: more than 4 bytes (limit max_string_length)"});
}

BOOST_AUTO_TEST_SUITE_END()
