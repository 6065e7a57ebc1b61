// Facts and builders outlive their Policy safely, and are decided only by
// the policy that read them, even when another policy is later allocated
// at the same address. Under AddressSanitizer (the CI's build-asan) any
// use of freed memory here fails the run.
#include <boost/test/unit_test.hpp>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/loader.h"
#include "aftersales/policy.h"
#include "aftersales/result.h"

namespace aftersales {
namespace {

// A small policy whose fact `case.kind` is an enum (the facts borrow its
// words) with a default (the facts borrow it too).
const char* kPolicy = R"(
enums:
  kind: [dent, scratch, crack]
  resolution: [refund, repair]
facts:
  case.id: string
  case.kind: {type: kind, default: dent}
  item.paid_cents: money
decisions:
  resolution: {type: resolution, required: true}
policy: {name: lifetime, version: "1"}
stages:
  - id: resolution
    hit: first
    rules:
      - id: crack_refund
        when: case.kind == 'crack'
        then:
          resolution: refund
      - id: otherwise_repair
        then:
          resolution: repair
)";

std::shared_ptr<const Policy> Load(const std::string& version = "1") {
  std::string text = kPolicy;
  text.replace(text.find("version: \"1\""), 12, "version: \"" + version + "\"");
  LoadResult loaded = LoadPolicyFromStrings({{"lifetime.yaml", text}});
  BOOST_TEST_REQUIRE(loaded.ok(), FormatIssues(loaded.issues));
  return loaded.policy;
}

std::string Resolution(const Decision& d) {
  const FieldValue* f = d.Find("resolution");
  return f ? f->string_value : "";
}

BOOST_AUTO_TEST_SUITE(policy_lifetime)

BOOST_AUTO_TEST_CASE(facts_and_builders_outlive_their_policy) {
  for (int round = 0; round < 50; ++round) {
    auto policy = Load();
    Result<Facts> facts = policy->ReadFactsJson(R"({"case": {"id": "C-1", "kind": "crack"}})");
    BOOST_REQUIRE(facts.ok());
    FactsBuilder builder = policy->NewFacts();
    BOOST_REQUIRE(builder.SetString("case.id", "C-2").ok());
    policy.reset();  // the last Policy handle goes

    // Both still read the policy's words and defaults.
    BOOST_TEST(facts->case_id() == "C-1");
    BOOST_TEST(builder.SetString("case.kind", "scratch").ok());
    BOOST_TEST(!builder.SetString("case.kind", "melted").ok());  // still checked against the words
    Facts built = builder.Build();
    BOOST_TEST(built.case_id() == "C-2");
  }
}

BOOST_AUTO_TEST_CASE(facts_are_decided_only_by_the_policy_that_read_them) {
  std::set<const Policy*> addresses;
  int same_address = 0;
  for (int round = 0; round < 200; ++round) {
    auto first = Load("1");
    const Policy* address = first.get();
    Result<Facts> facts = first->ReadFactsJson(R"({"case": {"id": "C-9", "kind": "crack"}})");
    BOOST_REQUIRE(facts.ok());
    BOOST_TEST(Resolution(first->Decide(*facts)) == "refund");
    first.reset();

    // A second policy, often allocated where the first one was.
    auto second = Load("2");
    same_address += second.get() == address;
    Decision d = second->Decide(*facts);
    BOOST_TEST(!d.ok());
    BOOST_REQUIRE(!d.errors.empty());
    BOOST_TEST(d.errors[0].message.find("not read by this policy") != std::string::npos);
    bool decided = true;
    std::string json = second->DecideToJson(*facts, {}, &decided);
    BOOST_TEST(!decided);
    BOOST_TEST(json.find("not read by this policy") != std::string::npos);

    // Its own facts it decides as ever.
    Result<Facts> own = second->ReadFactsJson(R"({"case": {"kind": "dent"}})");
    BOOST_REQUIRE(own.ok());
    BOOST_TEST(Resolution(second->Decide(*own)) == "repair");
    addresses.insert(address);
  }
  // Not an assertion on the allocator, only what the loop exercised.
  BOOST_TEST_MESSAGE("a policy reused the freed one's address in " << same_address << " of 200 rounds");
}

BOOST_AUTO_TEST_CASE(moved_from_facts_are_refused_not_crashed) {
  auto policy = Load();
  Result<Facts> facts = policy->ReadFactsJson(R"({"case": {"kind": "crack"}})");
  BOOST_REQUIRE(facts.ok());
  Facts taken = std::move(*facts);
  Decision d = policy->Decide(*facts);  // NOLINT: the moved-from one, on purpose
  BOOST_TEST(!d.ok());
  BOOST_TEST(Resolution(policy->Decide(taken)) == "refund");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(result_access)

BOOST_AUTO_TEST_CASE(the_value_of_a_failed_result_throws_with_its_error) {
  auto policy = Load();
  Result<Facts> bad = policy->ReadFactsJson(R"({"item": {"paid_cents": "ten"}})");
  BOOST_REQUIRE(!bad.ok());
  const std::string error = bad.status().message();
  BOOST_TEST(error.find("item.paid_cents") != std::string::npos);
  auto names_the_error = [&](const BadResultAccess& e) {
    return std::string(e.what()).find(error) != std::string::npos && e.status().message() == error;
  };
  BOOST_CHECK_EXCEPTION(bad.value(), BadResultAccess, names_the_error);
  BOOST_CHECK_EXCEPTION(*bad, BadResultAccess, names_the_error);
  BOOST_CHECK_EXCEPTION(bad->case_id(), BadResultAccess, names_the_error);
  const Result<Facts>& constant = bad;
  BOOST_CHECK_EXCEPTION(constant.value(), BadResultAccess, names_the_error);
  BOOST_CHECK_EXCEPTION(std::move(bad).value(), BadResultAccess, names_the_error);
}

BOOST_AUTO_TEST_CASE(the_value_of_a_good_result_is_there) {
  Result<int> good = 7;
  BOOST_TEST(good.ok());
  BOOST_TEST(*good == 7);
  BOOST_TEST(good.value() == 7);
  BOOST_TEST(good.status().ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace aftersales
