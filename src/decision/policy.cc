// The public Policy, Facts and FactsBuilder, forwarding to PolicyImpl.
#include "aftersales/policy.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <utility>

#include "common/time.h"
#include "decision/rule_index.h"
#include "decision/decision_writer.h"
#include "decision/fact_value.h"
#include "decision/facts_reader.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales {

using internal::FactsData;
using internal::FieldDecl;
using internal::PolicyImpl;
using internal::PolicyInternal;
using internal::Value;

Policy::Policy(std::shared_ptr<const internal::PolicyImpl> impl) : impl_(std::move(impl)) {}
Policy::~Policy() = default;

const std::string& Policy::name() const { return impl_->model().name; }
const std::string& Policy::version() const { return impl_->model().version; }
const std::string& Policy::digest() const { return impl_->model().digest; }
const std::vector<Issue>& Policy::warnings() const { return impl_->model().warnings; }
std::vector<std::string> Policy::rule_ids() const {
  std::vector<std::string> ids;
  for (const internal::Stage& stage : impl_->model().stages) {
    for (const internal::Rule& rule : stage.rules) ids.push_back(rule.id);
  }
  for (const PlatformOverlay& overlay : impl_->platform_overlays()) {
    for (const std::string& id : overlay.policy->rule_ids()) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  return ids;
}
const std::vector<PlatformOverlay>& Policy::platform_overlays() const { return impl_->platform_overlays(); }

Result<Facts> Policy::ReadFactsJson(std::string_view json, std::string_view source_name) const {
  return impl_->ReadFactsJson(json, source_name);
}
Result<Facts> Policy::ReadFactsYaml(std::string_view yaml, std::string_view source_name) const {
  return impl_->ReadFactsYaml(yaml, source_name);
}
FactsBuilder Policy::NewFacts() const { return impl_->NewFacts(); }
Decision Policy::Decide(const Facts& facts, const DecideOptions& options) const {
  return impl_->Decide(facts, options);
}
std::string Policy::DecideToJson(const Facts& facts, const DecideOptions& options, bool* decided) const {
  bool ok = false;
  std::string json = impl_->DecideToJson(facts, options, &ok);
  if (decided) *decided = ok;
  return json;
}

// ---- Facts ----------------------------------------------------------------

Facts::Facts(std::unique_ptr<internal::FactsData> data) : data_(std::move(data)) {}
Facts::Facts(Facts&&) noexcept = default;
Facts& Facts::operator=(Facts&&) noexcept = default;
Facts::~Facts() = default;

std::string Facts::case_id() const {
  if (!data_ || !data_->owner) return "";
  const auto& slot = data_->owner->model().case_id_fact;
  if (!slot) return "";
  const Value& v = data_->slots[*slot];
  return v.kind() == Value::Kind::kString ? v.string_value() : "";
}

// ---- FactsBuilder ---------------------------------------------------------

FactsBuilder::FactsBuilder(std::unique_ptr<internal::FactsData> data) : data_(std::move(data)) {}
FactsBuilder::FactsBuilder(FactsBuilder&&) noexcept = default;
FactsBuilder& FactsBuilder::operator=(FactsBuilder&&) noexcept = default;
FactsBuilder::~FactsBuilder() = default;

namespace {

using internal::CaseValue;
using internal::FactConverter;
using internal::FactError;

// A builder that was moved from (or facts from a moved-from builder) has
// no data or no policy: every call says so instead of crashing.
Status MovedFrom() { return Status::FailedPrecondition("this FactsBuilder was moved from; get a new one from Policy::NewFacts()"); }

Status Refused(std::string_view name, std::string why) {
  return Status::InvalidArgument(internal::FormatFactError(FactError{std::string(name), std::move(why), {}}));
}

const FieldDecl* Lookup(const FactsData* data, std::string_view name, Status* status) {
  if (!data || !data->owner) {
    *status = MovedFrom();
    return nullptr;
  }
  const auto& schema = data->owner->model().schema;
  auto it = schema.fact_index.find(std::string(name));
  if (it == schema.fact_index.end()) {
    *status = Refused(name, "the policy declares no such fact");
    return nullptr;
  }
  return &schema.facts[it->second];
}

FactConverter ConverterFor(const FactsData& data) {
  return FactConverter(data.owner->model().limits, data.owner->locale_fact());
}

// A value as a setter gives it: its kind is the setter's type.
CaseValue Given(CaseValue::Kind kind) {
  CaseValue v;
  v.source = internal::FactSource::kBuilder;
  v.kind = kind;
  return v;
}

CaseValue GivenText(CaseValue::Kind kind, std::string_view text) {
  CaseValue v = Given(kind);
  v.text = text;
  return v;
}

// Sets a fact given as one value, checked and converted as the readers do.
Status Set(FactsData* data, std::string_view name, const CaseValue& v) {
  Status st;
  const FieldDecl* d = Lookup(data, name, &st);
  if (!d) return st;
  Value out;
  std::string why;
  if (!ConverterFor(*data).Fact(*d, v, &out, &why)) return Refused(name, std::move(why));
  data->slots[d->slot] = std::move(out);
  return Status::Ok();
}

}  // namespace

Status FactsBuilder::SetString(std::string_view name, std::string_view value) {
  return Set(data_.get(), name, GivenText(CaseValue::Kind::kText, value));
}
Status FactsBuilder::SetInt(std::string_view name, std::int64_t value) {
  CaseValue v = Given(CaseValue::Kind::kInt);
  v.int_value = value;
  return Set(data_.get(), name, v);
}
Status FactsBuilder::SetUint(std::string_view name, std::uint64_t value) {
  CaseValue v = Given(CaseValue::Kind::kUint);
  v.uint_value = value;
  return Set(data_.get(), name, v);
}
Status FactsBuilder::SetDouble(std::string_view name, double value) {
  CaseValue v = Given(CaseValue::Kind::kFloat);
  v.double_value = value;
  v.has_double = true;
  return Set(data_.get(), name, v);
}
Status FactsBuilder::SetBool(std::string_view name, bool value) {
  CaseValue v = Given(CaseValue::Kind::kBool);
  v.bool_value = value;
  return Set(data_.get(), name, v);
}
Status FactsBuilder::SetTimestamp(std::string_view name, std::string_view rfc3339) {
  return Set(data_.get(), name, GivenText(CaseValue::Kind::kTimestamp, rfc3339));
}
Status FactsBuilder::SetDuration(std::string_view name, std::string_view duration) {
  return Set(data_.get(), name, GivenText(CaseValue::Kind::kDuration, duration));
}
Status FactsBuilder::SetStringList(std::string_view name, const std::vector<std::string>& values) {
  Status st;
  const FieldDecl* d = Lookup(data_.get(), name, &st);
  if (!d) return st;
  const FactConverter converter = ConverterFor(*data_);
  std::string why;
  if (!converter.BeginList(*d, *d->type, Given(CaseValue::Kind::kList), values.size(), 0, &why)) {
    return Refused(name, std::move(why));
  }
  // Each item is given as its element type's setter would give it: the
  // text of a timestamp or a duration for list<timestamp>, list<duration>.
  const internal::Type& elem = *d->type->elem();
  const CaseValue::Kind kind = elem.kind() == internal::Type::Kind::kTimestamp  ? CaseValue::Kind::kTimestamp
                               : elem.kind() == internal::Type::Kind::kDuration ? CaseValue::Kind::kDuration
                                                                                : CaseValue::Kind::kText;
  Value::List items;
  items.reserve(values.size());
  for (const std::string& s : values) {
    Value item;
    if (!converter.Scalar(*d, elem, GivenText(kind, s), 1, &item, &why)) {
      return Refused(name, std::move(why));
    }
    items.push_back(std::move(item));
  }
  Value list = Value::ListOf(std::move(items));
  if (!converter.Declared(*d, list, &why)) return Refused(name, std::move(why));
  data_->slots[d->slot] = std::move(list);
  return Status::Ok();
}
Status FactsBuilder::Clear(std::string_view name) {
  Status st;
  const FieldDecl* d = Lookup(data_.get(), name, &st);
  if (!d) return st;
  data_->slots[d->slot] = d->default_value;
  return Status::Ok();
}

Facts FactsBuilder::Build() const {
  // A moved-from builder builds facts no policy accepts (Decide says so).
  return PolicyInternal::MakeFacts(data_ ? std::make_unique<FactsData>(*data_) : std::make_unique<FactsData>());
}

// ---- PolicyImpl: reading --------------------------------------------------

namespace internal {

namespace {
std::uint64_t NextPolicyId() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

namespace {

// A constant a rule sets an enum field (or a list of one) to, as the enum's
// own words (Value::StringRef): comparisons then find them by index
// (EnumType::StoredIndex). Anything else is kept as it is.
Value AsStoredWords(const Type& t, const Value& v) {
  if (t.kind() == Type::Kind::kEnum && t.enum_type() && v.kind() == Value::Kind::kString) {
    const int i = t.enum_type()->IndexOf(v.string_value());
    return i < 0 ? v : Value::StringRef(t.enum_type()->values[static_cast<std::size_t>(i)]);
  }
  if (t.kind() == Type::Kind::kList && t.elem() && v.kind() == Value::Kind::kList) {
    Value::List items;
    items.reserve(v.list_value().size());
    for (const Value& e : v.list_value()) items.push_back(AsStoredWords(*t.elem(), e));
    return Value::ListOf(std::move(items));
  }
  return v;
}

}  // namespace

PolicyImpl::PolicyImpl(PolicyModel model)
    : model_(std::move(model)),
      id_(NextPolicyId()),
      keys_(std::make_unique<FactKeyTree>(BuildFactKeyTree(model_.schema))),
      locale_(LocaleFact::For(model_)),
      default_zone_(FindTimeZone(model_.default_timezone)) {
  auto borrow = [&](Value& v) {
    owned_.push_back(v);
    v = v.Borrow();
  };
  for (FieldDecl& f : model_.schema.facts) borrow(f.default_value);
  for (FieldDecl& f : model_.schema.decisions) borrow(f.default_value);
  for (Stage& stage : model_.stages) {
    for (Rule& rule : stage.rules) {
      for (Assignment& a : rule.then) {
        if (!a.program && a.slot < model_.schema.decisions.size() && model_.schema.decisions[a.slot].type) {
          a.constant = AsStoredWords(*model_.schema.decisions[a.slot].type, a.constant);
        }
        borrow(a.constant);
      }
    }
  }
  std::vector<std::string> names, groups;
  for (const FieldDecl& f : model_.schema.decisions) names.push_back(f.name);
  for (const GroupDecl& g : model_.schema.groups) {
    if (g.nullable) groups.push_back(g.name);
  }
  layout_ = std::make_unique<const DecisionLayout>(std::move(names), std::move(groups));
  policy_json_ = PolicyPartJson(model_.name, model_.version, model_.digest);
  for (const Stage& stage : model_.stages) rule_indexes_.push_back(RuleIndex::Build(stage, model_.schema));
}

PolicyImpl::~PolicyImpl() = default;

// ---- PolicyImpl: platform dispatch ----------------------------------------

namespace {

// An overlay's fact of an enum type (or a list of one) holds words of this
// policy's enum when this policy read the case: its enum learns to find
// them by index too (EnumType::ShareWords). The loader checked that both
// declare the facts alike.
void ShareWords(const Type& overlay, const TypePtr& mine) {
  if (!mine || overlay.kind() != mine->kind()) return;
  if (overlay.kind() == Type::Kind::kEnum) {
    const auto& words = overlay.enum_type();
    if (words && mine->enum_type() && words != mine->enum_type() && words->values == mine->enum_type()->values) {
      words->ShareWords(mine->enum_type());
    }
  } else if (overlay.kind() == Type::Kind::kList && overlay.elem()) {
    ShareWords(*overlay.elem(), mine->elem());
  }
}

}  // namespace

void PolicyImpl::SetPlatformOverlays(std::uint32_t slot, std::shared_ptr<const EnumType> platforms,
                                     std::vector<PlatformOverlay> overlays) {
  for (const PlatformOverlay& overlay : overlays) {
    const std::vector<FieldDecl>& theirs = PolicyInternal::Impl(*overlay.policy).model().schema.facts;
    for (std::size_t i = 0; i < theirs.size() && i < model_.schema.facts.size(); ++i) {
      if (theirs[i].type) ShareWords(*theirs[i].type, model_.schema.facts[i].type);
    }
  }
  platform_slot_ = slot;
  by_platform_.assign(platforms->values.size(), nullptr);
  for (const PlatformOverlay& overlay : overlays) {
    const int i = platforms->IndexOf(overlay.platform);
    if (i >= 0) by_platform_[static_cast<std::size_t>(i)] = &PolicyInternal::Impl(*overlay.policy);
  }
  platform_enum_ = std::move(platforms);
  overlays_ = std::move(overlays);
}

bool PolicyImpl::Accepts(const FactsData* data) const {
  if (data == nullptr || data->owner == nullptr) return false;
  if (data->policy_id == id_) return true;
  // An overlay decides what the policy holding it read: the loader made
  // sure both read cases alike. (The owner is alive: facts keep it alive.)
  for (const PlatformOverlay& overlay : data->owner->overlays_) {
    if (PolicyInternal::Impl(*overlay.policy).id_ == id_) return true;
  }
  return false;
}

const PolicyImpl& PolicyImpl::Route(const FactsData& data) const {
  if (!platform_slot_ || data.policy_id != id_) return *this;
  const Value& platform = data.slots[*platform_slot_];
  if (platform.kind() != Value::Kind::kString) return *this;  // absent: our own rules
  const int i = platform_enum_->IndexOfStored(platform.string_value());
  if (i < 0 || static_cast<std::size_t>(i) >= by_platform_.size()) return *this;
  const PolicyImpl* overlay = by_platform_[static_cast<std::size_t>(i)];
  return overlay != nullptr ? *overlay : *this;
}

std::unique_ptr<FactsData> PolicyImpl::NewFactsData() const {
  auto data = std::make_unique<FactsData>();
  data->owner = shared_from_this();
  data->policy_id = id_;
  data->slots.resize(model_.schema.facts.size());
  for (const FieldDecl& f : model_.schema.facts) data->slots[f.slot] = f.default_value;
  return data;
}

FactsBuilder PolicyImpl::NewFacts() const { return PolicyInternal::MakeBuilder(NewFactsData()); }

namespace {
Result<Facts> Finish(Status st, std::unique_ptr<FactsData> data, std::string_view source_name) {
  if (!st.ok()) {
    std::string msg = source_name.empty() ? st.message() : std::string(source_name) + ": " + st.message();
    return Status(st.code(), msg);
  }
  return PolicyInternal::MakeFacts(std::move(data));
}
}  // namespace

Result<Facts> PolicyImpl::ReadFactsJson(std::string_view json, std::string_view source_name) const {
  try {
    auto data = NewFactsData();
    Status st = ReadJsonFacts(json, FactsTarget{model_.schema, *keys_, model_.limits, locale_fact()}, data.get());
    return Finish(st, std::move(data), source_name);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading the case failed: ") + e.what());
  }
}

Result<Facts> PolicyImpl::ReadFactsYaml(const YamlNode& root, std::string_view source_name) const {
  try {
    auto data = NewFactsData();
    Status st = ReadYamlFacts(root, FactsTarget{model_.schema, *keys_, model_.limits, locale_fact()}, data.get());
    return Finish(st, std::move(data), source_name);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading the case failed: ") + e.what());
  }
}

std::string PolicyImpl::CaseIdOfJson(std::string_view json) const {
  if (!model_.case_id_fact) return "";
  try {
    return internal::CaseIdOfJson(json, *keys_, *model_.case_id_fact, model_.limits);
  } catch (const std::exception&) {
    return "";
  }
}

Result<Facts> PolicyImpl::ReadFactsYaml(std::string_view yaml, std::string_view source_name) const {
  try {
    auto data = NewFactsData();
    Status st = ReadYamlFacts(yaml, FactsTarget{model_.schema, *keys_, model_.limits, locale_fact()}, data.get());
    return Finish(st, std::move(data), source_name);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading the case failed: ") + e.what());
  }
}

}  // namespace internal
}  // namespace aftersales
