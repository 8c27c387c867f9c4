import Foundation

/// Times as file names and status lines show them, computed with the Gregorian calendar of Foundation's core and
/// padded here: no ICU date formatter, whose symbols, calendars and number formats, once loaded, keep megabytes of a
/// long-running daemon resident (docs/benchmarks.md, idle RSS).
public enum WallClock {
    /// The year, month, day, hour, minute and second of `date` on the wall clocks of `zone`.
    public static func components(of date: Date, in zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    /// `20261129-114642`: the time in UTC, for file names that sort by time.
    public static func fileStamp(_ date: Date) -> String {
        let parts = components(of: date, in: .gmt)
        return "\(parts.year ?? 0)\(two(parts.month))\(two(parts.day))-\(two(parts.hour))\(two(parts.minute))"
            + two(parts.second)
    }

    /// `06:00`: the hour and minute of `date` in `zone`, on a 24-hour clock.
    public static func hourMinute(_ date: Date, in zone: TimeZone) -> String {
        let parts = components(of: date, in: zone)
        return "\(two(parts.hour)):\(two(parts.minute))"
    }

    static func two(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : String(value)
    }
}
