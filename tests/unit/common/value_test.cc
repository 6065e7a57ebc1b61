// Values: CEL equality (heterogeneous numbers, NaN, lists, maps, kinds) and
// printing as CEL literals.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/time.h"
#include "common/value.h"

namespace aftersales::internal {
namespace {

Value S(const char* s) { return Value::String(s); }
Value I(std::int64_t v) { return Value::Int(v); }
Value U(std::uint64_t v) { return Value::Uint(v); }
Value D(double v) { return Value::Double(v); }
Value L(Value::List v) { return Value::ListOf(std::move(v)); }
Value M(Value::Map v) { return Value::MapOf(std::move(v)); }

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

BOOST_AUTO_TEST_SUITE(value)

BOOST_AUTO_TEST_CASE(kinds_and_accessors) {
  BOOST_TEST((Value().kind() == Value::Kind::kAbsent));
  BOOST_TEST(Value().is_absent());
  BOOST_TEST((Value::Null().kind() == Value::Kind::kNull));
  BOOST_TEST(Value::Error("boom").is_error());
  BOOST_TEST(Value::Error("boom").error_message() == "boom");
  BOOST_TEST(S("x").string_value() == "x");
  BOOST_TEST(L({I(1), I(2)}).list_value().size() == 2u);
  BOOST_TEST(Value::KindName(Value::Kind::kNull) == "null_type");
  BOOST_TEST(Value::KindName(Value::Kind::kUint) == "uint");
  BOOST_TEST(Value::KindName(Value::Kind::kTimestamp) == "timestamp");
  BOOST_TEST(Value::KindName(Value::Kind::kList) == "list");
}

BOOST_AUTO_TEST_CASE(values_equal_as_cel_says) {
  const Timestamp t1{1234567890, 0};
  const Timestamp t2{1234567890, 1};
  struct Row {
    const char* what;
    Value a, b;
    bool equal;
  };
  const std::vector<Row> rows = {
      {"1 == 1", I(1), I(1), true},
      {"1 == 1u", I(1), U(1), true},
      {"1u == 1", U(1), I(1), true},
      {"1 == 1.0", I(1), D(1.0), true},
      {"1.0 == 1u", D(1.0), U(1), true},
      {"1 != 2", I(1), I(2), false},
      {"-1 != 18446744073709551615u", I(-1), U(18446744073709551615u), false},
      {"18446744073709551615u != -1", U(18446744073709551615u), I(-1), false},
      {"1 != 1.5", I(1), D(1.5), false},
      {"-1 != uint as double", D(-1.0), U(1), false},
      {"2^63 as double != int max", D(9223372036854775808.0), I(INT64_MAX), false},
      {"-2^63 as double == int min", D(-9223372036854775808.0), I(INT64_MIN), true},
      {"2^64 as double != uint max", D(18446744073709551616.0), U(UINT64_MAX), false},
      {"2^63 as double == 2^63 uint", D(9223372036854775808.0), U(9223372036854775808u), true},
      {"NaN != NaN", D(kNaN), D(kNaN), false},
      {"NaN != 0", D(kNaN), I(0), false},
      {"0 != NaN", U(0), D(kNaN), false},
      {"inf == inf", D(kInf), D(kInf), true},
      {"inf != int max", D(kInf), I(INT64_MAX), false},
      {"0.0 == -0.0", D(0.0), D(-0.0), true},
      {"'a' == 'a'", S("a"), S("a"), true},
      {"'a' != 'b'", S("a"), S("b"), false},
      {"'1' != 1", S("1"), I(1), false},
      {"true == true", Value::Bool(true), Value::Bool(true), true},
      {"true != 1", Value::Bool(true), I(1), false},
      {"null == null", Value::Null(), Value::Null(), true},
      {"null != 0", Value::Null(), I(0), false},
      {"null != []", Value::Null(), L({}), false},
      {"timestamps", Value::Time(t1), Value::Time(t1), true},
      {"timestamps a nano apart", Value::Time(t1), Value::Time(t2), false},
      {"durations", Value::Dur(Duration{1, 5}), Value::Dur(Duration{1, 5}), true},
      {"durations differ", Value::Dur(Duration{1, 5}), Value::Dur(Duration{1, 6}), false},
      {"duration != timestamp", Value::Dur(Duration{0, 0}), Value::Time(Timestamp{0, 0}), false},
      {"[] == []", L({}), L({}), true},
      {"[1, 2u] == [1.0, 2]", L({I(1), U(2)}), L({D(1.0), I(2)}), true},
      {"[1, 2] != [2, 1]", L({I(1), I(2)}), L({I(2), I(1)}), false},
      {"[1] != [1, 1]", L({I(1)}), L({I(1), I(1)}), false},
      {"[NaN] != [NaN]", L({D(kNaN)}), L({D(kNaN)}), false},
      {"[[1]] == [[1u]]", L({L({I(1)})}), L({L({U(1)})}), true},
      {"[] != {}", L({}), M({}), false},
      {"{} == {}", M({}), M({}), true},
      {"maps ignore order", M({{S("a"), I(1)}, {S("b"), I(2)}}), M({{S("b"), I(2)}, {S("a"), I(1)}}), true},
      {"map values differ", M({{S("a"), I(1)}}), M({{S("a"), I(2)}}), false},
      {"map keys differ", M({{S("a"), I(1)}}), M({{S("b"), I(1)}}), false},
      {"map sizes differ", M({{S("a"), I(1)}}), M({{S("a"), I(1)}, {S("b"), I(1)}}), false},
      {"map numeric keys", M({{I(1), S("x")}}), M({{U(1), S("x")}}), true},
      {"nested maps", M({{S("k"), L({I(1)})}}), M({{S("k"), L({D(1.0)})}}), true},
      {"error != same error", Value::Error("e"), Value::Error("e"), false},
      {"absent != absent", Value(), Value(), false},
      {"absent != null", Value(), Value::Null(), false},
      {"[error] != [error]", L({Value::Error("e")}), L({Value::Error("e")}), false},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.what) {
      BOOST_TEST(ValuesEqual(r.a, r.b) == r.equal);
      BOOST_TEST(ValuesEqual(r.b, r.a) == r.equal);  // symmetric
    }
  }
  // A list shared by two values is equal to itself.
  Value shared = L({I(1), S("x")});
  Value copy = shared;
  BOOST_TEST(ValuesEqual(shared, copy));
}

BOOST_AUTO_TEST_CASE(format_cel_literal) {
  struct Row {
    Value v;
    const char* want;
  };
  const std::vector<Row> rows = {
      {I(3), "3"},
      {I(-3), "-3"},
      {I(INT64_MIN), "-9223372036854775808"},
      {U(3), "3u"},
      {U(UINT64_MAX), "18446744073709551615u"},
      {D(3.0), "3.0"},
      {D(-3.0), "-3.0"},
      {D(0.0), "0.0"},
      {D(-0.0), "-0.0"},
      {D(2.5), "2.5"},
      {D(0.1), "0.1"},
      {D(1e+100), "1e+100"},
      {D(1e-7), "1e-07"},
      {D(123456789.0), "123456789.0"},
      {D(kNaN), "double(\"NaN\")"},
      {D(kInf), "double(\"Infinity\")"},
      {D(-kInf), "double(\"-Infinity\")"},
      {Value::Bool(true), "true"},
      {Value::Bool(false), "false"},
      {Value::Null(), "null"},
      {Value(), "absent"},
      {S(""), "\"\""},
      {S("abc"), "\"abc\""},
      {S("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\""},
      {S("a\nb\tc\rd"), "\"a\\nb\\tc\\rd\""},
      {S("\b\f"), "\"\\b\\f\""},
      {Value::String(std::string("\0\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\\u007f\""},
      {S("电热水壶"), "\"电热水壶\""},
      {S("it's"), "\"it's\""},
      {L({}), "[]"},
      {L({I(1), U(2), D(3.5), S("x")}), "[1, 2u, 3.5, \"x\"]"},
      {L({L({I(1)}), L({})}), "[[1], []]"},
      {M({}), "{}"},
      {M({{S("k"), I(1)}, {S("a"), L({Value::Bool(true), Value::Null()})}}), "{\"k\": 1, \"a\": [true, null]}"},
      {M({{I(1), M({{U(2), S("v")}})}}), "{1: {2u: \"v\"}}"},
      {Value::Time(Timestamp{1234567890, 0}), "timestamp(\"2009-02-13T23:31:30Z\")"},
      {Value::Time(Timestamp{1234567890, 500000000}), "timestamp(\"2009-02-13T23:31:30.5Z\")"},
      {Value::Dur(Duration{1, 500000000}), "duration(\"1.5s\")"},
      {Value::Dur(Duration{-90, 0}), "duration(\"-90s\")"},
      {Value::Dur(Duration{0, 0}), "duration(\"0s\")"},
      {Value::Error("no such key: \"b\""), "error(\"no such key: \\\"b\\\"\")"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.want) { BOOST_TEST(FormatCelLiteral(r.v) == std::string(r.want)); }
  }
}

BOOST_AUTO_TEST_CASE(deep_values_do_not_overflow_the_stack) {
  Value v = I(1);
  for (int i = 0; i < 1000; ++i) v = L({v});
  std::string s = FormatCelLiteral(v);
  BOOST_TEST(s.substr(0, 3) == "[[[");
  BOOST_TEST(s.find("...") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
