// Builtins, strings (src/expr/builtins/strings.cc): contains, startsWith
// and endsWith, receiver calls only; their results on enum words and
// non-ASCII text, run-time kind errors, and the bytes they are charged.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "builtin_env.h"

namespace aftersales::internal::testing {

BOOST_AUTO_TEST_SUITE(builtins_strings)

BOOST_AUTO_TEST_CASE(types_and_call_style) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_string.contains('a')", "bool"},
      {"t_enum.startsWith(t_string)", "bool"},
      {"d0.endsWith(d1)", "bool"},
      // Receiver calls only.
      {"contains(t_string, 'a')", "expr.type@0: no matching overload for 'contains' applied to (string, string)"},
      {"startsWith('a', 'b')", "expr.type@0: no matching overload for 'startsWith' applied to (string, string)"},
      {"endsWith(d0, d1)", "expr.type@0: no matching overload for 'endsWith' applied to (dyn, dyn)"},
      {"t_string.contains(1)", "expr.type@9: no matching overload for 'contains' applied to (string, int)"},
      {"t_ints.startsWith('a')", "expr.type@7: no matching overload for 'startsWith' applied to (list(int), string)"},
      {"t_string.endsWith()", "expr.type@9: no matching overload for 'endsWith' applied to (string)"},
      {"t_string.contains('a', 'b')",
       "expr.type@9: no matching overload for 'contains' applied to (string, string, string)"},
  });
}

BOOST_AUTO_TEST_CASE(values) {
  BuiltinEnv env;
  CheckValues(env, {
      {"'电热水壶'.contains('水')", "true"},
      {"'abc'.contains('')", "true"},
      {"''.contains('a')", "false"},
      {"'abc'.contains('abcd')", "false"},
      {"'abc'.startsWith('ab')", "true"},
      {"'abc'.startsWith('b')", "false"},
      {"'abc'.startsWith('')", "true"},
      {"'ab'.startsWith('abc')", "false"},
      {"'abc'.endsWith('bc')", "true"},
      {"'abc'.endsWith('ab')", "false"},
      {"'bc'.endsWith('abc')", "false"},
      {"t_enum.startsWith('tm')", "true"},
      {"t_string.endsWith('llo')", "true"},
  });
}

BOOST_AUTO_TEST_CASE(unknown_kinds_fail_at_run_time) {
  BuiltinEnv env;
  env.Set(Value::String("abc"), Value::Int(1));
  CheckValues(env, {
      {"d0.contains(d1)", "error: no matching overload for 'contains' applied to (string, int)"},
      {"d1.startsWith(d0)", "error: no matching overload for 'startsWith' applied to (int, string)"},
      {"d0.endsWith(d1)", "error: no matching overload for 'endsWith' applied to (string, int)"},
  });
}

BOOST_AUTO_TEST_CASE(charges) {
  BuiltinEnv env;
  // contains: the call, its operands, and a step per 64 bytes of the text
  // looked through (up to the match) and of the needle.
  env.Set(Value::String(std::string(6400, 'a') + "b"), Value::String(std::string(64, 'a') + "b"));
  BOOST_TEST(env.Steps("d0.contains(d1)") == 3 + (6400 - 64 + 65) / 64);
  env.Set(Value::String(std::string(6400, 'a')), Value::String(std::string(128, 'b')));
  BOOST_TEST(env.Steps("d0.contains(d1)") == 3 + (6400 + 128) / 64);
  env.Set(Value::String("b" + std::string(6400, 'a')), Value::String("b"));
  BOOST_TEST(env.Steps("d0.contains(d1)") == 3);
  // startsWith and endsWith: a step per 64 bytes of the prefix or suffix.
  env.Set(Value::String(std::string(6400, 'a')), Value::String(std::string(640, 'a')));
  BOOST_TEST(env.Steps("d0.startsWith(d1)") == 3 + 10);
  BOOST_TEST(env.Steps("d0.endsWith(d1)") == 3 + 10);
  BOOST_TEST(env.Steps("d1.startsWith(d0)") == 3 + 100);
  // A call that fails is not charged for bytes.
  env.Set(Value::Int(1), Value::String(std::string(640, 'a')));
  BOOST_TEST(env.Steps("d0.startsWith(d1)") == 3);
  BOOST_TEST(env.Steps("d0.endsWith(d1)") == 3);
}

BOOST_AUTO_TEST_CASE(contains_is_linear_on_a_hostile_needle) {
  BuiltinEnv env;
  // 'aaa...ab' in 'aaa...a': quadratic for a naive search.
  env.Set(Value::String(std::string(1 << 20, 'a')), Value::String(std::string(1 << 16, 'a') + "b"));
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(env.Eval("d0.contains(d1)") == "false");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  BOOST_TEST(took.count() < 2000);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
