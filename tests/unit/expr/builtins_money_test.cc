// Builtins, money (src/expr/builtins/money.cc): split(amount, weights), no
// cent lost and the odd cents to the first parts, and share(amount, num,
// den), rounded down; their types, their errors and what split is charged.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "builtin_env.h"

namespace aftersales::internal::testing {

BOOST_AUTO_TEST_SUITE(builtins_money)

BOOST_AUTO_TEST_CASE(types) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"split(t_int, t_ints)", "list(int)"},
      {"split(d0, d1)", "list(int)"},
      {"split(100, t_dyns)", "list(int)"},
      {"share(t_int, 1, 3)", "int"},
      {"share(d0, d1, d2)", "int"},
      {"split(t_int, t_strings)", "expr.type@0: no matching overload for 'split' applied to (int, list(string))"},
      {"split(t_uint, t_ints)", "expr.type@0: no matching overload for 'split' applied to (uint, list(int))"},
      {"split(t_int)", "expr.type@0: no matching overload for 'split' applied to (int)"},
      {"t_int.split(t_ints)", "expr.type@6: no matching overload for 'split' applied to (int, list(int))"},
      {"share(t_int, 1.5, 3)", "expr.type@0: no matching overload for 'share' applied to (int, double, int)"},
      {"share(t_int, 1)", "expr.type@0: no matching overload for 'share' applied to (int, int)"},
  });
}

BOOST_AUTO_TEST_CASE(split_values) {
  BuiltinEnv env;
  CheckValues(env, {
      {"split(100, [1, 1, 1])", "[34, 33, 33]"},
      {"split(101, [1, 1])", "[51, 50]"},
      {"split(-101, [1, 1])", "[-51, -50]"},
      {"split(10, [0, 1, 0, 1])", "[0, 5, 0, 5]"},
      {"split(7, [0, 3, 0, 3, 1])", "[0, 3, 0, 3, 1]"},
      {"split(1, [0, 1, 1])", "[0, 1, 0]"},
      {"split(0, [2, 3])", "[0, 0]"},
      {"split(9223372036854775807, [1, 1])", "[4611686018427387904, 4611686018427387903]"},
      {"split(100, [])", "error: split(): no weights"},
      {"split(100, [0, 0])", "error: split(): the weights add up to 0"},
      {"split(100, [1, -1])", "error: split(): weights must not be negative"},
  });
  env.Set(Value::ListOf({Value::Int(1), Value::String("2")}), Value::Uint(5));
  CheckValues(env, {
      {"split(10, d0)", "error: split(): weights must be ints"},
      {"split(d1, [1])", "error: no matching overload for 'split' applied to (uint, list)"},
      {"split(10, d1)", "error: no matching overload for 'split' applied to (int, uint)"},
  });
  env.max_collection_size = 3;
  BOOST_TEST(env.Eval("split(10, [1, 1, 1, 1])") == "error: split(): more than 3 weights (limit max_collection_size)");
}

BOOST_AUTO_TEST_CASE(share_values) {
  BuiltinEnv env;
  CheckValues(env, {
      {"share(100, 1, 3)", "33"},
      {"share(-100, 1, 3)", "-34"},
      {"share(100, -1, 3)", "-34"},
      {"share(100, 2, 4)", "50"},
      {"share(9223372036854775807, 3, 3)", "9223372036854775807"},
      {"share(9223372036854775807, 2, 1)", "error: share(): int overflow"},
      {"share(100, 1, 0)", "error: share(): division by zero"},
  });
  env.Set(Value::Uint(1));
  BOOST_TEST(env.Eval("share(d0, 1, 2)") == "error: no matching overload for 'share' applied to (uint, int, int)");
}

BOOST_AUTO_TEST_CASE(split_is_charged_for_its_weights) {
  BuiltinEnv env;
  env.Set(Value::Int(1000), Value::ListOf(std::vector<Value>(800, Value::Int(1))));
  // The call, its operands, and a step per 8 weights.
  BOOST_TEST(env.Steps("split(d0, d1)") == 3 + 800 / 8);
  BOOST_TEST(env.Steps("share(d0, d0, d0)") == 4);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
