// Builtins, time (src/expr/builtins/time.cc): the timestamp getters in UTC
// and in a zone, the duration getters, calendar_days(); a constant zone
// looked up at load (an unknown one is a load error at the name), a zone
// read at run time (an unknown one is an error value).
#include <boost/test/unit_test.hpp>

#include <string>

#include "builtin_env.h"

namespace aftersales::internal::testing {

BOOST_AUTO_TEST_SUITE(builtins_time)

BOOST_AUTO_TEST_CASE(getter_types) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"t_ts.getFullYear()", "int"},
      {"t_ts.getDayOfWeek('Asia/Shanghai')", "int"},
      {"t_ts.getHours(t_string)", "int"},
      {"t_ts.getMonth(d0)", "int"},
      {"d0.getDate()", "int"},
      {"t_dur.getHours()", "int"},
      {"t_dur.getMilliseconds()", "int"},
      {"d0.getMinutes('UTC')", "int"},
      // Days, months and years are not parts of a duration.
      {"t_dur.getDayOfYear()", "expr.type@6: no matching overload for 'getDayOfYear' applied to (duration)"},
      {"t_dur.getHours('UTC')", "expr.type@6: no matching overload for 'getHours' applied to (duration, string)"},
      {"t_ts.getHours(1)", "expr.type@5: no matching overload for 'getHours' applied to (timestamp, int)"},
      {"t_int.getSeconds()", "expr.type@6: no matching overload for 'getSeconds' applied to (int)"},
      {"t_ts.getDate('UTC', 'UTC')",
       "expr.type@5: no matching overload for 'getDate' applied to (timestamp, string, string)"},
      // Receiver calls only.
      {"getFullYear(t_ts)", "expr.type@0: no matching overload for 'getFullYear' applied to (timestamp)"},
  });
}

BOOST_AUTO_TEST_CASE(getter_values) {
  BuiltinEnv env;
  // t_ts is 2025-03-01T12:30:00Z, a Saturday: 20:30 in Shanghai.
  CheckValues(env, {
      {"t_ts.getFullYear()", "2025"},
      {"t_ts.getMonth()", "2"},
      {"t_ts.getDate()", "1"},
      {"t_ts.getDayOfMonth()", "0"},
      {"t_ts.getDayOfWeek()", "6"},
      {"t_ts.getDayOfYear()", "59"},
      {"t_ts.getHours()", "12"},
      {"t_ts.getHours('Asia/Shanghai')", "20"},
      {"t_ts.getMinutes('Asia/Kolkata')", "0"},
      {"timestamp('2024-12-31T23:59:59.250Z').getFullYear('Asia/Tokyo')", "2025"},
      {"timestamp('2024-12-31T23:59:59.250Z').getSeconds()", "59"},
      {"timestamp('2024-12-31T23:59:59.250Z').getMilliseconds()", "250"},
      // A duration: its total in the unit, truncated.
      {"t_dur.getHours()", "25"},
      {"t_dur.getMinutes()", "1501"},
      {"t_dur.getSeconds()", "90061"},
      {"t_dur.getMilliseconds()", "500"},
      {"duration('-90m').getHours()", "-1"},
  });
}

BOOST_AUTO_TEST_CASE(zones) {
  BuiltinEnv env;
  BOOST_TEST(env.Issue("t_ts.getHours('Mars/Olympus')") == "expr.timezone@14: unknown time zone 'Mars/Olympus'");
  BOOST_TEST(env.Issue("calendar_days(t_ts, t_ts, 'Nowhere')") == "expr.timezone@26: unknown time zone 'Nowhere'");
  env.Set(Value::String("Mars/Olympus"), Value::String("Asia/Shanghai"));
  CheckValues(env, {
      {"t_ts.getHours(d0)", "error: unknown time zone 'Mars/Olympus'"},
      {"t_ts.getHours(d1)", "20"},
      {"calendar_days(t_ts, t_ts, d0)", "error: unknown time zone 'Mars/Olympus'"},
      {"calendar_days(t_ts, t_ts, d1)", "0"},
  });
}

BOOST_AUTO_TEST_CASE(getters_on_unknown_kinds_fail_at_run_time) {
  BuiltinEnv env;
  env.Set(Value::Int(1), Value::Dur(*ParseDuration("1h")), Value::Int(3));
  CheckValues(env, {
      {"d0.getHours()", "error: no matching overload for 'timestamp getter' applied to (int)"},
      {"d1.getFullYear()", "error: no matching overload for 'duration getter' applied to (duration)"},
      {"d1.getHours('UTC')", "error: no matching overload for 'timestamp getter' applied to (duration, string)"},
      {"t_ts.getHours(d2)", "error: no matching overload for 'timestamp getter' applied to (timestamp, int)"},
  });
}

BOOST_AUTO_TEST_CASE(calendar_days) {
  BuiltinEnv env;
  CheckTypes(env, {
      {"calendar_days(t_ts, t_ts, 'UTC')", "int"},
      {"calendar_days(d0, d1, d2)", "int"},
      {"calendar_days(t_ts, t_ts)",
       "expr.type@0: no matching overload for 'calendar_days' applied to (timestamp, timestamp)"},
      {"calendar_days(t_ts, t_dur, 'UTC')",
       "expr.type@0: no matching overload for 'calendar_days' applied to (timestamp, duration, string)"},
      {"t_ts.calendar_days(t_ts, 'UTC')",
       "expr.type@5: no matching overload for 'calendar_days' applied to (timestamp, timestamp, string)"},
  });
  CheckValues(env, {
      // 23:00 on the 1st to 01:00 on the 2nd is a day in UTC, none in Shanghai.
      {"calendar_days(timestamp('2025-03-01T23:00:00Z'), timestamp('2025-03-02T01:00:00Z'), 'UTC')", "1"},
      {"calendar_days(timestamp('2025-03-01T23:00:00Z'), timestamp('2025-03-02T01:00:00Z'), 'Asia/Shanghai')",
       "0"},
      {"calendar_days(timestamp('2025-03-08T00:00:00Z'), timestamp('2025-03-01T00:00:00Z'), 'UTC')", "-7"},
  });
  env.Set(Value::Int(1), Value::Time(*ParseTimestamp("2025-03-01T00:00:00Z")), Value::String("UTC"));
  BOOST_TEST(env.Eval("calendar_days(d0, d1, d2)") ==
             "error: no matching overload for 'calendar_days' applied to (int, timestamp, string)");
}

BOOST_AUTO_TEST_CASE(time_functions_cost_their_call_only) {
  BuiltinEnv env;
  env.Set(Value::Time(*ParseTimestamp("2025-03-01T00:00:00Z")), Value::String("Asia/Shanghai"));
  BOOST_TEST(env.Steps("d0.getHours()") == 2);
  BOOST_TEST(env.Steps("d0.getHours(d1)") == 3);
  BOOST_TEST(env.Steps("calendar_days(d0, d0, d1)") == 4);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal::testing
