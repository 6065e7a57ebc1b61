// Compiled snapshots (aftersales/loader.h, src/policy/snapshot.h): a policy
// written as a snapshot and loaded back decides every case exactly as the
// policy loaded from YAML (the JSON with the whole trace, byte for byte),
// with the same name, version, digest, rules, warnings and overlays; and a
// snapshot that is not one, is of another version, is damaged, or decodes
// to something unsound is refused whole with an io.read issue that says so.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"
#include "common/bytes.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "decision/snapshot_loading.h"
#include "policy/snapshot.h"

namespace aftersales {
namespace {

namespace fs = std::filesystem;

const std::string kRoot = AFTERSALES_SOURCE_DIR;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::shared_ptr<const Policy> MustLoad(const LoadResult& r) {
  BOOST_TEST_REQUIRE(r.ok(), FormatIssues(r.issues));
  return r.policy;
}

// The policy as a snapshot, loaded back.
std::shared_ptr<const Policy> RoundTrip(const Policy& p) {
  const std::string bytes = PolicySnapshot(p);
  BOOST_TEST_REQUIRE(internal::LooksLikeSnapshot(bytes));
  return MustLoad(LoadPolicySnapshot(bytes, "policy.snap"));
}

// Every case decides to the same JSON, trace and script included.
void ExpectSameDecisions(const Policy& yaml, const Policy& snap, const std::vector<std::string>& cases) {
  DecideOptions explain;
  explain.explain = true;
  int decided = 0;
  for (const std::string& json : cases) {
    Result<Facts> a = yaml.ReadFactsJson(json);
    Result<Facts> b = snap.ReadFactsJson(json);
    BOOST_TEST_REQUIRE(a.ok() == b.ok(), json);
    if (!a.ok()) {
      BOOST_TEST(a.status().message() == b.status().message());
      continue;
    }
    BOOST_TEST(yaml.DecideToJson(*a, explain) == snap.DecideToJson(*b, explain), json);
    BOOST_TEST(DecisionToText(yaml.Decide(*a, explain), true) == DecisionToText(snap.Decide(*b, explain), true));
    ++decided;
  }
  BOOST_TEST(decided > 0);
}

void ExpectSamePolicy(const Policy& yaml, const Policy& snap) {
  BOOST_TEST(yaml.name() == snap.name());
  BOOST_TEST(yaml.version() == snap.version());
  BOOST_TEST(yaml.digest() == snap.digest());
  BOOST_TEST(yaml.rule_ids() == snap.rule_ids(), boost::test_tools::per_element());
  BOOST_TEST(FormatIssues(yaml.warnings()) == FormatIssues(snap.warnings()));
  BOOST_TEST_REQUIRE(yaml.platform_overlays().size() == snap.platform_overlays().size());
  for (std::size_t i = 0; i < yaml.platform_overlays().size(); ++i) {
    const PlatformOverlay& a = yaml.platform_overlays()[i];
    const PlatformOverlay& b = snap.platform_overlays()[i];
    BOOST_TEST(a.platform == b.platform);
    BOOST_TEST(a.path == b.path);
    BOOST_TEST(a.policy->digest() == b.policy->digest());
    BOOST_TEST(a.policy->rule_ids() == b.policy->rule_ids(), boost::test_tools::per_element());
  }
}

// The example cases and every line of examples/cases/sample.jsonl.
std::vector<std::string> ExampleCases() {
  std::vector<std::string> cases;
  for (const auto& e : fs::directory_iterator(kRoot + "/examples/cases")) {
    if (e.path().extension() == ".json") cases.push_back(ReadFile(e.path().string()));
  }
  std::istringstream lines(ReadFile(kRoot + "/examples/cases/sample.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) cases.push_back(line);
  }
  return cases;
}

// A policy that uses what the shipped one does not: constant patterns,
// macros over lists, map literals, durations and timestamps, named values,
// a money cap, a script, and a decision table with the priority hit.
const char* const kSchema = R"(
enums:
  kind: [defect, no_reason, delay]
  resolution: [refund, exchange, explain, escalate]
  tier: [gold, silver, bronze]
  locale: [zh-CN, en]
facts:
  case.id: string
  case.locale: locale
  case.timezone: {type: string, default: Asia/Shanghai}
  case.opened_at: timestamp
  order.delivered_at: timestamp
  order.code: string
  item.paid_cents: money
  issue.kind: kind
  issue.tags: list<string>
  customer.tier: tier
decisions:
  resolution: {type: resolution, required: true}
  refund_cents: {type: money, default: 0, at_most: item.paid_cents}
  note: string
  tags_seen: list<string>
)";

const char* const kRules = R"yaml(
policy:
  name: snap
  version: "1"
  locales: [zh-CN, en]
variables:
  days: calendar_days(order.delivered_at, case.opened_at, case.timezone)
  urgent: issue.tags.exists(t, t.matches('^(urgent|asap)$'))
stages:
  - id: resolution
    rules:
      - id: coded
        description: A coded order with a defect or a delay
        when: order.code.matches('^SH[0-9]{4}$') && issue.kind in ['defect', 'delay'] && item.paid_cents >= 100 && item.paid_cents < 100000
        then: {resolution: refund, refund_cents: "item.paid_cents - (days > 7 ? 50 : 0)", note: "'coded ' + string(days)"}
        script: {en: "Order {order.code}: {decision.refund_cents} back ({days} days).", zh-CN: "订单 {order.code}"}
      - id: gold
        when: customer.tier == 'gold' && !(issue.kind == 'no_reason')
        then: {resolution: exchange, tags_seen: "issue.tags.filter(t, t != 'spam').map(t, t + '!')"}
      - id: urgent
        when: "urgent || {'a': 1}['a'] == 2"
        then: {resolution: escalate}
      - id: other
        then: {resolution: explain, note: "duration('1h') > duration('30m') && timestamp('2026-01-01T00:00:00Z') < case.opened_at ? 'later' : 'now'"}
  - id: tiers
    hit: priority
    table:
      inputs: [customer.tier]
      outputs: [resolution]
      rows:
        - {id: tier_gold, when: [gold], then: [escalate]}
        - {id: tier_other, when: [[silver, bronze]], then: [explain]}
)yaml";

const std::vector<std::string> kCases = {
    R"({"case": {"id": "c1", "locale": "en", "opened_at": "2026-03-20T10:00:00Z"},
        "order": {"delivered_at": "2026-03-01T10:00:00Z", "code": "SH1234"}, "item": {"paid_cents": 1999},
        "issue": {"kind": "defect", "tags": ["urgent", "spam", "x"]}, "customer": {"tier": "gold"}})",
    R"({"case": {"id": "c2", "opened_at": "2026-03-03T10:00:00Z"}, "order": {"delivered_at": "2026-03-01T10:00:00Z",
        "code": "XX1"}, "item": {"paid_cents": 500}, "issue": {"kind": "delay", "tags": ["spam", "ok"]},
        "customer": {"tier": "gold"}})",
    R"({"case": {"id": "c3", "opened_at": "2025-03-03T10:00:00Z"}, "issue": {"kind": "no_reason", "tags": ["asap"]},
        "customer": {"tier": "silver"}})",
    R"({"case": {"id": "c4", "locale": "zh-CN", "opened_at": "2026-03-03T10:00:00Z"}, "order": {"code": "SH12"},
        "issue": {"kind": "delay"}, "customer": {"tier": "bronze"}})",
    R"({"case": {"id": "c5", "opened_at": "2026-03-03T10:00:00Z"}, "order": {"code": "SH9999"},
        "item": {"paid_cents": 150}, "issue": {"kind": "defect"}})",
    R"({"case": {"id": "c6"}, "issue": {"kind": "sideways"}})",
};

}  // namespace

BOOST_AUTO_TEST_SUITE(snapshots)

BOOST_AUTO_TEST_CASE(the_shipped_policy_decides_alike_from_its_snapshot) {
  auto yaml = MustLoad(LoadPolicy(kRoot + "/rules"));
  auto snap = RoundTrip(*yaml);
  ExpectSamePolicy(*yaml, *snap);
  BOOST_TEST(!yaml->platform_overlays().empty());
  ExpectSameDecisions(*yaml, *snap, ExampleCases());
  // A snapshot of the snapshot is the same bytes.
  BOOST_TEST(PolicySnapshot(*snap) == PolicySnapshot(*yaml));
}

BOOST_AUTO_TEST_CASE(a_snapshot_keeps_one_object_per_enum) {
  // Word comparisons by index need the enum a guard tests to be the very
  // enum whose words a case's facts point into (the fact's type): a copy
  // per use would decide the same, only comparing text.
  auto snap = RoundTrip(*MustLoad(LoadPolicy(kRoot + "/rules")));
  const internal::PolicyModel& m = internal::PolicyInternal::Impl(*snap).model();
  int checked = 0;
  for (const internal::Stage& stage : m.stages) {
    for (const internal::Rule& rule : stage.rules) {
      if (!rule.when) continue;
      for (const internal::Guard& g : rule.when->guards()) {
        if (g.words == nullptr || g.ref.space != internal::kFactSpace) continue;
        const internal::TypePtr& t = m.schema.facts[g.ref.slot].type;
        BOOST_TEST_REQUIRE((t->kind() == internal::Type::Kind::kEnum));
        BOOST_TEST(g.words == t->enum_type().get(), rule.id);
        ++checked;
      }
    }
  }
  BOOST_TEST(checked > 20);
}

BOOST_AUTO_TEST_CASE(every_kind_of_expression_decides_alike_from_a_snapshot) {
  auto yaml = MustLoad(LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kRules}}));
  auto snap = RoundTrip(*yaml);
  ExpectSamePolicy(*yaml, *snap);
  ExpectSameDecisions(*yaml, *snap, kCases);
  // Not vacuous: the cases reach the pattern, the macros and the table.
  Result<Facts> f = snap->ReadFactsJson(kCases[0]);
  BOOST_TEST_REQUIRE(f.ok());
  Decision d = snap->Decide(*f);
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d.matched_rules == (std::vector<std::string>{"coded", "tier_gold"}), boost::test_tools::per_element());
  BOOST_TEST(d.script_text == "Order SH1234: 19.49 back (19 days).");
  f = snap->ReadFactsJson(kCases[1]);
  BOOST_TEST_REQUIRE(f.ok());
  d = snap->Decide(*f);
  BOOST_TEST(DecisionToJson(d).find(R"("tags_seen":["ok!"])") != std::string::npos, DecisionToJson(d));
}

BOOST_AUTO_TEST_CASE(the_tables_example_and_a_platform_set_decide_alike_from_snapshots) {
  for (const std::string path : {"/examples/tables", "/tests/policies/platforms_base"}) {
    auto yaml = MustLoad(LoadPolicy(kRoot + path));
    auto snap = RoundTrip(*yaml);
    ExpectSamePolicy(*yaml, *snap);
    ExpectSameDecisions(*yaml, *snap, ExampleCases());
  }
}

BOOST_AUTO_TEST_CASE(load_policy_reads_a_snapshot_file_written_whole) {
  auto yaml = MustLoad(LoadPolicy(kRoot + "/rules"));
  const fs::path dir = fs::temp_directory_path() / ("aftersales_snapshot_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / "rules.snap").string();
  Status written = WritePolicySnapshot(*yaml, file);
  BOOST_TEST_REQUIRE(written.ok(), written.message());
  BOOST_TEST(!fs::exists(file + ".tmp"));
  auto snap = MustLoad(LoadPolicy(file));
  ExpectSamePolicy(*yaml, *snap);
  BOOST_TEST(ReadFile(file) == PolicySnapshot(*yaml));
  // A folder that cannot be written to: an error, nothing left behind.
  Status failed = WritePolicySnapshot(*yaml, (dir / "no" / "such" / "x.snap").string());
  BOOST_TEST(!failed.ok());
  fs::remove_all(dir);
}

namespace {

// The issue a refused snapshot gives (exactly one, io.read, no policy).
std::string Refusal(std::string_view bytes) {
  LoadResult r = LoadPolicySnapshot(bytes, "bad.snap");
  BOOST_TEST(!r.ok());
  BOOST_TEST_REQUIRE(r.issues.size() == 1u);
  BOOST_TEST(r.issues[0].code == "io.read");
  BOOST_TEST(r.issues[0].location.file == "bad.snap");
  return r.issues[0].message;
}

bool Has(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  BOOST_TEST_MESSAGE("not found: " << part << "\nin: " << text);
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(what_is_not_a_sound_snapshot_is_refused_whole) {
  auto yaml = MustLoad(LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kRules}}));
  const std::string good = PolicySnapshot(*yaml);
  BOOST_TEST(Has(Refusal("policy:\n  name: x\n"), "not a policy snapshot"));
  BOOST_TEST(Has(Refusal(good.substr(0, 10)), "header is cut short"));

  // Another library version (the header names it).
  internal::ByteReader header(std::string_view(good).substr(internal::kSnapshotMagic.size()));
  header.U64();
  const std::string version = header.Str();
  std::string other = good;
  other.replace(other.find(version), version.size(), std::string(version.size(), '9'));
  std::string why = Refusal(other);
  BOOST_TEST(Has(why, "written by aftersales " + std::string(version.size(), '9')));
  BOOST_TEST(Has(why, "compile the policy again"));

  // A byte changed, one cut off, one added: the SHA-256 finds each.
  for (std::string damaged : {good, good.substr(0, good.size() - 1), good + "x"}) {
    if (damaged == good) damaged[damaged.size() / 2] ^= 0x20;
    BOOST_TEST(Has(Refusal(damaged), "damaged policy snapshot"));
  }

  // Framed again with a good SHA-256, a payload that does not decode.
  const std::string payload = internal::SnapshotPayload(*yaml);
  for (const std::string& bad : {payload.substr(0, payload.size() / 2), payload + std::string(1, '\0'),
                                 std::string("\x05\x05\x05", 3), std::string()}) {
    BOOST_TEST(Has(Refusal(internal::FrameSnapshot(bad)), "does not decode"));
  }
}

BOOST_AUTO_TEST_CASE(a_hostile_payload_that_names_a_slot_the_policy_has_not_is_refused) {
  // One fact, read by a rule: the reference to it is the only varint 0 after
  // a Var node's tag and space. Make the policy declare no fact at all
  // instead and the reference must be refused, not read out of bounds.
  auto yaml = MustLoad(LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kRules}}));
  std::string payload = internal::SnapshotPayload(*yaml);
  BOOST_TEST_REQUIRE(static_cast<unsigned char>(payload[0]) == 10u);  // the count of facts comes first
  payload[0] = 0;
  const std::string why = Refusal(internal::FrameSnapshot(payload));
  BOOST_TEST(Has(why, "does not decode"));
}

BOOST_AUTO_TEST_CASE(a_payload_whose_named_values_read_each_other_in_a_cycle_is_refused) {
  // Loading refuses such a policy; a snapshot made on purpose is refused
  // too (deciding would recurse through the chain). u reads y0; v1 reads u,
  // v2 reads v1, ...; pointing u's read of y0 at v13 closes a cycle.
  std::string rules = "policy:\n  name: t\n  version: \"1\"\n  locales: [en]\nvariables:\n  y0: item.paid_cents\n"
                      "  u: y0 + 1\n  v1: u + 1\n";
  for (int i = 2; i <= 14; ++i) rules += "  v" + std::to_string(i) + ": v" + std::to_string(i - 1) + " + 1\n";
  rules += "stages:\n  - id: s\n    rules:\n      - id: r\n        when: v14 > 0\n        then: {resolution: refund}\n";
  auto yaml = MustLoad(LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", rules}}));
  std::string payload = internal::SnapshotPayload(*yaml);
  BOOST_TEST_REQUIRE(MustLoad(internal::LoadSnapshotPayload(payload, "p", {}))->digest() == yaml->digest());
  // A named node: its tag (3), its index (one byte here), its name.
  auto named_node = [&](const std::string& name) {
    const std::string text = std::string(1, static_cast<char>(name.size())) + name;
    for (std::size_t at = payload.find(text); at != std::string::npos; at = payload.find(text, at + 1)) {
      if (at >= 2 && payload[at - 2] == '\x03') return at - 1;  // where its index is
    }
    return std::string::npos;
  };
  const std::size_t y0 = named_node("y0");
  const std::size_t v13 = named_node("v13");
  BOOST_TEST_REQUIRE((y0 != std::string::npos && v13 != std::string::npos));
  payload[y0] = payload[v13];
  const std::string why = Refusal(internal::FrameSnapshot(payload));
  BOOST_TEST(Has(why, "named values that read each other in a cycle"));
}

BOOST_AUTO_TEST_CASE(a_payload_with_a_huge_format_width_or_a_list_of_nothing_is_refused) {
  // Loading refuses a script width above 1024 (each decision would pad its
  // text to it) and a declared list without an item type cannot be written
  // in YAML (reading a case would follow its missing item type).
  auto yaml = MustLoad(LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kRules}}));
  const std::string good = internal::SnapshotPayload(*yaml);
  std::string wide = good;
  const std::string paid = std::string(1, static_cast<char>(10)) + "order.code";  // {order.code}, then its spec ("")
  const std::size_t at = wide.find(paid + std::string(1, '\0'));
  BOOST_TEST_REQUIRE(at != std::string::npos);
  wide.replace(at + paid.size(), 1, std::string("\x0b>2000000000", 12));
  BOOST_TEST(Has(Refusal(internal::FrameSnapshot(wide)), "a width or precision above 1024"));

  // issue.tags: list<string>, the first time that type is written (a
  // declaration), its item type taken away.
  std::string empty = good;
  const std::size_t list = empty.find(std::string("\x0b\x07", 2));
  BOOST_TEST_REQUIRE(list != std::string::npos);
  empty[list + 1] = '\0';
  BOOST_TEST(Has(Refusal(internal::FrameSnapshot(empty)), "has a type no schema declares"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales
