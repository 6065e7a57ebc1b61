#include "policy/script_template.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace aftersales::internal {
namespace {

// A small schema: facts order.id (string), order.paid_cents (money),
// order.delivered_at (timestamp), item.quantity (int), item.weight (double),
// issue.evidence (list<evidence>); decision refund_cents (money).
struct Fixture {
  Schema schema;
  std::vector<Value> facts;
  std::vector<Value> decisions;

  Fixture() {
    auto evidence = std::make_shared<EnumType>();
    evidence->name = "evidence";
    evidence->values = {"photo", "video"};
    schema.enums.push_back(evidence);
    AddFact("order.id", Type::String());
    AddFact("order.paid_cents", Type::Int(), /*money=*/true);
    AddFact("order.delivered_at", Type::Timestamp());
    AddFact("item.quantity", Type::Int());
    AddFact("item.weight", Type::Double());
    AddFact("issue.evidence", Type::List(Type::Enum(evidence)));
    FieldDecl refund;
    refund.name = "refund_cents";
    refund.type = Type::Int();
    refund.money = true;
    schema.decisions.push_back(refund);
    schema.decision_index["refund_cents"] = 0;
    schema.declarations.Add("decision.refund_cents", Type::Int(), VarRef{kDecisionSpace, 0});
    facts.resize(schema.facts.size());
    decisions.resize(1);
  }

  void AddFact(const std::string& name, TypePtr type, bool money = false) {
    FieldDecl f;
    f.name = name;
    f.type = type;
    f.money = money;
    f.slot = static_cast<std::uint32_t>(schema.facts.size());
    schema.fact_index[name] = f.slot;
    schema.declarations.Add(name, type, VarRef{kFactSpace, f.slot});
    schema.facts.push_back(f);
  }

  void Set(const std::string& name, Value v) { facts[schema.fact_index.at(name)] = std::move(v); }

  Template Compile(const std::string& text) {
    std::vector<TemplateIssue> issues;
    Template t = CompileTemplate(text, schema, &issues);
    std::string first = issues.empty() ? "" : issues.front().message;
    BOOST_REQUIRE_MESSAGE(issues.empty(), "unexpected issue: " << first);
    return t;
  }

  std::vector<TemplateIssue> Issues(const std::string& text) {
    std::vector<TemplateIssue> issues;
    CompileTemplate(text, schema, &issues);
    return issues;
  }

  std::string Render(const std::string& text, const char* zone = "Asia/Shanghai",
                     std::string_view locale = "en") {
    Template t = Compile(text);
    const Value* spaces[] = {facts.data(), decisions.data()};
    std::string out, error;
    BOOST_REQUIRE_MESSAGE(RenderTemplate(t, spaces, FindTimeZone(zone), locale, 1000, &out, &error),
                          "render failed: " << error);
    return out;
  }
};

BOOST_AUTO_TEST_SUITE(ScriptTemplateTest)

BOOST_FIXTURE_TEST_CASE(RendersFactsAndDecisions, Fixture) {
  Set("order.id", Value::String("A-1"));
  Set("order.paid_cents", Value::Int(29900));
  decisions[0] = Value::Int(-150);
  BOOST_CHECK_EQUAL(Render("Order {order.id}: paid {order.paid_cents}, refund "
                           "{decision.refund_cents}."),
                    "Order A-1: paid 299.00, refund -1.50.");
}

BOOST_FIXTURE_TEST_CASE(BracesEscape, Fixture) {
  Set("order.id", Value::String("A-1"));
  BOOST_CHECK_EQUAL(Render("{{literal}} {order.id} }}{{"), "{literal} A-1 }{");
}

BOOST_FIXTURE_TEST_CASE(NumbersTakeFmtSpecs, Fixture) {
  Set("item.quantity", Value::Int(7));
  Set("item.weight", Value::Double(2.5));
  BOOST_CHECK_EQUAL(Render("[{item.quantity:>4}] [{item.weight:.2f}] [{item.quantity:03}]"),
                    "[   7] [2.50] [007]");
}

BOOST_FIXTURE_TEST_CASE(TimestampsUseTheCaseZone, Fixture) {
  // 2026-11-20T14:03:00+08:00 == 06:03 UTC.
  Set("order.delivered_at", Value::Time(ParseTimestamp("2026-11-20T14:03:00+08:00").value()));
  BOOST_CHECK_EQUAL(Render("{order.delivered_at}"), "2026-11-20 14:03");
  BOOST_CHECK_EQUAL(Render("{order.delivered_at}", "UTC"), "2026-11-20 06:03");
  BOOST_CHECK_EQUAL(Render("{order.delivered_at:%Y年%m月%d日 %H:%M}", "Asia/Shanghai"),
                    "2026年11月20日 14:03");
  BOOST_CHECK_EQUAL(Render("{order.delivered_at:%F %T %z}", "America/New_York"),
                    "2026-11-20 01:03:00 -0500");
  BOOST_CHECK_EQUAL(Render("{order.delivered_at:%a %b %e, %I %p %%}", "UTC"),
                    "Fri Nov 20, 06 AM %");
}

BOOST_FIXTURE_TEST_CASE(ListsJoinByLocale, Fixture) {
  Set("issue.evidence", Value::ListOf({Value::String("photo"), Value::String("video")}));
  BOOST_CHECK_EQUAL(Render("{issue.evidence}", "UTC", "en"), "photo, video");
  BOOST_CHECK_EQUAL(Render("{issue.evidence}", "UTC", "zh-CN"), "photo、video");
  BOOST_CHECK_EQUAL(Render("{issue.evidence}", "UTC", "zh-TW"), "photo、video");
}

BOOST_FIXTURE_TEST_CASE(AbsentFieldFailsNamingIt, Fixture) {
  Template t = Compile("Order {order.id}");
  const Value* spaces[] = {facts.data(), decisions.data()};
  std::string out = "kept", error;
  BOOST_CHECK(!RenderTemplate(t, spaces, nullptr, "en", 1000, &out, &error));
  BOOST_CHECK_NE(error.find("order.id"), std::string::npos);
  BOOST_CHECK_EQUAL(out, "kept");
}

BOOST_FIXTURE_TEST_CASE(FallbackShowsWhenAbsent, Fixture) {
  // {name|text}: the text stands in for an absent value; a present value
  // shows as usual, spec included.
  BOOST_CHECK_EQUAL(Render("Order {order.id|} of {item.quantity|some} units"), "Order  of some units");
  BOOST_CHECK_EQUAL(Render("{order.delivered_at:%Y-%m-%d|签收当天}"), "签收当天");
  BOOST_CHECK_EQUAL(Render("{order.paid_cents|?} paid"), "? paid");
  Set("order.id", Value::String("TB-1"));
  Set("order.paid_cents", Value::Int(29900));
  Set("order.delivered_at", Value::Time(ParseTimestamp("2023-11-15T06:13:20+08:00").value()));
  BOOST_CHECK_EQUAL(Render("Order {order.id|none}: {order.paid_cents|?}"), "Order TB-1: 299.00");
  BOOST_CHECK_EQUAL(Render("{order.delivered_at:%Y-%m-%d|签收当天}", "Asia/Shanghai"), "2023-11-15");
}

BOOST_FIXTURE_TEST_CASE(FallbackNeedsAKnownName, Fixture) {
  std::vector<TemplateIssue> issues = Issues("{order.idd|x}");
  BOOST_REQUIRE_EQUAL(issues.size(), 1u);
  BOOST_CHECK_NE(issues.front().message.find("order.idd"), std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(OutputIsCapped, Fixture) {
  Set("order.id", Value::String(std::string(100, 'x')));
  Template t = Compile("{order.id}{order.id}");
  const Value* spaces[] = {facts.data(), decisions.data()};
  std::string out, error;
  BOOST_CHECK(!RenderTemplate(t, spaces, nullptr, "en", 150, &out, &error));
  BOOST_CHECK(out.empty());
  BOOST_CHECK(RenderTemplate(t, spaces, nullptr, "en", 200, &out, &error));
  BOOST_CHECK_EQUAL(out.size(), 200u);
}

BOOST_FIXTURE_TEST_CASE(UnknownNamesAreReportedWithSuggestion, Fixture) {
  std::vector<TemplateIssue> issues = Issues("ab {order.idd} {refund_cents}");
  BOOST_REQUIRE_EQUAL(issues.size(), 2u);
  BOOST_CHECK_EQUAL(issues[0].code, "template.unknown");
  BOOST_CHECK_EQUAL(issues[0].offset, 4u);
  BOOST_CHECK_EQUAL(issues[0].message,
                    "unknown name 'order.idd' in script (did you mean 'order.id'?)");
  BOOST_CHECK_EQUAL(issues[1].offset, 16u);
  BOOST_CHECK_NE(issues[1].message.find("decision.refund_cents"), std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(SyntaxErrors, Fixture) {
  std::vector<TemplateIssue> issues = Issues("a } b");
  BOOST_REQUIRE_EQUAL(issues.size(), 1u);
  BOOST_CHECK_EQUAL(issues[0].code, "template.syntax");
  BOOST_CHECK_EQUAL(issues[0].offset, 2u);
  issues = Issues("x {order.id");
  BOOST_REQUIRE_EQUAL(issues.size(), 1u);
  BOOST_CHECK_EQUAL(issues[0].offset, 2u);
  issues = Issues("x {}");
  BOOST_REQUIRE_EQUAL(issues.size(), 1u);
  issues = Issues("{a{b}}");
  BOOST_CHECK(!issues.empty());
}

BOOST_FIXTURE_TEST_CASE(BadSpecsAreLoadErrors, Fixture) {
  for (std::string text : {"{order.delivered_at:%Q}", "{item.quantity:.2x}",
                           "{item.quantity:>100000}", "{order.paid_cents:d}"}) {
    std::vector<TemplateIssue> issues = Issues(text);
    BOOST_CHECK_MESSAGE(issues.size() == 1 && issues[0].code == "template.spec", text);
  }
  // A brace inside a placeholder is a syntax error, never a nested fmt field.
  BOOST_CHECK(!Issues("{item.quantity:{}}").empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace aftersales::internal
