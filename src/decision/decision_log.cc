#include "aftersales/decision_log.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <optional>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "common/format.h"
#include "common/time.h"
#include "common/value.h"
#include "expr/regex_pool.h"
#include "policy/script_template.h"
#include "decision/eval_setup.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"
#include "decision/script_locale.h"
#include "policy/policy_model.h"

namespace aftersales {
namespace {

using ojson = nlohmann::ordered_json;
using internal::Value;

std::string SystemNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  if (millis < 0) millis += 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

// Byte offsets where each UTF-8 code point of `s` starts.
std::vector<std::size_t> CodePointStarts(std::string_view s) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  return starts;
}

// The bytes of personal values the log masks by searching (their renderings
// together): past it, every string a case could have put in the line is
// masked whole instead. Each search is one RE2 pass, linear in the text.
constexpr std::size_t kMaxMaskPatternBytes = 64u << 10;

// How a personal fact's value can appear in the line: as its JSON has it,
// and as a script shows it by default.
void AddRenderings(const Value& v, bool money, std::vector<std::string>* out, int depth) {
  if (depth > internal::kMaxTypeNesting) return;  // a fact's value nests no deeper
  switch (v.kind()) {
    case Value::Kind::kString:
      out->push_back(v.string_value());
      break;
    case Value::Kind::kInt:
      out->push_back(std::to_string(v.int_value()));
      if (money) out->push_back(internal::FormatMoney(v.int_value()));
      break;
    case Value::Kind::kUint:
      out->push_back(std::to_string(v.uint_value()));
      break;
    case Value::Kind::kDouble:
      out->push_back(ojson(v.double_value()).dump());
      {
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, v.double_value());  // shortest, as scripts show it
        if (r.ec == std::errc()) out->push_back(std::string(buf, r.ptr));
      }
      break;
    case Value::Kind::kTimestamp:
      out->push_back(internal::FormatTimestamp(v.timestamp_value()));
      break;
    case Value::Kind::kDuration:
      out->push_back(internal::FormatDuration(v.duration_value()));
      break;
    case Value::Kind::kList:
      for (const Value& e : v.list_value()) AddRenderings(e, money, out, depth + 1);
      break;
    default:
      break;
  }
}

// A byte that continues a word or a number: a match must not start or end
// inside one (order.id "0" must not mask the zeros of "299.00").
bool WordAt(std::string_view s, std::size_t i) {
  auto digit = [&](std::size_t j) { return j < s.size() && s[j] >= '0' && s[j] <= '9'; };
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (std::isalnum(c) || c >= 0x80 || c == '_') return true;
  return (c == '.' || c == ',') && i > 0 && digit(i - 1) && digit(i + 1);
}

// Masks personal values inside text a case may have shaped (decision
// fields, error messages): every rendering of a personal fact found as a
// whole word or number, in one RE2 pass, so the time is linear in the text.
class Masker {
 public:
  explicit Masker(std::vector<std::string> values) {
    std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    values.erase(std::unique(values.begin(), values.end()), values.end());
    values.erase(std::remove(values.begin(), values.end(), std::string()), values.end());
    if (values.empty()) return;
    std::string pattern;
    for (const std::string& v : values) {
      if (pattern.size() + v.size() > kMaxMaskPatternBytes) {
        whole_ = true;
        return;
      }
      pattern += (pattern.empty() ? "(" : "|") + RE2::QuoteMeta(v);
    }
    pattern += ")";
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(16 << 20);
    options.set_encoding(RE2::Options::EncodingLatin1);  // bytes, as the values are
    re_ = std::make_unique<RE2>(pattern, options);
    if (!re_->ok()) whole_ = true;
  }

  bool active() const { return whole_ || re_ != nullptr; }

  void Mask(std::string* s) const {
    if (s->empty() || !active()) return;
    if (whole_) {
      *s = "***";
      return;
    }
    std::string out;
    std::string_view text(*s);
    std::size_t pos = 0, copied = 0;
    re2::StringPiece match;
    while (pos < text.size() &&
           re_->Match(re2::StringPiece(text.data(), text.size()), pos, text.size(), RE2::UNANCHORED, &match, 1)) {
      const auto begin = static_cast<std::size_t>(match.data() - text.data());
      const std::size_t end = begin + match.size();
      const bool inside = (begin > 0 && WordAt(text, begin - 1) && WordAt(text, begin)) ||
                          (end < text.size() && WordAt(text, end) && WordAt(text, end - 1));
      if (inside || match.empty()) {
        pos = begin + 1;
        continue;
      }
      out.append(text.substr(copied, begin - copied));
      out += MaskPersonalValue(text.substr(begin, end - begin));
      copied = pos = end;
    }
    if (copied == 0) return;
    out.append(text.substr(copied));
    *s = std::move(out);
  }

  void MaskJson(ojson* j, int depth) const {
    if (depth > 64) return;  // the decision's JSON is a few levels deep
    if (j->is_string()) {
      Mask(j->get_ptr<std::string*>());
    } else if (j->is_array() || j->is_object()) {
      for (auto& e : *j) MaskJson(&e, depth + 1);
    }
  }

 private:
  std::unique_ptr<RE2> re_;
  bool whole_ = false;
};

// A decided value back as the engine held it, for rendering the script
// again; absent when it cannot be.
Value FromField(const FieldValue& f, const internal::Type& type) {
  switch (f.kind) {
    case FieldValue::Kind::kAbsent: return Value();
    case FieldValue::Kind::kNull: return Value::Null();
    case FieldValue::Kind::kBool: return Value::Bool(f.bool_value);
    case FieldValue::Kind::kInt: return Value::Int(f.int_value);
    case FieldValue::Kind::kUint: return Value::Uint(f.uint_value);
    case FieldValue::Kind::kDouble: return Value::Double(f.double_value);
    case FieldValue::Kind::kString:
      if (type.kind() == internal::Type::Kind::kTimestamp) {
        if (auto t = internal::ParseTimestamp(f.string_value)) return Value::Time(*t);
        return Value();
      }
      if (type.kind() == internal::Type::Kind::kDuration) {
        if (auto d = internal::ParseDuration(f.string_value)) return Value::Dur(*d);
        return Value();
      }
      return Value::String(f.string_value);
    case FieldValue::Kind::kList: {
      Value::List items;
      const internal::Type& elem = type.kind() == internal::Type::Kind::kList ? *type.elem() : type;
      for (const FieldValue& e : f.items) items.push_back(FromField(e, elem));
      return Value::ListOf(std::move(items));
    }
  }
  return Value();
}

// The script text with each personal fact's rendering masked where the
// script put it (whatever its format spec made of it: {phone:.7}, {card:x},
// money, dates), and the decision fields it shows masked like any decision
// field. Found by rendering the fired rules' scripts again, as the engine
// did, and noting where each field went; nullopt when that does not give
// the decision's text (the caller then masks the whole text).
std::optional<std::string> MaskedScript(const internal::PolicyImpl& policy, const internal::FactsData& data,
                                        const Decision& d, const Masker& masker) {
  const internal::PolicyImpl& route = policy.Route(data);
  const internal::PolicyModel& m = route.model();
  if (d.script_text.empty()) return std::string();
  std::size_t locale = m.locales.size();
  for (std::size_t i = 0; i < m.locales.size(); ++i) {
    if (m.locales[i] == d.script_locale) locale = i;
  }
  if (locale == m.locales.size()) return std::nullopt;
  std::vector<Value> decided(m.schema.decisions.size());
  for (const internal::FieldDecl& f : m.schema.decisions) {
    if (const FieldValue* v = d.Find(f.name)) decided[f.slot] = FromField(*v, *f.type);
  }
  const internal::TimeZone* zone = nullptr;
  if (m.timezone_fact && data.slots[*m.timezone_fact].kind() == Value::Kind::kString) {
    zone = internal::FindTimeZoneRemembered(data.slots[*m.timezone_fact].string_value());
  }
  if (zone == nullptr) zone = route.default_zone();
  const Value* spaces[2] = {data.slots.data(), decided.data()};
  // Named values read facts only: worked out again, they are what the
  // decision showed.
  std::vector<internal::NamedValueSlot> named;
  internal::RegexPool regexes = internal::MakeRegexPool(m);
  internal::EvalContext eval;
  internal::PrepareEvalContext(m, spaces, &regexes, &named, &eval);
  std::string text;
  std::vector<internal::RenderedSpan> spans;
  for (const std::string& id : d.matched_rules) {
    const internal::Rule* rule = nullptr;
    for (const internal::Stage& stage : m.stages) {
      for (const internal::Rule& r : stage.rules) {
        if (rule == nullptr && r.id == id) rule = &r;
      }
    }
    if (rule == nullptr) return std::nullopt;
    // The whole reply is in the decision's script.locale (script_locale.h).
    const internal::Template* t = internal::ScriptIn(*rule, locale);
    if (t == nullptr) continue;
    std::string paragraph, error;
    std::vector<internal::RenderedSpan> rule_spans;
    if (!internal::RenderTemplate(*t, spaces, zone, m.locales[locale], m.limits.max_script_length, &paragraph, &error,
                                  &rule_spans, &eval)) {
      return std::nullopt;
    }
    if (!text.empty()) text += "\n\n";
    for (internal::RenderedSpan& span : rule_spans) {
      span.begin += text.size();
      span.end += text.size();
      spans.push_back(span);
    }
    text += paragraph;
  }
  if (text != d.script_text) return std::nullopt;
  std::string out;
  std::size_t at = 0;
  for (const internal::RenderedSpan& span : spans) {
    out.append(text, at, span.begin - at);
    std::string part = text.substr(span.begin, span.end - span.begin);
    if (span.ref.space == internal::kFactSpace) {
      if (span.ref.slot < m.schema.facts.size() && m.schema.facts[span.ref.slot].personal) {
        part = MaskPersonalValue(part);
      }
    } else {
      masker.Mask(&part);  // a decision field: masked as the decision's own fields are
    }
    out += part;
    at = span.end;
  }
  out.append(text, at, std::string::npos);
  return out;
}

}  // namespace

std::string MaskPersonalValue(std::string_view value) {
  std::vector<std::size_t> starts = CodePointStarts(value);
  if (starts.size() < 8) return "***";
  return "****" + std::string(value.substr(starts[starts.size() - 4]));
}

Result<std::unique_ptr<DecisionLog>> DecisionLog::OpenFile(std::string path, DecisionLogOptions options) {
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (f == nullptr) return Status::IoError("cannot open decision log " + path);
  std::shared_ptr<std::FILE> file(f, [](std::FILE* p) { std::fclose(p); });
  auto writer = [file](std::string_view line) {
    return std::fwrite(line.data(), 1, line.size(), file.get()) == line.size() && std::fflush(file.get()) == 0;
  };
  return std::make_unique<DecisionLog>(std::move(writer), std::move(options));
}

DecisionLog::DecisionLog(std::function<bool(std::string_view)> writer, DecisionLogOptions options)
    : writer_(std::move(writer)), options_(std::move(options)) {}

DecisionLog::~DecisionLog() = default;

Result<std::string> DecisionLog::FormatLine(const Policy& policy, const Facts& facts,
                                            const Decision& decision) const {
  const internal::PolicyImpl& impl = internal::PolicyInternal::Impl(policy);
  const internal::FactsData* data = internal::PolicyInternal::Data(facts);
  if (!impl.Accepts(data)) {
    return Status::InvalidArgument("decision log: the facts were not read by policy " + policy.name());
  }
  // Personal facts, by declaration: their values and renderings.
  std::vector<std::string> values;
  bool case_id_personal = false;
  if (options_.mask_personal) {
    const auto& model = data->owner->model();
    const auto& decls = model.schema.facts;  // as read
    const auto& slots = data->slots;
    for (std::size_t i = 0; i < decls.size() && i < slots.size(); ++i) {
      if (decls[i].personal) AddRenderings(slots[i], decls[i].money, &values, 0);
    }
    case_id_personal = model.case_id_fact && *model.case_id_fact < decls.size() && decls[*model.case_id_fact].personal;
  }
  const bool masking = options_.mask_personal && (!values.empty() || case_id_personal);
  const Masker masker(std::move(values));
  try {
    ojson d = ojson::parse(DecisionToJson(decision), nullptr, /*allow_exceptions=*/false);
    if (d.is_discarded()) return Status::Internal("decision log: the decision's JSON does not parse");
    ojson line;
    line["time"] = options_.now ? options_.now() : SystemNow();
    line["case_id"] = decision.case_id;
    line["policy"] = {{"name", decision.policy_name},
                      {"version", decision.policy_version},
                      {"digest", decision.policy_digest}};
    line["decision"] = std::move(d);
    line["rules_fired"] = decision.matched_rules;
    if (masking) {
      // Everything a case put in the line; not the time, rule ids or the
      // policy's name and digest. The case id is masked whole when its fact
      // is personal; the script by where each fact went in it.
      auto mask_id = [&](ojson* id) {
        if (!id->is_string()) return;
        if (case_id_personal && !id->get<std::string>().empty()) {
          *id = MaskPersonalValue(id->get<std::string>());
        } else {
          masker.MaskJson(id, 0);
        }
      };
      mask_id(&line["case_id"]);
      ojson& d_json = line["decision"];
      for (auto it = d_json.begin(); it != d_json.end(); ++it) {
        if (it.key() == "policy") continue;
        if (it.key() == "case_id") {
          mask_id(&it.value());
        } else if (it.key() == "script" && it.value().is_object() && it.value().contains("text")) {
          std::optional<std::string> script = MaskedScript(impl, *data, decision, masker);
          it.value()["text"] = script ? *script : std::string(decision.script_text.empty() ? "" : "***");
        } else {
          masker.MaskJson(&it.value(), 0);
        }
      }
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("decision log: ") + e.what());
  }
}

Status DecisionLog::Append(const Policy& policy, const Facts& facts, const Decision& decision) {
  Result<std::string> line = FormatLine(policy, facts, decision);
  if (!line.ok()) return line.status();
  line->push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  if (!writer_ || !writer_(*line)) return Status::IoError("decision log: write failed");
  return Status::Ok();
}

}  // namespace aftersales
