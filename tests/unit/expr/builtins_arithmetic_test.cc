// Builtins, arithmetic (src/expr/builtins/arithmetic.cc): + - * / % and
// unary minus: their types, checked overflow, division by zero, strings,
// lists, timestamps and durations, the limits on what + builds, and what
// + is charged.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "builtin_env.h"

namespace aftersales::internal::testing {
namespace {

Value Ints(std::size_t n) { return Value::ListOf(std::vector<Value>(n, Value::Int(1))); }

}  // namespace

BOOST_AUTO_TEST_SUITE(builtins_arithmetic)

BOOST_AUTO_TEST_CASE(types_follow_the_operands) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_int + t_int", "int"},
      {"t_uint * t_uint", "uint"},
      {"t_double / t_double", "double"},
      {"t_int % 2", "int"},
      {"t_uint % 2u", "uint"},
      {"t_string + t_enum", "string"},
      {"t_enum + t_enum", "string"},
      {"t_ints + t_ints", "list(int)"},
      {"t_ints + t_strings", "list(dyn)"},
      {"t_evidences + t_evidences", "list(evidence)"},
      {"t_ts + t_dur", "timestamp"},
      {"t_dur + t_ts", "timestamp"},
      {"t_dur + t_dur", "duration"},
      {"t_ts - t_ts", "duration"},
      {"t_ts - t_dur", "timestamp"},
      {"t_dur - t_dur", "duration"},
      {"-t_int", "int"},
      {"-t_double", "double"},
      {"-t_dur", "duration"},
      // An operand of unknown type: the other one's, where it decides.
      {"d0 + t_int", "int"},
      {"t_double - d0", "double"},
      {"d0 + t_enum", "string"},
      {"t_ints + d0", "list(int)"},
      {"d0 * d1", "dyn"},
      {"-d0", "dyn"},
      // With a timestamp or a duration it does not: typed dyn.
      {"d0 + t_ts", "dyn"},
      {"t_ts + d0", "dyn"},
      {"d0 - t_ts", "dyn"},
      {"t_dur - d0", "dyn"},
  });
}

BOOST_AUTO_TEST_CASE(mismatched_types_are_check_errors) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_int + t_uint", "expr.type@6: no matching overload for '+' applied to (int, uint)"},
      {"t_int + 1.5", "expr.type@6: no matching overload for '+' applied to (int, double)"},
      {"t_double % 2.0", "expr.type@9: no matching overload for '%' applied to (double, double)"},
      {"d0 % 2.0", "expr.type@3: no matching overload for '%' applied to (dyn, double)"},
      {"t_string - 'a'", "expr.type@9: no matching overload for '-' applied to (string, string)"},
      {"t_ints * 2", "expr.type@7: no matching overload for '*' applied to (list(int), int)"},
      {"t_ts + t_ts", "expr.type@5: no matching overload for '+' applied to (timestamp, timestamp)"},
      {"t_dur - t_ts", "expr.type@6: no matching overload for '-' applied to (duration, timestamp)"},
      {"d0 * t_ts", "expr.type@3: no matching overload for '*' applied to (dyn, timestamp)"},
      {"-t_uint", "expr.type@0: no matching overload for '-' applied to (uint)"},
      {"-t_string", "expr.type@0: no matching overload for '-' applied to (string)"},
      {"t_bool + d0", "expr.type@7: no matching overload for '+' applied to (bool, dyn)"},
  });
}

BOOST_AUTO_TEST_CASE(numbers_overflow_to_errors) {
  BuiltinEnv env;
  CheckValues(env, {
      {"1 + 2 * 3 - 4 / 2 % 3", "5"},
      {"7 / -2", "-3"},
      {"-7 % 3", "-1"},
      {"7u / 2u", "3u"},
      {"1.5 * 2.0 - 0.5", "2.5"},
      {"1.0 / 0.0 > 1e308", "true"},
      {"9223372036854775807 + 1", "error: int overflow in '+'"},
      {"-9223372036854775807 - 2", "error: int overflow in '-'"},
      {"4611686018427387904 * 2", "error: int overflow in '*'"},
      {"18446744073709551615u + 1u", "error: uint overflow in '+'"},
      {"0u - 1u", "error: uint overflow in '-'"},
      {"9223372036854775808u * 2u", "error: uint overflow in '*'"},
      {"1 / 0", "error: division by zero"},
      {"1u / 0u", "error: division by zero"},
      {"1 % 0", "error: modulus by zero"},
      {"1u % 0u", "error: modulus by zero"},
      {"(-9223372036854775807 - 1) / -1", "error: int overflow in '/'"},
      {"(-9223372036854775807 - 1) % -1", "error: int overflow in '%'"},
      {"-(-9223372036854775807 - 1)", "error: int overflow in '-'"},
  });
}

BOOST_AUTO_TEST_CASE(strings_lists_timestamps_and_durations) {
  BuiltinEnv env;
  CheckValues(env, {
      {"'ab' + 'c'", "\"abc\""},
      {"t_enum + '!'", "\"tmall!\""},
      {"[1] + ['a']", "[1, \"a\"]"},
      {"[] + []", "[]"},
      {"t_ts + duration('1h')", "timestamp(\"2025-03-01T13:30:00Z\")"},
      {"duration('1h') + t_ts", "timestamp(\"2025-03-01T13:30:00Z\")"},
      {"t_ts - duration('30m')", "timestamp(\"2025-03-01T12:00:00Z\")"},
      {"t_ts - timestamp('2025-03-01T00:00:00Z')", "duration(\"45000s\")"},
      {"duration('1h') + duration('1s')", "duration(\"3601s\")"},
      {"duration('1h') - duration('2h')", "duration(\"-3600s\")"},
      {"-duration('1.5s')", "duration(\"-1.5s\")"},
      {"timestamp('9999-12-31T23:59:59Z') + duration('1s')", "error: timestamp out of range"},
      {"timestamp('0001-01-01T00:00:00Z') - duration('1s')", "error: timestamp out of range"},
  });
}

BOOST_AUTO_TEST_CASE(unknown_operand_kinds_fail_at_run_time) {
  BuiltinEnv env;
  env.Set(Value::Int(1), Value::String("a"));
  CheckValues(env, {
      {"d0 + d1", "error: no matching overload for '+' applied to (int, string)"},
      {"d1 - d0", "error: no matching overload for '-' applied to (string, int)"},
      {"d0 * d1", "error: no matching overload for '*' applied to (int, string)"},
      {"d0 / d1", "error: no matching overload for '/' applied to (int, string)"},
      {"d0 % d1", "error: no matching overload for '%' applied to (int, string)"},
      {"-d1", "error: no matching overload for '-' applied to (string)"},
      {"d0 + 2", "3"},
  });
  env.Set(Value::Double(1.5), Value::Double(2.0));
  CheckValues(env, {
      {"d0 % d1", "error: no matching overload for '%' applied to (double, double)"},
      {"-d0", "-1.5"},
  });
}

BOOST_AUTO_TEST_CASE(what_plus_builds_is_bounded) {
  BuiltinEnv env;
  env.max_string_length = 10;
  env.max_collection_size = 4;
  env.max_value_bytes = 34;
  env.Set(Value::String("abcdef"), Ints(3));
  CheckValues(env, {
      {"d0 + 'ghij'", "\"abcdefghij\""},
      {"d0 + 'ghijk'", "error: string too long: more than 10 bytes (limit max_string_length)"},
      {"d1 + [1]", "[1, 1, 1, 1]"},
      {"d1 + [1, 2]", "error: list too large: more than 4 items (limit max_collection_size)"},
      {"[d0] + [d0, d0]", "[\"abcdef\", \"abcdef\", \"abcdef\"]"},
      {"[d0, d0] + [d0, d0]", "error: value too large: more than 34 bytes as JSON (limit max_decision_bytes)"},
  });
  env.max_value_bytes = 9;
  CheckValues(env, {
      {"d0 + 'gh'", "error: value too large: more than 9 bytes as JSON (limit max_decision_bytes)"},
  });
}

BOOST_AUTO_TEST_CASE(plus_is_charged_for_what_it_copies) {
  BuiltinEnv env;
  // d0 + d1: the call's step and its two operands' = 3.
  env.Set(Value::Int(1), Value::Int(2));
  BOOST_TEST(env.Steps("d0 + d1") == 3);
  BOOST_TEST(env.Steps("d0 * d1") == 3);
  // Strings: a step per 64 bytes of the result.
  env.Set(Value::String(std::string(600, 'a')), Value::String(std::string(40, 'b')));
  BOOST_TEST(env.Steps("d0 + d1") == 3 + 640 / 64);
  // Lists: a step per 8 items of the result, and the walk that measures
  // their JSON size, a step per 8 values looked at.
  env.Set(Ints(100), Ints(60));
  BOOST_TEST(env.Steps("d0 + d1") == 3 + 160 / 8 + 162 / 8);
  // Numbers, timestamps and durations: nothing more, whatever the values.
  env.Set(Value::Int(std::numeric_limits<std::int64_t>::max()), Value::Int(-1));
  BOOST_TEST(env.Steps("d0 + d1") == 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
