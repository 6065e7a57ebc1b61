// Values, timestamps, durations, time zones and text helpers.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "common/format.h"
#include "common/text.h"
#include "common/time.h"
#include "common/value.h"

namespace aftersales::internal {

BOOST_AUTO_TEST_SUITE(common)

BOOST_AUTO_TEST_CASE(money_shows_two_places) {
  BOOST_CHECK_EQUAL(FormatMoney(29900), "299.00");
  BOOST_CHECK_EQUAL(FormatMoney(5), "0.05");
  BOOST_CHECK_EQUAL(FormatMoney(-5), "-0.05");
  BOOST_CHECK_EQUAL(FormatMoney(-12345), "-123.45");
  BOOST_CHECK_EQUAL(FormatMoney(0), "0.00");
  BOOST_CHECK_EQUAL(FormatMoney(INT64_MIN), "-92233720368547758.08");
  BOOST_CHECK_EQUAL(FormatMoney(INT64_MAX), "92233720368547758.07");
}

BOOST_AUTO_TEST_CASE(locations_read_file_line_column) {
  BOOST_CHECK_EQUAL(FormatLocation({"rules/policy.yaml", 12, 5}), "rules/policy.yaml:12:5");
  BOOST_CHECK_EQUAL(FormatLocation({"", 2, 3}), ":2:3");  // a case file has no name
  BOOST_CHECK_EQUAL(FormatLocation({"t.yaml", 7, 0}), "t.yaml:7");
  BOOST_CHECK_EQUAL(FormatLocation({"t.yaml", 0, 0}), "t.yaml");
}

BOOST_AUTO_TEST_CASE(timestamps_parse_and_print) {
  struct Row {
    const char* in;
    const char* out;  // nullptr: must not parse
  } rows[] = {
      {"2026-11-20T14:03:00+08:00", "2026-11-20T06:03:00Z"},
      {"2026-11-20T14:03:00Z", "2026-11-20T14:03:00Z"},
      {"2026-11-20t14:03:00.250z", "2026-11-20T14:03:00.25Z"},
      {"2009-02-13T23:31:30.123456789-05:30", "2009-02-14T05:01:30.123456789Z"},
      {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
      {"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
      {"2026-02-29T00:00:00Z", nullptr},
      {"2026-11-20T24:00:00Z", nullptr},
      {"2026-11-20T14:03:00", nullptr},
      {"2026-11-20 14:03:00Z", nullptr},
      {"0000-12-31T23:59:59Z", nullptr},
      {"9999-12-31T23:59:59-01:00", nullptr},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      auto t = ParseTimestamp(r.in);
      if (r.out == nullptr) {
        BOOST_TEST(!t.has_value());
      } else {
        BOOST_TEST_REQUIRE(t.has_value());
        BOOST_TEST(FormatTimestamp(*t) == r.out);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(durations_parse_and_print) {
  struct Row {
    const char* in;
    const char* out;
  } rows[] = {
      {"1h30m", "5400s"}, {"1.5s", "1.5s"}, {"-90s", "-90s"}, {"100ms", "0.1s"},
      {"0", "0s"}, {"1us", "0.000001s"}, {"2h45m30.5s", "9930.5s"}, {"315576000000s", "315576000000s"},
      {"1d", nullptr}, {"", nullptr}, {"s", nullptr}, {"320000000000s", nullptr},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      auto d = ParseDuration(r.in);
      if (r.out == nullptr) {
        BOOST_TEST(!d.has_value());
      } else {
        BOOST_TEST_REQUIRE(d.has_value());
        BOOST_TEST(FormatDuration(*d) == r.out);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(time_zones_and_civil_time) {
  BOOST_TEST(FindTimeZone("Asia/Shanghai") != nullptr);
  BOOST_TEST(FindTimeZone("UTC") != nullptr);
  BOOST_TEST(FindTimeZone("+08:00") != nullptr);
  BOOST_TEST(FindTimeZone("Mars/Olympus") == nullptr);
  BOOST_TEST(FindTimeZone("../../etc/passwd") == nullptr);
  BOOST_TEST(FindTimeZone("Asia/Shanghai") == FindTimeZone("Asia/Shanghai"));  // cached
  // The remembered lookup finds what FindTimeZone finds, whatever came before.
  for (const char* name : {"Asia/Shanghai", "Asia/Shanghai", "Mars/Olympus", "Asia/Shanghai", "Europe/Paris", "+08:00",
                           "../../etc/passwd", "Europe/Paris"}) {
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(FindTimeZoneRemembered(name) == FindTimeZone(name)); }
  }

  const TimeZone* ny = FindTimeZone("America/New_York");
  BOOST_TEST_REQUIRE(ny != nullptr);
  // 2026-03-08 02:00 local: clocks jump from EST (-5) to EDT (-4).
  CivilTime before = ToCivil(*ParseTimestamp("2026-03-08T06:59:00Z"), ny);
  CivilTime after = ToCivil(*ParseTimestamp("2026-03-08T07:01:00Z"), ny);
  BOOST_TEST(before.hour == 1);
  BOOST_TEST(before.utc_offset_seconds == -5 * 3600);
  BOOST_TEST(after.hour == 3);
  BOOST_TEST(after.utc_offset_seconds == -4 * 3600);

  CivilTime sh = ToCivil(*ParseTimestamp("2026-11-20T16:30:00Z"), FindTimeZone("Asia/Shanghai"));
  BOOST_TEST(sh.year == 2026);
  BOOST_TEST(sh.month == 11);
  BOOST_TEST(sh.day == 21);
  BOOST_TEST(sh.hour == 0);
  BOOST_TEST(sh.weekday == 6);  // Saturday
  BOOST_TEST(sh.yearday == 324);
}

BOOST_AUTO_TEST_CASE(calendar_days_count_dates_in_the_zone) {
  const TimeZone* sh = FindTimeZone("Asia/Shanghai");
  const TimeZone* utc = FindTimeZone("UTC");
  Timestamp signed_at = *ParseTimestamp("2025-03-01T20:30:00+08:00");
  BOOST_TEST(CalendarDaysBetween(signed_at, *ParseTimestamp("2025-03-08T23:10:00+08:00"), sh) == 7);
  BOOST_TEST(CalendarDaysBetween(signed_at, *ParseTimestamp("2025-03-09T00:05:00+08:00"), sh) == 8);
  // 23:59 and 00:01 are a day apart in Shanghai, the same day in UTC.
  Timestamp a = *ParseTimestamp("2026-11-17T23:59:00+08:00");
  Timestamp b = *ParseTimestamp("2026-11-18T00:01:00+08:00");
  BOOST_TEST(CalendarDaysBetween(a, b, sh) == 1);
  BOOST_TEST(CalendarDaysBetween(a, b, utc) == 0);
  BOOST_TEST(CalendarDaysBetween(b, a, sh) == -1);
}

BOOST_AUTO_TEST_CASE(time_arithmetic_is_checked) {
  Timestamp max = *ParseTimestamp("9999-12-31T23:59:59.999999999Z");
  BOOST_TEST(!AddDuration(max, Duration{0, 1}).has_value());
  BOOST_TEST(AddDuration(max, Duration{0, -1}).has_value());
  Timestamp min = *ParseTimestamp("0001-01-01T00:00:00Z");
  BOOST_TEST(!Subtract(min, max).has_value());  // beyond int64 nanoseconds
  BOOST_TEST(FormatDuration(*Subtract(*ParseTimestamp("2026-01-01T00:00:01Z"), *ParseTimestamp("2026-01-01T00:00:00.5Z"))) == "0.5s");
}

BOOST_AUTO_TEST_CASE(values_compare_as_cel_does) {
  BOOST_TEST(ValuesEqual(Value::Int(1), Value::Uint(1)));
  BOOST_TEST(ValuesEqual(Value::Int(1), Value::Double(1.0)));
  BOOST_TEST(!ValuesEqual(Value::Int(-1), Value::Uint(18446744073709551615u)));
  BOOST_TEST(!ValuesEqual(Value::Double(std::nan("")), Value::Double(std::nan(""))));
  BOOST_TEST(!ValuesEqual(Value::String("1"), Value::Int(1)));
  BOOST_TEST(ValuesEqual(Value::ListOf({Value::Int(1), Value::String("a")}), Value::ListOf({Value::Double(1), Value::String("a")})));
  BOOST_TEST(ValuesEqual(Value::MapOf({{Value::String("a"), Value::Int(1)}, {Value::String("b"), Value::Int(2)}}),
                         Value::MapOf({{Value::String("b"), Value::Int(2)}, {Value::String("a"), Value::Int(1)}})));
  BOOST_TEST(!ValuesEqual(Value::Error("x"), Value::Error("x")));
  BOOST_TEST(!ValuesEqual(Value(), Value()));
}

BOOST_AUTO_TEST_CASE(values_print_as_cel_literals) {
  BOOST_TEST(FormatCelLiteral(Value::Int(-3)) == "-3");
  BOOST_TEST(FormatCelLiteral(Value::Uint(3)) == "3u");
  BOOST_TEST(FormatCelLiteral(Value::Double(3)) == "3.0");
  BOOST_TEST(FormatCelLiteral(Value::Double(1e100)) == "1e+100");
  BOOST_TEST(FormatCelLiteral(Value::Double(0.1)) == "0.1");
  BOOST_TEST(FormatCelLiteral(Value::Double(std::nan(""))) == "double(\"NaN\")");
  BOOST_TEST(FormatCelLiteral(Value::Double(-std::numeric_limits<double>::infinity())) == "double(\"-Infinity\")");
  BOOST_TEST(FormatCelLiteral(Value::String("a\"b\\c\n\x01" "壶")) == "\"a\\\"b\\\\c\\n\\u0001壶\"");
  BOOST_TEST(FormatCelLiteral(Value::ListOf({Value::Null(), Value::Bool(true)})) == "[null, true]");
  BOOST_TEST(FormatCelLiteral(Value::MapOf({{Value::String("k"), Value::ListOf({})}})) == "{\"k\": []}");
  BOOST_TEST(FormatCelLiteral(Value::Time(*ParseTimestamp("2009-02-13T23:31:30Z"))) == "timestamp(\"2009-02-13T23:31:30Z\")");
  BOOST_TEST(FormatCelLiteral(Value::Dur(*ParseDuration("1.5s"))) == "duration(\"1.5s\")");
}

BOOST_AUTO_TEST_CASE(text_helpers) {
  BOOST_TEST(IsValidUtf8("plain"));
  BOOST_TEST(IsValidUtf8("电热水壶 🐱"));
  BOOST_TEST(!IsValidUtf8("\xff"));
  BOOST_TEST(!IsValidUtf8("\xe7\x94"));          // cut short
  BOOST_TEST(!IsValidUtf8("\xc0\xaf"));          // overlong
  BOOST_TEST(!IsValidUtf8("\xed\xa0\x80"));      // surrogate
  BOOST_TEST(CodePointsBefore("电热水壶x", 6) == 2u);
  BOOST_TEST(EditDistance("delivred_at", "delivered_at") == 1u);
  BOOST_TEST(EditDistance("kitten", "sitting") == 3u);
  BOOST_TEST(DidYouMean("order.delivred_at", {"order.id", "order.delivered_at"}).value_or("") == "order.delivered_at");
  BOOST_TEST(!DidYouMean("zzz", {"order.id", "order.delivered_at"}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
