#include "aftersales/decision_log.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/value.h"
#include "decision/policy_impl.h"
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

void AddPersonal(const Value& v, std::vector<std::string>* out) {
  switch (v.kind()) {
    case Value::Kind::kString:
      if (!v.string_value().empty()) out->push_back(v.string_value());
      break;
    case Value::Kind::kInt:
      out->push_back(std::to_string(v.int_value()));
      break;
    case Value::Kind::kUint:
      out->push_back(std::to_string(v.uint_value()));
      break;
    case Value::Kind::kList:
      for (const Value& e : v.list_value()) AddPersonal(e, out);
      break;
    default:
      break;
  }
}

// Replaces every occurrence of each personal value in `s` by its mask.
// `values` is sorted longest first, so a value inside another is masked
// with the longer one.
void MaskString(std::string* s, const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [value, mask] : values) {
    std::size_t pos = 0;
    while ((pos = s->find(value, pos)) != std::string::npos) {
      s->replace(pos, value.size(), mask);
      pos += mask.size();
    }
  }
}

void MaskJson(ojson* j, const std::vector<std::pair<std::string, std::string>>& values, int depth) {
  if (depth > 64) return;  // the decision's JSON is a few levels deep
  if (j->is_string()) {
    MaskString(j->get_ptr<std::string*>(), values);
  } else if (j->is_array() || j->is_object()) {
    for (auto& e : *j) MaskJson(&e, values, depth + 1);
  }
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
  const internal::PolicyImpl& impl = policy.impl();
  const internal::FactsData* data = internal::PolicyImpl::DataOf(facts);
  if (!impl.Accepts(data)) {
    return Status::InvalidArgument("decision log: the facts were not read by policy " + policy.name());
  }
  std::vector<std::pair<std::string, std::string>> personal;
  if (options_.mask_personal) {
    std::vector<std::string> values;
    const auto& decls = data->owner->model().schema.facts;  // as read
    const auto& slots = data->slots;
    for (std::size_t i = 0; i < decls.size() && i < slots.size(); ++i) {
      if (decls[i].personal) AddPersonal(slots[i], &values);
    }
    std::sort(values.begin(), values.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    values.erase(std::unique(values.begin(), values.end()), values.end());
    for (std::string& v : values) {
      std::string mask = MaskPersonalValue(v);
      personal.emplace_back(std::move(v), std::move(mask));
    }
  }
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
    if (!personal.empty()) {
      // Everything a case put in the line; not the time, rule ids or the
      // policy's name and digest (a short value could match inside a digest).
      MaskJson(&line["case_id"], personal, 0);
      ojson& d_json = line["decision"];
      for (auto it = d_json.begin(); it != d_json.end(); ++it) {
        if (it.key() != "policy") MaskJson(&it.value(), personal, 0);
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
