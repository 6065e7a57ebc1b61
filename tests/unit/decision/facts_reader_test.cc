// Reading cases: JSON (nested and flat), YAML, and FactsBuilder, against a
// small schema of our own. Bad JSON anywhere in a case is rejected with its
// place; declared fields of the wrong type are rejected naming the field;
// undeclared fields may hold any JSON; null is absent; defaults apply.
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"

namespace {

using aftersales::Decision;
using aftersales::FieldValue;
using aftersales::LoadPolicyFromStrings;
using aftersales::StatusCode;

const char* const kSchema = R"(
enums:
  kind: [defect, no_reason, delay]
  evidence: [photo, video, receipt]
  resolution: [refund, explain]
facts:
  case.id: string
  case.timezone: {type: string, default: Asia/Shanghai}
  case.vip: {type: bool, default: false}
  order.delivered_at: timestamp
  order.paid_cents: money
  order.count: int
  item.opened: bool
  issue.kind: kind
  issue.evidence: list<evidence>
decisions:
  resolution: {type: resolution, required: true}
  note: string
)";

// One rule per fact the tests look at: `note` tells what the policy saw.
const char* const kPolicy = R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then:
          resolution: explain
          note: >-
            "zone=" + case.timezone + " vip=" + string(case.vip) +
            " paid=" + (has(order.paid_cents) ? string(order.paid_cents) : "absent") +
            " kind=" + (has(issue.kind) ? issue.kind : "absent") +
            " evidence=" + (has(issue.evidence) ? string(size(issue.evidence)) : "absent")
)";

std::shared_ptr<const aftersales::Policy> Load(const aftersales::LoadOptions& options = {}) {
  auto r = LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kPolicy}}, options);
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

std::string Note(const aftersales::Policy& p, const aftersales::Facts& facts) {
  Decision d = p.Decide(facts);
  BOOST_TEST_REQUIRE(d.ok(), (d.ok() ? "" : d.errors[0].message));
  const FieldValue* v = d.Find("note");
  BOOST_TEST_REQUIRE(v != nullptr);
  return v->string_value;
}

std::string JsonNote(const aftersales::Policy& p, const std::string& json) {
  auto facts = p.ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  return Note(p, *facts);
}

std::string JsonError(const aftersales::Policy& p, const std::string& json) {
  auto facts = p.ReadFactsJson(json);
  return facts.ok() ? "<ok>" : facts.status().message();
}

std::string YamlError(const aftersales::Policy& p, const std::string& yaml) {
  auto facts = p.ReadFactsYaml(yaml);
  return facts.ok() ? "<ok>" : facts.status().message();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(facts_reader)

BOOST_AUTO_TEST_CASE(null_is_absent_and_schema_defaults_fill_absent_facts) {
  auto p = Load();
  BOOST_TEST(JsonNote(*p, "{}") == "zone=Asia/Shanghai vip=false paid=absent kind=absent evidence=absent");
  BOOST_TEST(JsonNote(*p, R"({"case": {"timezone": null, "vip": null}, "order": {"paid_cents": null}})") ==
             "zone=Asia/Shanghai vip=false paid=absent kind=absent evidence=absent");
  BOOST_TEST(JsonNote(*p, R"({"case": {"timezone": "Europe/Paris", "vip": true}, "order": {"paid_cents": 0},
                              "issue": {"kind": "delay", "evidence": []}})") ==
             "zone=Europe/Paris vip=true paid=0 kind=delay evidence=0");
}

BOOST_AUTO_TEST_CASE(nested_flat_and_mixed_keys_read_alike) {
  auto p = Load();
  const std::string want = "zone=UTC vip=true paid=29900 kind=defect evidence=2";
  BOOST_TEST(JsonNote(*p, R"({"case": {"timezone": "UTC", "vip": true}, "order": {"paid_cents": 29900},
                              "issue": {"kind": "defect", "evidence": ["photo", "video"]}})") == want);
  BOOST_TEST(JsonNote(*p, R"({"case.timezone": "UTC", "case.vip": true, "order.paid_cents": 29900,
                              "issue.kind": "defect", "issue.evidence": ["photo", "video"]})") == want);
  BOOST_TEST(JsonNote(*p, R"({"case": {"timezone": "UTC"}, "case.vip": true, "order": {"paid_cents": 29900},
                              "issue": {"kind": "defect"}, "issue.evidence": ["photo", "video"]})") == want);
}

BOOST_AUTO_TEST_CASE(undeclared_fields_may_hold_any_json) {
  auto p = Load();
  BOOST_TEST(JsonNote(*p, R"({"shop": {"ids": [99999999999999999999, -1.5e300, 1e999], "deep": [[{"a": null}]]},
                              "case": {"id": "C", "extra": {"x": "\u00e9\ud83d\ude00"}, "vip": true},
                              "order": {"paid_cents": 5, "paid_at_ms": 1.7e12}, "order.note": "x"})") ==
             "zone=Asia/Shanghai vip=true paid=5 kind=absent evidence=absent");
  // A declared group sent as a plain value is not ours: ignored.
  BOOST_TEST(JsonNote(*p, R"({"case": "C-1", "order": [1, 2]})") ==
             "zone=Asia/Shanghai vip=false paid=absent kind=absent evidence=absent");
}

BOOST_AUTO_TEST_CASE(broken_json_anywhere_is_rejected_with_its_place) {
  auto p = Load();
  struct Row {
    const char* json;
    const char* message;
  } rows[] = {
      {R"({"x": tru, "case": {"id": "a"}})",
       "not valid JSON (line 1, column 7): not a JSON value (expected true, false, null, a number, a string, a "
       "list or an object)"},
      {R"({"x": [1,,2], "case": {"id": "a"}})",
       "not valid JSON (line 1, column 10): The JSON document has an improper structure: missing or superfluous "
       "commas, braces, missing keys, etc."},
      {"{\"case\": {\"id\": \"a\"},\n \"x\": {\"a\" 1}}",
       "not valid JSON (line 2, column 12): The JSON document has an improper structure: missing or superfluous "
       "commas, braces, missing keys, etc."},
      {R"({"x": "bad \q escape"})", "not valid JSON (line 1, column 22): Problem while parsing a string"},
      {R"({"x": 01})", "not valid JSON (line 1, column 7): Problem while parsing a number"},
      {"{\"x\": \"\xff\"}", "not valid JSON: The input is not valid UTF-8"},
      {"", "not valid JSON: Empty: no JSON found"},
      {R"({"case": {"id": "a"})",
       "not valid JSON (line 1, column 21): The JSON document has an improper structure: missing or superfluous "
       "commas, braces, missing keys, etc."},
      {R"({"case": {"id": "a"}} x)", "not valid JSON: JSON document ended early in the middle of an object or array."},
      // Broken in a declared field too: the same place and words as anywhere.
      {R"({"order": {"count": 01}})", "not valid JSON (line 1, column 21): Problem while parsing a number"},
      {R"({"case": {"id": 1.}})", "not valid JSON (line 1, column 17): Problem while parsing a number"},
      {R"({"item": {"opened": "bad \q"}})", "not valid JSON (line 1, column 29): Problem while parsing a string"},
      {R"({"issue": {"evidence": ["photo", 01]}})", "not valid JSON (line 1, column 34): Problem while parsing a number"},
      {"[1, 2]", "a case must be a JSON object"},
      {"\"text\"", "a case must be a JSON object"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.json) { BOOST_TEST(JsonError(*p, r.json) == r.message); }
  }
  auto facts = p->ReadFactsJson("{\"x\": nul}", "cases.jsonl:7");
  BOOST_TEST_REQUIRE(!facts.ok());
  BOOST_TEST((facts.status().code() == StatusCode::kInvalidArgument));
  BOOST_TEST(facts.status().message().rfind("cases.jsonl:7: not valid JSON (line 1, column 7)", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(declared_fields_of_the_wrong_kind_name_the_field) {
  auto p = Load();
  struct Row {
    const char* json;
    const char* message;
  } rows[] = {
      {R"({"order": {"paid_cents": "299"}})",
       R"(order.paid_cents: expected money (integer minor units), got string "299")"},
      {R"({"order": {"paid_cents": 299.5}})",
       "order.paid_cents: expected money (integer minor units), got the fraction 299.5"},
      {R"({"order": {"paid_cents": 1e2}})",
       "order.paid_cents: expected money (integer minor units), got the floating-point number 1e2"},
      {R"({"order": {"paid_cents": 9223372036854775808}})", "order.paid_cents: integer out of range: 9223372036854775808"},
      {R"({"order": {"count": true}})", "order.count: expected int, got bool true"},
      {R"({"item": {"opened": "yes"}})", R"(item.opened: expected bool, got string "yes")"},
      {R"({"item": {"opened": 1}})", "item.opened: expected bool, got integer 1"},
      {R"({"issue": {"kind": "defekt"}})",
       "issue.kind: 'defekt' is not a value of kind (expected one of: defect, no_reason, delay)"},
      {R"({"issue": {"evidence": "photo"}})", R"(issue.evidence: expected list(evidence), got string "photo")"},
      {R"({"issue": {"evidence": ["photo", "selfie"]}})",
       "issue.evidence: 'selfie' is not a value of evidence (expected one of: photo, video, receipt)"},
      {R"({"order": {"delivered_at": "2026-11-17T10:00:00"}})",
       R"(order.delivered_at: "2026-11-17T10:00:00": timestamp needs a time zone offset (Z or +08:00))"},
      {R"({"order": {"delivered_at": 1763344800}})", "order.delivered_at: expected timestamp, got integer 1763344800"},
      {R"({"case": {"id": {"a": 1}}})", "case.id: expected string, got object"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.json) { BOOST_TEST(JsonError(*p, r.json) == r.message); }
  }
}

BOOST_AUTO_TEST_CASE(every_field_error_is_reported_in_document_order) {
  auto p = Load();
  BOOST_TEST(JsonError(*p, R"({"issue": {"kind": "x"}, "case": {"vip": "no"}, "order": {"paid_cents": -1.5}})") ==
             "issue.kind: 'x' is not a value of kind (expected one of: defect, no_reason, delay); "
             "case.vip: expected bool, got string \"no\"; "
             "order.paid_cents: expected money (integer minor units), got the fraction -1.5");
}

BOOST_AUTO_TEST_CASE(case_size_and_depth_are_limited) {
  aftersales::LoadOptions options;
  options.limits.max_case_bytes = 64;
  options.limits.max_case_depth = 3;
  auto p = Load(options);
  auto big = p->ReadFactsJson(R"({"case": {"id": ")" + std::string(100, 'x') + "\"}}");
  BOOST_TEST_REQUIRE(!big.ok());
  BOOST_TEST((big.status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(big.status().message() == "case is 120 bytes; the limit is 64 (max_case_bytes)");
  auto deep = p->ReadFactsJson(R"({"x": [[[1]]]})");
  BOOST_TEST_REQUIRE(!deep.ok());
  BOOST_TEST((deep.status().code() == StatusCode::kResourceExhausted));
  BOOST_TEST(p->ReadFactsJson(R"({"x": [["]]]]"]]})").ok());  // brackets inside strings do not count
  auto deep_yaml = p->ReadFactsYaml("x: [[[[1]]]]\n");
  BOOST_TEST(!deep_yaml.ok());
}

BOOST_AUTO_TEST_CASE(yaml_scalars_take_the_declared_type) {
  auto p = Load();
  auto facts = p->ReadFactsYaml(R"(
case: {id: 123, timezone: UTC, vip: True}
order: {paid_cents: 29900, delivered_at: "2026-11-17T10:00:00+08:00"}
issue:
  kind: defect
  evidence: [photo, video]
shop: {anything: [1, {a: b}]}
)");
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  BOOST_TEST(facts->case_id() == "123");
  BOOST_TEST(Note(*p, *facts) == "zone=UTC vip=true paid=29900 kind=defect evidence=2");
  auto flat = p->ReadFactsYaml("case.vip: false\norder.paid_cents: 7\ncase: ~\n");
  BOOST_TEST_REQUIRE(flat.ok(), flat.status().message());
  BOOST_TEST(Note(*p, *flat) == "zone=Asia/Shanghai vip=false paid=7 kind=absent evidence=absent");
  auto nulls = p->ReadFactsYaml("case: {timezone: null, vip: ~}\norder: {paid_cents: }\n");
  BOOST_TEST_REQUIRE(nulls.ok(), nulls.status().message());
  BOOST_TEST(Note(*p, *nulls) == "zone=Asia/Shanghai vip=false paid=absent kind=absent evidence=absent");
}

BOOST_AUTO_TEST_CASE(yaml_values_that_do_not_fit_name_the_field) {
  auto p = Load();
  struct Row {
    const char* yaml;
    const char* message;
  } rows[] = {
      {"case: {vip: yes}\n", "case.vip (line 1, column 13): expected bool, got 'yes'"},
      {"case: {vip: \"true\"}\n", "case.vip (line 1, column 13): expected bool, got 'true'"},
      {"order: {paid_cents: 299.5}\n", "order.paid_cents (line 1, column 21): expected money (integer minor units), got '299.5'"},
      {"order: {paid_cents: \"299\"}\n", "order.paid_cents (line 1, column 21): expected money (integer minor units), got '299'"},
      {"order: {count: 0x10}\n", "order.count (line 1, column 16): expected int, got '0x10'"},
      {"issue: {kind: defekt}\n",
       "issue.kind (line 1, column 15): 'defekt' is not a value of kind (expected one of: defect, no_reason, delay)"},
      {"issue: {evidence: photo}\n", "issue.evidence (line 1, column 19): expected list(evidence), got 'photo'"},
      {"order: {delivered_at: 2026-11-17}\n",
       "order.delivered_at (line 1, column 23): \"2026-11-17\": not an RFC 3339 timestamp (expected e.g. "
       "2026-11-20T14:03:00+08:00)"},
      {"case: {id: [a]}\n", "case.id (line 1, column 12): expected string, got a list"},
      // A list's items are named by their own type.
      {"issue: {evidence: [photo, ~]}\n", "issue.evidence (line 1, column 19): expected evidence, got null"},
      {"issue: {evidence: [[photo]]}\n", "issue.evidence (line 1, column 19): expected evidence, got a list"},
      {"issue: {evidence: [photo, {a: b}]}\n", "issue.evidence (line 1, column 19): expected evidence, got a map"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.yaml) { BOOST_TEST(YamlError(*p, r.yaml) == r.message); }
  }
  BOOST_TEST(YamlError(*p, "case: {vip: yes}\norder:\n  count: x\n") ==
             "case.vip (line 1, column 13): expected bool, got 'yes'; order.count (line 3, column 10): expected int, got 'x'");
  BOOST_TEST(YamlError(*p, "- a\n- b\n") == "a case must be a YAML map");
  BOOST_TEST(YamlError(*p, "case: {id: [}\n").rfind("not valid YAML: line 1:", 0) == 0u);
}

// One converter behind every reader and the builder: a problem that does
// not depend on how the value is written is told in the same words.
BOOST_AUTO_TEST_CASE(one_problem_one_message_from_every_source) {
  aftersales::LoadOptions options;
  options.limits.max_string_length = 16;
  options.limits.max_collection_size = 2;
  auto p = Load(options);
  const std::string long_text(17, 'x');
  struct Row {
    const char* fact;
    const char* json;  // the value as JSON, in YAML flow style too
    std::vector<std::string> list;  // for the builder: the list, else the one text
    const char* message;
  } rows[] = {
      {"order.paid_cents", "-1", {}, "money below zero (-1); money facts are never negative unless the policy "
                                     "declares them `signed: true`"},
      {"issue.kind", R"("defekt")", {"defekt"}, "'defekt' is not a value of kind (expected one of: defect, no_reason, delay)"},
      {"issue.evidence", R"(["photo", "selfie"])", {"photo", "selfie"},
       "'selfie' is not a value of evidence (expected one of: photo, video, receipt)"},
      {"issue.evidence", R"(["photo", "video", "receipt"])", {"photo", "video", "receipt"},
       "more than 2 items (limit max_collection_size)"},
      {"order.delivered_at", "\"2026-11-17\"", {"2026-11-17"},
       "\"2026-11-17\": not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)"},
      {"case.id", "\"a\\u0000b\"", {std::string("a\0b", 3)}, "contains a NUL character (U+0000), which case text may not hold"},
      {"case.id", nullptr, {long_text}, "text longer than 16 bytes (limit max_string_length)"},
  };
  for (const Row& r : rows) {
    const std::string json = r.json ? r.json : "\"" + long_text + "\"";
    BOOST_TEST_CONTEXT(r.fact << " = " << json) {
      const std::string name = r.fact;
      const std::string dot = name.substr(0, name.find('.')), leaf = name.substr(name.find('.') + 1);
      BOOST_TEST(JsonError(*p, "{\"" + dot + "\": {\"" + leaf + "\": " + json + "}}") == name + ": " + r.message);
      const std::string yaml = YamlError(*p, dot + ":\n  " + leaf + ": " + json + "\n");
      const std::string place = " (line 2, column " + std::to_string(leaf.size() + 5) + "): ";
      BOOST_TEST(yaml == name + place + r.message);
      aftersales::FactsBuilder b = p->NewFacts();
      aftersales::Status st = name == "order.paid_cents" ? b.SetInt(name, -1)
                              : name == "issue.evidence" ? b.SetStringList(name, r.list)
                              : name == "order.delivered_at" ? b.SetTimestamp(name, r.list[0])
                                                              : b.SetString(name, r.list[0]);
      BOOST_TEST(st.message() == name + ": " + r.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_builder_checks_names_and_types) {
  auto p = Load();
  aftersales::FactsBuilder b = p->NewFacts();
  BOOST_TEST(b.SetString("case.timezone", "UTC").ok());
  BOOST_TEST(b.SetBool("case.vip", true).ok());
  BOOST_TEST(b.SetInt("order.paid_cents", 100).ok());
  BOOST_TEST(b.SetString("issue.kind", "delay").ok());
  BOOST_TEST(b.SetStringList("issue.evidence", {"photo"}).ok());
  BOOST_TEST(b.SetTimestamp("order.delivered_at", "2026-11-17T10:00:00+08:00").ok());

  auto bad = [](const aftersales::Status& s) { return (s.code() == StatusCode::kInvalidArgument) ? s.message() : "<" + s.message() + ">"; };
  BOOST_TEST(bad(b.SetString("issue.kind", "defekt")) ==
             "issue.kind: 'defekt' is not a value of kind (expected one of: defect, no_reason, delay)");
  BOOST_TEST(bad(b.SetInt("case.vip", 1)) == "case.vip: expected bool, got an int");
  BOOST_TEST(bad(b.SetString("order.paid_cents", "100")) ==
             "order.paid_cents: expected money (integer minor units), got a string");
  BOOST_TEST(bad(b.SetTimestamp("order.delivered_at", "yesterday")) ==
             "order.delivered_at: \"yesterday\": not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)");
  BOOST_TEST(bad(b.SetTimestamp("case.id", "2026-11-17T10:00:00Z")) == "case.id: expected string, got a timestamp");
  BOOST_TEST(bad(b.SetStringList("issue.evidence", {"photo", "selfie"})) ==
             "issue.evidence: 'selfie' is not a value of evidence (expected one of: photo, video, receipt)");
  BOOST_TEST(bad(b.SetStringList("issue.kind", {"delay"})) == "issue.kind: expected kind, got a list");
  BOOST_TEST(bad(b.SetBool("no.such", true)) == "no.such: the policy declares no such fact");

  // A failed setter leaves the fact as it was; Build copies.
  aftersales::Facts first = b.Build();
  BOOST_TEST(Note(*p, first) == "zone=UTC vip=true paid=100 kind=delay evidence=1");
  BOOST_TEST(b.Clear("case.timezone").ok());  // back to the default
  BOOST_TEST(b.Clear("order.paid_cents").ok());
  BOOST_TEST(Note(*p, b.Build()) == "zone=Asia/Shanghai vip=true paid=absent kind=delay evidence=1");
  BOOST_TEST(Note(*p, first) == "zone=UTC vip=true paid=100 kind=delay evidence=1");
}

// SetStringList gives each item as its element type's setter would: the
// text of a timestamp or a duration for list<timestamp> and list<duration>.
BOOST_AUTO_TEST_CASE(the_builder_sets_lists_of_timestamps_and_durations) {
  const char* const schema = R"(
facts:
  order.scans: list<timestamp>
  order.waits: list<duration>
  order.tags: list<string>
decisions:
  note: {type: string, required: true}
)";
  const char* const policy = R"(
policy: {name: t, version: "1"}
stages:
  - id: s
    hit: first
    rules:
      - id: r
        then:
          note: >-
            string(size(order.scans)) + " " + string(order.scans[1]) + " " +
            string(order.waits[0] + order.waits[1]) + " " + string(order.scans[1] - order.scans[0])
)";
  auto r = LoadPolicyFromStrings({{"schema.yaml", schema}, {"policy.yaml", policy}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  aftersales::FactsBuilder b = r.policy->NewFacts();
  BOOST_TEST(b.SetStringList("order.scans", {"2026-11-17T10:00:00+08:00", "2026-11-17T03:30:00.25Z"}).message() == "");
  BOOST_TEST(b.SetStringList("order.waits", {"1h30m", "-90s"}).message() == "");
  BOOST_TEST(b.SetStringList("order.tags", {"2026-11-17T10:00:00+08:00"}).message() == "");  // text stays text
  Decision d = r.policy->Decide(b.Build());
  BOOST_TEST_REQUIRE(d.ok(), (d.ok() ? "" : d.errors[0].message));
  BOOST_TEST(d.Find("note")->string_value == "2 2026-11-17T03:30:00.25Z 5310s 5400.25s");

  // A bad item is named, and the fact keeps its value.
  BOOST_TEST(b.SetStringList("order.scans", {"2026-11-17T10:00:00Z", "yesterday"}).message() ==
             "order.scans: \"yesterday\": not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)");
  BOOST_TEST(b.SetStringList("order.waits", {"1h", "soon"}).message().rfind("order.waits: \"soon\": ", 0) == 0u);
  Decision again = r.policy->Decide(b.Build());
  BOOST_TEST_REQUIRE(again.ok(), (again.ok() ? "" : again.errors[0].message));
  BOOST_TEST(again.Find("note")->string_value == "2 2026-11-17T03:30:00.25Z 5310s 5400.25s");
}

BOOST_AUTO_TEST_CASE(moved_from_builders_and_facts_fail_cleanly) {
  auto p = Load();
  aftersales::FactsBuilder b = p->NewFacts();
  aftersales::FactsBuilder taken = std::move(b);
  BOOST_TEST(taken.SetBool("case.vip", true).ok());
  BOOST_TEST((b.SetBool("case.vip", true).code() == StatusCode::kFailedPrecondition));  // NOLINT: use after move
  BOOST_TEST((b.Clear("case.vip").code() == StatusCode::kFailedPrecondition));          // NOLINT
  aftersales::Facts orphan = b.Build();                                                  // NOLINT
  BOOST_TEST(!p->Decide(orphan).ok());
  aftersales::Facts facts = taken.Build();
  aftersales::Facts moved = std::move(facts);
  Decision d = p->Decide(facts);  // NOLINT: use after move
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(d.errors[0].message.find("not read by this policy") != std::string::npos, d.errors[0].message);
  BOOST_TEST(facts.case_id() == "");  // NOLINT
  BOOST_TEST(p->Decide(moved).ok());
}

// Random edits of a valid case: the reader never crashes, never accepts what
// nlohmann's validating parser refuses, and never calls broken what it
// accepts (numbers too large for a double aside: nlohmann refuses them, but
// they are JSON, and ignored when undeclared).
BOOST_AUTO_TEST_CASE(random_edits_are_judged_like_a_validating_parser) {
  auto p = Load();
  const std::string base =
      R"({"case": {"id": "C-1", "vip": true, "tags": [1, 2.5, -3e2, true, false, null, "x\u00e9\n"]},)"
      R"( "order": {"paid_cents": 29900, "delivered_at": "2026-11-17T10:00:00+08:00"},)"
      R"( "issue": {"kind": "defect", "evidence": ["photo"]}, "b": [[{}]], "s": "\ud83d\ude00"})";
  BOOST_TEST_REQUIRE(p->ReadFactsJson(base).ok());
  const char alphabet[] = "{}[],:\"\\ 0123456789.eE+-tfnulrsa\xff\xc3";
  std::mt19937 rng(20261123);
  int disagreements = 0, checked = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = base;
    for (int m = 1 + static_cast<int>(rng() % 3); m > 0; --m) {
      std::size_t pos = rng() % (s.size() + 1);
      char c = alphabet[rng() % (sizeof(alphabet) - 1)];
      switch (rng() % 3) {
        case 0: if (pos < s.size()) s.erase(pos, 1); break;
        case 1: s.insert(pos, 1, c); break;
        default: if (pos < s.size()) s[pos] = c;
      }
    }
    bool json_ok = true, overflow = false;
    try {
      [[maybe_unused]] auto parsed = nlohmann::json::parse(s);
    } catch (const nlohmann::json::out_of_range&) {
      overflow = true;
    } catch (const nlohmann::json::exception&) {
      json_ok = false;
    }
    auto facts = p->ReadFactsJson(s);
    if (overflow) continue;
    ++checked;
    // Broken JSON is never accepted, and valid JSON is never called broken
    // (it may still be refused for a declared field of the wrong type).
    bool said_broken = !facts.ok() && facts.status().message().rfind("not valid JSON", 0) == 0;
    if ((json_ok && said_broken) || (!json_ok && facts.ok())) {
      if (++disagreements <= 5) BOOST_TEST_MESSAGE("disagreement on: " << s << " -> " << facts.status().message());
    }
  }
  BOOST_TEST(checked > 15000);
  BOOST_TEST(disagreements == 0);
}

BOOST_AUTO_TEST_SUITE_END()
