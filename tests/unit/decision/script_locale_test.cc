// The reply's language: the fired rules' scripts make one reply in one
// language, and `script.locale` says which. A case whose locale some part
// of the reply lacks gets the whole reply in the fallback locale (never
// an English paragraph under `zh-TW`); a case whose locale every part has
// gets it; a case naming none gets the default locale on the same terms.
// Every output (Decide, DecideToJson, DecideText's JSON and text, the C
// API, the decision log's masked copy) says the same.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"

namespace aftersales {
namespace {

const char* const kSchema = R"(
enums:
  locale: [zh-CN, zh-TW, en, fr]
  kind: [defect, other]
  resolution: [refund, exchange]
  evidence: [photo, video]
facts:
  case.id: string
  case.locale: locale
  order.id: {type: string, personal: true}
  item.paid_cents: money
  issue.kind: kind
decisions:
  resolution: {type: resolution, required: true}
  refund_cents: {type: money, default: 0}
  evidence: {type: list<evidence>, default: []}
)";

// Three stages, each adding a paragraph. The refund has no zh-TW text; the
// exchange has all three; `note` has only zh-CN text (in neither zh-TW nor
// the fallback). No case names `fr`, which has no scripts: its cases get
// the fallback locale. The default locale is zh-TW, not the first.
const char* const kPolicy = R"(
policy:
  name: reply
  version: "1"
  locales: [zh-CN, zh-TW, en]
  default_locale: zh-TW
  fallback_locale: en
stages:
  - id: opening
    hit: first
    rules:
      - id: hello
        script:
          zh-CN: "您好，订单 {order.id}。"
          zh-TW: "您好，訂單 {order.id}。"
          en: "Hello, order {order.id}."
  - id: resolution
    hit: first
    rules:
      - id: refund
        when: issue.kind == 'defect'
        then: {resolution: refund, refund_cents: item.paid_cents}
        script:
          zh-CN: "为您退款 {decision.refund_cents} 元。"
          en: "We refund {decision.refund_cents}."
      - id: exchange
        then: {resolution: exchange}
        script:
          zh-CN: "为您换货。"
          zh-TW: "為您換貨。"
          en: "We exchange it."
  - id: closing
    hit: collect
    rules:
      - id: ask
        then: {evidence: [photo, video]}
        script:
          zh-CN: "请提供：{decision.evidence}"
          zh-TW: "請提供：{decision.evidence}"
          en: "Please send: {decision.evidence}"
      - id: note
        when: item.paid_cents > 100000
        script:
          zh-CN: "大额订单。"
)";

std::shared_ptr<const Policy> Load() {
  LoadResult r = LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kPolicy}});
  BOOST_TEST_REQUIRE(r.ok(), FormatIssues(r.issues));
  return r.policy;
}

// A case; `locale` is JSON (or empty for none).
std::string Case(const std::string& locale, const std::string& kind, int paid = 29900) {
  std::string c = R"({"case": {"id": "S-1")";
  if (!locale.empty()) c += R"(, "locale": )" + locale;
  return c + R"(}, "order": {"id": "SO20261120007001"}, "item": {"paid_cents": )" + std::to_string(paid) +
         R"(}, "issue": {"kind": ")" + kind + R"("}})";
}

struct Reply {
  std::string locale;
  std::string text;
  bool operator==(const Reply&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Reply& r) { return os << "[" << r.locale << "] " << r.text; }

Reply Decided(const Policy& p, const std::string& case_json) {
  auto facts = p.ReadFactsJson(case_json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  Decision d = p.Decide(*facts);
  BOOST_TEST_REQUIRE(d.ok(), DecisionToJson(d));
  // The compact JSON path says the same as the Decision.
  bool decided = false;
  BOOST_TEST(p.DecideToJson(*facts, {}, &decided) == DecisionToJson(d, false, -1));
  BOOST_TEST(decided);
  return {d.script_locale, d.script_text};
}

const Reply kEnglishRefund{"en", "Hello, order SO20261120007001.\n\nWe refund 299.00.\n\nPlease send: photo, video"};
const Reply kChineseRefund{"zh-CN", "您好，订单 SO20261120007001。\n\n为您退款 299.00 元。\n\n请提供：photo、video"};
const Reply kTaiwanExchange{"zh-TW", "您好，訂單 SO20261120007001。\n\n為您換貨。\n\n請提供：photo、video"};
const Reply kEnglishExchange{"en", "Hello, order SO20261120007001.\n\nWe exchange it.\n\nPlease send: photo, video"};

}  // namespace

BOOST_AUTO_TEST_SUITE(script_locale)

BOOST_AUTO_TEST_CASE(a_part_missing_in_the_case_locale_sends_the_whole_reply_to_the_fallback) {
  auto p = Load();
  // The refund has no zh-TW text: the whole reply is English, and says so
  // (the opening and the closing have zh-TW text, but one reply is one
  // language). The list is joined as English joins it.
  BOOST_TEST(Decided(*p, Case(R"("zh-TW")", "defect")) == kEnglishRefund);
  BOOST_TEST(Decided(*p, Case(R"("zh-HK")", "defect")) == kEnglishRefund);  // negotiated to zh-TW
  // Locales every part has are untouched.
  BOOST_TEST(Decided(*p, Case(R"("zh-CN")", "defect")) == kChineseRefund);
  BOOST_TEST(Decided(*p, Case(R"("en")", "defect")) == kEnglishRefund);
  // A word of the enum without scripts, and a tag nobody serves: the fallback.
  BOOST_TEST(Decided(*p, Case(R"("fr")", "defect")) == kEnglishRefund);
  BOOST_TEST(Decided(*p, Case(R"("xx-klingon")", "other")) == kEnglishExchange);
}

BOOST_AUTO_TEST_CASE(every_part_in_the_case_locale_keeps_it) {
  auto p = Load();
  BOOST_TEST(Decided(*p, Case(R"("zh-TW")", "other")) == kTaiwanExchange);
  BOOST_TEST(Decided(*p, Case(R"("zh-Hant")", "other")) == kTaiwanExchange);
  BOOST_TEST(Decided(*p, Case(R"("en-GB")", "other")) == kEnglishExchange);
}

BOOST_AUTO_TEST_CASE(a_case_naming_no_locale_gets_the_default_on_the_same_terms) {
  auto p = Load();
  BOOST_TEST(Decided(*p, Case("", "other")) == kTaiwanExchange);
  BOOST_TEST(Decided(*p, Case("null", "other")) == kTaiwanExchange);
  // The default (zh-TW) lacks the refund: English throughout.
  BOOST_TEST(Decided(*p, Case("", "defect")) == kEnglishRefund);
}

BOOST_AUTO_TEST_CASE(a_rule_in_neither_locale_adds_nothing_and_moves_nothing) {
  auto p = Load();
  // `note` has only zh-CN text: a zh-TW exchange stays zh-TW without it,
  // an English reply goes without it, a zh-CN reply has it.
  const int big = 200000;
  BOOST_TEST(Decided(*p, Case(R"("zh-TW")", "other", big)) == kTaiwanExchange);
  BOOST_TEST(Decided(*p, Case(R"("en")", "other", big)) == kEnglishExchange);
  Reply zh = Decided(*p, Case(R"("zh-CN")", "other", big));
  BOOST_TEST(zh.locale == "zh-CN");
  BOOST_TEST(zh.text == "您好，订单 SO20261120007001。\n\n为您换货。\n\n请提供：photo、video\n\n大额订单。");
  // In the fallback's reply the zh-CN-only part is left out, as for an
  // English case, rather than mixed in.
  Reply tw = Decided(*p, Case(R"("zh-TW")", "defect", big));
  BOOST_TEST(tw.locale == "en");
  BOOST_TEST(tw.text == "Hello, order SO20261120007001.\n\nWe refund 2000.00.\n\nPlease send: photo, video");
}

BOOST_AUTO_TEST_CASE(every_output_says_the_same_language) {
  auto p = Load();
  const std::string zh_tw_refund = Case(R"("zh-TW")", "defect");

  // DecideText, as the CLI's `decide` and batches use it: JSON and text.
  CaseText line = DecideText(*p, zh_tw_refund);
  BOOST_TEST_REQUIRE((line.outcome == CaseText::Outcome::kDecided), line.output);
  nlohmann::json j = nlohmann::json::parse(line.output);
  BOOST_TEST(j["script"]["locale"] == "en");
  BOOST_TEST(j["script"]["text"] == kEnglishRefund.text);
  DecideTextOptions as_text;
  as_text.output = DecideTextOptions::Output::kText;
  CaseText text = DecideText(*p, zh_tw_refund, as_text);
  BOOST_TEST_REQUIRE((text.outcome == CaseText::Outcome::kDecided), text.output);
  BOOST_TEST(text.output.find("[en]\n" + kEnglishRefund.text + "\n") != std::string::npos, text.output);
  BOOST_TEST(text.output.find("[zh-TW]") == std::string::npos, text.output);

  // The C API (a policy from a file).
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("aftersales_script_locale_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "schema.yaml") << kSchema;
  std::ofstream(dir / "policy.yaml") << kPolicy;
  aftersales_policy_t* handle = nullptr;
  char* error = nullptr;
  BOOST_TEST_REQUIRE(aftersales_policy_load(dir.c_str(), &handle, &error) == AFTERSALES_OK,
                     (error ? error : ""));
  for (int flags : {0, AFTERSALES_TEXT}) {
    char* decision = nullptr;
    BOOST_TEST_REQUIRE(aftersales_decide_json(handle, zh_tw_refund.data(), zh_tw_refund.size(), flags, &decision,
                                              &error) == AFTERSALES_OK);
    const std::string out = decision;
    aftersales_free(decision);
    if (flags == 0) {
      BOOST_TEST(nlohmann::json::parse(out)["script"]["locale"] == "en", out);
    } else {
      BOOST_TEST(out.find("[en]\nHello, order") != std::string::npos, out);
    }
  }
  aftersales_policy_free(handle);
  std::filesystem::remove_all(dir);

  // The decision log: the same language, the personal order id masked
  // where the script put it (the log renders the reply again, in the
  // decision's locale, to find it).
  std::string logged;
  DecisionLog log([&logged](std::string_view l) { logged.append(l); return true; }, {});
  auto facts = p->ReadFactsJson(zh_tw_refund);
  BOOST_TEST_REQUIRE(facts.ok());
  Decision d = p->Decide(*facts);
  BOOST_TEST_REQUIRE(log.Append(*p, *facts, d).ok());
  nlohmann::json entry = nlohmann::json::parse(logged);
  BOOST_TEST(entry["decision"]["script"]["locale"] == "en");
  BOOST_TEST(entry["decision"]["script"]["text"] ==
             "Hello, order ****7001.\n\nWe refund 299.00.\n\nPlease send: photo, video");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales
