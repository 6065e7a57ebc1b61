// Case input cannot exhaust the process (issue 12): a case.timezone that is
// not shaped like a zone name is refused when the case is read, by every
// reader, before any lookup; a batch gives one line out per line in, in
// order (blank lines and lines over max_case_bytes each get their error
// line, naming the line and the limit), error lines carry "line" and the
// case id when known, and a byte-order mark is skipped. Memory is measured
// through the binary in tests/cli/case_input_cli_test.py.
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"
#include "common/time.h"
#include "unit/hostile/hostile_util.h"

namespace {

using hostile::Has;
using hostile::JsonError;
using hostile::Shipped;
using hostile::YamlError;

const std::string kGood =
    R"({"case": {"id": "C-1", "locale": "en", "opened_at": "2026-11-20T14:03:00+08:00"},)"
    R"( "order": {"id": "O-1", "delivered_at": "2026-11-17T10:25:00+08:00", "total_paid_cents": 29900},)"
    R"( "item": {"name": "kettle", "paid_cents": 29900}, "issue": {"type": "quality_defect"},)"
    R"( "request": {"type": "return_refund", "return_shipping_cents": 1200}})";

std::string WithZone(const std::string& zone) {
  nlohmann::json j = nlohmann::json::parse(kGood);
  j["case"]["timezone"] = zone;
  return j.dump();
}

// The batch's output lines for `input`, parsed.
std::vector<nlohmann::ordered_json> Batch(const std::string& input, aftersales::BatchStats* stats = nullptr,
                                  aftersales::BatchOptions options = {}) {
  std::istringstream in(input);
  std::string out;
  options.source_name = "cases.jsonl";
  aftersales::BatchStats s = aftersales::DecideJsonLines(Shipped(), in, [&](std::string_view text) {
    out += text;
    return true;
  }, options);
  if (stats) *stats = s;
  std::vector<nlohmann::ordered_json> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::ordered_json::parse(line));
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(case_input)

BOOST_AUTO_TEST_CASE(zone_names_are_shaped_before_any_lookup) {
  using aftersales::internal::IsTimeZoneName;
  for (const char* good : {"Asia/Shanghai", "UTC", "Z", "+08:00", "-05:30", "02:00", "Etc/GMT+8",
                           "America/Argentina/Buenos_Aires", "Mars/Olympus_Mons"}) {
    BOOST_TEST(IsTimeZoneName(good), good);
  }
  const std::string at_limit = "A" + std::string(63, 'b');
  BOOST_TEST(IsTimeZoneName(at_limit));
  for (const std::string& bad : {std::string(""), std::string("file:/dev/stdin"), std::string("/etc/passwd"),
                                 std::string("Asia/./Shanghai"), std::string("Asia//Shanghai"), std::string("Asia/"),
                                 std::string("../x"), std::string("Asia/Shang hai"), at_limit + "c",
                                 std::string(1 << 20, 'A')}) {
    BOOST_TEST(!IsTimeZoneName(bad), bad.substr(0, 80));
    BOOST_TEST(aftersales::internal::FindTimeZone(bad) == nullptr);
  }
  BOOST_TEST(aftersales::internal::FindTimeZone("Asia/Shanghai") != nullptr);
  // Many distinct unknown names are answered (and not all remembered).
  for (int i = 0; i < 5000; ++i) {
    BOOST_TEST_REQUIRE(aftersales::internal::FindTimeZone("Nowhere/Zone_" + std::to_string(i)) == nullptr);
  }
}

BOOST_AUTO_TEST_CASE(a_timezone_not_shaped_like_a_zone_is_refused_by_every_reader) {
  const std::string huge(1 << 20, 'A');
  for (const std::string& zone : {std::string("file:/dev/stdin"), std::string(65, 'A'), huge}) {
    BOOST_TEST_CONTEXT(zone.substr(0, 40) << " (" << zone.size() << " bytes)") {
      std::string json = JsonError(WithZone(zone));
      BOOST_TEST(Has(json, "case.timezone: '"), json.substr(0, 300));
      BOOST_TEST(Has(json, "is not a time zone name"), json.substr(0, 300));
      BOOST_TEST(json.size() < 400u);  // not echoed back whole
      std::string yaml = YamlError("case:\n  timezone: '" + zone + "'\n");
      BOOST_TEST(Has(yaml, "case.timezone (line 2, column 13): '"), yaml.substr(0, 300));
      BOOST_TEST(Has(yaml, "is not a time zone name"), yaml.substr(0, 300));
      aftersales::FactsBuilder b = Shipped().NewFacts();
      aftersales::Status st = b.SetString("case.timezone", zone);
      BOOST_TEST(!st.ok());
      BOOST_TEST(Has(st.message(), "case.timezone: '"), st.message().substr(0, 300));
    }
  }
  // Shaped but unknown: read, then the decision names it (exit 1 in the CLI).
  auto facts = Shipped().ReadFactsJson(WithZone("Mars/Olympus"));
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  aftersales::Decision d = Shipped().Decide(*facts);
  BOOST_TEST_REQUIRE(!d.ok());
  BOOST_TEST(Has(d.errors[0].message, "case.timezone: unknown time zone 'Mars/Olympus'"), d.errors[0].message);
  BOOST_TEST(JsonError(WithZone("Europe/Berlin")) == "");
  BOOST_TEST(JsonError(WithZone("+08:00")) == "");
}

BOOST_AUTO_TEST_CASE(a_byte_order_mark_before_a_json_case_is_skipped) {
  BOOST_TEST(JsonError("\xEF\xBB\xBF" + kGood) == "");
  auto facts = Shipped().ReadFactsJson("\xEF\xBB\xBF" + kGood);
  BOOST_TEST_REQUIRE(facts.ok());
  BOOST_TEST(facts->case_id() == "C-1");
  // Only at the start, and only once.
  BOOST_TEST(Has(JsonError("\xEF\xBB\xBF\xEF\xBB\xBF" + kGood), "not valid JSON"));
  BOOST_TEST(Has(JsonError(" \xEF\xBB\xBF" + kGood), "not valid JSON"));
}

BOOST_AUTO_TEST_CASE(every_line_gets_exactly_one_line_in_order) {
  const std::string bad_type = R"({"case": {"id": "C-9"}, "issue": {"type": "bogus"}})";
  const std::string undecidable = WithZone("Mars/Olympus");
  const std::string input = "\xEF\xBB\xBF" + kGood + "\n\n   \r\n" + bad_type + "\n{not json\n" + undecidable +
                            "\n\t\n" + kGood;  // no newline at the end
  aftersales::BatchStats stats;
  for (int threads : {1, 3}) {
    aftersales::BatchOptions options;
    options.threads = threads;
    options.lines_per_chunk = 2;
    std::vector<nlohmann::ordered_json> rows = Batch(input, &stats, options);
    BOOST_TEST_REQUIRE(rows.size() == 8u);
    BOOST_TEST(rows[0]["case_id"] == "C-1");  // the byte-order mark skipped
    for (int blank : {1, 2, 6}) {
      BOOST_TEST(rows[blank]["line"] == blank + 1);
      BOOST_TEST(rows[blank]["error"] ==
                 "cases.jsonl:" + std::to_string(blank + 1) + ": the line is blank (expected one case, a JSON object)");
    }
    BOOST_TEST(rows[3]["line"] == 4);
    BOOST_TEST(rows[3]["case_id"] == "C-9");  // known, though the case cannot be read
    BOOST_TEST(Has(rows[3]["error"].get<std::string>(), "cases.jsonl:4: issue.type"));
    BOOST_TEST(rows[4]["line"] == 5);
    BOOST_TEST(!rows[4].contains("case_id"));
    BOOST_TEST(rows[5]["line"] == 6);  // a case read but not decided
    BOOST_TEST(rows[5]["case_id"] == "C-1");
    BOOST_TEST(rows[5].contains("errors"));
    BOOST_TEST(rows[5].begin().key() == "line");
    BOOST_TEST(rows[7]["case_id"] == "C-1");
    BOOST_TEST(stats.lines == 8);
    BOOST_TEST(stats.decided == 2);
    BOOST_TEST(stats.failed == 6);
  }
}

BOOST_AUTO_TEST_CASE(a_line_over_max_case_bytes_gets_its_own_error_and_is_not_kept) {
  aftersales::LoadOptions options;
  options.limits.max_case_bytes = 1000;
  auto loaded = aftersales::LoadPolicy(AFTERSALES_SOURCE_DIR "/rules", options);
  BOOST_TEST_REQUIRE(loaded.ok());
  const std::string long_line = "{\"case\": {\"id\": \"" + std::string(300000, 'x') + "\"}}";
  const std::string exact = "{\"x\": \"" + std::string(1000 - 9, 'y') + "\"}";
  BOOST_TEST_REQUIRE(exact.size() == 1000u);
  std::istringstream in(kGood + "\n" + long_line + "\n" + exact + "\n" + std::string(1001, ' ') + "\n" + kGood);
  std::string out;
  aftersales::BatchOptions batch;
  batch.threads = 2;
  batch.bytes_per_chunk = 100;
  aftersales::BatchStats stats = aftersales::DecideJsonLines(*loaded.policy, in, [&](std::string_view text) {
    out += text;
    return true;
  }, batch);
  std::vector<nlohmann::json> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  BOOST_TEST_REQUIRE(rows.size() == 5u, out.substr(0, 2000));
  BOOST_TEST(rows[0]["case_id"] == "C-1");
  BOOST_TEST(rows[1]["line"] == 2);
  BOOST_TEST(rows[1]["error"] == "line 2: the line is " + std::to_string(long_line.size()) +
                                     " bytes; the limit is 1000 (max_case_bytes)");
  // At the limit: read (and decided, or refused for its facts).
  BOOST_TEST(!Has(rows[2].dump(), "max_case_bytes"), rows[2].dump());
  BOOST_TEST(rows[3]["line"] == 4);  // over it, blank or not
  BOOST_TEST(Has(rows[3]["error"].get<std::string>(), "the line is 1001 bytes; the limit is 1000 (max_case_bytes)"));
  BOOST_TEST(rows[4]["case_id"] == "C-1");
  BOOST_TEST(stats.lines == 5);
  BOOST_TEST(!stats.read_error);
}

BOOST_AUTO_TEST_CASE(diff_skips_a_line_over_max_case_bytes_and_names_it) {
  aftersales::LoadOptions options;
  options.limits.max_case_bytes = 1000;
  auto loaded = aftersales::LoadPolicy(AFTERSALES_SOURCE_DIR "/rules", options);
  BOOST_TEST_REQUIRE(loaded.ok());
  std::istringstream in("\xEF\xBB\xBF" + kGood + "\n" + std::string(200000, '[') + "\n\n" + kGood + "\n");
  aftersales::DiffOptions diff;
  diff.threads = 2;
  aftersales::DiffReport report = aftersales::DiffPolicies(*loaded.policy, *loaded.policy, in, diff);
  BOOST_TEST(report.cases == 3);
  BOOST_TEST(report.unreadable == 1);
  BOOST_TEST_REQUIRE(report.errors.size() == 1u);
  BOOST_TEST(report.errors[0] == "line 2: the line is 200000 bytes; the limit is 1000 (max_case_bytes)");
}

BOOST_AUTO_TEST_SUITE_END()
