import Foundation

/// A cron-style schedule (`0 6 * * 1-5`): minute, hour, day of month, month and day of week, each `*`, a number, a
/// range `a-b`, a step `*/n` or `a-b/n`, or a comma-separated list of these; months and weekdays also by their English
/// three-letter names, Sunday as 0 or 7. As in Vixie cron, when both the day of month and the day of week are
/// restricted, a day matching either is taken. Times are wall-clock times in the schedule's time zone.
///
/// Written by hand: the few Swift cron packages are unmaintained or pull in a scheduler of their own, and this is
/// one small pure type with its own tests.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let expression: String
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let daysRestricted: Bool, weekdaysRestricted: Bool

    /// The expression as written.
    public var description: String { expression }

    /// Why an expression is not a schedule.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, naming the field.
        public let description: String
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses `expression`, or throws a `ParseError` that says which field is wrong and why.
    public init(_ expression: String) throws {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(
                description: "a schedule has five fields (minute hour day-of-month month day-of-week), "
                    + "got \(fields.count) in '\(expression)'")
        }
        self.expression = expression
        minutes = try Self.field(fields[0], name: "minute", range: 0...59)
        hours = try Self.field(fields[1], name: "hour", range: 0...23)
        days = try Self.field(fields[2], name: "day of month", range: 1...31)
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, firstName: 1)
        let weekdays = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames, firstName: 0)
        self.weekdays = Set(weekdays.map { $0 % 7 })
        // As in Vixie cron, a field that starts with `*` (also `*/2`) leaves the other day field alone.
        daysRestricted = !fields[2].hasPrefix("*")
        weekdaysRestricted = !fields[4].hasPrefix("*")
    }

    static func field(
        _ text: String, name: String, range: ClosedRange<Int>, names: [String] = [], firstName: Int = 0
    ) throws -> Set<Int> {
        func value(_ token: Substring) throws -> Int {
            if let number = Int(token), range.contains(number) { return number }
            if let index = names.firstIndex(of: token.lowercased()) { return index + firstName }
            throw ParseError(
                description: "\(name): '\(token)' is not a value from \(range.lowerBound) to \(range.upperBound)"
                    + (names.isEmpty ? "" : " or a name such as \(names[0])"))
        }
        var result: Set<Int> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let base = pieces.first, !base.isEmpty else {
                throw ParseError(description: "\(name): '\(part)' is not a value, a range or a step")
            }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed >= 1, parsed <= range.upperBound else {
                    throw ParseError(description: "\(name): the step in '\(part)' must be a whole number from 1")
                }
                step = parsed
            }
            let bounds: ClosedRange<Int>
            if base == "*" {
                bounds = range
            } else if let dash = base.firstIndex(of: "-") {
                let low = try value(base[..<dash]), high = try value(base[base.index(after: dash)...])
                guard low <= high else { throw ParseError(description: "\(name): the range '\(base)' runs backwards") }
                bounds = low...high
            } else {
                let single = try value(base)
                bounds = single...(pieces.count == 2 ? range.upperBound : single)
            }
            result.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return result
    }

    /// Whether a day matches the day-of-month and day-of-week fields (either one when both are restricted).
    func matches(day: Int, weekday: Int) -> Bool {
        let dayOK = days.contains(day), weekdayOK = weekdays.contains(weekday)
        if daysRestricted && weekdaysRestricted { return dayOK || weekdayOK }
        return dayOK && weekdayOK
    }

    /// The times the schedule fires on `day` (a midnight in `calendar`'s time zone), earliest first.
    func fires(on day: Date, calendar: Calendar) -> [Date] {
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
        guard let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday,
            months.contains(month), matches(day: dayOfMonth, weekday: weekday - 1)
        else { return [] }
        var times: [Date] = []
        for hour in hours.sorted() {
            for minute in minutes.sorted() {
                var wanted = parts
                wanted.weekday = nil
                wanted.hour = hour
                wanted.minute = minute
                // A wall-clock time skipped by a DST change resolves to the next valid instant.
                if let time = calendar.date(from: wanted) { times.append(time) }
            }
        }
        return times
    }

    /// The midnight of `instant`'s day in `zone`, and a calendar of that zone.
    func startOfDay(_ instant: Date, _ zone: TimeZone) -> (Date, Calendar)? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return calendar.date(from: parts).map { ($0, calendar) }
    }

    /// The first time strictly after `instant` that the schedule fires, in the time zone `zone`; nil when it never
    /// does within eight years (31 February).
    public func next(after instant: Date, timeZone zone: TimeZone) -> Date? {
        guard let (start, calendar) = startOfDay(instant, zone) else { return nil }
        var day = start
        for _ in 0..<(366 * 8) {
            if let fire = fires(on: day, calendar: calendar).first(where: { $0 > instant }) { return fire }
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = following
        }
        return nil
    }

    /// The last time at or before `instant` that the schedule fired, looking back at most `horizon` seconds: day by
    /// day backwards.
    public func previous(atOrBefore instant: Date, timeZone zone: TimeZone, horizon: TimeInterval = 8 * 86400)
        -> Date?
    {
        guard let (start, calendar) = startOfDay(instant, zone) else { return nil }
        var day = start
        let earliest = instant.addingTimeInterval(-horizon)
        while day.addingTimeInterval(86400) > earliest {
            if let fire = fires(on: day, calendar: calendar).last(where: { $0 <= instant }) {
                return fire >= earliest ? fire : nil
            }
            guard let before = calendar.date(byAdding: .day, value: -1, to: day) else { return nil }
            day = before
        }
        return nil
    }
}
