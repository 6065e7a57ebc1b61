// Evaluating compiled programs: absent facts, && / || error absorption,
// has(), checked arithmetic, cross-type comparisons, strings, conversions,
// timestamps and zones, calendar_days, split and share, macros, the step
// budget, conjuncts; and the public EvaluateExpression.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/expression.h"
#include "common/value.h"
#include "expr/compiler.h"

namespace aftersales::internal {
namespace {

// Facts in space 0 (slot per declaration), decision fields in space 1.
struct Env {
  Declarations decls;
  std::vector<Value> facts;
  std::vector<Value> decided;

  Env() {
    auto platform = std::make_shared<EnumType>(EnumType{"platform", {"taobao", "tmall", "jd"}});
    auto evidence = std::make_shared<EnumType>(EnumType{"evidence", {"photo", "video"}});
    Add("order.delivered_at", Type::Timestamp(), Value());  // absent
    Add("order.signed_at", Type::Timestamp(), Value::Time(*ParseTimestamp("2025-03-01T20:30:00+08:00")));
    Add("case.opened_at", Type::Timestamp(), Value::Time(*ParseTimestamp("2025-03-08T23:10:00+08:00")));
    Add("case.timezone", Type::String(), Value::String("Asia/Shanghai"));
    Add("order.total_paid_cents", Type::Int(), Value::Int(29900));
    Add("order.items_count", Type::Uint(), Value::Uint(3));
    Add("case.platform", Type::Enum(platform), Value::String("tmall"));
    Add("issue.evidence", Type::List(Type::Enum(evidence)), Value::ListOf({Value::String("photo")}));
    Add("item.name", Type::String(), Value::String("电热水壶"));
    Add("item.used", Type::Bool(), Value());  // absent
    Add("item.opened", Type::Bool(), Value::Bool(false));
    Add("item.attrs", Type::Map(Type::String(), Type::Int()),
        Value::MapOf({{Value::String("w"), Value::Int(2)}}));
    Add("extra", Type::Dyn(), Value::Null());
    decls.Add("decision.refund_cents", Type::Int(), {1, 0});
    decided.push_back(Value::Int(100));
    decls.Add("decision.note", Type::String(), {1, 1});
    decided.push_back(Value());  // not set
  }
  void Add(const std::string& name, TypePtr t, Value v) {
    decls.Add(name, std::move(t), {0, static_cast<std::uint32_t>(facts.size())});
    facts.push_back(std::move(v));
  }
  std::unique_ptr<const Program> Compile(const std::string& src) const {
    CompileResult c = CompileExpression(src, decls);
    BOOST_TEST_REQUIRE(c.program != nullptr, src << ": " << (c.issues.empty() ? "" : c.issues[0].message));
    return std::move(c.program);
  }
  EvalContext Context(std::int64_t steps = 1'000'000) {
    spaces[0] = facts.data();
    spaces[1] = decided.data();
    EvalContext ctx;
    ctx.spaces = spaces;
    ctx.num_spaces = 2;
    ctx.steps_left = steps;
    return ctx;
  }
  // The value as a CEL literal, or "error: <message>".
  std::string Eval(const std::string& src, std::int64_t steps = 1'000'000) {
    auto p = Compile(src);
    EvalContext ctx = Context(steps);
    Value v = p->Evaluate(ctx);
    return v.is_error() ? "error: " + v.error_message() : FormatCelLiteral(v);
  }
  const Value* spaces[2] = {nullptr, nullptr};
};

struct Row {
  const char* expr;
  const char* want;
};

void Check(Env& env, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) { BOOST_TEST(env.Eval(r.expr) == std::string(r.want)); }
  }
}

const char* const kAbsent = "error: fact 'order.delivered_at' is absent";

}  // namespace

BOOST_AUTO_TEST_SUITE(evaluator)

BOOST_AUTO_TEST_CASE(absent_facts_are_errors_and_never_match) {
  Env env;
  Check(env, {
      {"order.delivered_at", kAbsent},
      {"order.delivered_at < case.opened_at", kAbsent},
      {"order.delivered_at == order.delivered_at", kAbsent},
      {"order.delivered_at != case.opened_at", kAbsent},
      {"!item.used", "error: fact 'item.used' is absent"},
      {"item.used == false", "error: fact 'item.used' is absent"},
      {"item.used in [true, false]", "error: fact 'item.used' is absent"},
      {"[item.used].size()", "error: fact 'item.used' is absent"},
      {"{'k': item.used}", "error: fact 'item.used' is absent"},
      {"item.used ? 1 : 2", "error: fact 'item.used' is absent"},
      {"decision.refund_cents + 1", "101"},
      {"decision.note", "error: decision field 'note' is not set"},
      {"size(decision.note) > 0", "error: decision field 'note' is not set"},
  });
}

BOOST_AUTO_TEST_CASE(and_or_absorb_errors_both_ways) {
  Env env;
  const std::string err = "order.delivered_at < case.opened_at";
  Check(env, {
      {"false && order.delivered_at < case.opened_at", "false"},
      {"order.delivered_at < case.opened_at && false", "false"},
      {"true || order.delivered_at < case.opened_at", "true"},
      {"order.delivered_at < case.opened_at || true", "true"},
      {"order.delivered_at < case.opened_at && true", kAbsent},
      {"true && order.delivered_at < case.opened_at", kAbsent},
      {"order.delivered_at < case.opened_at || false", kAbsent},
      {"false || order.delivered_at < case.opened_at", kAbsent},
      // Two errors: the first one is reported.
      {"order.delivered_at < case.opened_at && item.used", kAbsent},
      {"item.used || order.delivered_at < case.opened_at", "error: fact 'item.used' is absent"},
      {"1 / 0 == 1 || true", "true"},
      {"1 / 0 == 1 && false", "false"},
      {"!(order.delivered_at < case.opened_at) || true", "true"},
      {"true ? 1 : 1 / 0", "1"},
      {"false ? 1 / 0 : 2", "2"},
      {"item.opened || item.used", "error: fact 'item.used' is absent"},
      {"item.opened && item.used", "false"},
  });
}

BOOST_AUTO_TEST_CASE(has_tests_presence) {
  Env env;
  Check(env, {
      {"has(order.delivered_at)", "false"},
      {"has(case.opened_at)", "true"},
      {"has(item.opened)", "true"},  // present and false
      {"has(decision.refund_cents)", "true"},
      {"has(decision.note)", "false"},
      {"!has(item.used) || item.used", "true"},
      {"has(order.delivered_at) && order.delivered_at < case.opened_at", "false"},
      {"has(item.attrs.w)", "true"},
      {"has(item.attrs.h)", "false"},
      {"item.attrs.w", "2"},
      {"item.attrs.h", "error: no such key: 'h'"},
  });
}

BOOST_AUTO_TEST_CASE(arithmetic_is_checked) {
  Env env;
  Check(env, {
      {"9223372036854775807 + 1", "error: int overflow in '+'"},
      {"-9223372036854775807 - 2", "error: int overflow in '-'"},
      {"-9223372036854775808 - 1", "error: int overflow in '-'"},
      {"4611686018427387904 * 2", "error: int overflow in '*'"},
      {"-4611686018427387905 * 2", "error: int overflow in '*'"},
      {"-(-9223372036854775808)", "error: int overflow in '-'"},
      {"-9223372036854775808 / -1", "error: int overflow in '/'"},
      {"-9223372036854775808 % -1", "error: int overflow in '%'"},
      {"9223372036854775807 + 0", "9223372036854775807"},
      {"-9223372036854775808 + 0", "-9223372036854775808"},
      {"1 / 0", "error: division by zero"},
      {"1 % 0", "error: modulus by zero"},
      {"1u / 0u", "error: division by zero"},
      {"1u % 0u", "error: modulus by zero"},
      {"0u - 1u", "error: uint overflow in '-'"},
      {"order.items_count - 4u", "error: uint overflow in '-'"},
      {"18446744073709551615u + 1u", "error: uint overflow in '+'"},
      {"9223372036854775808u * 2u", "error: uint overflow in '*'"},
      {"order.items_count - 3u", "0u"},
      {"7 / 2", "3"},
      {"-7 / 2", "-3"},
      {"-7 % 3", "-1"},
      {"7 % -3", "1"},
      {"7u / 2u", "3u"},
      {"1.0 / 0.0", "double(\"Infinity\")"},
      {"-1.0 / 0.0", "double(\"-Infinity\")"},
      {"0.0 / 0.0", "double(\"NaN\")"},
      {"0.1 + 0.2", "0.30000000000000004"},
      {"2.5 * 2.0", "5.0"},
      {"-order.total_paid_cents", "-29900"},
      {"order.total_paid_cents * 2 - decision.refund_cents", "59700"},
  });
}

BOOST_AUTO_TEST_CASE(numbers_compare_across_types) {
  Env env;
  Check(env, {
      {"1 == 1u", "true"},
      {"1 == 1.0", "true"},
      {"1u == 1.0", "true"},
      {"1 != 1.5", "true"},
      {"-1 == 18446744073709551615u", "false"},
      {"-1 < 0u", "true"},
      {"18446744073709551615u > 9223372036854775807", "true"},
      {"2 > 1.5", "true"},
      {"1.5 < 2u", "true"},
      {"3u < 4", "true"},
      {"3u >= 3", "true"},
      {"9223372036854775807 < 9223372036854775808u", "true"},
      {"0.0 / 0.0 == 0.0 / 0.0", "false"},
      {"0.0 / 0.0 < 1", "false"},
      {"0.0 / 0.0 >= 1", "false"},
      {"1 in [1.0, 2.0]", "true"},
      {"2u in [1, 2]", "true"},
      {"[1, 2] == [1u, 2.0]", "true"},
      {"{'a': 1} == {'a': 1.0}", "true"},
      {"'a' < 'b'", "true"},
      {"'电' > 'z'", "true"},
      {"false < true", "true"},
      {"case.opened_at > order.signed_at", "true"},
      {"duration('1h') > duration('59m')", "true"},
      {"null == null", "true"},
      {"extra == null", "true"},
  });
}

BOOST_AUTO_TEST_CASE(strings) {
  Env env;
  Check(env, {
      {"size(item.name)", "4"},
      {"item.name.size()", "4"},
      {"size('')", "0"},
      {"size('a\\u00e9')", "2"},
      {"size('\\U0001F600')", "1"},
      {"size([1, 2, 3])", "3"},
      {"size({'a': 1})", "1"},
      {"item.name.contains('水')", "true"},
      {"item.name.startsWith('电')", "true"},
      {"item.name.endsWith('壶')", "true"},
      {"item.name.endsWith('电')", "false"},
      {"'ab'.endsWith('abc')", "false"},
      {"''.startsWith('')", "true"},
      {"'a' + 'b' + item.name", "\"ab电热水壶\""},
      {"'order-123'.matches('^order-[0-9]+$')", "true"},
      {"'xorder-123'.matches('^order')", "false"},
      {"'abc'.matches('b')", "true"},
      {"item.name.matches('^电.壶$')", "false"},
      {"item.name.matches('^电..壶$')", "true"},
      {"'abc'.matches(item.name)", "false"},
      {"'a['.matches(case.timezone + '[')", "error: invalid regular expression: missing ]: ["},
      {"matches('abc', 'a.c')", "true"},
  });
}

BOOST_AUTO_TEST_CASE(conversions_and_their_range_errors) {
  Env env;
  Check(env, {
      {"int(9.99)", "9"},
      {"int(-9.99)", "-9"},
      {"int(1e19)", "error: int() out of range"},
      {"int(-1e19)", "error: int() out of range"},
      {"int(0.0 / 0.0)", "error: int() out of range"},
      {"int(18446744073709551615u)", "error: int() out of range"},
      {"int(9223372036854775807u)", "9223372036854775807"},
      {"int('12')", "12"},
      {"int('-12')", "-12"},
      {"int('12a')", "error: int(): cannot convert \"12a\""},
      {"int('')", "error: int(): cannot convert \"\""},
      {"int('9223372036854775808')", "error: int(): cannot convert \"9223372036854775808\""},
      {"int(timestamp('2009-02-13T23:31:30Z'))", "1234567890"},
      {"uint(-1)", "error: uint() out of range"},
      {"uint(-0.5)", "error: uint() out of range"},
      {"uint(1.9)", "1u"},
      {"uint(1e20)", "error: uint() out of range"},
      {"uint('42')", "42u"},
      {"uint('-1')", "error: uint(): cannot convert \"-1\""},
      {"double('2.5') + 0.5", "3.0"},
      {"double(3)", "3.0"},
      {"double(3u)", "3.0"},
      {"double('x')", "error: double(): cannot convert \"x\""},
      {"double('')", "error: double(): cannot convert \"\""},
      {"string(12) + string(1.5) + string(true)", "\"121.5true\""},
      {"string(3u)", "\"3\""},
      {"string(case.platform)", "\"tmall\""},
      {"string(timestamp('2025-03-01T20:30:00+08:00'))", "\"2025-03-01T12:30:00Z\""},
      {"string(duration('90m'))", "\"5400s\""},
      {"bool('true')", "true"},
      {"bool('f')", "false"},
      {"bool('yes')", "error: bool(): cannot convert \"yes\""},
      {"timestamp(0)", "timestamp(\"1970-01-01T00:00:00Z\")"},
      {"timestamp(253402300800)", "error: timestamp out of range"},
      {"timestamp('2026-11-20 14:03')",
       "error: timestamp(\"2026-11-20 14:03\"): not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)"},
      {"timestamp('2026-02-29T00:00:00Z')",
       "error: timestamp(\"2026-02-29T00:00:00Z\"): timestamp has an impossible date or time"},
      {"duration('1d')", "error: duration(\"1d\"): bad duration unit (use h, m, s, ms, us or ns)"},
      {"duration('1h30m')", "duration(\"5400s\")"},
      {"dyn(1) + 1", "2"},
  });
}

BOOST_AUTO_TEST_CASE(timestamps_and_zones) {
  Env env;
  Check(env, {
      // 2025-03-01T12:30:00Z is 20:30 on a Saturday in Shanghai.
      {"order.signed_at.getHours()", "12"},
      {"order.signed_at.getHours('Asia/Shanghai')", "20"},
      {"order.signed_at.getHours(case.timezone)", "20"},
      {"order.signed_at.getHours('+08:00')", "20"},
      {"order.signed_at.getMinutes()", "30"},
      {"order.signed_at.getSeconds()", "0"},
      {"order.signed_at.getFullYear()", "2025"},
      {"order.signed_at.getMonth()", "2"},
      {"order.signed_at.getDate()", "1"},
      {"order.signed_at.getDayOfMonth()", "0"},
      {"order.signed_at.getDayOfWeek('Asia/Shanghai')", "6"},
      {"order.signed_at.getDayOfYear()", "59"},
      {"timestamp('2025-03-01T20:30:00.250+08:00').getMilliseconds()", "250"},
      {"timestamp('2026-01-01T00:00:00Z').getFullYear('-01:00')", "2025"},
      {"timestamp('2026-01-01T00:00:00Z').getMonth('-01:00')", "11"},
      {"timestamp('2025-12-31T16:00:00Z').getDayOfYear('Asia/Shanghai')", "0"},
      // New York springs forward at 2026-03-08 07:00Z (02:00 EST -> 03:00 EDT).
      {"timestamp('2026-03-08T06:30:00Z').getHours('America/New_York')", "1"},
      {"timestamp('2026-03-08T07:30:00Z').getHours('America/New_York')", "3"},
      {"timestamp('2026-11-01T05:30:00Z').getHours('America/New_York')", "1"},
      {"timestamp('2026-11-01T06:30:00Z').getHours('America/New_York')", "1"},
      {"timestamp('2026-11-20T14:03:00+08:00').getDayOfWeek('Asia/Shanghai')", "5"},
      {"order.signed_at.getHours(item.name)", "error: unknown time zone '电热水壶'"},
      {"case.opened_at - order.signed_at", "duration(\"614400s\")"},
      {"case.opened_at - timestamp('2025-03-08T22:10:00+08:00') == duration('1h')", "true"},
      {"order.signed_at + duration('1h30m')", "timestamp(\"2025-03-01T14:00:00Z\")"},
      {"order.signed_at - duration('-1s')", "timestamp(\"2025-03-01T12:30:01Z\")"},
      {"duration('1h30m').getHours()", "1"},
      {"duration('1h30m').getMinutes()", "90"},
      {"duration('1h30m').getSeconds()", "5400"},
      {"duration('1.5s').getMilliseconds()", "500"},
      {"-duration('1.5s')", "duration(\"-1.5s\")"},
      {"duration('1h') + duration('30m')", "duration(\"5400s\")"},
      {"timestamp('9999-12-31T23:59:59Z') + duration('1s')", "error: timestamp out of range"},
      {"timestamp('0001-01-01T00:00:00Z') - duration('1s')", "error: timestamp out of range"},
      {"timestamp('9999-12-31T23:59:59Z') - timestamp('0001-01-01T00:00:00Z')", "error: duration out of range"},
      {"duration('315576000000s') + duration('1s')", "error: duration out of range"},
  });
}

BOOST_AUTO_TEST_CASE(calendar_days_in_a_zone) {
  Env env;
  Check(env, {
      // Signed 20:30 on 1 March; day 7 ends at 24:00 on 8 March in Shanghai.
      {"calendar_days(order.signed_at, case.opened_at, case.timezone)", "7"},
      {"calendar_days(order.signed_at, timestamp('2025-03-08T23:10:00+08:00'), 'Asia/Shanghai')", "7"},
      {"calendar_days(order.signed_at, timestamp('2025-03-09T00:05:00+08:00'), 'Asia/Shanghai')", "8"},
      // The same instants counted by UTC dates.
      {"calendar_days(order.signed_at, timestamp('2025-03-09T00:05:00+08:00'), 'UTC')", "7"},
      {"calendar_days(timestamp('2025-03-02T00:30:00+08:00'), timestamp('2025-03-09T23:00:00+08:00'), 'Asia/Shanghai')", "7"},
      {"calendar_days(timestamp('2025-03-02T00:30:00+08:00'), timestamp('2025-03-09T23:00:00+08:00'), 'UTC')", "8"},
      // Two minutes apart, across midnight in one zone but not the other.
      {"calendar_days(timestamp('2026-11-17T23:59:00+08:00'), timestamp('2026-11-18T00:01:00+08:00'), '+08:00')", "1"},
      {"calendar_days(timestamp('2026-11-17T23:59:00+08:00'), timestamp('2026-11-18T00:01:00+08:00'), 'UTC')", "0"},
      {"calendar_days(timestamp('2026-11-17T23:59:00Z'), timestamp('2026-11-18T00:01:00Z'), 'UTC')", "1"},
      {"calendar_days(timestamp('2026-11-17T23:59:00Z'), timestamp('2026-11-18T00:01:00Z'), 'Asia/Shanghai')", "0"},
      {"calendar_days(case.opened_at, order.signed_at, case.timezone)", "-7"},
      {"calendar_days(case.opened_at, case.opened_at, case.timezone)", "0"},
      {"calendar_days(order.signed_at, case.opened_at, item.name)", "error: unknown time zone '电热水壶'"},
      {"calendar_days(order.delivered_at, case.opened_at, case.timezone) <= 7", kAbsent},
  });
}

BOOST_AUTO_TEST_CASE(split_and_share_are_exact) {
  Env env;
  Check(env, {
      {"split(1001, [1, 1])", "[501, 500]"},
      {"split(1525, [1, 1])", "[763, 762]"},
      {"split(1526, [1, 1])", "[763, 763]"},
      {"split(100, [1, 1, 1])", "[34, 33, 33]"},
      {"split(100, [1, 2, 3])", "[17, 33, 50]"},
      {"split(0, [1, 2])", "[0, 0]"},
      {"split(-5, [1, 1])", "[-3, -2]"},
      {"split(10, [0, 1])", "[0, 10]"},
      {"split(11, [0, 1, 1])", "[0, 6, 5]"},
      {"split(7, [5])", "[7]"},
      {"split(-9223372036854775808, [1, 1])", "[-4611686018427387904, -4611686018427387904]"},
      {"split(9223372036854775807, [9223372036854775807, 9223372036854775807])",
       "[4611686018427387904, 4611686018427387903]"},
      {"split(10, [])", "error: split(): no weights"},
      {"split(10, [0, 0])", "error: split(): the weights add up to 0"},
      {"split(10, [1, -1])", "error: split(): weights must not be negative"},
      {"split(10, [dyn(1.5)])", "error: split(): weights must be ints"},
      {"share(1001, 1, 2)", "500"},
      {"share(-1001, 1, 2)", "-501"},
      {"share(1001, -1, 2)", "-501"},
      {"share(1000, 1, 3)", "333"},
      {"share(29900, 3, 10)", "8970"},
      {"share(9223372036854775807, 3, 4)", "6917529027641081855"},
      {"share(9223372036854775807, 2, 1)", "error: share(): int overflow"},
      {"share(1, 1, 0)", "error: share(): division by zero"},
  });
  // Many amounts and weights: the parts add up exactly and are within one
  // cent of the exact proportion.
  const std::vector<std::vector<std::int64_t>> weight_sets = {{1, 2, 3}, {7, 5}, {1, 1, 1, 1, 1, 1, 1}, {3, 0, 97}};
  for (std::int64_t amount = -500; amount < 3000; amount += 7) {
    for (const auto& ws : weight_sets) {
      std::string list = "[";
      std::int64_t total = 0;
      for (std::size_t i = 0; i < ws.size(); ++i) {
        list += (i ? ", " : "") + std::to_string(ws[i]);
        total += ws[i];
      }
      list += "]";
      const std::string src = "split(" + std::to_string(amount) + ", " + list + ")";
      BOOST_TEST_CONTEXT(src) {
        auto p = env.Compile(src);
        EvalContext ctx = env.Context();
        Value parts = p->Evaluate(ctx);
        BOOST_TEST_REQUIRE((parts.kind() == Value::Kind::kList), FormatCelLiteral(parts));
        BOOST_TEST_REQUIRE(parts.list_value().size() == ws.size());
        std::int64_t sum = 0;
        for (std::size_t i = 0; i < ws.size(); ++i) {
          std::int64_t part = parts.list_value()[i].int_value();
          sum += part;
          // |part * total - amount * w| < total
          std::int64_t diff = part * total - amount * ws[i];
          BOOST_TEST((diff < total && diff > -total));
          if (ws[i] == 0) BOOST_TEST(part == 0);
        }
        BOOST_TEST(sum == amount);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(lists_maps_and_macros) {
  Env env;
  Check(env, {
      {"[1, 2, 3].all(x, x > 0)", "true"},
      {"[1, 2, 3].all(x, x > 1)", "false"},
      {"[].all(x, x > 1)", "true"},
      {"[1, 2].exists(x, x == 2)", "true"},
      {"[1, 2].exists(x, x == 3)", "false"},
      {"[].exists(x, x == 3)", "false"},
      {"[1, 1].exists_one(x, x == 1)", "false"},
      {"[1, 2].exists_one(x, x == 1)", "true"},
      {"[1, 2, 3].filter(x, x % 2 == 1)", "[1, 3]"},
      {"[1, 2, 3].map(x, x * 10)", "[10, 20, 30]"},
      {"[1, 2, 3].map(x, x > 1, x * 10)", "[20, 30]"},
      {"{'a': 1, 'b': 2}.all(k, k in ['a', 'b'])", "true"},
      {"{'a': 1, 'b': 2}.map(k, k + '!')", "[\"a!\", \"b!\"]"},
      {"issue.evidence.exists(e, e == 'photo')", "true"},
      {"[[1, 2], [3]].all(l, l.all(x, x > 0))", "true"},
      {"[1, 2].all(x, [3, 4].exists(y, y == x + 2))", "true"},
      {"[1, 2].map(x, [10, 20].map(y, x * y))", "[[10, 20], [20, 40]]"},
      // Errors inside all/exists are absorbed when another element decides.
      {"[0, -1].all(x, 1 / x > 0)", "false"},
      {"[-1, 0].all(x, 1 / x > 0)", "false"},
      {"[0, 1].all(x, 1 / x > 0)", "error: division by zero"},
      {"[0].all(x, 1 / x > 0)", "error: division by zero"},
      {"[1, 0].exists(x, 1 / x > 0)", "true"},
      {"[0, 1].exists(x, 1 / x > 0)", "true"},
      {"[0, -1].exists(x, 1 / x > 0)", "error: division by zero"},
      {"[0, 1].exists_one(x, 1 / x > 0)", "error: division by zero"},
      {"[0, 1].filter(x, 1 / x > 0)", "error: division by zero"},
      {"[0, 1].map(x, 1 / x)", "error: division by zero"},
      {"[item.opened].all(x, x || item.used)", "error: fact 'item.used' is absent"},
      {"[1, 2].exists(x, x == 2 || item.used)", "true"},
      {"{'a': 1}['b']", "error: no such key: \"b\""},
      {"{'a': 1}['a']", "1"},
      {"{1: 'x'}[1u]", "\"x\""},
      {"[1, 2][2]", "error: index out of range: 2"},
      {"[1, 2][-1]", "error: index out of range: -1"},
      {"[1, 2][1u]", "2"},
      {"{'a': 1, 'a': 2}", "error: repeated key in map literal: \"a\""},
      {"{1: 'a', 1u: 'b'}", "error: repeated key in map literal: 1u"},
      {"2 in [1, 2] && 'k' in {'k': 1}", "true"},
      {"3 in [1, 2]", "false"},
      {"[1] + [2] == [1, 2]", "true"},
      {"case.platform in ['jd', 'tmall']", "true"},
      {"case.platform in ['jd']", "false"},
      {"case.platform == 'tmall'", "true"},
  });
}

BOOST_AUTO_TEST_CASE(the_step_budget_bounds_evaluation) {
  Env env;
  const std::string heavy = "[1,2,3,4,5,6,7,8,9,10].all(x, [1,2,3,4,5,6,7,8,9,10].all(y, x * y > 0))";
  BOOST_TEST(env.Eval(heavy) == "true");
  const std::string budget = "error: evaluation step budget exhausted";
  BOOST_TEST(env.Eval(heavy, 40) == budget);
  BOOST_TEST(env.Eval(heavy, 1) == budget);
  BOOST_TEST(env.Eval("1 + 1", 0) == budget);
  BOOST_TEST(env.Eval("1 + 1", -5) == budget);
  BOOST_TEST(env.Eval("1 + 1", 3) == "2");
  BOOST_TEST(env.Eval("1 + 1", 2) == budget);
  // Running out is not absorbed by && or ||, nor by all/exists.
  BOOST_TEST(env.Eval(heavy + " || true", 40) == budget);
  BOOST_TEST(env.Eval(heavy + " && false", 40) == budget);
  BOOST_TEST(env.Eval("[1,2,3,4,5,6,7,8,9,10].exists(x, x == 10)", 10) == budget);
  // The budget is shared by the whole evaluation and used up as it goes.
  auto p = env.Compile("[1, 2, 3].map(x, x * 2)");
  EvalContext ctx = env.Context(1000);
  BOOST_TEST(FormatCelLiteral(p->Evaluate(ctx)) == "[2, 4, 6]");
  BOOST_TEST(ctx.steps_left < 1000);
  BOOST_TEST(ctx.steps_left > 950);
}

BOOST_AUTO_TEST_CASE(conjuncts_explain_conditions) {
  Env env;
  auto p = env.Compile(
      "case.platform == 'tmall' && (item.used || true) && order.total_paid_cents > 50000 && has(item.opened)");
  const auto& parts = p->conjuncts();
  BOOST_TEST_REQUIRE(parts.size() == 4u);
  BOOST_TEST(parts[0].source == "case.platform == 'tmall'");
  BOOST_TEST(parts[0].offset == 0u);
  BOOST_TEST(parts[1].source == "item.used || true");
  BOOST_TEST(parts[1].offset == 29u);
  BOOST_TEST(parts[2].source == "order.total_paid_cents > 50000");
  BOOST_TEST(parts[3].source == "has(item.opened)");
  EvalContext ctx = env.Context();
  BOOST_TEST(FormatCelLiteral(p->EvaluateConjunct(0, ctx)) == "true");
  BOOST_TEST(FormatCelLiteral(p->EvaluateConjunct(1, ctx)) == "true");
  BOOST_TEST(FormatCelLiteral(p->EvaluateConjunct(2, ctx)) == "false");
  BOOST_TEST(FormatCelLiteral(p->EvaluateConjunct(3, ctx)) == "true");
  BOOST_TEST(p->EvaluateConjunct(4, ctx).error_message() == "no such part of the condition");

  // An expression without && is its own single conjunct.
  auto single = env.Compile("item.opened || item.used");
  BOOST_TEST_REQUIRE(single->conjuncts().size() == 1u);
  BOOST_TEST(single->conjuncts()[0].source == "item.opened || item.used");
  EvalContext c2 = env.Context();
  BOOST_TEST(single->EvaluateConjunct(0, c2).error_message() == "fact 'item.used' is absent");

  // Parts are shown as written, brackets, receivers and macros included.
  struct Row {
    const char* expr;
    std::vector<std::string> sources;
  };
  const std::vector<Row> rows = {
      {"(order.total_paid_cents + 1) * 2 > 3 && item.opened",
       {"(order.total_paid_cents + 1) * 2 > 3", "item.opened"}},
      {"item.opened && 3 < (order.total_paid_cents + 1) * (2 + 1)",
       {"item.opened", "3 < (order.total_paid_cents + 1) * (2 + 1)"}},
      {"[1, 2].all(x, x > 0) && issue.evidence.exists(e, e == 'photo')",
       {"[1, 2].all(x, x > 0)", "issue.evidence.exists(e, e == 'photo')"}},
      {"item.name.startsWith('电') && size(item.name) == 4",
       {"item.name.startsWith('电')", "size(item.name) == 4"}},
      {"((item.opened)) && ((item.used || true))", {"item.opened", "item.used || true"}},
      {"(1 + 2) == 3 && (4) == 4", {"(1 + 2) == 3", "(4) == 4"}},
      {"[1][0] == 1 && {'a': 1}['a'] == 1", {"[1][0] == 1", "{'a': 1}['a'] == 1"}},
      {"(1 + 2) * 3 == 9", {"(1 + 2) * 3 == 9"}},
      {"(item.opened || true)", {"item.opened || true"}},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) {
      auto q = env.Compile(r.expr);
      std::vector<std::string> got;
      for (const auto& c : q->conjuncts()) got.push_back(std::string(c.source));
      BOOST_TEST(got == r.sources, boost::test_tools::per_element());
      for (const auto& c : q->conjuncts()) {
        BOOST_TEST(std::string(r.expr).substr(c.offset, c.source.size()) == c.source);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(programs_are_reusable) {
  Env env;
  auto p = env.Compile("order.total_paid_cents > 10000");
  EvalContext a = env.Context();
  BOOST_TEST(p->Evaluate(a).bool_value());
  env.facts[4] = Value::Int(5);
  EvalContext b = env.Context();
  BOOST_TEST(!p->Evaluate(b).bool_value());
  env.facts[4] = Value();
  EvalContext c = env.Context();
  BOOST_TEST(p->Evaluate(c).error_message() == "fact 'order.total_paid_cents' is absent");
  // Without the spaces at all, every fact reads as absent.
  EvalContext none;
  BOOST_TEST(p->Evaluate(none).error_message() == "fact 'order.total_paid_cents' is absent");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal

namespace aftersales {

BOOST_AUTO_TEST_SUITE(evaluate_expression)

BOOST_AUTO_TEST_CASE(outcomes) {
  using O = ExpressionResult::Outcome;
  struct Row {
    const char* expr;
    std::vector<std::pair<std::string, std::string>> bindings;
    O outcome;
    const char* value;  // the value, or the first error
  };
  const std::vector<Row> rows = {
      {"1 + 2", {}, O::kValue, "3"},
      {"x * 2", {{"x", "21"}}, O::kValue, "42"},
      {"x + y", {{"x", "1u"}, {"y", "2u"}}, O::kValue, "3u"},
      {"m.k[1]", {{"m", "{\"k\": [1, 2]}"}}, O::kValue, "2"},
      {"t.getHours('Asia/Shanghai')", {{"t", "timestamp(\"2026-01-01T00:00:00Z\")"}}, O::kValue, "8"},
      {"order.total > 100", {{"order.total", "150"}}, O::kValue, "true"},
      {"x", {{"x", "1"}, {"x", "2"}}, O::kValue, "2"},  // the last binding wins
      // A binding named like a constant does not shadow it.
      {"false", {{"false", "true"}}, O::kValue, "false"},
      {"true && x", {{"true", "false"}, {"x", "true"}}, O::kValue, "true"},
      {"null == null", {{"null", "1"}}, O::kValue, "true"},
      {"1 / 0", {}, O::kEvaluationError, "division by zero"},
      {"x / y", {{"x", "1"}, {"y", "0"}}, O::kEvaluationError, "division by zero"},
      {"1 +", {}, O::kInvalid, "1:4: unexpected end of expression"},
      {"x +\n  yy", {{"x", "1"}}, O::kInvalid, "2:3: undeclared reference to 'yy'"},
      {"'电热' + z", {}, O::kInvalid, "1:8: undeclared reference to 'z'"},
      {"x", {{"x", "1 +"}}, O::kInvalid, "--let x: 1:4: unexpected end of expression"},
      {"x", {{"x", "1 / 0"}}, O::kInvalid, "--let x: division by zero"},
      {"x", {{"x", "y"}}, O::kInvalid, "--let x: 1:1: undeclared reference to 'y'"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.expr) {
      ExpressionResult res = EvaluateExpression(r.expr, r.bindings);
      BOOST_TEST(static_cast<int>(res.outcome) == static_cast<int>(r.outcome));
      if (r.outcome == O::kValue) {
        BOOST_TEST(res.value == r.value);
        BOOST_TEST(res.errors.empty());
      } else {
        BOOST_TEST_REQUIRE(!res.errors.empty());
        BOOST_TEST(res.errors[0] == r.value);
        BOOST_TEST(res.value.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(limits_apply) {
  Limits small;
  small.max_eval_steps = 5;
  ExpressionResult r = EvaluateExpression("[1, 2, 3, 4, 5].all(x, x > 0)", {}, small);
  BOOST_TEST(static_cast<int>(r.outcome) == static_cast<int>(ExpressionResult::Outcome::kEvaluationError));
  BOOST_TEST_REQUIRE(r.errors.size() == 1u);
  BOOST_TEST(r.errors[0] == "evaluation step budget exhausted");
  Limits short_text;
  short_text.max_expression_length = 4;
  ExpressionResult l = EvaluateExpression("1 + 2 + 3", {}, short_text);
  BOOST_TEST(static_cast<int>(l.outcome) == static_cast<int>(ExpressionResult::Outcome::kInvalid));
  BOOST_TEST_REQUIRE(l.errors.size() == 1u);
  BOOST_TEST(l.errors[0] == "1:1: expression too long (9 bytes; the limit is 4)");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales
