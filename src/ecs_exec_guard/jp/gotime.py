"""Go ``time`` semantics: durations, layouts (``time.Parse``) and RFC 3339.

A parsed instant is a :class:`GoTime`: Unix seconds, nanoseconds and the
UTC offset (seconds) of the zone it was read in.  The local zone is the
machine's; the reference values were computed on a host whose zone is UTC.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass

NANOSECOND = 1
MICROSECOND = 1000
MILLISECOND = 1000 * MICROSECOND
SECOND = 1000 * MILLISECOND
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE

MAX_DURATION = (1 << 63) - 1
MIN_DURATION = -(1 << 63)


class GoTimeError(ValueError):
    """A Go time/duration parse error (message as Go words it)."""


# ---------------------------------------------------------------------------
# durations
# ---------------------------------------------------------------------------

_UNITS = {
    "ns": NANOSECOND,
    "us": MICROSECOND,
    "\u00b5s": MICROSECOND,  # U+00B5 micro sign
    "\u03bcs": MICROSECOND,  # U+03BC Greek mu
    "ms": MILLISECOND,
    "s": SECOND,
    "m": MINUTE,
    "h": HOUR,
}


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_duration(s: str) -> int:
    """Go ``time.ParseDuration``: nanoseconds, or :class:`GoTimeError`.

    One pass over the text by index (no re-slicing of the rest), integers
    accumulated digit by digit with Go's overflow checks, so the time is
    linear in the length of the text.
    """
    orig = s
    n = len(s)
    pos = 0
    d = 0
    neg = False
    if n and s[0] in "-+":
        neg = s[0] == "-"
        pos = 1
    if s[pos:] == "0":
        return 0
    if pos == n:
        raise GoTimeError("time: invalid duration " + _quote(orig))
    while pos < n:
        c = s[pos]
        if not (c == "." or "0" <= c <= "9"):
            raise GoTimeError("time: invalid duration " + _quote(orig))
        # leadingInt: the integer part, refused past 1<<63
        start = pos
        v = 0
        while pos < n and "0" <= s[pos] <= "9":
            if v > (1 << 63) // 10:
                raise GoTimeError("time: invalid duration " + _quote(orig))
            v = v * 10 + ord(s[pos]) - 48
            if v > 1 << 63:
                raise GoTimeError("time: invalid duration " + _quote(orig))
            pos += 1
        pre = pos != start
        # leadingFraction: digits past int64 precision are dropped
        f = 0
        scale = 1
        post = False
        if pos < n and s[pos] == ".":
            pos += 1
            start = pos
            overflow = False
            while pos < n and "0" <= s[pos] <= "9":
                if not overflow:
                    y = f * 10 + ord(s[pos]) - 48
                    if f > ((1 << 63) - 1) // 10 or y > 1 << 63:
                        overflow = True
                    else:
                        f = y
                        scale *= 10
                pos += 1
            post = pos != start
        if not pre and not post:
            raise GoTimeError("time: invalid duration " + _quote(orig))
        start = pos
        while pos < n and not (s[pos] == "." or "0" <= s[pos] <= "9"):
            pos += 1
        if pos == start:
            raise GoTimeError("time: missing unit in duration " + _quote(orig))
        unit_name = s[start:pos]
        unit = _UNITS.get(unit_name)
        if unit is None:
            raise GoTimeError(f"time: unknown unit {_quote(unit_name)} in duration {_quote(orig)}")
        if v > (1 << 63) // unit:
            raise GoTimeError("time: invalid duration " + _quote(orig))
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / float(scale)))
            if v > 1 << 63:
                raise GoTimeError("time: invalid duration " + _quote(orig))
        d += v
        if d > 1 << 63:
            raise GoTimeError("time: invalid duration " + _quote(orig))
    if neg:
        return -d
    if d > MAX_DURATION:
        raise GoTimeError("time: invalid duration " + _quote(orig))
    return d


def _fmt_frac(v: int, prec: int) -> tuple[str, int]:
    """Go's fmtFrac: fraction of v/10**prec without trailing zeros."""
    digits = ""
    printed = False
    for _ in range(prec):
        digit = v % 10
        printed = printed or digit != 0
        if printed:
            digits = str(digit) + digits
        v //= 10
    if printed:
        digits = "." + digits
    return digits, v


def format_duration(d: int) -> str:
    """Go ``time.Duration.String``."""
    if d == 0:
        return "0s"
    neg = d < 0
    u = -d if neg else d
    if u < SECOND:
        if u < MICROSECOND:
            text = f"{u}ns"
        elif u < MILLISECOND:
            frac, whole = _fmt_frac(u, 3)
            text = f"{whole}{frac}\u00b5s"
        else:
            frac, whole = _fmt_frac(u, 6)
            text = f"{whole}{frac}ms"
    else:
        frac, u = _fmt_frac(u, 9)
        text = f"{u % 60}{frac}s"
        u //= 60
        if u > 0:
            text = f"{u % 60}m" + text
            u //= 60
            if u > 0:
                text = f"{u}h" + text
    return "-" + text if neg else text


def duration_seconds(d: int) -> float:
    """Go ``Duration.Seconds``."""
    sec = int(d / SECOND) if d < 0 else d // SECOND
    nsec = d - sec * SECOND
    return float(sec) + float(nsec) / 1e9


def duration_from_float(x: float) -> int:
    """Go ``time.Duration(x)`` for a float64 (truncation toward zero)."""
    if x != x:
        return MIN_DURATION
    if x >= 9.223372036854775807e18 or x < -9.223372036854775808e18:
        return MIN_DURATION  # what amd64 produces for out-of-range conversions
    return int(x)


def clamp_duration(d: int) -> int:
    if d > MAX_DURATION:
        return MAX_DURATION
    if d < MIN_DURATION:
        return MIN_DURATION
    return d


# ---------------------------------------------------------------------------
# instants
# ---------------------------------------------------------------------------

_UNIX_TO_ABSOLUTE_DAYS = 719468  # days from 0000-03-01 to 1970-01-01


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - _UNIX_TO_ABSOLUTE_DAYS


def _civil_from_days(z: int) -> tuple[int, int, int]:
    z += _UNIX_TO_ABSOLUTE_DAYS
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


def _is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _date_to_unix(year, month, day, hour, minute, sec) -> int:
    # normalise month overflow like Go's time.Date
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return _days_from_civil(year, month, 1) * 86400 + (day - 1) * 86400 + hour * 3600 + minute * 60 + sec


@dataclass(frozen=True)
class GoTime:
    unix: int  # seconds since the Unix epoch
    nsec: int  # 0 <= nsec < 1e9
    offset: int  # seconds east of UTC of the zone the time is shown in

    def add(self, d: int) -> GoTime:
        total = self.unix * SECOND + self.nsec + d
        return GoTime(total // SECOND, total % SECOND, self.offset)

    def sub(self, other: GoTime) -> int:
        d = (self.unix - other.unix) * SECOND + (self.nsec - other.nsec)
        return clamp_duration(d)

    def key(self) -> tuple[int, int]:
        return (self.unix, self.nsec)

    def utc(self) -> GoTime:
        return GoTime(self.unix, self.nsec, 0)

    def fields(self) -> tuple[int, int, int, int, int, int, int]:
        """year, month, day, hour, minute, second, weekday (0 = Sunday)."""
        local = self.unix + self.offset
        days, secs = divmod(local, 86400)
        y, m, d = _civil_from_days(days)
        weekday = (days + 4) % 7  # 1970-01-01 was a Thursday
        return y, m, d, secs // 3600, secs % 3600 // 60, secs % 60, weekday

    def format_rfc3339(self) -> str:
        y, m, d, hh, mm, ss, _ = self.fields()
        if y < 0:
            year = "-" + str(-y).rjust(4, "0")
        else:
            year = str(y).rjust(4, "0")
        text = f"{year}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}"
        if self.offset == 0:
            return text + "Z"
        off = self.offset // 60
        sign = "-" if off < 0 else "+"
        off = abs(off)
        return f"{text}{sign}{off // 60:02d}:{off % 60:02d}"

    def truncate(self, d: int) -> GoTime:
        if d <= 0:
            return self
        # Go truncates relative to the zero time (January 1, year 1, UTC)
        since_zero = (self.unix + 62135596800) * SECOND + self.nsec
        return self.add(-(since_zero % d))


def now() -> GoTime:
    ns = _time.time_ns()
    local = _time.localtime(ns // SECOND)
    return GoTime(ns // SECOND, ns % SECOND, local.tm_gmtoff or 0)


def now_utc() -> GoTime:
    ns = _time.time_ns()
    return GoTime(ns // SECOND, ns % SECOND, 0)


def _local_offset_for_name(name: str, unix: int) -> int | None:
    """Offset of the local zone abbreviation ``name``, if the local zone has it."""
    try:
        local = _time.localtime(unix)
        if local.tm_zone == name:
            return local.tm_gmtoff or 0
    except (OverflowError, OSError, ValueError):
        pass
    std, dst = _time.tzname
    if name == std:
        return -_time.timezone
    if name == dst:
        return -_time.altzone
    return None


# ---------------------------------------------------------------------------
# time.Parse
# ---------------------------------------------------------------------------

(
    STD_NONE,
    STD_LONG_MONTH,
    STD_MONTH,
    STD_NUM_MONTH,
    STD_ZERO_MONTH,
    STD_LONG_WEEKDAY,
    STD_WEEKDAY,
    STD_DAY,
    STD_UNDER_DAY,
    STD_ZERO_DAY,
    STD_UNDER_YEARDAY,
    STD_ZERO_YEARDAY,
    STD_HOUR,
    STD_HOUR12,
    STD_ZERO_HOUR12,
    STD_MINUTE,
    STD_ZERO_MINUTE,
    STD_SECOND,
    STD_ZERO_SECOND,
    STD_LONG_YEAR,
    STD_YEAR,
    STD_PM,
    STD_pm,
    STD_TZ,
    STD_ISO8601_TZ,
    STD_ISO8601_SECONDS_TZ,
    STD_ISO8601_SHORT_TZ,
    STD_ISO8601_COLON_TZ,
    STD_ISO8601_COLON_SECONDS_TZ,
    STD_NUM_TZ,
    STD_NUM_SECONDS_TZ,
    STD_NUM_SHORT_TZ,
    STD_NUM_COLON_TZ,
    STD_NUM_COLON_SECONDS_TZ,
    STD_FRAC_SECOND0,
    STD_FRAC_SECOND9,
) = range(36)

_STD0X = [STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12, STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR]

_LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_SHORT_DAYS = [d[:3] for d in _LONG_DAYS]
_LONG_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]
_SHORT_MONTHS = [m[:3] for m in _LONG_MONTHS]


def _starts_with_lower(s: str) -> bool:
    return bool(s) and "a" <= s[0] <= "z"


def _is_digit(s: str, i: int) -> bool:
    return i < len(s) and "0" <= s[i] <= "9"


def next_std_chunk(layout: str):
    """Go's nextStdChunk: (prefix, std, (frac digits), suffix)."""
    n = len(layout)
    for i, c in enumerate(layout):
        if c == "J":
            if layout[i:i + 3] == "Jan":
                if layout[i:i + 7] == "January":
                    return layout[:i], STD_LONG_MONTH, 0, layout[i + 7:]
                if not _starts_with_lower(layout[i + 3:]):
                    return layout[:i], STD_MONTH, 0, layout[i + 3:]
        elif c == "M":
            if n >= i + 3:
                if layout[i:i + 3] == "Mon":
                    if layout[i:i + 6] == "Monday":
                        return layout[:i], STD_LONG_WEEKDAY, 0, layout[i + 6:]
                    if not _starts_with_lower(layout[i + 3:]):
                        return layout[:i], STD_WEEKDAY, 0, layout[i + 3:]
                if layout[i:i + 3] == "MST":
                    return layout[:i], STD_TZ, 0, layout[i + 3:]
        elif c == "0":
            if n >= i + 2 and "1" <= layout[i + 1] <= "6":
                return layout[:i], _STD0X[ord(layout[i + 1]) - ord("1")], 0, layout[i + 2:]
            if n >= i + 3 and layout[i + 1] == "0" and layout[i + 2] == "2":
                return layout[:i], STD_ZERO_YEARDAY, 0, layout[i + 3:]
        elif c == "1":
            if n >= i + 2 and layout[i + 1] == "5":
                return layout[:i], STD_HOUR, 0, layout[i + 2:]
            return layout[:i], STD_NUM_MONTH, 0, layout[i + 1:]
        elif c == "2":
            if layout[i:i + 4] == "2006":
                return layout[:i], STD_LONG_YEAR, 0, layout[i + 4:]
            return layout[:i], STD_DAY, 0, layout[i + 1:]
        elif c == "_":
            if n >= i + 2 and layout[i + 1] == "2":
                if layout[i + 1:i + 5] == "2006":
                    return layout[:i + 1], STD_LONG_YEAR, 0, layout[i + 5:]
                return layout[:i], STD_UNDER_DAY, 0, layout[i + 2:]
            if n >= i + 3 and layout[i + 1] == "_" and layout[i + 2] == "2":
                return layout[:i], STD_UNDER_YEARDAY, 0, layout[i + 3:]
        elif c in "345":
            std = {"3": STD_HOUR12, "4": STD_MINUTE, "5": STD_SECOND}[c]
            return layout[:i], std, 0, layout[i + 1:]
        elif c == "P":
            if n >= i + 2 and layout[i + 1] == "M":
                return layout[:i], STD_PM, 0, layout[i + 2:]
        elif c == "p":
            if n >= i + 2 and layout[i + 1] == "m":
                return layout[:i], STD_pm, 0, layout[i + 2:]
        elif c == "-":
            for text, std in (
                ("-070000", STD_NUM_SECONDS_TZ),
                ("-07:00:00", STD_NUM_COLON_SECONDS_TZ),
                ("-0700", STD_NUM_TZ),
                ("-07:00", STD_NUM_COLON_TZ),
                ("-07", STD_NUM_SHORT_TZ),
            ):
                if layout[i:i + len(text)] == text:
                    return layout[:i], std, 0, layout[i + len(text):]
        elif c == "Z":
            for text, std in (
                ("Z070000", STD_ISO8601_SECONDS_TZ),
                ("Z07:00:00", STD_ISO8601_COLON_SECONDS_TZ),
                ("Z0700", STD_ISO8601_TZ),
                ("Z07:00", STD_ISO8601_COLON_TZ),
                ("Z07", STD_ISO8601_SHORT_TZ),
            ):
                if layout[i:i + len(text)] == text:
                    return layout[:i], std, 0, layout[i + len(text):]
        elif c in ".,":
            if i + 1 < n and layout[i + 1] in "09":
                ch = layout[i + 1]
                j = i + 1
                while j < n and layout[j] == ch:
                    j += 1
                if not _is_digit(layout, j):
                    std = STD_FRAC_SECOND0 if ch == "0" else STD_FRAC_SECOND9
                    return layout[:i], std, j - (i + 1), layout[j:]
    return layout, STD_NONE, 0, ""


class _Bad(Exception):
    pass


def _getnum(s: str, fixed: bool) -> tuple[int, str]:
    if not _is_digit(s, 0):
        raise _Bad
    if not _is_digit(s, 1):
        if fixed:
            raise _Bad
        return int(s[0]), s[1:]
    return int(s[:2]), s[2:]


def _getnum3(s: str, fixed: bool) -> tuple[int, str]:
    n = 0
    i = 0
    while i < 3 and _is_digit(s, i):
        n = n * 10 + int(s[i])
        i += 1
    if i == 0 or (fixed and i != 3):
        raise _Bad
    return n, s[i:]


def _lookup(names: list[str], value: str) -> tuple[int, str]:
    for i, name in enumerate(names):
        if len(value) >= len(name) and value[: len(name)].lower() == name.lower():
            return i, value[len(name):]
    raise _Bad


def _parse_timezone(value: str) -> int | None:
    """Go's parseTimeZone: length of a zone abbreviation at the start."""
    if len(value) < 3:
        return None
    if len(value) >= 4 and (value[:4] == "ChST" or value[:4] == "MeST"):
        return 4
    if value[:3] == "GMT":
        return 3 + _parse_gmt(value[3:])
    if value[0] in "+-":
        n = _parse_sign_off(value)
        return n if n > 0 else None
    nupper = 0
    while nupper < len(value):
        ch = value[nupper]
        if ch < "A" or "Z" < ch:
            break
        nupper += 1
    if nupper in (0, 1, 2, 6):
        return None
    if nupper == 5:
        return 5 if value[4] == "T" else None
    if nupper == 4:
        return 4 if value[3] == "T" or value[:4] == "WITA" else None
    return 3


def _parse_gmt(value: str) -> int:
    if not value or value[0] not in "+-":
        return 0
    i = 1
    while i < len(value) and value[i].isdigit():
        i += 1
    if i == 1:
        return 0
    x = int(value[1:i])
    if value[0] == "-":
        x = -x
    if x < -23 or x > 23:
        return 0
    return i


def _parse_sign_off(value: str) -> int:
    if not value or value[0] not in "+-":
        return 0
    i = 1
    while i < len(value) and value[i].isdigit():
        i += 1
    if i == 1 or i - 1 > 2:
        return 0
    if int(value[1:i]) > 24:
        return 0
    if i < len(value) and value[i] == ":":
        j = i + 1
        while j < len(value) and value[j].isdigit():
            j += 1
        if j - i - 1 != 2 or int(value[i + 1:j]) >= 60:
            return 0
        i = j
    return i


def _parse_nanoseconds(value: str, nbytes: int) -> int:
    if value[0] not in ".,":
        raise _Bad
    if nbytes > 10:
        value = value[:10]
        nbytes = 10
    digits = value[1:nbytes]
    if not digits.isdigit():
        raise _Bad
    ns = int(digits)
    for _ in range(10 - nbytes):
        ns *= 10
    return ns


def _parse_error(layout, value, elem, rest, msg="") -> GoTimeError:
    if msg:
        return GoTimeError(f"parsing time {_quote(value)}{msg}")
    return GoTimeError(
        f"parsing time {_quote(value)} as {_quote(layout)}: cannot parse {_quote(rest)} as {_quote(elem)}"
    )


def parse_time(layout: str, value: str) -> GoTime:
    """Go ``time.Parse(layout, value)`` with UTC as the default zone."""
    alayout, avalue = layout, value
    range_err = ""
    am_set = pm_set = False
    year = 0
    month = -1
    day = -1
    yday = -1
    hour = minute = sec = nsec = 0
    utc_zone = False
    zone_offset: int | None = None
    zone_name = ""

    while True:
        prefix, std, frac_digits, suffix = next_std_chunk(layout)
        stdstr = layout[len(prefix): len(layout) - len(suffix)]
        # skip the literal prefix
        p = prefix
        while p:
            if p[0] == " ":
                if value and value[0] != " ":
                    raise _parse_error(alayout, avalue, prefix, value)
                p = p.lstrip(" ")
                value = value.lstrip(" ")
                continue
            if not value or value[0] != p[0]:
                raise _parse_error(alayout, avalue, prefix, value)
            p = p[1:]
            value = value[1:]
        if std == STD_NONE:
            if value:
                raise _parse_error(alayout, avalue, "", value, ": extra text: " + _quote(value))
            break
        layout = suffix
        hold = value
        try:
            if std == STD_YEAR:
                if len(value) < 2:
                    raise _Bad
                p2, value = value[:2], value[2:]
                if not p2.isdigit():
                    raise _Bad
                year = int(p2)
                year += 1900 if year >= 69 else 2000
            elif std == STD_LONG_YEAR:
                if len(value) < 4 or not _is_digit(value, 0):
                    raise _Bad
                p4, value = value[:4], value[4:]
                if not p4.isdigit():
                    raise _Bad
                year = int(p4)
            elif std == STD_MONTH:
                month, value = _lookup(_SHORT_MONTHS, value)
                month += 1
            elif std == STD_LONG_MONTH:
                month, value = _lookup(_LONG_MONTHS, value)
                month += 1
            elif std in (STD_NUM_MONTH, STD_ZERO_MONTH):
                month, value = _getnum(value, std == STD_ZERO_MONTH)
                if month <= 0 or month > 12:
                    range_err = "month"
            elif std == STD_WEEKDAY:
                _, value = _lookup(_SHORT_DAYS, value)
            elif std == STD_LONG_WEEKDAY:
                _, value = _lookup(_LONG_DAYS, value)
            elif std in (STD_DAY, STD_UNDER_DAY, STD_ZERO_DAY):
                if std == STD_UNDER_DAY and value and value[0] == " ":
                    value = value[1:]
                day, value = _getnum(value, std == STD_ZERO_DAY)
            elif std in (STD_UNDER_YEARDAY, STD_ZERO_YEARDAY):
                for _ in range(2):
                    if std == STD_UNDER_YEARDAY and value and value[0] == " ":
                        value = value[1:]
                yday, value = _getnum3(value, std == STD_ZERO_YEARDAY)
            elif std == STD_HOUR:
                hour, value = _getnum(value, False)
                if hour < 0 or hour >= 24:
                    range_err = "hour"
            elif std in (STD_HOUR12, STD_ZERO_HOUR12):
                hour, value = _getnum(value, std == STD_ZERO_HOUR12)
                if hour < 0 or hour > 12:
                    range_err = "hour"
            elif std in (STD_MINUTE, STD_ZERO_MINUTE):
                minute, value = _getnum(value, std == STD_ZERO_MINUTE)
                if minute < 0 or minute >= 60:
                    range_err = "minute"
            elif std in (STD_SECOND, STD_ZERO_SECOND):
                sec, value = _getnum(value, std == STD_ZERO_SECOND)
                if sec < 0 or sec >= 60:
                    range_err = "second"
                elif len(value) >= 2 and value[0] in ".," and _is_digit(value, 1):
                    _, next_std, _, _ = next_std_chunk(layout)
                    if next_std not in (STD_FRAC_SECOND0, STD_FRAC_SECOND9):
                        n = 2
                        while n < len(value) and _is_digit(value, n):
                            n += 1
                        nsec = _parse_nanoseconds(value, n)
                        value = value[n:]
            elif std == STD_PM:
                if len(value) < 2:
                    raise _Bad
                p2, value = value[:2], value[2:]
                if p2 == "PM":
                    pm_set = True
                elif p2 == "AM":
                    am_set = True
                else:
                    raise _Bad
            elif std == STD_pm:
                if len(value) < 2:
                    raise _Bad
                p2, value = value[:2], value[2:]
                if p2 == "pm":
                    pm_set = True
                elif p2 == "am":
                    am_set = True
                else:
                    raise _Bad
            elif std in (
                STD_ISO8601_TZ,
                STD_ISO8601_SHORT_TZ,
                STD_ISO8601_COLON_TZ,
                STD_ISO8601_SECONDS_TZ,
                STD_ISO8601_COLON_SECONDS_TZ,
                STD_NUM_TZ,
                STD_NUM_SHORT_TZ,
                STD_NUM_COLON_TZ,
                STD_NUM_SECONDS_TZ,
                STD_NUM_COLON_SECONDS_TZ,
            ):
                iso = std in (
                    STD_ISO8601_TZ,
                    STD_ISO8601_SHORT_TZ,
                    STD_ISO8601_COLON_TZ,
                    STD_ISO8601_SECONDS_TZ,
                    STD_ISO8601_COLON_SECONDS_TZ,
                )
                if iso and value and value[0] == "Z":
                    value = value[1:]
                    utc_zone = True
                else:
                    if std in (STD_ISO8601_COLON_TZ, STD_NUM_COLON_TZ):
                        if len(value) < 6 or value[3] != ":":
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[4:6], "00", value[6:]
                    elif std in (STD_NUM_SHORT_TZ, STD_ISO8601_SHORT_TZ):
                        if len(value) < 3:
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], "00", "00", value[3:]
                    elif std in (STD_ISO8601_COLON_SECONDS_TZ, STD_NUM_COLON_SECONDS_TZ):
                        if len(value) < 9 or value[3] != ":" or value[6] != ":":
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[4:6], value[7:9], value[9:]
                    elif std in (STD_ISO8601_SECONDS_TZ, STD_NUM_SECONDS_TZ):
                        if len(value) < 7:
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[3:5], value[5:7], value[7:]
                    else:
                        if len(value) < 5:
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[3:5], "00", value[5:]
                    hr, _ = _getnum(hh, True)
                    mi, _ = _getnum(mm, True)
                    se, _ = _getnum(ss, True)
                    if hr > 24:
                        range_err = "time zone offset hour"
                    if mi > 60:
                        range_err = "time zone offset minute"
                    if se > 60:
                        range_err = "time zone offset second"
                    zone_offset = (hr * 60 + mi) * 60 + se
                    if sign == "-":
                        zone_offset = -zone_offset
                    elif sign != "+":
                        raise _Bad
            elif std == STD_TZ:
                if len(value) >= 3 and value[:3] == "UTC":
                    utc_zone = True
                    value = value[3:]
                else:
                    n = _parse_timezone(value)
                    if n is None:
                        raise _Bad
                    zone_name, value = value[:n], value[n:]
            elif std == STD_FRAC_SECOND0:
                ndigit = 1 + frac_digits
                if len(value) < ndigit:
                    raise _Bad
                nsec = _parse_nanoseconds(value, ndigit)
                value = value[ndigit:]
            elif std == STD_FRAC_SECOND9:
                if len(value) < 2 or value[0] not in ".," or not _is_digit(value, 1):
                    pass
                else:
                    i = 0
                    while i + 1 < len(value) and _is_digit(value, i + 1):
                        i += 1
                    nsec = _parse_nanoseconds(value, 1 + i)
                    value = value[1 + i:]
        except _Bad:
            raise _parse_error(alayout, avalue, stdstr, hold) from None
        if range_err:
            raise _parse_error(alayout, avalue, stdstr, value, f": {range_err} out of range")

    if pm_set and hour < 12:
        hour += 12
    elif am_set and hour == 12:
        hour = 0

    if yday >= 0:
        if yday < 1 or yday > (366 if _is_leap(year) else 365):
            raise _parse_error(alayout, avalue, "", value, ": day-of-year out of range")
        if month < 0:
            d = yday
            m = 1
            while d > _days_in(m, year):
                d -= _days_in(m, year)
                m += 1
            month, day_from_yday = m, d
            if day >= 0 and day != day_from_yday:
                raise _parse_error(alayout, avalue, "", value, ": day-of-year does not match day")
            day = day_from_yday
        else:
            d = yday
            m = 1
            while d > _days_in(m, year):
                d -= _days_in(m, year)
                m += 1
            if m != month or (day >= 0 and day != d):
                raise _parse_error(alayout, avalue, "", value, ": day-of-year does not match month")
            day = d
    else:
        if month < 0:
            month = 1
        if day < 0:
            day = 1

    if day < 1 or day > _days_in(month, year):
        raise _parse_error(alayout, avalue, "", value, ": day out of range")

    wall = _date_to_unix(year, month, day, hour, minute, sec)
    if utc_zone:
        return GoTime(wall, nsec, 0)
    if zone_offset is not None:
        return GoTime(wall - zone_offset, nsec, zone_offset)
    if zone_name:
        offset = _local_offset_for_name(zone_name, wall)
        if offset is not None:
            return GoTime(wall - offset, nsec, offset)
        # unknown abbreviation: a made-up zone; Go keeps the wall clock as UTC
        offset = 0
        if len(zone_name) > 3 and zone_name[:3] == "GMT":
            offset = int(zone_name[3:]) * 3600
        return GoTime(wall, nsec, offset)
    return GoTime(wall, nsec, 0)


RFC3339 = "2006-01-02T15:04:05Z07:00"


def parse_rfc3339(value: str) -> GoTime:
    return parse_time(RFC3339, value)
