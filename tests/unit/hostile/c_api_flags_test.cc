// The C API under misuse (issue 12): unknown flag bits are refused with
// AFTERSALES_BAD_ARGUMENT, and a case that cannot be decided is answered
// with its errors, one per line as `file:line:column: message`, as the
// C++ Decision gives them (it is decided once: the message comes from the
// decision's JSON, not from deciding again).
#include <boost/test/unit_test.hpp>

#include <string>

#include "aftersales/aftersales.h"
#include "unit/hostile/hostile_util.h"

namespace {

struct Handle {
  Handle() {
    char* error = nullptr;
    BOOST_REQUIRE(aftersales_policy_load(AFTERSALES_SOURCE_DIR "/rules", &policy, &error) == AFTERSALES_OK);
  }
  ~Handle() { aftersales_policy_free(policy); }
  aftersales_policy_t* policy = nullptr;
};

const std::string kGood =
    R"({"case": {"id": "C-1", "locale": "en", "opened_at": "2026-11-20T14:03:00+08:00"},)"
    R"( "order": {"id": "O-1", "delivered_at": "2026-11-17T10:25:00+08:00", "total_paid_cents": 29900},)"
    R"( "item": {"name": "kettle", "paid_cents": 29900}, "issue": {"type": "quality_defect"},)"
    R"( "request": {"type": "return_refund", "return_shipping_cents": 1200}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(c_api_flags)

BOOST_AUTO_TEST_CASE(unknown_flag_bits_are_a_bad_argument) {
  Handle h;
  for (int flags : {4, 8, 1 << 30, AFTERSALES_EXPLAIN | 16, -1}) {
    char* decision = reinterpret_cast<char*>(1);
    char* error = nullptr;
    aftersales_status s = aftersales_decide_json(h.policy, kGood.data(), kGood.size(), flags, &decision, &error);
    BOOST_TEST(s == AFTERSALES_BAD_ARGUMENT, flags);
    BOOST_TEST(decision == nullptr);
    BOOST_TEST_REQUIRE(error != nullptr);
    BOOST_TEST(std::string(error).find("unknown flag bits 0x") != std::string::npos, error);
    aftersales_free(error);
  }
  for (int flags : {0, AFTERSALES_EXPLAIN, AFTERSALES_TEXT, AFTERSALES_EXPLAIN | AFTERSALES_TEXT}) {
    char* decision = nullptr;
    char* error = nullptr;
    BOOST_TEST(aftersales_decide_json(h.policy, kGood.data(), kGood.size(), flags, &decision, &error) ==
               AFTERSALES_OK);
    BOOST_TEST(error == nullptr);
    aftersales_free(decision);
  }
}

BOOST_AUTO_TEST_CASE(a_failing_case_gives_the_decisions_errors) {
  Handle h;
  const std::string json = R"({"case": {"id": "C-1", "timezone": "Mars/Olympus"}})";
  auto facts = hostile::Shipped().ReadFactsJson(json);
  BOOST_TEST_REQUIRE(facts.ok());
  aftersales::Decision d = hostile::Shipped().Decide(*facts);
  BOOST_TEST_REQUIRE(!d.ok());
  std::string want;
  for (const aftersales::DecisionError& e : d.errors) {
    aftersales::Issue as_issue;
    as_issue.location = e.location;
    as_issue.message = e.message;
    want += as_issue.ToString() + "\n";
  }
  for (int flags : {0, AFTERSALES_TEXT}) {
    char* decision = nullptr;
    char* error = nullptr;
    BOOST_TEST(aftersales_decide_json(h.policy, json.data(), json.size(), flags, &decision, &error) ==
               AFTERSALES_EVAL_FAILED);
    BOOST_TEST(decision == nullptr);
    BOOST_TEST_REQUIRE(error != nullptr);
    BOOST_TEST(std::string(error) == want);
    aftersales_free(error);
  }
}

BOOST_AUTO_TEST_SUITE_END()
