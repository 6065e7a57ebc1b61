// The locale fact (case.locale): every reader (JSON on both of its paths,
// YAML, FactsBuilder) negotiates it, so rules see the negotiated word and
// the script uses it; an unknown locale falls back, and a case is never
// refused for its locale, only for what holds for all text (UTF-8, NUL,
// max_string_length) or for not being text at all.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "aftersales/aftersales.h"

namespace aftersales {
namespace {

// zh-TW is a word of the enum without a script of its own: the fallback
// locale (en) writes its text.
const char* const kSchema = R"(
enums:
  locale: [zh-CN, zh-TW, en]
  resolution: [english, other]
facts:
  case.id: string
  case.locale: locale
  item.name: string
decisions:
  resolution: {type: resolution, required: true}
  seen: {type: string, default: ""}
)";

const char* const kPolicy = R"(
policy:
  name: locales
  version: "1"
  locales: [zh-CN, en]
  default_locale: zh-CN
  fallback_locale: en
stages:
  - id: resolution
    hit: first
    rules:
      - id: english
        when: case.locale == 'en'
        then: {resolution: english, seen: "'en'"}
        script: {en: "Hello.", zh-CN: "你好。"}
      - id: other
        then: {resolution: other, seen: "has(case.locale) ? string(case.locale) : 'absent'"}
        script: {en: "Hi.", zh-CN: "您好。"}
)";

std::shared_ptr<const Policy> Load(const LoadOptions& options = {}, const char* schema = kSchema) {
  LoadResult r = LoadPolicyFromStrings({{"schema.yaml", schema}, {"policy.yaml", kPolicy}}, options);
  BOOST_TEST_REQUIRE(r.ok(), FormatIssues(r.issues));
  return r.policy;
}

std::string Json(const std::string& locale_json) {
  return R"({"case": {"id": "L-1", "locale": )" + locale_json + R"(}, "item": {"name": "kettle"}})";
}

// The locale the decision's rules saw, and the script's locale.
struct Seen {
  std::string fact;
  std::string script_locale;
  bool operator==(const Seen&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Seen& s) { return os << s.fact << "/" << s.script_locale; }

Seen Decided(const Policy& p, const Facts& facts) {
  Decision d = p.Decide(facts);
  BOOST_TEST_REQUIRE(d.ok());
  bool decided = false;
  BOOST_TEST(p.DecideToJson(facts, {}, &decided) == DecisionToJson(d, false, -1));
  return {d.Find("seen")->string_value, d.script_locale};
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Row {
  std::string locale;
  Seen want;
};

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      {"en", {"en", "en"}},
      {"en-US", {"en", "en"}},
      {"EN_gb", {"en", "en"}},
      {"zh-CN", {"zh-CN", "zh-CN"}},
      {"zh", {"zh-CN", "zh-CN"}},
      {"zh-Hans-SG", {"zh-CN", "zh-CN"}},
      {"zh_HK", {"zh-TW", "en"}},  // a word of the enum the policy has no text in: the fallback's
      {"zh-Hant", {"zh-TW", "en"}},
      {"fr-CH, en;q=0.8, zh;q=0.5", {"en", "en"}},
      {"fr-CH, zh;q=0.5", {"zh-CN", "zh-CN"}},
      {"fr", {"en", "en"}},  // unknown: the fallback locale
      {"", {"en", "en"}},
      {"klingon", {"en", "en"}},
      {"电", {"en", "en"}},
      {"*;q=1", {"en", "en"}},
      {std::string(2000, 'x'), {"en", "en"}},
  };
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(locale_fact)

BOOST_AUTO_TEST_CASE(json_negotiates_on_both_paths) {
  auto p = Load();
  for (const Row& row : Rows()) {
    auto fast = p->ReadFactsJson(Json(Quoted(row.locale)));
    BOOST_TEST_REQUIRE(fast.ok(), fast.status().message());
    BOOST_TEST(Decided(*p, *fast) == row.want, row.locale);
    // An undeclared integer too big for simdjson's DOM sends the case down
    // the exact path.
    std::string exact_json = Json(Quoted(row.locale));
    exact_json.insert(1, R"("extra": 123456789012345678901234567890, )");
    auto exact = p->ReadFactsJson(exact_json);
    BOOST_TEST_REQUIRE(exact.ok(), exact.status().message());
    BOOST_TEST(Decided(*p, *exact) == row.want, row.locale);
  }
  // Absent (or null): the default locale, and no fact.
  auto none = p->ReadFactsJson(R"({"item": {"name": "kettle"}})");
  BOOST_TEST((Decided(*p, *none) == Seen{"absent", "zh-CN"}));
  auto null = p->ReadFactsJson(Json("null"));
  BOOST_TEST((Decided(*p, *null) == Seen{"absent", "zh-CN"}));
}

BOOST_AUTO_TEST_CASE(yaml_and_the_builder_negotiate) {
  auto p = Load();
  for (const Row& row : Rows()) {
    auto yaml = p->ReadFactsYaml("case: {id: L-1, locale: " + Quoted(row.locale) + "}\n");
    BOOST_TEST_REQUIRE(yaml.ok(), yaml.status().message());
    BOOST_TEST(Decided(*p, *yaml) == row.want, row.locale);
    FactsBuilder b = p->NewFacts();
    BOOST_TEST_REQUIRE(b.SetString("case.locale", row.locale).ok());
    BOOST_TEST(Decided(*p, b.Build()) == row.want, row.locale);
  }
  // Any YAML scalar is text here: a plain 123 or true is a locale nobody
  // has (the fallback), not a type error.
  for (const char* odd : {"123", "true", "1.5", "en-US # a comment"}) {
    auto yaml = p->ReadFactsYaml(std::string("case:\n  locale: ") + odd + "\n");
    BOOST_TEST_REQUIRE(yaml.ok(), yaml.status().message());
    BOOST_TEST((Decided(*p, *yaml) == Seen{"en", "en"}), odd);
  }
}

BOOST_AUTO_TEST_CASE(what_holds_for_all_text_still_holds) {
  LoadOptions options;
  options.limits.max_string_length = 64;
  auto p = Load(options);
  const std::string too_long(65, 'a');
  auto r = p->ReadFactsJson(Json(Quoted(too_long)));
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().message().find("case.locale: text longer than 64 bytes") != std::string::npos,
             r.status().message());
  r = p->ReadFactsYaml("case: {locale: " + too_long + "}\n");
  BOOST_TEST(!r.ok());
  BOOST_TEST(!p->NewFacts().SetString("case.locale", too_long).ok());

  r = p->ReadFactsJson(Json(R"("en\u0000")"));
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().message().find("case.locale: contains a NUL") != std::string::npos, r.status().message());
  BOOST_TEST(!p->NewFacts().SetString("case.locale", std::string("en\0", 3)).ok());
  BOOST_TEST(!p->NewFacts().SetString("case.locale", "\xff").ok());
  BOOST_TEST(!p->ReadFactsJson(Json("\"\xff\"")).ok());

  // Not text at all.
  for (const char* not_text : {"5", "true", "[\"en\"]", "{\"tag\": \"en\"}"}) {
    r = p->ReadFactsJson(Json(not_text));
    BOOST_TEST(!r.ok(), not_text);
    BOOST_TEST(r.status().message().find("case.locale: expected a locale (text)") != std::string::npos,
               r.status().message());
  }
  r = p->ReadFactsYaml("case: {locale: [en]}\n");
  BOOST_TEST(!r.ok());
  // Given twice, as any fact.
  r = p->ReadFactsJson(R"({"case": {"locale": "en"}, "case.locale": "fr"})");
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.status().message().find("given twice") != std::string::npos, r.status().message());
}

BOOST_AUTO_TEST_CASE(a_string_locale_fact_negotiates_against_the_policys_locales) {
  std::string schema = kSchema;
  schema.replace(schema.find("case.locale: locale"), 19, "case.locale: string");
  auto p = Load({}, schema.c_str());
  auto facts = p->ReadFactsJson(Json(R"("en-GB")"));
  BOOST_REQUIRE(facts.ok());
  BOOST_TEST((Decided(*p, *facts) == Seen{"en", "en"}));
  facts = p->ReadFactsJson(Json(R"("zh-HK")"));  // no traditional Chinese here: the fallback
  BOOST_TEST((Decided(*p, *facts) == Seen{"en", "en"}));
}

BOOST_AUTO_TEST_CASE(a_fallback_that_is_no_word_of_the_enum_is_a_warning) {
  std::string policy = kPolicy;
  policy.replace(policy.find("locales: [zh-CN, en]"), 20, "locales: [zh-CN, en, fr]");
  policy.replace(policy.find("fallback_locale: en"), 19, "fallback_locale: fr");
  LoadResult r = LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", policy}});
  BOOST_TEST_REQUIRE(r.ok(), FormatIssues(r.issues));
  BOOST_REQUIRE_EQUAL(r.issues.size(), 1u);
  BOOST_TEST(r.issues[0].code == "policy.locale");
  BOOST_TEST(r.issues[0].ToString() ==
             "policy.yaml:7:20: warning: the fallback locale fr is none of the words of locale, the type of "
             "case.locale: a case whose locale the policy does not know will have no case.locale");
  // Such a case then has no locale fact: its rules see none.
  auto facts = r.policy->ReadFactsJson(Json(R"("de")"));
  BOOST_REQUIRE(facts.ok());
  BOOST_TEST((Decided(*r.policy, *facts) == Seen{"absent", "zh-CN"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales
