#include "lint/witness.h"

#include <algorithm>

#include "common/time.h"
#include "decision/eval_setup.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales::internal::lint {

namespace {

using TK = Type::Kind;
using Json = nlohmann::ordered_json;

// Where a witness's timestamps start: 2026-03-02 10:00 in Shanghai.
constexpr std::int64_t kBaseSeconds = 1772416800;
constexpr int kRounds = 4;
// Cases read and tried in one search, at most: a computed atom reading
// many facts must not make one witness cost seconds.
constexpr int kMaxTrials = 2000;

const std::int64_t kDays[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 14, 15, 16, 20, 30, 31, 45, 60, 90, 180, 365, 366, 730};

struct Candidate {
  bool absent = false;
  Json value;
};

}  // namespace

void SetPath(Json* json, const std::string& name, Json value) {
  Json* at = json;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::string key = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (dot == std::string::npos) {
      (*at)[key] = std::move(value);
      return;
    }
    if (!(*at)[key].is_object()) (*at)[key] = Json::object();
    at = &(*at)[key];
    start = dot + 1;
  }
}

namespace {

void ErasePath(Json* json, const std::string& name) {
  Json* at = json;
  std::size_t start = 0;
  std::vector<std::pair<Json*, std::string>> path;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::string key = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object() || !at->contains(key)) return;
    path.push_back({at, key});
    if (dot == std::string::npos) break;
    at = &(*at)[key];
    start = dot + 1;
  }
  path.back().first->erase(path.back().second);
  // Groups left empty go too.
  for (std::size_t i = path.size() - 1; i-- > 0;) {
    Json& group = (*path[i].first)[path[i].second];
    if (group.is_object() && group.empty()) path[i].first->erase(path[i].second);
  }
}

Json TimeAt(std::int64_t seconds) { return FormatTimestamp(Timestamp{seconds, 0}); }

}  // namespace

std::optional<Facts> WitnessBuilder::Read(const Json& json) const {
  Result<Facts> facts = reader_.ReadFactsJson(json.dump(), "lint");
  if (!facts.ok()) return std::nullopt;
  return std::move(facts).value();
}

std::int64_t WitnessBuilder::Compute(const Atom& atom, const Facts& facts) const {
  if (!atom.program) return kAbsent;
  const PolicyModel& m = reader_.model();
  const FactsData* data = PolicyInternal::Data(facts);
  std::vector<Value> decided(m.schema.decisions.size());
  for (const FieldDecl& f : m.schema.decisions) decided[f.slot] = f.default_value;
  const Value* spaces[2] = {data->slots.data(), decided.data()};
  std::vector<NamedValueSlot> named;
  RegexPool regexes = MakeRegexPool(m);
  EvalContext ctx;
  PrepareEvalContext(m, spaces, &regexes, &named, &ctx);
  Value v = atom.program->Evaluate(ctx);
  switch (v.kind()) {
    case Value::Kind::kBool:
      return v.bool_value() ? 1 : 0;
    case Value::Kind::kInt:
      return v.int_value() == kAbsent ? kMinCode : v.int_value();
    case Value::Kind::kUint:
      return v.uint_value() > static_cast<std::uint64_t>(kMaxCode) ? kMaxCode
                                                                    : static_cast<std::int64_t>(v.uint_value());
    case Value::Kind::kString:
      if (atom.type->kind() == TK::kEnum) {
        int i = atom.type->enum_type()->IndexOf(v.string_value());
        return i >= 0 ? i : kAbsent;
      }
      return atoms_->StringCode(v.string_value());
    default:
      return kAbsent;
  }
}

int WitnessBuilder::Score(const Facts& facts, const std::vector<std::pair<std::uint32_t, CodeSet>>& targets) const {
  int n = 0;
  for (const auto& [atom, set] : targets) {
    if (set.Contains(Compute(atoms_->atom(atom), facts))) ++n;
  }
  return n;
}

std::optional<Witness> WitnessBuilder::Build(const Box& box) {
  if (box.empty()) return std::nullopt;
  const PolicyModel& m = reader_.model();
  Json json = Json::object();
  std::vector<bool> fixed(m.schema.facts.size(), false);
  std::vector<std::pair<std::uint32_t, CodeSet>> targets;
  for (const Box::Constraint& c : box.constraints()) {
    const Atom& a = atoms_->atom(c.atom);
    if (a.kind == Atom::Kind::kComputed) {
      targets.push_back({c.atom, c.set});
      continue;
    }
    if (a.kind != Atom::Kind::kFact) continue;  // decision fields follow from the facts
    fixed[a.slot] = true;
    std::int64_t code = c.set.Pick(0);
    if (code == kAbsent) continue;
    Json v;
    switch (a.type->kind()) {
      case TK::kBool: v = code != 0; break;
      case TK::kInt: v = code; break;
      case TK::kUint: v = static_cast<std::uint64_t>(code); break;
      case TK::kEnum: v = a.type->enum_type()->values[static_cast<std::size_t>(code)]; break;
      case TK::kString: v = atoms_->StringOf(code); break;
      default: continue;
    }
    SetPath(&json, a.text, std::move(v));
  }
  std::optional<Facts> facts = Read(json);
  if (!facts) return std::nullopt;
  if (targets.empty()) return Witness{std::move(json), std::move(*facts)};

  // The facts the computed atoms read that the box leaves free: searched.
  std::vector<std::uint32_t> free;
  for (const auto& [atom, set] : targets) {
    for (std::uint32_t slot : atoms_->atom(atom).facts) {
      if (!fixed[slot] && std::find(free.begin(), free.end(), slot) == free.end()) free.push_back(slot);
    }
  }
  // Every timestamp starts at the same moment (durations between them 0).
  for (std::uint32_t slot : free) {
    const FieldDecl& f = m.schema.facts[slot];
    if (f.type->kind() == TK::kTimestamp) SetPath(&json, f.name, TimeAt(kBaseSeconds));
  }
  // Numbers the targets name, to try as days, hours and amounts.
  std::vector<std::int64_t> numbers{0, 1};
  for (const auto& [atom, set] : targets) {
    for (const auto& [lo, hi] : set.spans()) {
      for (std::int64_t x : {lo, hi}) {
        if (x == kAbsent || x == kMinCode || x == kMaxCode) continue;
        for (std::int64_t d : {x - 1, x, x + 1}) numbers.push_back(d);
      }
    }
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());

  auto candidates = [&](std::uint32_t slot) {
    const FieldDecl& f = m.schema.facts[slot];
    std::vector<Candidate> out;
    switch (f.type->kind()) {
      case TK::kTimestamp: {
        std::vector<std::int64_t> offsets;
        for (std::int64_t d : kDays) offsets.insert(offsets.end(), {d * 86400, -d * 86400});
        for (std::int64_t x : numbers) {
          if (x > -100000 && x < 100000) offsets.insert(offsets.end(), {x * 86400, -x * 86400, x * 3600, -x * 3600});
        }
        for (std::int64_t o : offsets) out.push_back({false, TimeAt(kBaseSeconds + o)});
        break;
      }
      case TK::kInt:
      case TK::kUint:
        for (std::int64_t x : numbers) {
          if ((f.money && !f.signed_money) || f.type->kind() == TK::kUint) {
            if (x < 0) continue;
          }
          out.push_back({false, x});
        }
        break;
      case TK::kBool:
        out.push_back({false, true});
        out.push_back({false, false});
        break;
      case TK::kEnum:
        for (const std::string& w : f.type->enum_type()->values) out.push_back({false, w});
        break;
      case TK::kString:
        for (std::int64_t code = 0;; ++code) {
          std::string s = atoms_->StringOf(code);
          out.push_back({false, s});
          if (s.rfind("other", 0) == 0 || code > 64) break;
        }
        break;
      default:
        break;
    }
    out.push_back({true, nullptr});
    return out;
  };

  int best = Score(*facts, targets);
  const int total = static_cast<int>(targets.size());
  int trials = 0;
  for (int round = 0; round < kRounds && best < total && trials < kMaxTrials; ++round) {
    bool improved = false;
    for (std::uint32_t slot : free) {
      const std::string& name = m.schema.facts[slot].name;
      for (Candidate& c : candidates(slot)) {
        if (++trials > kMaxTrials) break;
        Json trial = json;
        if (c.absent) ErasePath(&trial, name);
        else SetPath(&trial, name, c.value);
        std::optional<Facts> read = Read(trial);
        if (!read) continue;
        int score = Score(*read, targets);
        if (score > best) {
          best = score;
          json = std::move(trial);
          facts = std::move(read);
          improved = true;
          if (best == total) break;
        }
      }
      if (best == total) break;
    }
    if (!improved) break;
  }
  if (best < total) return std::nullopt;
  return Witness{std::move(json), std::move(*facts)};
}

}  // namespace aftersales::internal::lint
