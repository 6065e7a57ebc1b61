// The C API: the only extern "C" file. Every entry point catches everything;
// no C++ exception crosses it. Strings handed out are malloc'd copies.
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>

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
    aftersales::DecideTextOptions options;
    options.explain = (flags & AFTERSALES_EXPLAIN) != 0;
    options.output = (flags & AFTERSALES_TEXT) ? aftersales::DecideTextOptions::Output::kText
                                               : aftersales::DecideTextOptions::Output::kJsonLine;
    aftersales::CaseText run = aftersales::DecideText(*policy->policy, std::string_view(case_json, length), options);
    if (run.outcome != aftersales::CaseText::Outcome::kDecided) {
      // A case not read: its one error. Not decided: one error per line.
      std::string msg;
      for (const std::string& e : run.errors) msg += (msg.empty() ? "" : "\n") + e;
      if (run.outcome != aftersales::CaseText::Outcome::kNotRead) msg += "\n";
      Set(error, msg);
      return run.outcome == aftersales::CaseText::Outcome::kNotRead ? AFTERSALES_BAD_INPUT : AFTERSALES_EVAL_FAILED;
    }
    *decision = Copy(run.output);
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
