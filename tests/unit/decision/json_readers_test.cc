// The two JSON readers (decision/facts_reader.h) held to each other. The
// fast one (simdjson's DOM parser) reads a case or stops at the first fact
// that does not fit; the exact one (the on-demand parser) reads it again
// and says what is wrong. On every case the fast one reads, the exact one
// reads the same facts, slot by slot; where the fast one refuses a fact,
// the exact one refuses the case and names that fact first. The cases are
// the shipped generator's (examples/cases/generate.py), the same cases
// written otherwise (escaped, indented, dotted) or with one value changed to
// an awkward one, hand-made edge inputs, and random cases of a policy with a
// fact of every type (the shipped one has no uint, double or duration).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"
#include "decision/facts_reader.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace {

using aftersales::internal::FactError;
using aftersales::internal::FactsData;
using aftersales::internal::FactsTarget;
using aftersales::internal::FastRead;
using aftersales::internal::PolicyImpl;
using aftersales::internal::Value;

const aftersales::Policy& Shipped() {
  static const std::shared_ptr<const aftersales::Policy> policy = [] {
    auto r = aftersales::LoadPolicy(AFTERSALES_SOURCE_DIR "/rules");
    BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
    return r.policy;
  }();
  return *policy;
}

// The generator's cases, one per line.
std::vector<std::string> Generated(int count, int seed) {
  const std::string command = "python3 '" AFTERSALES_SOURCE_DIR "/examples/cases/generate.py' --count " +
                              std::to_string(count) + " --seed " + std::to_string(seed);
  FILE* pipe = ::popen(command.c_str(), "r");
  BOOST_TEST_REQUIRE(pipe != nullptr, command);
  std::string text;
  char block[1 << 16];
  for (std::size_t n; (n = std::fread(block, 1, sizeof block, pipe)) > 0;) text.append(block, n);
  BOOST_TEST_REQUIRE(::pclose(pipe) == 0, command);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  BOOST_TEST_REQUIRE(lines.size() == static_cast<std::size_t>(count));
  return lines;
}

// Slot values alike in kind and in every bit (1 and 1u, or 0.0 and -0.0,
// are different facts here, though CEL calls them equal).
bool Same(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kAbsent:
    case Value::Kind::kNull: return true;
    case Value::Kind::kBool: return a.bool_value() == b.bool_value();
    case Value::Kind::kInt: return a.int_value() == b.int_value();
    case Value::Kind::kUint: return a.uint_value() == b.uint_value();
    case Value::Kind::kDouble:
      return std::bit_cast<std::uint64_t>(a.double_value()) == std::bit_cast<std::uint64_t>(b.double_value());
    case Value::Kind::kString: return a.string_value() == b.string_value();
    case Value::Kind::kTimestamp: return a.timestamp_value() == b.timestamp_value();
    case Value::Kind::kDuration: return a.duration_value() == b.duration_value();
    case Value::Kind::kList: {
      const auto& x = a.list_value();
      const auto& y = b.list_value();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!Same(x[i], y[i])) return false;
      }
      return true;
    }
    default: return false;
  }
}

std::string Shown(const Value& v) {
  return v.is_absent() ? "absent" : aftersales::internal::FormatCelLiteral(v);
}

struct Tally {
  int read = 0, refused = 0, not_parsed = 0;
};

// "" when the readers agree on `json`, else how they differ.
std::string Compare(const PolicyImpl& p, const std::string& json, Tally* tally) {
  const FactsTarget target{p.model().schema, p.fact_keys(), p.model().limits, p.locale_fact()};
  std::unique_ptr<FactsData> fast = p.NewFactsData(), exact = p.NewFactsData();
  FactError refused;
  const FastRead f = aftersales::internal::ReadJsonFactsFast(json, target, fast.get(), &refused);
  std::vector<FactError> errors;
  const aftersales::Status st = aftersales::internal::ReadJsonFactsExact(json, target, exact.get(), &errors);
  switch (f) {
    case FastRead::kRead:
      ++tally->read;
      if (!st.ok()) return "the fast reader read the case, the exact one refused it: " + st.message();
      for (const auto& decl : p.model().schema.facts) {
        const Value& a = fast->slots[decl.slot];
        const Value& b = exact->slots[decl.slot];
        if (!Same(a, b)) return decl.name + ": fast " + Shown(a) + ", exact " + Shown(b);
      }
      return "";
    case FastRead::kRefused:
      ++tally->refused;
      if (st.ok()) return "the fast reader refused " + refused.path + " (" + refused.message + "), the exact one read the case";
      if (errors.empty()) return "the fast reader refused " + refused.path + ", the exact one says: " + st.message();
      if (errors.front().path != refused.path) {
        return "the fast reader refused " + refused.path + ", the exact one " + errors.front().path + " first";
      }
      return "";
    case FastRead::kNotParsed:
      ++tally->not_parsed;
      return "";
  }
  return "?";
}

// Awkward JSON values, written as JSON: numbers at and past the edges of
// int64, uint64 and double, exponents, escapes and unicode, nested lists,
// empty things, NUL.
const std::vector<std::string>& Awkward() {
  static const std::vector<std::string> values = {
      "0", "-0", "7", "-7", "1.0", "-0.0", "1e2", "1E+2", "2.5e-3", "-1.5E3", "0.1", "1e308", "5e-324",
      "2.2250738585072014e-308", "123456789012345678901234567890.5", "9223372036854775807",
      "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
      "18446744073709551616", "99999999999999999999999", "1e400", "-1e400", "true", "false", "null",
      R"("")", R"("0")", R"("12")", R"("true")", R"("\u0000")", R"("a\u0000b")", R"("caf\u00e9")",
      R"("\u7a7a\u6c14\u70b8\u9505")", R"("\ud83d\ude00")", R"("\"\\\/\b\f\n\r\t")", "\"\xe4\xb8\xad\"",
      R"("photo")", R"("screenshot")", R"("video")", R"("zh-CN")", R"("en-GB, en;q=0.8")", R"("xx")",
      R"("Asia/Shanghai")", R"("+08:00")", R"("Mars/Olympus_Mons")", R"("../etc")",
      R"("2026-11-20T14:03:00+08:00")", R"("2026-11-20T14:03:00.123456789Z")", R"("2026-02-30T00:00:00Z")",
      R"("2026-11-20T14:03:00")", R"("1h30m")", R"("90s")", R"("-1.5h")", "[]", "[[]]", R"(["photo"])",
      R"(["photo", "video", "photo"])", R"(["photo", null])", R"(["selfie"])", R"([["photo"]])", "[1, 2]",
      "[1.5]", "[[[[[[1]]]]]]", "{}", R"({"a": 1})", R"({"photo": "video"})",
  };
  return values;
}

// Every leaf of a case, by its path of keys.
void Leaves(const nlohmann::ordered_json& j, std::vector<std::string>* path,
            std::vector<std::vector<std::string>>* out) {
  if (!j.is_object()) {
    out->push_back(*path);
    return;
  }
  for (const auto& [k, v] : j.items()) {
    path->push_back(k);
    Leaves(v, path, out);
    path->pop_back();
  }
}

// The case with the value at `path` written as `raw` JSON text.
std::string WithValue(nlohmann::ordered_json j, const std::vector<std::string>& path, const std::string& raw) {
  nlohmann::ordered_json* at = &j;
  for (const std::string& k : path) at = &(*at)[k];
  *at = "\x01@@\x01";
  std::string text = j.dump();
  const std::string placeholder = "\"\\u0001@@\\u0001\"";
  return text.replace(text.find(placeholder), placeholder.size(), raw);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_readers)

BOOST_AUTO_TEST_CASE(the_generators_cases_read_alike_and_fast) {
  Tally tally;
  int disagreements = 0;
  for (int seed : {3, 11}) {
    for (const std::string& line : Generated(1500, seed)) {
      const std::string diff = Compare(aftersales::internal::PolicyInternal::Impl(Shipped()), line, &tally);
      if (!diff.empty() && ++disagreements <= 5) BOOST_TEST_MESSAGE(diff << "\n  in " << line);
    }
  }
  BOOST_TEST(disagreements == 0);
  // The generator writes no invalid value: the fast reader takes them all.
  BOOST_TEST(tally.read == 3000);
}

BOOST_AUTO_TEST_CASE(the_generators_cases_rewritten_and_with_awkward_values) {
  Tally tally;
  int disagreements = 0;
  std::mt19937 rng(20261127);
  const auto& awkward = Awkward();
  for (const std::string& line : Generated(400, 29)) {
    const auto j = nlohmann::ordered_json::parse(line);
    std::vector<std::string> path;
    std::vector<std::vector<std::string>> leaves;
    Leaves(j, &path, &leaves);
    // The case as it is, written otherwise: every string escaped (\u4e2d,
    // \ud83d\ude00), indented, and with one group given as dotted keys.
    std::vector<std::string> rewrites = {j.dump(-1, ' ', /*ensure_ascii=*/true), j.dump(2)};
    nlohmann::ordered_json flat;
    const std::string group = j.begin().key();
    for (const auto& [k, v] : j.items()) {
      if (k != group || !v.is_object()) {
        flat[k] = v;
        continue;
      }
      for (const auto& [leaf, value] : v.items()) flat[k + "." + leaf] = value;
    }
    rewrites.push_back(flat.dump());
    for (const std::string& text : rewrites) {
      const std::string diff = Compare(aftersales::internal::PolicyInternal::Impl(Shipped()), text, &tally);
      if (!diff.empty() && ++disagreements <= 5) BOOST_TEST_MESSAGE(diff << "\n  in " << text);
    }
    for (int m = 0; m < 12; ++m) {
      const auto& leaf = leaves[rng() % leaves.size()];
      const std::string& raw = awkward[rng() % awkward.size()];
      std::string text = WithValue(j, leaf, raw);
      if (m % 4 == 3) {
        // The same fact once more, dotted, at the end: given twice.
        std::string dotted;
        for (const std::string& k : leaf) dotted += (dotted.empty() ? "" : ".") + k;
        text.insert(text.size() - 1, ",\"" + dotted + "\":" + raw);
      }
      const std::string diff = Compare(aftersales::internal::PolicyInternal::Impl(Shipped()), text, &tally);
      if (!diff.empty() && ++disagreements <= 5) BOOST_TEST_MESSAGE(diff << "\n  in " << text);
    }
  }
  BOOST_TEST(disagreements == 0);
  // Each outcome is met often enough for the comparison to mean something.
  BOOST_TEST_MESSAGE("read " << tally.read << ", refused " << tally.refused << ", not parsed " << tally.not_parsed);
  BOOST_TEST(tally.read > 1000);
  BOOST_TEST(tally.refused > 1000);
}

BOOST_AUTO_TEST_CASE(hand_made_edge_inputs) {
  const std::vector<std::string> inputs = {
      R"({})",
      R"({"order": {"total_paid_cents": 0}, "item": {"paid_cents": -0}})",
      R"({"order": {"total_paid_cents": 9223372036854775807}})",
      R"({"order": {"total_paid_cents": 9223372036854775808}})",
      R"({"order": {"total_paid_cents": 1e2}})",
      R"({"order": {"total_paid_cents": 100.0}})",
      R"({"order": {"total_paid_cents": -1}})",
      R"({"customer": {"complaints_90d": 18446744073709551615}})",
      R"({"customer": {"complaints_90d": -1}})",
      R"({"order": {"total_paid_cents": 1}, "order.total_paid_cents": 1})",
      R"({"order": {"total_paid_cents": 1, "total_paid_cents": 2}})",
      R"({"shop": {"x": 1, "x": 2}, "case": {"id": "A", "id2": "B"}})",
      R"({"case": {"id": "C-\u00e9\ud83d\ude00", "timezone": "Europe\/Paris", "locale": "en-GB"}})",
      R"({"case": {"id": "\u0000"}})",
      R"({"case": {"timezone": "Asia/Shanghai\u0000"}})",
      R"({"case": {"locale": "zh_HK, en;q=0.5"}, "case.locale": "fr"})",
      R"({"case": {"locale": 7}})",
      R"({"issue": {"evidence": ["photo", "screenshot"]}, "shop": [[[[[[[[1]]]]]]]]})",
      R"({"issue": {"evidence": [["photo"]]}})",
      R"({"issue": {"evidence": ["photo", null]}})",
      R"({"issue.evidence": [], "issue": {"type": "quality_defect"}})",
      R"({"order": {"paid_at": "2026-11-20T14:03:00.5+08:00", "shipped_at": "2026-11-20T14:03:00Z"}})",
      R"({"order": {"paid_at": "2026-13-20T14:03:00+08:00"}})",
      R"({"case": "C-1", "order": [1, 2], "item": null})",
      R"({"undeclared": 123456789012345678901234567890, "order": {"total_paid_cents": 5}})",
      R"({"undeclared": 1e400, "order": {"total_paid_cents": 5}})",
      "\xEF\xBB\xBF{\"order\": {\"total_paid_cents\": 5}}",
  };
  Tally tally;
  for (const std::string& json : inputs) {
    BOOST_TEST_CONTEXT(json) { BOOST_TEST(Compare(aftersales::internal::PolicyInternal::Impl(Shipped()), json, &tally) == ""); }
  }
  BOOST_TEST(tally.read > 5);
  BOOST_TEST(tally.refused > 5);
}

// The shipped vocabulary has no uint, double or duration facts, nor lists
// of numbers: a policy of every type, with random cases of good and
// awkward values, nested and dotted.
BOOST_AUTO_TEST_CASE(every_fact_type_in_random_cases) {
  const char* const schema = R"(
enums:
  kind: [defect, no_reason, delay]
  locale: [zh-CN, en]
facts:
  case.id: string
  case.locale: locale
  case.timezone: string
  t.b: bool
  t.i: int
  t.u: uint
  t.d: double
  t.s: string
  t.e: kind
  t.ts: timestamp
  t.du: duration
  t.m: money
  t.sm: {type: money, signed: true}
  t.li: list<int>
  t.lu: list<uint>
  t.ld: list<double>
  t.lm: list<money>
  t.lle: list<list<kind>>
decisions:
  resolution: {type: string, required: true}
)";
  const char* const policy = R"(
policy: {name: types, version: "1", locales: [zh-CN, en], default_locale: zh-CN, fallback_locale: en}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then: {resolution: "'x'"}
)";
  auto loaded = aftersales::LoadPolicyFromStrings({{"schema.yaml", schema}, {"policy.yaml", policy}});
  BOOST_TEST_REQUIRE(loaded.ok(), aftersales::FormatIssues(loaded.issues));
  const std::vector<std::pair<std::string, std::vector<std::string>>> good = {
      {"case.id", {R"("C-1")", R"("caf\u00e9 \ud83d\ude00")", "\"\xe4\xb8\xad\"", R"("")"}},
      {"case.locale", {R"("en")", R"("zh-HK")", R"("fr-CH, en;q=0.8")", R"("")", R"("xx")"}},
      {"case.timezone", {R"("Asia/Shanghai")", R"("+08:00")", R"("UTC")", R"("Mars/Olympus")"}},
      {"t.b", {"true", "false"}},
      {"t.i", {"0", "-0", "7", "-42", "9223372036854775807", "-9223372036854775808"}},
      {"t.u", {"0", "7", "9223372036854775807", "9223372036854775808", "18446744073709551615"}},
      {"t.d", {"0", "-0", "-0.0", "1.5", "1e2", "1E-7", "0.1", "6.02214076e23", "5e-324", "2.2250738585072011e-308",
               "9007199254740993", "-9223372036854775808", "18446744073709551615", "123456789.123456789",
               "1.7976931348623157e308", "0.30000000000000004"}},
      {"t.s", {R"("")", R"("text")", R"("12")", R"("a\nb\t\"q\"\\\/")", R"("\u0001")", R"("\ud83d\ude00")"}},
      {"t.e", {R"("defect")", R"("delay")", R"("no_reason")"}},
      {"t.ts", {R"("2026-11-20T14:03:00+08:00")", R"("2026-11-20T14:03:00.123456789Z")", R"("0001-01-01T00:00:00Z")",
                R"("2026-11-20t14:03:00.5z")"}},
      {"t.du", {R"("1h30m")", R"("-1.5s")", R"("0")", R"("100ms")"}},
      {"t.m", {"0", "29900", "9223372036854775807"}},
      {"t.sm", {"-1", "5", "-9223372036854775808"}},
      {"t.li", {"[]", "[1, -2, 3]", "[9223372036854775807, -0]"}},
      {"t.lu", {"[]", "[0, 18446744073709551615]", "[9223372036854775808]"}},
      {"t.ld", {"[]", "[1, 2.5, -0.0, 1e-300]", "[9007199254740993, 0.1]"}},
      {"t.lm", {"[]", "[100, 0]"}},
      {"t.lle", {"[]", "[[]]", R"([["defect"], ["delay", "no_reason"]])"}},
  };
  const auto& awkward = Awkward();
  std::mt19937 rng(42);
  Tally tally;
  int disagreements = 0;
  const PolicyImpl& p = aftersales::internal::PolicyInternal::Impl(*loaded.policy);
  for (int n = 0; n < 4000; ++n) {
    std::vector<std::pair<std::string, std::string>> fields;  // key as written, value
    std::string nested;
    for (const auto& [name, values] : good) {
      if (rng() % 2) continue;
      const std::string& value = rng() % 8 ? values[rng() % values.size()] : awkward[rng() % awkward.size()];
      if (name.rfind("t.", 0) == 0 && rng() % 2) {
        nested += (nested.empty() ? "" : ", ") + ("\"" + name.substr(2) + "\": " + value);
      } else {
        fields.emplace_back(name, value);
      }
      if (rng() % 50 == 0) fields.emplace_back(name, value);  // given twice
    }
    if (!nested.empty()) fields.emplace_back("t", "{" + nested + "}");
    std::shuffle(fields.begin(), fields.end(), rng);
    std::string json = "{";
    for (const auto& [k, v] : fields) json += (json.size() > 1 ? ", " : "") + ("\"" + k + "\": " + v);
    json += "}";
    const std::string diff = Compare(p, json, &tally);
    if (!diff.empty() && ++disagreements <= 5) BOOST_TEST_MESSAGE(diff << "\n  in " << json);
  }
  BOOST_TEST(disagreements == 0);
  BOOST_TEST_MESSAGE("read " << tally.read << ", refused " << tally.refused << ", not parsed " << tally.not_parsed);
  BOOST_TEST(tally.read > 800);
  BOOST_TEST(tally.refused > 800);
}

BOOST_AUTO_TEST_SUITE_END()
