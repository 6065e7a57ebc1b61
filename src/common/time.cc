#include "common/time.h"

#include "common/int128.h"

#include <array>
#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace aftersales::internal {

class TimeZone {
 public:
  explicit TimeZone(cctz::time_zone tz) : tz_(tz) {}
  const cctz::time_zone& tz() const { return tz_; }

 private:
  cctz::time_zone tz_;
};

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, int* m, int* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(std::int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool Fail(std::string* error, const char* why) {
  if (error) *error = why;
  return false;
}

// Parses "+08:00" / "-05:30" / "Z" into seconds east of UTC.
bool ParseOffset(std::string_view s, int* seconds) {
  if (s == "Z" || s == "z") {
    *seconds = 0;
    return true;
  }
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return false;
  int h, m;
  if (!Digits(s, 1, 2, &h) || !Digits(s, 4, 2, &m) || h > 23 || m > 59) return false;
  *seconds = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
  return true;
}

Timestamp FromNanos(Int128 n) {
  std::int64_t s = static_cast<std::int64_t>(n / kNanosPerSecond);
  std::int64_t r = static_cast<std::int64_t>(n % kNanosPerSecond);
  if (r < 0) {
    r += kNanosPerSecond;
    --s;
  }
  return {s, static_cast<std::int32_t>(r)};
}

Int128 ToNanos(Timestamp t) { return static_cast<Int128>(t.seconds) * kNanosPerSecond + t.nanos; }
Int128 ToNanos(Duration d) { return static_cast<Int128>(d.seconds) * kNanosPerSecond + d.nanos; }

bool TimestampInRange(Timestamp t) {
  return t.seconds >= kMinTimestampSeconds && t.seconds <= kMaxTimestampSeconds;
}

std::optional<Duration> DurationFromNanos(Int128 n) {
  const Int128 limit = static_cast<Int128>(kMaxDurationSeconds) * kNanosPerSecond + 999999999;
  if (n > limit || n < -limit) return std::nullopt;
  Duration d;
  d.seconds = static_cast<std::int64_t>(n / kNanosPerSecond);
  d.nanos = static_cast<std::int32_t>(n % kNanosPerSecond);
  return d;
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view s, std::string* error) {
  // YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|+HH:MM|-HH:MM)
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    Fail(error, "not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)");
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 9) nanos = nanos * 10 + (s[pos] - '0');
      ++pos;
    }
    std::size_t n = pos - start;
    if (n == 0 || n > 9) {
      Fail(error, "bad fraction of a second in timestamp");
      return std::nullopt;
    }
    for (std::size_t i = n; i < 9; ++i) nanos *= 10;
  }
  int offset = 0;
  if (!ParseOffset(s.substr(pos), &offset)) {
    std::string_view rest = s.substr(pos);
    int h = 0, m = 0;
    if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' && Digits(rest, 1, 2, &h) &&
        Digits(rest, 4, 2, &m)) {
      Fail(error, "timestamp offset out of range (at most 23:59 either side of UTC)");
    } else {
      Fail(error, "timestamp needs a time zone offset (Z or +08:00)");
    }
    return std::nullopt;
  }
  if (second == 60 && month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month) && hour <= 23 &&
      minute <= 59) {
    // Go's and Java's parsers (and so cel-go) refuse it too; taking it as
    // :59 or as the next minute would be a guess.
    Fail(error, "timestamp has second 60 (a leap second), which timestamps cannot hold");
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    Fail(error, "timestamp has an impossible date or time");
    return std::nullopt;
  }
  std::int64_t secs = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  Timestamp t{secs, static_cast<std::int32_t>(nanos)};
  if (!TimestampInRange(t)) {
    Fail(error, "timestamp out of range (years 0001 to 9999)");
    return std::nullopt;
  }
  return t;
}

std::string FormatTimestamp(Timestamp t) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(y), m, d,
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  std::string out = buf;
  if (t.nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09d", t.nanos);
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "Z";
}

std::optional<Duration> ParseDuration(std::string_view s, std::string* error) {
  if (s.empty()) {
    Fail(error, "empty duration");
    return std::nullopt;
  }
  std::size_t pos = 0;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    ++pos;
  }
  if (s.substr(pos) == "0") return Duration{};
  Int128 total = 0;
  const Int128 limit = static_cast<Int128>(kMaxDurationSeconds + 1) * kNanosPerSecond;
  if (pos >= s.size()) {
    Fail(error, "bad duration");
    return std::nullopt;
  }
  while (pos < s.size()) {
    Int128 whole = 0;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      whole = whole * 10 + (s[pos] - '0');
      if (whole > limit) {
        Fail(error, "duration out of range");
        return std::nullopt;
      }
      ++pos;
    }
    bool had_digits = pos > start;
    Int128 frac_num = 0, frac_den = 1;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t fs = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (frac_den < static_cast<Int128>(1'000'000'000'000'000'000LL)) {
          frac_num = frac_num * 10 + (s[pos] - '0');
          frac_den *= 10;
        }
        ++pos;
      }
      had_digits = had_digits || pos > fs;
    }
    if (!had_digits) {
      Fail(error, "bad duration: expected a number");
      return std::nullopt;
    }
    std::size_t us = pos;
    while (pos < s.size() && ((s[pos] >= 'a' && s[pos] <= 'z') || s[pos] == '\xc2' || s[pos] == '\xb5')) ++pos;
    std::string_view unit = s.substr(us, pos - us);
    Int128 scale;
    if (unit == "h") scale = 3600LL * kNanosPerSecond;
    else if (unit == "m") scale = 60LL * kNanosPerSecond;
    else if (unit == "s") scale = kNanosPerSecond;
    else if (unit == "ms") scale = 1'000'000;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xb5s") scale = 1000;
    else if (unit == "ns") scale = 1;
    else {
      Fail(error, "bad duration unit (use h, m, s, ms, us or ns)");
      return std::nullopt;
    }
    total += whole * scale + frac_num * scale / frac_den;
    if (total > limit) {
      Fail(error, "duration out of range");
      return std::nullopt;
    }
  }
  auto d = DurationFromNanos(neg ? -total : total);
  if (!d) Fail(error, "duration out of range");
  return d;
}

std::string FormatDuration(Duration d) {
  Int128 n = ToNanos(d);
  bool neg = n < 0;
  if (neg) n = -n;
  std::int64_t secs = static_cast<std::int64_t>(n / kNanosPerSecond);
  std::int64_t frac = static_cast<std::int64_t>(n % kNanosPerSecond);
  std::string out = (neg ? "-" : "") + std::to_string(secs);
  if (frac != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out + "s";
}

namespace {

// An IANA zone name as the tz database spells them ("Asia/Shanghai",
// "America/Argentina/Buenos_Aires", "Etc/GMT+8"): nothing else reaches the
// file system. cctz would otherwise open any path it is given ("file:/dev/stdin",
// "Asia/./Shanghai" and endless spellings of one file), from a case fact.
bool IsZoneName(std::string_view name) {
  if (name.empty() || name.size() > kMaxTimeZoneNameBytes) return false;
  bool start = true;
  for (char c : name) {
    if (c == '/') {
      if (start) return false;  // a leading '/' or an empty part
      start = true;
      continue;
    }
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    bool other = (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+';
    if (!letter && !(other && !start)) return false;  // each part starts with a letter
    start = false;
  }
  return !start;
}

// "+08:00" for "+08:00" and "02:00" (read as +02:00); false for anything else.
bool ZoneOffset(std::string_view name, int* offset) {
  if (name == "z") return false;
  if (name.size() == 5 && name[2] == ':') return ParseOffset("+" + std::string(name), offset);
  return ParseOffset(name, offset);
}

// Whether the tz database has a file for `name`, without loading it: cctz
// remembers every name it is asked for, found or not, for good.
bool ZoneFileExists(const std::string& name) {
  const char* dir = std::getenv("TZDIR");
  std::string path = (dir != nullptr && *dir != '\0') ? dir : "/usr/share/zoneinfo";
  path += '/';
  path += name;
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Bytes the cache may spend on unknown names; past it, unknown names are
// looked up again each time, which costs one stat() and no memory. Each
// name is charged its bytes and kUnknownZoneEntryBytes more, about what a
// hash map node, its bucket and a std::string take besides the text, so
// that the bound is in real bytes however short the names: between 512
// names (of 64 bytes, the longest) and 1,008 (of one byte).
constexpr std::size_t kUnknownZoneCacheBytes = 64u << 10;
constexpr std::size_t kUnknownZoneEntryBytes = 64;

std::mutex zone_cache_mu;
std::size_t unknown_zone_names = 0;  // remembered, under zone_cache_mu

}  // namespace

bool IsTimeZoneName(std::string_view name) {
  int offset = 0;
  return name == "UTC" || name == "Z" || ZoneOffset(name, &offset) || IsZoneName(name);
}

const TimeZone* FindTimeZone(std::string_view name) {
  // Refused before any lookup, and never remembered.
  if (!IsTimeZoneName(name)) return nullptr;
  static auto* cache = new std::unordered_map<std::string, std::unique_ptr<TimeZone>>();
  static std::size_t unknown_bytes = 0;
  std::lock_guard<std::mutex> lock(zone_cache_mu);
  std::string key(name);
  auto it = cache->find(key);
  if (it != cache->end()) return it->second.get();
  cctz::time_zone tz;
  int offset = 0;
  bool ok = false;
  if (ZoneOffset(name, &offset)) {
    tz = cctz::fixed_time_zone(cctz::seconds(offset));
    ok = true;
  } else if (name == "UTC" || name == "Z") {
    tz = cctz::utc_time_zone();
    ok = true;
  } else if (ZoneFileExists(key)) {
    ok = cctz::load_time_zone(key, &tz);
  }
  if (!ok) {
    // Unknown names are remembered up to a bound in bytes, so hostile cases
    // naming a new one each cannot grow the cache, nor crowd out real zones.
    const std::size_t charge = key.size() + kUnknownZoneEntryBytes;
    if (unknown_bytes + charge <= kUnknownZoneCacheBytes) {
      unknown_bytes += charge;
      ++unknown_zone_names;
      cache->emplace(key, nullptr);
    }
    return nullptr;
  }
  auto [pos, _] = cache->emplace(key, std::make_unique<TimeZone>(tz));
  return pos->second.get();
}

std::size_t UnknownTimeZoneNamesRemembered() {
  std::lock_guard<std::mutex> lock(zone_cache_mu);
  return unknown_zone_names;
}

const TimeZone* FindTimeZoneRemembered(std::string_view name) {
  thread_local std::string last_name;
  thread_local const TimeZone* last_zone = nullptr;
  if (last_zone != nullptr && name == last_name) return last_zone;
  const TimeZone* zone = FindTimeZone(name);
  if (zone != nullptr) {
    last_name.assign(name);
    last_zone = zone;
  }
  return zone;
}

namespace {
CivilTime ToCivilUncached(Timestamp t, const TimeZone* zone);
}  // namespace

CivilTime ToCivil(Timestamp t, const TimeZone* zone) {
  // A case's few timestamps are broken down again and again (by every rule
  // that counts days, by every script that prints a date): a small cache
  // per thread remembers the last ones. Zones live as long as the process.
  struct Entry {
    std::int64_t seconds = 0;
    const TimeZone* zone = nullptr;
    bool used = false;
    CivilTime civil;
  };
  thread_local std::array<Entry, 16> cache;
  Entry& e = cache[(static_cast<std::uint64_t>(t.seconds) ^ (reinterpret_cast<std::uintptr_t>(zone) >> 4)) & 15u];
  if (e.used && e.seconds == t.seconds && e.zone == zone) return e.civil;
  CivilTime c = ToCivilUncached(t, zone);
  e.seconds = t.seconds;
  e.zone = zone;
  e.used = true;
  e.civil = c;
  return c;
}

namespace {

// The civil fields of `local` (seconds since the epoch on the wall clock of
// a place `offset` seconds east of UTC).
CivilTime CivilFromLocal(std::int64_t local, int offset) {
  std::int64_t days = local / 86400, rem = local % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  CivilTime c;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem / 60 % 60);
  c.second = static_cast<int>(rem % 60);
  c.utc_offset_seconds = offset;
  c.weekday = static_cast<int>((days % 7 + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  c.yearday = static_cast<int>(days - DaysFromCivil(c.year, 1, 1));
  return c;
}

std::int64_t EpochSecondsOf(const cctz::civil_second& cs) {
  return DaysFromCivil(cs.year(), cs.month(), cs.day()) * 86400 + cs.hour() * 3600 + cs.minute() * 60 +
         cs.second();
}

CivilTime ToCivilUncached(Timestamp t, const TimeZone* zone) {
  // Between two of its transitions a zone keeps one offset (Asia/Shanghai
  // has had one since 1991): remember the span the last lookup fell in, and
  // break down any instant inside it with plain arithmetic.
  struct Span {
    const TimeZone* zone = nullptr;
    std::int64_t from = 0, to = 0;  // [from, to) in seconds since the epoch
    int offset = 0;
  };
  thread_local Span span;
  if (span.zone == zone && zone != nullptr && t.seconds >= span.from && t.seconds < span.to) {
    return CivilFromLocal(t.seconds + span.offset, span.offset);
  }
  cctz::time_zone tz = zone ? zone->tz() : cctz::utc_time_zone();
  auto tp = std::chrono::time_point_cast<cctz::seconds>(std::chrono::system_clock::from_time_t(0)) +
            cctz::seconds(t.seconds);
  cctz::time_zone::absolute_lookup al = tz.lookup(tp);
  if (zone != nullptr) {
    Span s{zone, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), al.offset};
    cctz::time_zone::civil_transition tr;
    // The next change happens at its civil time before the change, read in
    // the offset that ends there; the last one at its civil time after it.
    if (tz.next_transition(tp, &tr)) s.to = EpochSecondsOf(tr.from) - al.offset;
    if (tz.prev_transition(tp + cctz::seconds(1), &tr)) s.from = EpochSecondsOf(tr.to) - al.offset;
    if (s.from <= t.seconds && t.seconds < s.to) span = s;
  }
  return CivilFromLocal(t.seconds + al.offset, al.offset);
}

}  // namespace

std::int64_t CalendarDaysBetween(Timestamp from, Timestamp to, const TimeZone* zone) {
  CivilTime a = ToCivil(from, zone);
  CivilTime b = ToCivil(to, zone);
  return DaysFromCivil(b.year, b.month, b.day) - DaysFromCivil(a.year, a.month, a.day);
}

std::optional<Timestamp> AddDuration(Timestamp t, Duration d) {
  Timestamp r = FromNanos(ToNanos(t) + ToNanos(d));
  if (!TimestampInRange(r)) return std::nullopt;
  return r;
}

std::optional<Duration> AddDurations(Duration a, Duration b) {
  return DurationFromNanos(ToNanos(a) + ToNanos(b));
}

std::optional<Duration> Subtract(Timestamp a, Timestamp b) {
  // The difference of two timestamps must fit in int64 nanoseconds (about
  // 292 years), as in the CEL implementations.
  Int128 n = ToNanos(a) - ToNanos(b);
  if (n > INT64_MAX || n < INT64_MIN) return std::nullopt;
  return DurationFromNanos(n);
}

std::optional<Duration> NegateDuration(Duration d) { return DurationFromNanos(-ToNanos(d)); }

}  // namespace aftersales::internal
