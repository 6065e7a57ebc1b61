// PolicyStore: open, reload a changed policy, keep the old one when the new
// one is broken, and many threads deciding while the policy is reloaded
// hundreds of times.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "aftersales/decision.h"
#include "aftersales/issue.h"
#include "aftersales/policy.h"
#include "aftersales/policy_store.h"

namespace {

namespace fs = std::filesystem;
using aftersales::Decision;
using aftersales::FieldValue;
using aftersales::Policy;
using aftersales::PolicyStore;
using aftersales::ReloadResult;

const char* const kSchema = R"(
enums:
  kind: [defect, no_reason]
  resolution: [refund, exchange, escalate]
  locale: [en]
facts:
  case.id: string
  order.id: {type: string, personal: true}
  item.paid_cents: money
  issue.kind: kind
decisions:
  resolution: {type: resolution, required: true}
  refund_cents: {type: money, default: 0}
)";

// Version A refunds a defect; version B exchanges it.
const char* const kPolicyA = R"(policy: {name: store, version: "A", locales: [en], default_locale: en}
stages:
  - id: resolution
    hit: first
    rules:
      - id: defect_refund
        when: issue.kind == 'defect'
        then:
          resolution: refund
          refund_cents: item.paid_cents
        script:
          en: "Order {order.id}: refund {decision.refund_cents}"
      - id: other
        then:
          resolution: escalate
)";

const char* const kPolicyB = R"(policy: {name: store, version: "B", locales: [en], default_locale: en}
stages:
  - id: resolution
    hit: first
    rules:
      - id: defect_exchange
        when: issue.kind == 'defect'
        then:
          resolution: exchange
        script:
          en: "Order {order.id}: we will exchange it"
      - id: other
        then:
          resolution: escalate
)";

// Line 7 reads an undeclared fact.
const char* const kPolicyBroken = R"(policy: {name: store, version: "broken", locales: [en], default_locale: en}
stages:
  - id: resolution
    hit: first
    rules:
      - id: defect_refund
        when: issue.kind == 'defect' && customer.vip
        then:
          resolution: refund
)";

const char* const kCase =
    R"({"case": {"id": "C-1"}, "order": {"id": "SO20261120007001"}, "item": {"paid_cents": 29900},)"
    R"( "issue": {"kind": "defect"}})";

// A fresh folder under the system temp directory, removed at the end.
class TempPolicyDir {
 public:
  TempPolicyDir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("aftersales_store_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(rd()));
    fs::create_directories(dir_);
    Write("schema.yaml", kSchema);
  }
  ~TempPolicyDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Writes beside the policy and renames over it, so a load never reads a
  // half-written file.
  void Write(const std::string& name, const std::string& text) const {
    fs::path tmp = dir_ / (name + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << text;
    }
    fs::rename(tmp, dir_ / name);
  }
  void SetPolicy(const std::string& text) const { Write("policy.yaml", text); }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

std::unique_ptr<PolicyStore> MustOpen(const TempPolicyDir& dir) {
  auto store = PolicyStore::Open(dir.path());
  BOOST_TEST_REQUIRE(store.ok(), store.status().message());
  return std::move(*store);
}

std::string Resolution(const Decision& d) {
  const FieldValue* v = d.Find("resolution");
  return v && v->kind == FieldValue::Kind::kString ? v->string_value : "<none>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(policy_store)

BOOST_AUTO_TEST_CASE(open_gives_the_policy) {
  TempPolicyDir dir;
  dir.SetPolicy(kPolicyA);
  auto store = MustOpen(dir);
  std::shared_ptr<const Policy> p = store->Current();
  BOOST_TEST_REQUIRE(p != nullptr);
  BOOST_TEST(p->version() == "A");
  BOOST_TEST(p->digest().rfind("sha256:", 0) == 0u);
  BOOST_TEST(store->path() == dir.path());
  auto facts = p->ReadFactsJson(kCase);
  BOOST_TEST_REQUIRE(facts.ok(), facts.status().message());
  Decision d = p->Decide(*facts);
  BOOST_TEST(d.ok());
  BOOST_TEST(Resolution(d) == "refund");
  BOOST_TEST(d.policy_digest == p->digest());
}

BOOST_AUTO_TEST_CASE(open_a_broken_policy_fails_with_its_issues) {
  TempPolicyDir dir;
  dir.SetPolicy(kPolicyBroken);
  auto store = PolicyStore::Open(dir.path());
  BOOST_TEST_REQUIRE(!store.ok());
  BOOST_TEST((store.status().code() == aftersales::StatusCode::kInvalidArgument));
  BOOST_TEST(store.status().message().find("policy.yaml:7:") != std::string::npos, store.status().message());
  BOOST_TEST(store.status().message().find("customer.vip") != std::string::npos, store.status().message());
}

BOOST_AUTO_TEST_CASE(open_a_missing_path_fails) {
  auto store = PolicyStore::Open((fs::temp_directory_path() / "aftersales_store_no_such_dir" / "p.yaml").string());
  BOOST_TEST(!store.ok());
}

BOOST_AUTO_TEST_CASE(reload_swaps_in_a_changed_policy) {
  TempPolicyDir dir;
  dir.SetPolicy(kPolicyA);
  auto store = MustOpen(dir);
  std::shared_ptr<const Policy> before = store->Current();

  dir.SetPolicy(kPolicyB);
  ReloadResult r = store->Reload();
  BOOST_TEST(r.swapped, aftersales::FormatIssues(r.issues));
  BOOST_TEST(r.old_digest == before->digest());
  BOOST_TEST(r.new_digest != r.old_digest);
  BOOST_TEST(!aftersales::HasErrors(r.issues));
  std::shared_ptr<const Policy> after = store->Current();
  BOOST_TEST(after->digest() == r.new_digest);
  BOOST_TEST(after->version() == "B");

  // A caller still holding the old version decides with it, unchanged.
  auto facts = before->ReadFactsJson(kCase);
  BOOST_TEST_REQUIRE(facts.ok());
  Decision d = before->Decide(*facts);
  BOOST_TEST(Resolution(d) == "refund");
  BOOST_TEST(d.policy_digest == r.old_digest);

  // Reloading the same content again swaps in an equal version.
  ReloadResult again = store->Reload();
  BOOST_TEST(again.swapped);
  BOOST_TEST(again.new_digest == again.old_digest);
}

BOOST_AUTO_TEST_CASE(reload_of_a_broken_policy_keeps_the_old_one) {
  TempPolicyDir dir;
  dir.SetPolicy(kPolicyA);
  auto store = MustOpen(dir);
  std::shared_ptr<const Policy> before = store->Current();

  dir.SetPolicy(kPolicyBroken);
  ReloadResult r = store->Reload();
  BOOST_TEST(!r.swapped);
  BOOST_TEST(r.old_digest == before->digest());
  BOOST_TEST(r.new_digest == before->digest());
  BOOST_TEST_REQUIRE(aftersales::HasErrors(r.issues));
  std::string text = aftersales::FormatIssues(r.issues);
  BOOST_TEST(text.find("policy.yaml:7:") != std::string::npos, text);
  BOOST_TEST(r.issues.front().location.line > 0);
  BOOST_TEST(r.issues.front().location.column > 0);
  BOOST_TEST(store->Current() == before);

  // Fixing the file and reloading again works.
  dir.SetPolicy(kPolicyB);
  ReloadResult fixed = store->Reload();
  BOOST_TEST(fixed.swapped, aftersales::FormatIssues(fixed.issues));
  BOOST_TEST(store->Current()->version() == "B");
}

BOOST_AUTO_TEST_CASE(deciding_from_many_threads_while_reloading) {
  TempPolicyDir dir;
  dir.SetPolicy(kPolicyB);
  auto store = MustOpen(dir);
  const std::string digest_b = store->Current()->digest();
  dir.SetPolicy(kPolicyA);
  BOOST_TEST_REQUIRE(store->Reload().swapped);
  const std::string digest_a = store->Current()->digest();
  BOOST_TEST_REQUIRE(digest_a != digest_b);

  constexpr int kThreads = 8;
  constexpr int kMinReloads = 300;
  std::atomic<bool> stop{false};
  std::atomic<long> count_a{0}, count_b{0}, failed{0}, torn{0};
  std::vector<std::string> first_failure(kThreads);

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load(std::memory_order_relaxed)) {
        std::shared_ptr<const Policy> p = store->Current();
        auto facts = p->ReadFactsJson(kCase);
        if (!facts.ok()) {
          if (failed++ == 0) first_failure[t] = facts.status().message();
          continue;
        }
        Decision d = p->Decide(*facts);
        if (!d.ok() || !d.Find("resolution") || !d.Find("resolution")->present()) {
          if (failed++ == 0) first_failure[t] = aftersales::DecisionToJson(d);
          continue;
        }
        // Whole: the digest, the version and the outcome all come from one
        // policy, and that policy was live at some point.
        const std::string res = Resolution(d);
        if (d.policy_digest == digest_a && d.policy_version == "A" && res == "refund" &&
            d.matched_rules == std::vector<std::string>{"defect_refund"} &&
            d.script_text == "Order SO20261120007001: refund 299.00") {
          count_a.fetch_add(1, std::memory_order_relaxed);
        } else if (d.policy_digest == digest_b && d.policy_version == "B" && res == "exchange" &&
                   d.matched_rules == std::vector<std::string>{"defect_exchange"}) {
          count_b.fetch_add(1, std::memory_order_relaxed);
        } else {
          if (torn++ == 0) first_failure[t] = aftersales::DecisionToJson(d);
        }
        if (d.policy_digest != p->digest()) ++torn;
      }
    });
  }

  int reloads = 0, swaps = 0, rejected = 0, wrong = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  // At least kMinReloads, and on until both versions have been used (which
  // takes far fewer unless the machine is very loaded).
  while (reloads < kMinReloads ||
         ((count_a.load() == 0 || count_b.load() == 0) && std::chrono::steady_clock::now() < deadline)) {
    const int which = reloads % 3;
    dir.SetPolicy(which == 0 ? kPolicyB : which == 1 ? kPolicyBroken : kPolicyA);
    ReloadResult r = store->Reload();
    ++reloads;
    if (which == 1) {
      rejected += !r.swapped;
      wrong += r.swapped || !aftersales::HasErrors(r.issues);
    } else {
      swaps += r.swapped;
      wrong += !r.swapped || r.new_digest != (which == 0 ? digest_b : digest_a);
    }
    // Give the readers a moment with each version.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  stop = true;
  for (auto& th : threads) th.join();

  std::string failures;
  for (const std::string& f : first_failure) failures += f.empty() ? "" : f + "\n";
  BOOST_TEST(reloads >= kMinReloads);
  BOOST_TEST(wrong == 0);
  BOOST_TEST(rejected == (reloads + 1) / 3);  // every third reload, from the second
  BOOST_TEST(swaps == reloads - rejected);
  BOOST_TEST(failed.load() == 0, failures);
  BOOST_TEST(torn.load() == 0, failures);
  BOOST_TEST(count_a.load() > 0);
  BOOST_TEST(count_b.load() > 0);
  BOOST_TEST_MESSAGE("reloads " << reloads << ", decisions A " << count_a.load() << ", B " << count_b.load());
}

BOOST_AUTO_TEST_SUITE_END()
