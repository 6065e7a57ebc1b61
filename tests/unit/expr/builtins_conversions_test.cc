// Builtins, conversions (src/expr/builtins/conversions.cc): int() uint()
// double() string() bool() timestamp() duration() and dyn(): what each
// converts from, the range checks and unparsable text, global calls only.
#include <boost/test/unit_test.hpp>

#include <string>

#include "builtin_env.h"

namespace aftersales::internal::testing {

BOOST_AUTO_TEST_SUITE(builtins_conversions)

BOOST_AUTO_TEST_CASE(types) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"int(t_uint)", "int"},
      {"int(t_ts)", "int"},
      {"int(t_enum)", "int"},
      {"uint(t_double)", "uint"},
      {"double(t_string)", "double"},
      {"string(t_dur)", "string"},
      {"string(t_bool)", "string"},
      {"bool(t_string)", "bool"},
      {"timestamp(t_int)", "timestamp"},
      {"duration(t_string)", "duration"},
      {"dyn(t_ints)", "dyn"},
      {"dyn(null)", "dyn"},
      {"int(d0)", "int"},
      {"int(t_bool)", "expr.type@0: no matching overload for 'int' applied to (bool)"},
      {"uint(t_ts)", "expr.type@0: no matching overload for 'uint' applied to (timestamp)"},
      {"double(t_dur)", "expr.type@0: no matching overload for 'double' applied to (duration)"},
      {"string(t_ints)", "expr.type@0: no matching overload for 'string' applied to (list(int))"},
      {"bool(t_int)", "expr.type@0: no matching overload for 'bool' applied to (int)"},
      {"timestamp(t_double)", "expr.type@0: no matching overload for 'timestamp' applied to (double)"},
      {"duration(t_int)", "expr.type@0: no matching overload for 'duration' applied to (int)"},
      {"int(null)", "expr.type@0: no matching overload for 'int' applied to (null_type)"},
      // Global calls of one argument only.
      {"t_uint.int()", "expr.type@7: no matching overload for 'int' applied to (uint)"},
      {"int(1, 2)", "expr.type@0: no matching overload for 'int' applied to (int, int)"},
      {"dyn()", "expr.type@0: no matching overload for 'dyn' applied to ()"},
  });
}

BOOST_AUTO_TEST_CASE(numbers) {
  BuiltinEnv env;
  CheckValues(env, {
      {"int(7u)", "7"},
      {"int(-2.9)", "-2"},
      {"int('-42')", "-42"},
      {"int(timestamp('2009-02-13T23:31:30Z'))", "1234567890"},
      {"int(9223372036854775808u)", "error: int() out of range"},
      {"int(9.3e18)", "error: int() out of range"},
      {"int(-9.3e18)", "error: int() out of range"},
      {"int('1.5')", "error: int(): cannot convert \"1.5\""},
      {"int('')", "error: int(): cannot convert \"\""},
      {"int(' 1')", "error: int(): cannot convert \" 1\""},
      {"uint(7)", "7u"},
      {"uint(2.9)", "2u"},
      {"uint('18446744073709551615')", "18446744073709551615u"},
      {"uint(-1)", "error: uint() out of range"},
      {"uint(-0.5)", "error: uint() out of range"},
      {"uint(1.9e19)", "error: uint() out of range"},
      {"uint('-1')", "error: uint(): cannot convert \"-1\""},
      {"double(3)", "3.0"},
      {"double(3u)", "3.0"},
      {"double('2.5e3')", "2500.0"},
      {"double('')", "error: double(): cannot convert \"\""},
      {"double('2.5x')", "error: double(): cannot convert \"2.5x\""},
  });
}

BOOST_AUTO_TEST_CASE(strings_and_bools) {
  BuiltinEnv env;
  CheckValues(env, {
      {"string(-3)", "\"-3\""},
      {"string(3u)", "\"3\""},
      {"string(0.1)", "\"0.1\""},
      {"string(true)", "\"true\""},
      {"string(t_enum)", "\"tmall\""},
      {"string(t_ts)", "\"2025-03-01T12:30:00Z\""},
      {"string(duration('90s'))", "\"90s\""},
      {"bool('true')", "true"},
      {"bool('T')", "error: bool(): cannot convert \"T\""},
      {"bool('t')", "true"},
      {"bool('FALSE')", "false"},
      {"bool('0')", "false"},
      {"bool('no')", "error: bool(): cannot convert \"no\""},
  });
}

BOOST_AUTO_TEST_CASE(timestamps_and_durations) {
  BuiltinEnv env;
  CheckValues(env, {
      {"timestamp('2025-03-01T20:30:00+08:00')", "timestamp(\"2025-03-01T12:30:00Z\")"},
      {"timestamp(0)", "timestamp(\"1970-01-01T00:00:00Z\")"},
      {"timestamp(t_ts) == t_ts", "true"},
      {"timestamp(253402300800)", "error: timestamp out of range"},
      {"duration('1h30m')", "duration(\"5400s\")"},
      {"duration(t_dur) == t_dur", "true"},
  });
  BOOST_TEST(env.Eval("timestamp('2025-13-01T00:00:00Z')") ==
             "error: timestamp(\"2025-13-01T00:00:00Z\"): timestamp has an impossible date or time");
  BOOST_TEST(env.Eval("duration('1 hour')") ==
             "error: duration(\"1 hour\"): bad duration unit (use h, m, s, ms, us or ns)");
}

BOOST_AUTO_TEST_CASE(unknown_kinds_fail_at_run_time) {
  BuiltinEnv env;
  env.Set(Value::ListOf({}), Value::Null());
  CheckValues(env, {
      {"int(d0)", "error: no matching overload for 'int' applied to (list)"},
      {"uint(d0)", "error: no matching overload for 'uint' applied to (list)"},
      {"double(d0)", "error: no matching overload for 'double' applied to (list)"},
      {"string(d0)", "error: no matching overload for 'string' applied to (list)"},
      {"bool(d0)", "error: no matching overload for 'bool' applied to (list)"},
      {"timestamp(d1)", "error: no matching overload for 'timestamp' applied to (null_type)"},
      {"duration(d1)", "error: no matching overload for 'duration' applied to (null_type)"},
      {"dyn(d0)", "[]"},
      {"dyn(d1)", "null"},
  });
}

BOOST_AUTO_TEST_CASE(a_conversion_costs_its_call_only) {
  BuiltinEnv env;
  env.Set(Value::String(std::string(6000, '1')), Value::String(std::string(100, '1')));
  // The call's step and its operand's, however long the text.
  BOOST_TEST(env.Steps("string(d0)") == 2);
  BOOST_TEST(env.Steps("dyn(d0)") == 2);
  BOOST_TEST(env.Steps("int(d1)") == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
