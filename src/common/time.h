// Timestamps, durations and time zones. A timestamp is an instant (seconds
// and nanoseconds since the Unix epoch, UTC) between 0001-01-01T00:00:00Z
// and 9999-12-31T23:59:59.999999999Z, as CEL requires; a duration is
// signed seconds and nanoseconds within +-315,576,000,000 s. Time zones are
// IANA names from the system's tz database (through cctz) or fixed offsets
// such as "+08:00"; loaded zones are cached, thread-safely.
//
// Depends on the standard library and cctz only.
#ifndef AFTERSALES_COMMON_TIME_H_
#define AFTERSALES_COMMON_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aftersales::internal {

struct Timestamp {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;  // 0 <= nanos < 1e9
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

struct Duration {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;  // same sign as seconds, |nanos| < 1e9
  friend bool operator==(const Duration&, const Duration&) = default;
  friend auto operator<=>(const Duration&, const Duration&) = default;
};

inline constexpr std::int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr std::int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z
inline constexpr std::int64_t kMaxDurationSeconds = 315576000000;

// RFC 3339 ("2026-11-20T14:03:00+08:00", "...Z", fractional seconds up to 9
// digits). nullopt when malformed or out of range; `error` (if given) says why.
std::optional<Timestamp> ParseTimestamp(std::string_view text, std::string* error = nullptr);
// RFC 3339 in UTC with "Z", fraction only when non-zero (trailing zeros cut).
std::string FormatTimestamp(Timestamp t);

// CEL/Go duration syntax: "1h30m", "1.5s", "-90s", "100ms", "0". Units
// h m s ms us ns. nullopt when malformed or out of range.
std::optional<Duration> ParseDuration(std::string_view text, std::string* error = nullptr);
// "1.5s", "-90s", "0s": seconds with the shortest fraction.
std::string FormatDuration(Duration d);

// Broken-down civil time of an instant in a zone.
struct CivilTime {
  std::int64_t year = 1970;
  int month = 1;        // 1-12
  int day = 1;          // 1-31
  int hour = 0, minute = 0, second = 0;
  int weekday = 4;      // 0 = Sunday
  int yearday = 0;      // 0-365
  int utc_offset_seconds = 0;
};

class TimeZone;  // opaque, owned by the cache, valid for the process's life

// The longest zone name a case may give (the tz database's longest is 32
// bytes: "America/Argentina/ComodRivadavia").
inline constexpr std::size_t kMaxTimeZoneNameBytes = 64;
// Whether `name` is shaped like a zone name, without looking it up: "UTC",
// "Z", an offset ("+08:00", "-05:30", "02:00"), or an IANA name of at most
// kMaxTimeZoneNameBytes bytes whose '/'-separated parts start with a letter
// and hold only letters, digits, '_', '-' and '+'. Anything else is refused
// before it reaches the cache or the file system.
bool IsTimeZoneName(std::string_view name);
// Looks a zone up ("Asia/Shanghai", "UTC", "+08:00", "-05:30"). nullptr when
// unknown or not shaped like a zone name (IsTimeZoneName). Thread-safe;
// found zones are cached for good (there are only as many as the tz
// database has files); unknown names are remembered up to 64 KiB, each
// charged its bytes and 64 more for its entry (at most 1,008 names), then
// no more, so hostile names cannot grow the process.
const TimeZone* FindTimeZone(std::string_view name);
// How many unknown names FindTimeZone remembers (for tests of the bound).
std::size_t UnknownTimeZoneNamesRemembered();
// FindTimeZone, remembering the last zone found on this thread: most cases
// name the zone the case before named, and a lookup takes the cache's lock.
const TimeZone* FindTimeZoneRemembered(std::string_view name);
CivilTime ToCivil(Timestamp t, const TimeZone* zone);

// Days from the calendar date of `from` to the calendar date of `to`, both
// taken in `zone` (negative when `to` is earlier). Signed for the day after
// signing: CalendarDaysBetween(signed_at, now) == 1 on the next day.
std::int64_t CalendarDaysBetween(Timestamp from, Timestamp to, const TimeZone* zone);

// Checked arithmetic; nullopt on overflow or out of range.
std::optional<Timestamp> AddDuration(Timestamp t, Duration d);
std::optional<Duration> AddDurations(Duration a, Duration b);
std::optional<Duration> Subtract(Timestamp a, Timestamp b);
std::optional<Duration> NegateDuration(Duration d);

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_TIME_H_
