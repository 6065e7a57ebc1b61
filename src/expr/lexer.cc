#include "expr/lexer.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/text.h"

namespace aftersales::internal {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexVal(char c) { return IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

void AppendUtf8(std::string* out, std::uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    out.reserve(s_.size() / 4 + 2);  // a token every four bytes or so: few regrowths
    // Expressions are UTF-8 text, wherever they come from (a policy file
    // is checked when it is read; the expression API and `aftersales expr`
    // are not): a byte that is not is an error at its place.
    for (std::size_t i = 0; i < s_.size();) {
      std::size_t n = Utf8SequenceLength(s_, i);
      if (n == 0) {
        Token t;
        t.offset = t.end = static_cast<std::uint32_t>(i);
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(s_[i])));
        Error(&t, std::string("invalid UTF-8 (byte ") + hex + "); expressions are UTF-8 text");
        out.push_back(std::move(t));
        Token e;
        e.kind = Token::Kind::kEnd;
        e.offset = e.end = static_cast<std::uint32_t>(i);
        out.push_back(e);
        return out;
      }
      i += n;
    }
    while (true) {
      SkipSpace();
      Token t;
      t.offset = static_cast<std::uint32_t>(pos_);
      if (pos_ >= s_.size()) {
        t.kind = Token::Kind::kEnd;
        t.end = t.offset;
        out.push_back(t);
        return out;
      }
      Next(&t);
      t.end = static_cast<std::uint32_t>(pos_);
      bool error = t.kind == Token::Kind::kError;
      out.push_back(std::move(t));
      if (error) {
        Token e;
        e.kind = Token::Kind::kEnd;
        e.offset = e.end = static_cast<std::uint32_t>(pos_);
        out.push_back(e);
        return out;
      }
    }
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  bool Error(Token* t, std::string msg) {
    t->kind = Token::Kind::kError;
    t->text = std::move(msg);
    return false;
  }

  void Next(Token* t) {
    char c = s_[pos_];
    char n = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
    using K = Token::Kind;
    if (IsDigit(c) || (c == '.' && IsDigit(n))) {
      Number(t);
      return;
    }
    if ((c == 'r' || c == 'R') && (n == '"' || n == '\'')) {
      ++pos_;
      String(t, /*raw=*/true);
      return;
    }
    if ((c == 'b' || c == 'B') && (n == '"' || n == '\'')) {
      Error(t, "bytes literals are not supported");
      return;
    }
    if (IsIdentStart(c)) {
      std::size_t start = pos_;
      while (pos_ < s_.size() && (IsIdentStart(s_[pos_]) || IsDigit(s_[pos_]))) ++pos_;
      t->text = std::string(s_.substr(start, pos_ - start));
      if (t->text == "true") t->kind = K::kTrue;
      else if (t->text == "false") t->kind = K::kFalse;
      else if (t->text == "null") t->kind = K::kNull;
      else if (t->text == "in") t->kind = K::kIn;
      else t->kind = K::kIdent;
      return;
    }
    if (c == '"' || c == '\'') {
      String(t, /*raw=*/false);
      return;
    }
    auto two = [&](char second, K k2, K k1) {
      if (n == second) {
        pos_ += 2;
        t->kind = k2;
      } else {
        ++pos_;
        t->kind = k1;
      }
    };
    switch (c) {
      case '(': ++pos_; t->kind = K::kLParen; return;
      case ')': ++pos_; t->kind = K::kRParen; return;
      case '[': ++pos_; t->kind = K::kLBracket; return;
      case ']': ++pos_; t->kind = K::kRBracket; return;
      case '{': ++pos_; t->kind = K::kLBrace; return;
      case '}': ++pos_; t->kind = K::kRBrace; return;
      case '.': ++pos_; t->kind = K::kDot; return;
      case ',': ++pos_; t->kind = K::kComma; return;
      case ':': ++pos_; t->kind = K::kColon; return;
      case '?': ++pos_; t->kind = K::kQuestion; return;
      case '+': ++pos_; t->kind = K::kPlus; return;
      case '-': ++pos_; t->kind = K::kMinus; return;
      case '*': ++pos_; t->kind = K::kStar; return;
      case '/': ++pos_; t->kind = K::kSlash; return;
      case '%': ++pos_; t->kind = K::kPercent; return;
      case '<': two('=', K::kLessEq, K::kLess); return;
      case '>': two('=', K::kGreaterEq, K::kGreater); return;
      case '!': two('=', K::kNotEq, K::kBang); return;
      case '=':
        if (n == '=') {
          pos_ += 2;
          t->kind = K::kEqEq;
          return;
        }
        ++pos_;
        Error(t, "unexpected '=' (did you mean '=='?)");
        return;
      case '&':
        if (n == '&') {
          pos_ += 2;
          t->kind = K::kAndAnd;
          return;
        }
        ++pos_;
        Error(t, "unexpected '&' (did you mean '&&'?)");
        return;
      case '|':
        if (n == '|') {
          pos_ += 2;
          t->kind = K::kOrOr;
          return;
        }
        ++pos_;
        Error(t, "unexpected '|' (did you mean '||'?)");
        return;
      default:
        break;
    }
    unsigned char uc = static_cast<unsigned char>(c);
    if (uc >= 0x20 && uc < 0x7f) {
      Error(t, std::string("unexpected character '") + c + "'");
    } else if (uc < 0x80) {
      // A control character (a NUL, say): name it, it cannot be seen.
      char hex[8];
      std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(uc));
      Error(t, std::string("unexpected control character ") + hex);
    } else {
      // The text is UTF-8 (checked above): show the whole character.
      std::size_t n = Utf8SequenceLength(s_, pos_);
      Error(t, "unexpected character '" + std::string(s_.substr(pos_, n == 0 ? 1 : n)) + "'");
    }
    ++pos_;
  }

  void Number(Token* t) {
    using K = Token::Kind;
    std::size_t start = pos_;
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == 'x' || s_[pos_ + 1] == 'X')) {
      pos_ += 2;
      std::size_t ds = pos_;
      std::uint64_t v = 0;
      bool overflow = false;
      while (pos_ < s_.size() && IsHex(s_[pos_])) {
        if (v > (UINT64_MAX >> 4)) overflow = true;
        v = (v << 4) | static_cast<std::uint64_t>(HexVal(s_[pos_]));
        ++pos_;
      }
      if (pos_ == ds) {
        Error(t, "bad hex literal");
        return;
      }
      IntSuffix(t, v, overflow);
      return;
    }
    bool is_double = false;
    while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.' && pos_ + 1 < s_.size() && IsDigit(s_[pos_ + 1])) {
      is_double = true;
      ++pos_;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      std::size_t save = pos_;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ < s_.size() && IsDigit(s_[pos_])) {
        is_double = true;
        while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
      } else {
        pos_ = save;
      }
    }
    std::string text(s_.substr(start, pos_ - start));
    if (is_double) {
      errno = 0;
      t->kind = K::kDouble;
      t->double_value = std::strtod(text.c_str(), nullptr);
      // As cel-go does: a literal too large for a double is an error, not
      // an infinity (a small one underflows to 0 or a subnormal, as usual).
      if (errno == ERANGE && std::isinf(t->double_value)) Error(t, "double literal out of range");
      return;
    }
    std::uint64_t v = 0;
    bool overflow = false;
    for (char c : text) {
      std::uint64_t d = static_cast<std::uint64_t>(c - '0');
      if (v > (UINT64_MAX - d) / 10) overflow = true;
      v = v * 10 + d;
    }
    IntSuffix(t, v, overflow);
  }

  void IntSuffix(Token* t, std::uint64_t v, bool overflow) {
    if (pos_ < s_.size() && (s_[pos_] == 'u' || s_[pos_] == 'U')) {
      ++pos_;
      if (overflow) {
        Error(t, "integer literal out of range");
        return;
      }
      t->kind = Token::Kind::kUint;
      t->int_value = v;
      return;
    }
    if (overflow || v > (std::uint64_t{1} << 63)) {
      Error(t, "integer literal out of range");
      return;
    }
    t->kind = Token::Kind::kInt;
    t->int_value = v;
  }

  void String(Token* t, bool raw) {
    char q = s_[pos_];
    bool triple = pos_ + 2 < s_.size() && s_[pos_ + 1] == q && s_[pos_ + 2] == q;
    pos_ += triple ? 3 : 1;
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) {
        Error(t, "unterminated string literal");
        return;
      }
      char c = s_[pos_];
      if (triple) {
        if (c == q && pos_ + 2 < s_.size() + 0 && s_[pos_ + 1] == q && s_[pos_ + 2] == q) {
          pos_ += 3;
          break;
        }
      } else {
        if (c == q) {
          ++pos_;
          break;
        }
        if (c == '\n' || c == '\r') {
          Error(t, "newline in string literal");
          return;
        }
      }
      if (c == '\\' && !raw) {
        if (!Escape(t, &out)) return;
        continue;
      }
      if (c == '\\' && raw) {
        out.push_back(c);
        ++pos_;
        continue;
      }
      out.push_back(c);
      ++pos_;
    }
    t->kind = Token::Kind::kString;
    t->text = std::move(out);
  }

  bool Escape(Token* t, std::string* out) {
    const std::size_t backslash = pos_;
    ++pos_;
    // A bad escape is reported at its backslash, not at the string's start.
    if (!EscapeBody(t, out)) {
      t->offset = static_cast<std::uint32_t>(backslash);
      return false;
    }
    return true;
  }

  bool EscapeBody(Token* t, std::string* out) {
    if (pos_ >= s_.size()) return Error(t, "unterminated escape sequence");
    char c = s_[pos_++];
    switch (c) {
      case 'a': out->push_back('\a'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'v': out->push_back('\v'); return true;
      case '\\': out->push_back('\\'); return true;
      case '\'': out->push_back('\''); return true;
      case '"': out->push_back('"'); return true;
      case '`': out->push_back('`'); return true;
      case '?': out->push_back('?'); return true;
      case 'x': case 'X': return Hex(t, out, 2, /*code_point=*/false);
      case 'u': return Hex(t, out, 4, true);
      case 'U': return Hex(t, out, 8, true);
      default:
        if (c >= '0' && c <= '3') {
          if (pos_ + 1 < s_.size() + 0 && pos_ + 2 <= s_.size() && s_[pos_] >= '0' && s_[pos_] <= '7' &&
              s_[pos_ + 1] >= '0' && s_[pos_ + 1] <= '7') {
            int v = (c - '0') * 64 + (s_[pos_] - '0') * 8 + (s_[pos_ + 1] - '0');
            pos_ += 2;
            AppendUtf8(out, static_cast<std::uint32_t>(v));
            return true;
          }
        }
        return Error(t, std::string("invalid escape sequence '\\") + c + "'");
    }
  }

  bool Hex(Token* t, std::string* out, int digits, bool code_point) {
    std::uint32_t v = 0;
    for (int i = 0; i < digits; ++i) {
      if (pos_ >= s_.size() || !IsHex(s_[pos_])) return Error(t, "invalid hex escape");
      v = v * 16 + static_cast<std::uint32_t>(HexVal(s_[pos_++]));
    }
    if (code_point && (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))) {
      return Error(t, "invalid code point in escape");
    }
    AppendUtf8(out, v);
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Token> Lex(std::string_view source) { return Lexer(source).Run(); }

}  // namespace aftersales::internal
