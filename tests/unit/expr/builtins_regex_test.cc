// Builtins, regular expressions (src/expr/builtins/regex.cc): matches() as
// a receiver or a global call; a constant pattern compiled at load (an
// invalid or too large one is a load error at the pattern), a pattern built
// at run time compiled then (an invalid one is an error value), and what
// each is charged.
#include <boost/test/unit_test.hpp>
#include <re2/re2.h>

#include <cstdint>
#include <string>

#include "builtin_env.h"
#include "expr/regex_pool.h"

namespace aftersales::internal::testing {

BOOST_AUTO_TEST_SUITE(builtins_regex)

BOOST_AUTO_TEST_CASE(types_and_call_styles) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_string.matches('^h')", "bool"},
      {"matches(t_string, '^h')", "bool"},
      {"t_enum.matches(d0)", "bool"},
      {"t_int.matches('1')", "expr.type@6: no matching overload for 'matches' applied to (int, string)"},
      {"matches(t_string)", "expr.type@0: no matching overload for 'matches' applied to (string)"},
      {"t_string.matches(t_ints)", "expr.type@9: no matching overload for 'matches' applied to (string, list(int))"},
  });
}

BOOST_AUTO_TEST_CASE(values) {
  BuiltinEnv env;
  CheckValues(env, {
      {"'SF1234'.matches('^SF[0-9]+$')", "true"},
      {"matches('SF12x', '^SF[0-9]+$')", "false"},
      {"'电热水壶'.matches('水.')", "true"},
      {"'abc'.matches('')", "true"},
      {"t_enum.matches('^t')", "true"},
  });
  env.Set(Value::String("^a+b$"), Value::String("aaab"));
  CheckValues(env, {
      {"d1.matches(d0)", "true"},
      {"matches('ab', d0)", "true"},
      {"'ba'.matches(d0)", "false"},
  });
}

BOOST_AUTO_TEST_CASE(a_bad_constant_pattern_is_a_load_error) {
  BuiltinEnv env;
  BOOST_TEST(env.Issue("t_string.matches('(')") ==
             "expr.regex@17: invalid regular expression: missing ): (");
  BOOST_TEST(env.Issue("matches(t_string, 'a[')") ==
             "expr.regex@18: invalid regular expression: missing ]: [");
  // Too large for the pattern memory, or for the policy's patterns together.
  RegexPool small(65536, 2 * 65536, RegexPool::WhenFull::kRefuse);
  BOOST_TEST(env.Issue("t_string.matches('((a|b)(c|d)){1000}')", &small) ==
             "expr.limit@17: regular expression too large: it needs more than 65536 bytes (limit max_regex_memory)");
  BOOST_TEST(env.Issue("t_string.matches('a') || t_string.matches('b')", &small) == "");
  BOOST_TEST(env.Issue("t_string.matches('a') || t_string.matches('c')", &small) ==
             "expr.limit@42: the policy's regular expressions may use more than 131072 bytes together "
             "(each distinct pattern counts 65536; limit max_policy_regex_memory)");
}

BOOST_AUTO_TEST_CASE(a_bad_pattern_built_at_run_time_is_an_error_value) {
  BuiltinEnv env;
  env.Set(Value::String("("), Value::Int(1));
  BOOST_TEST(env.Eval("'a'.matches(d0)") == "error: invalid regular expression: missing ): (");
  BOOST_TEST(env.Eval("'a'.matches(d0) || true") == "true");
  BOOST_TEST(env.Eval("'a'.matches(d1)") == "error: no matching overload for 'matches' applied to (string, int)");
  BOOST_TEST(env.Eval("d1.matches('a')") == "error: no matching overload for 'matches' applied to (int, string)");
}

BOOST_AUTO_TEST_CASE(a_match_is_charged_for_its_worst_case) {
  BuiltinEnv env;
  // A constant pattern: the call, its operand, the constant, and
  // (text bytes + 1) x program size / 8 steps.
  env.Set(Value::String(std::string(799, 'a')));
  RegexPool pool(1u << 20, 1u << 20, RegexPool::WhenFull::kRefuse);
  std::string error;
  const auto re = pool.Get("a+b", &error);
  BOOST_TEST_REQUIRE(re != nullptr);
  const std::int64_t size = re->ProgramSize();
  BOOST_TEST(env.Steps("d0.matches('a+b')") == 3 + 800 * size / 8);
  // A pattern built at run time is charged for compiling it too: 2000 steps,
  // 32 per byte of the pattern, 8 per instruction of its program.
  env.Set(Value::String(std::string(799, 'a')), Value::String("a+b"));
  BOOST_TEST(env.Steps("d0.matches(d1)") == 3 + 2000 + 32 * 3 + 8 * size + 800 * size / 8);
  // Compiled once per decision: with the decision's pool, the second
  // match of the same pattern is not charged for compiling.
  RegexPool cache(1u << 20, 8u << 20, RegexPool::WhenFull::kEmpty);
  env.regex_cache = &cache;
  BOOST_TEST(env.Steps("d0.matches(d1)") == 3 + 2000 + 32 * 3 + 8 * size + 800 * size / 8);
  BOOST_TEST(env.Steps("d0.matches(d1)") == 3 + 800 * size / 8);
}

BOOST_AUTO_TEST_CASE(a_budget_that_cannot_pay_stops_before_the_work) {
  BuiltinEnv env;
  env.Set(Value::String(std::string(100000, 'a')), Value::String("(a|b)*c"));
  BOOST_TEST(env.Run("d0.matches('(a|b)*c')", 1000).first == "error: evaluation step budget exhausted");
  // Not even compiled: the charge for compiling comes first.
  BOOST_TEST(env.Run("d0.matches(d1)", 1000).first == "error: evaluation step budget exhausted");
  BOOST_TEST(env.Run("d0.matches(d1)", 1000).second < 1000 + 2000 + 32 * 8);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
