// Fuzz target: generated cases -> FactsBuilder -> Decide on the shipped
// policy (rules/, loaded once), with explain off and on, and the decision's
// JSON and text.
//
// The input drives a FuzzedDataProvider: it picks a base case (one of the
// example cases or a line of examples/cases/sample.jsonl, set through the
// builder), then changes facts one at a time: clears them, sets values drawn
// from each fact's type (enum words, money, counts, timestamps near the
// case's), boundary values (INT64 extremes, huge money, timestamps at the
// ends of the range and just past them, empty and long strings, long
// lists), arbitrary text through the text setters, and setters of the wrong
// type (which must fail, naming the fact, and leave the builder usable).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "fuzz_common.h"
#include "policy/policy_model.h"

namespace {

using aftersales::Status;
using aftersales::internal::FieldDecl;
using aftersales::internal::Type;

// One fact of a base case, as the JSON had it.
struct BaseFact {
  std::string name;
  nlohmann::json value;
};

struct Fixture {
  std::shared_ptr<const aftersales::Policy> policy = aftersales_fuzz::ShippedPolicy();
  const std::vector<FieldDecl>* facts = nullptr;
  std::vector<std::vector<BaseFact>> bases;

  Fixture() {
    facts = &aftersales::internal::PolicyInternal::Impl(*policy).model().schema.facts;
    std::string root = aftersales_fuzz::SourceDir() + "/examples/cases/";
    for (const char* name : {"quality_defect_day3.json", "no_reason_insured_en.json",
                             "no_reason_exchange_odd_cent.json"}) {
      AddBase(nlohmann::json::parse(aftersales_fuzz::ReadFileOrDie(root + name)));
    }
    std::ifstream lines(root + "sample.jsonl");
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) AddBase(nlohmann::json::parse(line));
    }
    if (bases.size() < 4) aftersales_fuzz::Fail("the example cases are missing", root);
  }

  void AddBase(const nlohmann::json& doc) {
    std::vector<BaseFact> base;
    Flatten(doc, "", &base);
    bases.push_back(std::move(base));
  }

  static void Flatten(const nlohmann::json& j, const std::string& prefix, std::vector<BaseFact>* out) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) Flatten(v, prefix.empty() ? k : prefix + "." + k, out);
    } else {
      out->push_back(BaseFact{prefix, j});
    }
  }
};

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

// A setter's answer: fine, or an error that names the fact.
void Expect(const Status& st, const std::string& name) {
  if (st.ok()) return;
  FUZZ_CHECK(st.code() == aftersales::StatusCode::kInvalidArgument, st.message());
  FUZZ_CHECK(st.message().rfind(name, 0) == 0, "the error does not name " + name + ": " + st.message());
}

void SetFromJson(aftersales::FactsBuilder& b, const FieldDecl& d, const nlohmann::json& v) {
  Type::Kind k = d.type->kind();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (k == Type::Kind::kTimestamp) {
      Expect(b.SetTimestamp(d.name, s), d.name);
    } else if (k == Type::Kind::kDuration) {
      Expect(b.SetDuration(d.name, s), d.name);
    } else {
      Expect(b.SetString(d.name, s), d.name);
    }
  } else if (v.is_boolean()) {
    Expect(b.SetBool(d.name, v.get<bool>()), d.name);
  } else if (v.is_number_unsigned() && k == Type::Kind::kUint) {
    Expect(b.SetUint(d.name, v.get<std::uint64_t>()), d.name);
  } else if (v.is_number_integer()) {
    Expect(b.SetInt(d.name, v.get<std::int64_t>()), d.name);
  } else if (v.is_number_float()) {
    Expect(b.SetDouble(d.name, v.get<double>()), d.name);
  } else if (v.is_array()) {
    std::vector<std::string> items;
    for (const auto& e : v) {
      if (e.is_string()) items.push_back(e.get<std::string>());
    }
    Expect(b.SetStringList(d.name, items), d.name);
  }
}

const std::vector<std::string>& Words(const FieldDecl& d) {
  static const std::vector<std::string> kNone;
  const Type* t = d.type.get();
  if (t->kind() == Type::Kind::kList) t = t->elem().get();
  return t->kind() == Type::Kind::kEnum ? t->enum_type()->values : kNone;
}

std::string Pick(FuzzedDataProvider& in, const std::vector<std::string>& from) {
  return from.empty() ? std::string() : from[in.ConsumeIntegralInRange<std::size_t>(0, from.size() - 1)];
}

// A timestamp near the example cases' (2025-2026), in one of a few offsets.
std::string NearTimestamp(FuzzedDataProvider& in) {
  static const std::vector<std::string> kOffsets = {"+08:00", "Z", "-05:00", "+14:00", "-12:00", "+05:45"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", in.ConsumeIntegralInRange(2025, 2027),
                in.ConsumeIntegralInRange(1, 12), in.ConsumeIntegralInRange(1, 31), in.ConsumeIntegralInRange(0, 23),
                in.ConsumeIntegralInRange(0, 59), in.ConsumeIntegralInRange(0, 60));
  return buf + Pick(in, kOffsets);
}

// A value of the fact's own type, of the kind cases have.
void SetTypical(FuzzedDataProvider& in, aftersales::FactsBuilder& b, const FieldDecl& d) {
  switch (d.type->kind()) {
    case Type::Kind::kEnum:
      Expect(b.SetString(d.name, Pick(in, Words(d))), d.name);
      break;
    case Type::Kind::kString:
      Expect(b.SetString(d.name, in.ConsumeRandomLengthString(64)), d.name);
      break;
    case Type::Kind::kBool:
      Expect(b.SetBool(d.name, in.ConsumeBool()), d.name);
      break;
    case Type::Kind::kInt:
      Expect(b.SetInt(d.name, d.money ? in.ConsumeIntegralInRange<std::int64_t>(-100, 10'000'000)
                                      : in.ConsumeIntegralInRange<std::int64_t>(-2, 400)),
             d.name);
      break;
    case Type::Kind::kUint:
      Expect(b.SetUint(d.name, in.ConsumeIntegralInRange<std::uint64_t>(0, 400)), d.name);
      break;
    case Type::Kind::kDouble:
      Expect(b.SetDouble(d.name, in.ConsumeFloatingPointInRange<double>(-1e6, 1e6)), d.name);
      break;
    case Type::Kind::kTimestamp:
      Expect(b.SetTimestamp(d.name, NearTimestamp(in)), d.name);
      break;
    case Type::Kind::kDuration:
      Expect(b.SetDuration(d.name, std::to_string(in.ConsumeIntegralInRange(-100, 1000)) + "h"), d.name);
      break;
    case Type::Kind::kList: {
      std::vector<std::string> items;
      std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 6);
      for (std::size_t i = 0; i < n; ++i) items.push_back(Pick(in, Words(d)));
      Expect(b.SetStringList(d.name, items), d.name);
      break;
    }
    default:
      Expect(b.SetString(d.name, in.ConsumeRandomLengthString(16)), d.name);
      break;
  }
}

// A value at or just past the edge of what the fact's type holds.
void SetBoundary(FuzzedDataProvider& in, aftersales::FactsBuilder& b, const FieldDecl& d) {
  static const std::int64_t kInts[] = {
      std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::min() + 1,
      std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max() - 1,
      0, -1, 1, 4'611'686'018'427'387'904, -4'611'686'018'427'387'904,
      9'000'000'000'000'000'000, 1'000'000'000'000, 2'147'483'647, 2'147'483'648, -2'147'483'649,
  };
  static const std::uint64_t kUints[] = {0, 1, std::numeric_limits<std::uint64_t>::max(),
                                         9'223'372'036'854'775'807u, 9'223'372'036'854'775'808u};
  static const double kDoubles[] = {0.0, -0.0, 1e308, -1e308, 5e-324, std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::quiet_NaN(), 9.223372036854775807e18};
  static const std::vector<std::string> kTimestamps = {
      "0001-01-01T00:00:00Z",      "9999-12-31T23:59:59Z",          "0001-01-01T00:00:00+14:00",
      "9999-12-31T23:59:59-14:00", "0001-01-01T13:59:59+14:00",     "9999-12-31T10:00:00-14:00",
      "1970-01-01T00:00:00Z",      "2026-02-29T00:00:00+08:00",     "2028-02-29T23:59:60+08:00",
      "9999-12-31T23:59:59.999999999Z", "0000-12-31T23:59:59Z",     "2026-11-20T14:03:00.123456789-00:00",
  };
  static const std::vector<std::string> kDurations = {
      "0s", "-0s", "315576000000s", "-315576000000s", "315576000001s", "9223372036854775807s",
      "0.000000001s", "2562047h", "-2562047h", "1.5h", "1h30m",
  };
  switch (d.type->kind()) {
    case Type::Kind::kInt:
      Expect(b.SetInt(d.name, kInts[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kInts) - 1)]), d.name);
      break;
    case Type::Kind::kUint:
      Expect(b.SetUint(d.name, kUints[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kUints) - 1)]), d.name);
      break;
    case Type::Kind::kDouble:
      Expect(b.SetDouble(d.name, kDoubles[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kDoubles) - 1)]),
             d.name);
      break;
    case Type::Kind::kTimestamp:
      Expect(b.SetTimestamp(d.name, Pick(in, kTimestamps)), d.name);
      break;
    case Type::Kind::kDuration:
      Expect(b.SetDuration(d.name, Pick(in, kDurations)), d.name);
      break;
    case Type::Kind::kList: {
      // Long lists with repeats: collect stages keep each word once.
      std::vector<std::string> items(in.ConsumeIntegralInRange<std::size_t>(0, 300), Pick(in, Words(d)));
      Expect(b.SetStringList(d.name, items), d.name);
      break;
    }
    case Type::Kind::kEnum:
    case Type::Kind::kString: {
      // Empty, long, or a word with bytes around it.
      switch (in.ConsumeIntegralInRange(0, 3)) {
        case 0:
          Expect(b.SetString(d.name, ""), d.name);
          break;
        case 1: {
          // Around the limits: a script is at most 64 KiB (max_script_length).
          static const std::size_t kLengths[] = {1, 255, 256, 4095, 4096, 65535, 65536, 70'000};
          std::size_t n = kLengths[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kLengths) - 1)];
          Expect(b.SetString(d.name, std::string(n, static_cast<char>(in.ConsumeIntegral<std::uint8_t>()))), d.name);
          break;
        }
        case 2:
          Expect(b.SetString(d.name, Pick(in, Words(d)) + in.ConsumeRandomLengthString(4)), d.name);
          break;
        default:
          Expect(b.SetString(d.name, "{" + in.ConsumeRandomLengthString(32) + "}"), d.name);
          break;
      }
      break;
    }
    default:
      Expect(b.SetBool(d.name, in.ConsumeBool()), d.name);
      break;
  }
}

// Arbitrary text through a text setter, or a setter of another type.
void SetAny(FuzzedDataProvider& in, aftersales::FactsBuilder& b, const FieldDecl& d) {
  switch (in.ConsumeIntegralInRange(0, 8)) {
    case 0:
      Expect(b.SetString(d.name, in.ConsumeRandomLengthString(256)), d.name);
      break;
    case 1:
      Expect(b.SetTimestamp(d.name, in.ConsumeRandomLengthString(64)), d.name);
      break;
    case 2:
      Expect(b.SetDuration(d.name, in.ConsumeRandomLengthString(32)), d.name);
      break;
    case 3:
      Expect(b.SetInt(d.name, in.ConsumeIntegral<std::int64_t>()), d.name);
      break;
    case 4:
      Expect(b.SetUint(d.name, in.ConsumeIntegral<std::uint64_t>()), d.name);
      break;
    case 5:
      Expect(b.SetDouble(d.name, in.ConsumeFloatingPoint<double>()), d.name);
      break;
    case 6:
      Expect(b.SetBool(d.name, in.ConsumeBool()), d.name);
      break;
    case 7: {
      std::vector<std::string> items;
      std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 8);
      for (std::size_t i = 0; i < n; ++i) items.push_back(in.ConsumeRandomLengthString(16));
      Expect(b.SetStringList(d.name, items), d.name);
      break;
    }
    default: {
      // A name the policy may not declare: the fact's with bytes added.
      std::string name = d.name + in.ConsumeRandomLengthString(8);
      Status st = b.SetString(name, "x");
      if (aftersales::internal::PolicyInternal::Impl(*GetFixture().policy).model().schema.fact_index.count(name) == 0) {
        FUZZ_CHECK(!st.ok() && st.message().find("no such fact") != std::string::npos, name);
      }
      Expect(st, name);
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = GetFixture();
  FuzzedDataProvider in(data, size);
  const aftersales::Policy& policy = *f.policy;

  aftersales::FactsBuilder builder = policy.NewFacts();
  const std::vector<BaseFact>& base = f.bases[in.ConsumeIntegralInRange<std::size_t>(0, f.bases.size() - 1)];
  const auto& index = aftersales::internal::PolicyInternal::Impl(policy).model().schema.fact_index;
  for (const BaseFact& fact : base) {
    auto it = index.find(fact.name);
    if (it != index.end()) SetFromJson(builder, (*f.facts)[it->second], fact.value);
  }

  int changes = 0;
  while (in.remaining_bytes() > 0 && changes++ < 64) {
    const FieldDecl& d = (*f.facts)[in.ConsumeIntegralInRange<std::size_t>(0, f.facts->size() - 1)];
    switch (in.ConsumeIntegralInRange(0, 7)) {
      case 0:
        Expect(builder.Clear(d.name), d.name);
        break;
      case 1:
      case 2:
      case 3:
        SetTypical(in, builder, d);
        break;
      case 4:
      case 5:
        SetBoundary(in, builder, d);
        break;
      default:
        SetAny(in, builder, d);
        break;
    }
    // Deciding mid-way too: a builder builds as often as asked.
    if (in.ConsumeIntegralInRange(0, 31) == 0) aftersales_fuzz::DecideAndCheck(policy, builder.Build());
  }
  aftersales_fuzz::DecideAndCheck(policy, builder.Build());
  return 0;
}
