// The C API: the only extern "C" file. Every entry point catches everything;
// no C++ exception crosses it. Strings handed out are malloc'd copies.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>

#include <nlohmann/json.hpp>

#include "aftersales/aftersales.h"

struct aftersales_policy_t {
  std::shared_ptr<const aftersales::Policy> policy;
};

namespace {

char* Copy(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

void Set(char** out, const std::string& s) {
  if (out) *out = Copy(s);
}

// Runs `body`; any exception becomes AFTERSALES_INTERNAL with a message.
template <typename Body>
aftersales_status Guarded(char** error, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    Set(error, "out of memory");
  } catch (const std::exception& e) {
    Set(error, std::string("internal error: ") + e.what());
  } catch (...) {
    Set(error, "internal error");
  }
  return AFTERSALES_INTERNAL;
}

std::string Hex(int bits) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto u = static_cast<unsigned>(bits);
  std::string out;
  do {
    out.insert(out.begin(), kHex[u & 0xF]);
    u >>= 4;
  } while (u != 0);
  return out;
}

// The errors of a failed decision's JSON (`"errors": [{"message", "at"}]`),
// one per line as `file:line:column: message`, as a Decision's errors print.
std::string ErrorsOfJson(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  std::string msg;
  if (j.is_object() && j.contains("errors") && j["errors"].is_array()) {
    for (const nlohmann::json& e : j["errors"]) {
      if (!e.is_object()) continue;
      std::string at = e.contains("at") && e["at"].is_string() ? e["at"].get<std::string>() : "";
      std::string message = e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>() : "";
      msg += (at.empty() ? "" : at + ": ") + message + "\n";
    }
  }
  return msg.empty() ? "the case could not be decided\n" : msg;
}

}  // namespace

extern "C" {

aftersales_status aftersales_policy_load(const char* path, aftersales_policy_t** out, char** error) {
  if (error) *error = nullptr;
  if (out) *out = nullptr;
  if (!path || !out) {
    Set(error, "aftersales_policy_load: path and out must not be NULL");
    return AFTERSALES_BAD_ARGUMENT;
  }
  return Guarded(error, [&] {
    aftersales::LoadResult r = aftersales::LoadPolicy(path);
    if (!r.ok()) {
      Set(error, aftersales::FormatIssues(r.issues));
      return AFTERSALES_BAD_POLICY;
    }
    *out = new aftersales_policy_t{std::move(r.policy)};
    return AFTERSALES_OK;
  });
}

void aftersales_policy_free(aftersales_policy_t* policy) { delete policy; }

const char* aftersales_policy_digest(const aftersales_policy_t* policy) {
  return policy ? policy->policy->digest().c_str() : "";
}

aftersales_status aftersales_decide_json(const aftersales_policy_t* policy, const char* case_json, size_t length,
                                         int flags, char** decision, char** error) {
  if (error) *error = nullptr;
  if (decision) *decision = nullptr;
  if (!policy || !case_json || !decision) {
    Set(error, "aftersales_decide_json: policy, case_json and decision must not be NULL");
    return AFTERSALES_BAD_ARGUMENT;
  }
  if ((flags & ~(AFTERSALES_EXPLAIN | AFTERSALES_TEXT)) != 0) {
    Set(error, "aftersales_decide_json: unknown flag bits 0x" + Hex(flags & ~(AFTERSALES_EXPLAIN | AFTERSALES_TEXT)) +
                   " (the flags are AFTERSALES_EXPLAIN and AFTERSALES_TEXT)");
    return AFTERSALES_BAD_ARGUMENT;
  }
  return Guarded(error, [&] {
    auto facts = policy->policy->ReadFactsJson(std::string_view(case_json, length));
    if (!facts.ok()) {
      Set(error, facts.status().message());
      return AFTERSALES_BAD_INPUT;
    }
    aftersales::DecideOptions options;
    options.explain = (flags & AFTERSALES_EXPLAIN) != 0;
    std::string out;
    if (flags & AFTERSALES_TEXT) {
      aftersales::Decision d = policy->policy->Decide(*facts, options);
      if (!d.ok()) {
        std::string msg;
        for (const aftersales::DecisionError& e : d.errors) {
          aftersales::Issue as_issue;
          as_issue.location = e.location;
          as_issue.message = e.message;
          msg += as_issue.ToString() + "\n";
        }
        Set(error, msg);
        return AFTERSALES_EVAL_FAILED;
      }
      out = aftersales::DecisionToText(d, options.explain);
    } else {
      // The JSON straight from the engine, decided once: a case that
      // failed has its errors in it, which become the message.
      bool decided = false;
      out = policy->policy->DecideToJson(*facts, options, &decided);
      if (!decided) {
        Set(error, ErrorsOfJson(out));
        return AFTERSALES_EVAL_FAILED;
      }
    }
    *decision = Copy(out);
    if (!*decision) {
      Set(error, "out of memory");
      return AFTERSALES_INTERNAL;
    }
    return AFTERSALES_OK;
  });
}

void aftersales_free(void* p) { std::free(p); }

const char* aftersales_version(void) { return AFTERSALES_VERSION_STRING; }

}  // extern "C"
