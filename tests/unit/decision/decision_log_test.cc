// DecisionLog: one JSON line per decision, personal facts masked everywhere
// in it (unless turned off), whole lines from many threads, and appending
// to an existing file.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "aftersales/decision.h"
#include "aftersales/decision_log.h"
#include "aftersales/issue.h"
#include "aftersales/loader.h"
#include "aftersales/policy.h"

namespace {

namespace fs = std::filesystem;
using aftersales::Decision;
using aftersales::DecisionLog;
using aftersales::DecisionLogOptions;
using aftersales::Policy;
using json = nlohmann::json;

const char* const kSchema = R"(
enums:
  kind: [defect, no_reason]
  resolution: [refund, exchange, escalate]
  locale: [en]
facts:
  case.id: {type: string, personal: true}
  order.id: {type: string, personal: true}
  customer.phone: {type: string, personal: true}
  item.name: string
  item.paid_cents: money
  issue.kind: kind
decisions:
  resolution: {type: resolution, required: true}
  refund_cents: {type: money, default: 0}
  note: string
)";

const char* const kPolicy = R"(
policy: {name: logtest, version: "3", locales: [en], default_locale: en}
stages:
  - id: resolution
    hit: first
    rules:
      - id: defect_refund
        when: issue.kind == 'defect'
        then:
          resolution: refund
          refund_cents: item.paid_cents
          note: "'order ' + order.id + ' call ' + customer.phone"
        script:
          en: "Order {order.id} ({item.name}): refund {decision.refund_cents}; we call {customer.phone}"
      - id: other
        then:
          resolution: escalate
)";

const char* const kOrderId = "SO20261120007001";
const char* const kPhone = "13800138000";
const char* const kCaseId = "CASE-2026-0042";

std::string CaseJson(const std::string& case_id = kCaseId) {
  return R"({"case": {"id": ")" + case_id + R"("}, "order": {"id": ")" + std::string(kOrderId) +
         R"("}, "customer": {"phone": ")" + kPhone +
         R"("}, "item": {"name": "kettle", "paid_cents": 29900}, "issue": {"kind": "defect"}})";
}

std::shared_ptr<const Policy> MustLoad() {
  auto r = aftersales::LoadPolicyFromStrings({{"schema.yaml", kSchema}, {"policy.yaml", kPolicy}});
  BOOST_TEST_REQUIRE(r.ok(), aftersales::FormatIssues(r.issues));
  return r.policy;
}

DecisionLogOptions FixedClock(bool mask = true) {
  DecisionLogOptions o;
  o.mask_personal = mask;
  o.now = [] { return std::string("2026-11-20T06:03:00Z"); };
  return o;
}

// Logs one decision of the case through a string writer; returns the line.
std::string LogOne(const Policy& p, bool mask, const std::string& case_id = kCaseId) {
  std::string out;
  DecisionLog log([&out](std::string_view line) { out.append(line); return true; }, FixedClock(mask));
  auto facts = p.ReadFactsJson(CaseJson(case_id));
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  Decision d = p.Decide(*facts);
  BOOST_TEST_REQUIRE(d.ok(), aftersales::DecisionToJson(d));
  aftersales::Status s = log.Append(p, *facts, d);
  BOOST_TEST_REQUIRE(s.ok(), s.message());
  return out;
}

fs::path TempFile() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return fs::temp_directory_path() / ("aftersales_log_" + std::to_string(::getpid()) + "_" +
                                      std::to_string(counter++) + "_" + std::to_string(rd()) + ".jsonl");
}

std::vector<std::string> ReadLines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(decision_log)

BOOST_AUTO_TEST_CASE(one_json_line_with_time_case_policy_decision_and_rules) {
  auto p = MustLoad();
  std::string out = LogOne(*p, /*mask=*/false);
  BOOST_TEST_REQUIRE(!out.empty());
  BOOST_TEST(out.back() == '\n');
  BOOST_TEST(out.find('\n') == out.size() - 1);  // exactly one line
  json j = json::parse(out);
  BOOST_TEST(j["time"] == "2026-11-20T06:03:00Z");
  BOOST_TEST(j["case_id"] == kCaseId);
  BOOST_TEST(j["policy"]["name"] == "logtest");
  BOOST_TEST(j["policy"]["version"] == "3");
  BOOST_TEST(j["policy"]["digest"] == p->digest());
  BOOST_TEST_REQUIRE(j["decision"].is_object());
  BOOST_TEST(j["decision"]["resolution"] == "refund");
  BOOST_TEST(j["decision"]["refund_cents"] == 29900);
  BOOST_TEST(j["decision"]["policy"]["digest"] == p->digest());
  BOOST_TEST(j["rules_fired"] == json::array({"defect_refund"}));
  // The embedded decision is DecisionToJson's object, unchanged.
  auto facts = p->ReadFactsJson(CaseJson());
  BOOST_TEST_REQUIRE(facts.ok());
  BOOST_TEST(j["decision"] == json::parse(aftersales::DecisionToJson(p->Decide(*facts))));
}

BOOST_AUTO_TEST_CASE(personal_facts_are_masked_everywhere) {
  auto p = MustLoad();
  std::string out = LogOne(*p, /*mask=*/true);
  BOOST_TEST(out.find(kOrderId) == std::string::npos, out);
  BOOST_TEST(out.find(kPhone) == std::string::npos, out);
  BOOST_TEST(out.find(kCaseId) == std::string::npos, out);
  json j = json::parse(out);
  BOOST_TEST(j["case_id"] == "****0042");
  const std::string script = j["decision"]["script"]["text"];
  BOOST_TEST(script == "Order ****7001 (kettle): refund 299.00; we call ****8000", script);
  BOOST_TEST(j["decision"]["note"] == "order ****7001 call ****8000");
  BOOST_TEST(j["decision"]["case_id"] == "****0042");
  // Not personal data: left alone.
  BOOST_TEST(j["policy"]["digest"] == p->digest());
  BOOST_TEST(j["decision"]["policy"]["digest"] == p->digest());
  BOOST_TEST(j["time"] == "2026-11-20T06:03:00Z");
}

BOOST_AUTO_TEST_CASE(masking_off_keeps_the_values) {
  auto p = MustLoad();
  std::string out = LogOne(*p, /*mask=*/false);
  BOOST_TEST(out.find(kOrderId) != std::string::npos, out);
  BOOST_TEST(out.find(kPhone) != std::string::npos, out);
  json j = json::parse(out);
  BOOST_TEST(j["decision"]["script"]["text"] ==
             "Order SO20261120007001 (kettle): refund 299.00; we call 13800138000");
}

BOOST_AUTO_TEST_CASE(short_values_are_masked_whole) {
  BOOST_TEST(aftersales::MaskPersonalValue("SO20261120007001") == "****7001");
  BOOST_TEST(aftersales::MaskPersonalValue("12345678") == "****5678");
  BOOST_TEST(aftersales::MaskPersonalValue("1234567") == "***");
  BOOST_TEST(aftersales::MaskPersonalValue("") == "***");
  // Characters, not bytes: the last four code points stay whole.
  BOOST_TEST(aftersales::MaskPersonalValue("订单号码一二三四五") == "****二三四五");
  auto p = MustLoad();
  json j = json::parse(LogOne(*p, /*mask=*/true, "C-7"));
  BOOST_TEST(j["case_id"] == "***");
}

BOOST_AUTO_TEST_CASE(facts_from_another_policy_are_refused) {
  auto p = MustLoad();
  auto q = MustLoad();
  auto facts = q->ReadFactsJson(CaseJson());
  BOOST_TEST_REQUIRE(facts.ok());
  Decision d = q->Decide(*facts);
  int writes = 0;
  DecisionLog log([&writes](std::string_view) { ++writes; return true; }, FixedClock());
  aftersales::Status s = log.Append(*p, *facts, d);
  BOOST_TEST(!s.ok());
  BOOST_TEST(writes == 0);
}

BOOST_AUTO_TEST_CASE(a_failing_writer_gives_io_error) {
  auto p = MustLoad();
  auto facts = p->ReadFactsJson(CaseJson());
  BOOST_TEST_REQUIRE(facts.ok());
  DecisionLog log([](std::string_view) { return false; }, FixedClock());
  aftersales::Status s = log.Append(*p, *facts, p->Decide(*facts));
  BOOST_TEST((s.code() == aftersales::StatusCode::kIoError));
}

BOOST_AUTO_TEST_CASE(the_system_clock_gives_rfc3339_utc) {
  auto p = MustLoad();
  auto facts = p->ReadFactsJson(CaseJson());
  BOOST_TEST_REQUIRE(facts.ok());
  std::string out;
  DecisionLog log([&out](std::string_view line) { out.append(line); return true; }, DecisionLogOptions{});
  BOOST_TEST_REQUIRE(log.Append(*p, *facts, p->Decide(*facts)).ok());
  const std::string time = json::parse(out)["time"];
  // 2026-11-20T06:03:00.123Z
  BOOST_TEST(time.size() == 24u, time);
  BOOST_TEST(time[4] == '-');
  BOOST_TEST(time[10] == 'T');
  BOOST_TEST(time[19] == '.');
  BOOST_TEST(time.back() == 'Z');
}

BOOST_AUTO_TEST_CASE(concurrent_appends_give_whole_lines) {
  auto p = MustLoad();
  const fs::path path = TempFile();
  auto log = DecisionLog::OpenFile(path.string(), FixedClock());
  BOOST_TEST_REQUIRE(log.ok(), log.status().message());
  constexpr int kThreads = 6, kPerThread = 200;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto facts = p->ReadFactsJson(CaseJson("T" + std::to_string(t) + "-" + std::to_string(i)));
        if (!facts.ok()) { ++failed; continue; }
        if (!(*log)->Append(*p, *facts, p->Decide(*facts)).ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  log->reset();  // closes the file
  BOOST_TEST(failed.load() == 0);

  std::vector<std::string> lines = ReadLines(path);
  BOOST_TEST(lines.size() == static_cast<std::size_t>(kThreads * kPerThread));
  int whole = 0;
  for (const std::string& line : lines) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded() && j["decision"]["resolution"] == "refund" && j["rules_fired"].size() == 1) ++whole;
  }
  BOOST_TEST(whole == kThreads * kPerThread);
  fs::remove(path);
}

BOOST_AUTO_TEST_CASE(open_file_appends_to_an_existing_file) {
  auto p = MustLoad();
  const fs::path path = TempFile();
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"earlier\":true}\n";
  }
  for (int round = 0; round < 2; ++round) {
    auto log = DecisionLog::OpenFile(path.string(), FixedClock());
    BOOST_TEST_REQUIRE(log.ok(), log.status().message());
    auto facts = p->ReadFactsJson(CaseJson());
    BOOST_TEST_REQUIRE(facts.ok());
    BOOST_TEST((*log)->Append(*p, *facts, p->Decide(*facts)).ok());
  }
  std::vector<std::string> lines = ReadLines(path);
  BOOST_TEST_REQUIRE(lines.size() == 3u);
  BOOST_TEST(lines[0] == "{\"earlier\":true}");
  BOOST_TEST(json::parse(lines[1])["case_id"] == "****0042");
  BOOST_TEST(lines[1] == lines[2]);
  fs::remove(path);
}

BOOST_AUTO_TEST_CASE(open_file_in_a_missing_folder_fails) {
  auto log = DecisionLog::OpenFile((TempFile() / "no" / "log.jsonl").string(), FixedClock());
  BOOST_TEST(!log.ok());
  BOOST_TEST((log.status().code() == aftersales::StatusCode::kIoError));
}

BOOST_AUTO_TEST_SUITE_END()
