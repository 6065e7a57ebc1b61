// Builtins, comparison (src/expr/builtins/comparison.cc): < <= > >= across
// numbers and within strings, bools, timestamps and durations; == and !=
// over every kind, the enum words a literal operand must be, the constant
// form, and what equality is charged.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "builtin_env.h"

namespace aftersales::internal::testing {

BOOST_AUTO_TEST_SUITE(builtins_comparison)

BOOST_AUTO_TEST_CASE(orderings_types) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_int < t_double", "bool"},
      {"t_uint <= t_int", "bool"},
      {"t_string > t_enum", "bool"},
      {"t_bool >= false", "bool"},
      {"t_ts < t_ts", "bool"},
      {"t_dur > duration('1s')", "bool"},
      {"d0 < d1", "bool"},
      {"d0 < t_ts", "bool"},
      {"t_int < 'a'", "expr.type@6: no matching overload for '<' applied to (int, string)"},
      {"t_ts < t_dur", "expr.type@5: no matching overload for '<' applied to (timestamp, duration)"},
      {"t_ints < t_ints", "expr.type@7: no matching overload for '<' applied to (list(int), list(int))"},
      {"d0 > t_counts", "expr.type@3: no matching overload for '>' applied to (dyn, map(string, int))"},
      {"null <= d0", "expr.type@5: no matching overload for '<=' applied to (null_type, dyn)"},
  });
}

BOOST_AUTO_TEST_CASE(orderings_values) {
  BuiltinEnv env;
  CheckValues(env, {
      {"1 < 1.5", "true"},
      {"-1 < 0u", "true"},
      {"18446744073709551615u > 9223372036854775807", "true"},
      {"2.0 <= 2", "true"},
      {"'abc' < 'abd'", "true"},
      {"'b' >= 'abc'", "true"},
      {"false < true", "true"},
      {"t_ts > timestamp('2025-03-01T12:29:59Z')", "true"},
      {"duration('-1s') < duration('0s')", "true"},
  });
  // NaN is unordered: every ordering is false.
  env.Set(Value::Double(std::nan("")), Value::Int(1));
  CheckValues(env, {{"d0 < d1", "false"}, {"d0 >= d1", "false"}, {"d1 > d0", "false"}, {"d0 <= d0", "false"}});
  env.Set(Value::Int(1), Value::String("1"));
  CheckValues(env, {
      {"d0 < d1", "error: no matching overload for '<' applied to (int, string)"},
      {"d0 <= d1", "error: no matching overload for '<=' applied to (int, string)"},
      {"d1 > d0", "error: no matching overload for '>' applied to (string, int)"},
      {"d1 >= d0", "error: no matching overload for '>=' applied to (string, int)"},
  });
  env.Set(Value::ListOf({}), Value::ListOf({}));
  CheckValues(env, {{"d0 < d1", "error: no matching overload for '<' applied to (list, list)"}});
}

BOOST_AUTO_TEST_CASE(equality_types) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_int == t_double", "bool"},
      {"t_string != t_enum", "bool"},
      {"t_ints == [1u]", "bool"},
      {"null == t_ts", "bool"},
      {"d0 == t_counts", "bool"},
      {"t_int == 'a'", "expr.type@6: cannot compare int with string"},
      {"t_ts != t_dur", "expr.type@5: cannot compare timestamp with duration"},
      {"t_enum == t_evidence", "expr.type@7: cannot compare platform with evidence"},
      {"t_ints == t_strings", "expr.type@7: cannot compare list(int) with list(string)"},
      {"t_counts == t_names", "expr.type@9: cannot compare map(string, int) with map(int, string)"},
  });
}

BOOST_AUTO_TEST_CASE(literal_operands_must_be_enum_words) {
  BuiltinEnv env;
  BOOST_TEST(env.Issue("t_enum == 'tmal'") == "expr.enum@10: 'tmal' is not a value of enum 'platform' "
                                              "(did you mean 'tmall'?)");
  BOOST_TEST(env.Issue("'jdd' != t_enum") == "expr.enum@0: 'jdd' is not a value of enum 'platform' "
                                             "(did you mean 'jd'?)");
  BOOST_TEST(env.Issue("t_enum == 'tmall' && t_evidence != 'video'") == "");
  BOOST_TEST(env.Issue("t_enum == t_string") == "");
}

BOOST_AUTO_TEST_CASE(equality_values) {
  BuiltinEnv env;
  env.Set(Value::Int(1), Value::Double(1.0), Value::String("1"));
  CheckValues(env, {
      {"d0 == d1", "true"},
      {"d0 == 1u", "true"},
      {"d0 != d2", "true"},
      {"d2 == '1'", "true"},
      {"'1' == d2", "true"},
      {"d0 == null", "false"},
      {"[d0, [d2]] == [1u, ['1']]", "true"},
      {"{'a': d0} == {'a': d1}", "true"},
      {"{'a': d0} != {'b': d0}", "true"},
  });
  env.Set(Value::Double(std::nan("")));
  CheckValues(env, {{"d0 == d0", "false"}, {"d0 != d0", "true"}});
}

BOOST_AUTO_TEST_CASE(equality_is_charged_by_the_work_it_does) {
  BuiltinEnv env;
  // The call's step, its operands', and a step per 8 values compared.
  std::vector<Value> items(800, Value::Int(3));
  env.Set(Value::ListOf(items), Value::ListOf(items));
  const std::int64_t whole = env.Steps("d0 == d1");
  BOOST_TEST(whole >= 3 + 800 / 8);
  BOOST_TEST(whole <= 3 + 802 / 8 + 1);
  BOOST_TEST(env.Steps("d0 != d1") == whole);
  // A difference early stops the comparison, and its charge.
  items[0] = Value::Int(4);
  env.Set(Value::ListOf(items), Value::ListOf(std::vector<Value>(800, Value::Int(3))));
  BOOST_TEST(env.Steps("d0 == d1") < 8);
  // On a budget it cannot pay for, it stops with the budget error.
  env.Set(Value::ListOf(std::vector<Value>(800, Value::Int(3))), Value::ListOf(std::vector<Value>(800, Value::Int(3))));
  BOOST_TEST(env.Run("d0 == d1", 50).first == "error: evaluation step budget exhausted");
  BOOST_TEST(env.Run("d0 != d1", 50).first == "error: evaluation step budget exhausted");
}

BOOST_AUTO_TEST_CASE(a_literal_operand_compiles_to_a_constant_comparison) {
  BuiltinEnv env;
  // d0 == 'x' reads d0 in place and compares with the constant: two steps,
  // the comparison uncharged; d0 == d1 is a call (three steps) charged for
  // the text it compares.
  const std::string text(4000, 'x');
  env.Set(Value::String(text), Value::String(text));
  BOOST_TEST(env.Steps("d0 == '" + text + "'") == 2);
  BOOST_TEST(env.Steps("'" + text + "' != d0") == 2);
  BOOST_TEST(env.Eval("'" + text + "' != d0") == "false");
  BOOST_TEST(env.Steps("d0 == d1") > 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
