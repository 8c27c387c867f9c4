import Foundation

/// A calendar date without a time of day, as a school's calendar uses it (`2026-09-01`).
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year, month (1-12) and day (1-31).
    public let year: Int, month: Int, day: Int

    /// A date that exists in the proleptic Gregorian calendar, or nil.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CalendarDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil for anything else, including dates that do not exist (`2027-02-29`).
    public init?(iso text: String) {
        guard let (year, month, day) = Self.numbers(text, layout: [4, 2, 2], separator: UInt8(ascii: "-")) else {
            return nil
        }
        self.init(year: year, month: month, day: day)
    }

    /// The three numbers of `text` when it is ASCII digits in groups of `layout` widths joined by `separator`.
    static func numbers(_ text: String, layout: [Int], separator: UInt8) -> (Int, Int, Int)? {
        var values = [0, 0, 0]
        var group = 0
        var width = 0
        for byte in text.utf8 {
            if byte == separator {
                guard group < 2, width == layout[group] else { return nil }
                group += 1
                width = 0
            } else if byte >= 0x30 && byte <= 0x39 {
                guard width < layout[group] else { return nil }
                values[group] = values[group] * 10 + Int(byte - 0x30)
                width += 1
            } else {
                return nil
            }
        }
        guard group == 2, width == layout[2] else { return nil }
        return (values[0], values[1], values[2])
    }

    /// `YYYY-MM-DD` (built by hand: `String(format:)` costs more than the rest of an imported row).
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// 1 = Monday ... 7 = Sunday (ISO 8601), by Zeller-free arithmetic on days since 0001-01-01.
    public var isoWeekday: Int {
        ((daysSinceEpoch % 7) + 7) % 7 + 1
    }

    /// The full months from this date (a birth date) to `date`: a child born on 2021-03-15 is 77 months old on
    /// 2027-09-01 (6 years 5 months), 78 on 2027-09-15.
    public func fullMonths(until date: CalendarDate) -> Int {
        (date.year - year) * 12 + (date.month - month) - (date.day < day ? 1 : 0)
    }

    /// The date `days` days later (or earlier, when negative), or nil outside years 1-9999.
    public func adding(days: Int) -> CalendarDate? {
        var year = self.year, month = self.month, day = self.day + days
        while day > CalendarDate.daysIn(month: month, year: year) {
            day -= CalendarDate.daysIn(month: month, year: year)
            month += 1
            if month > 12 { (month, year) = (1, year + 1) }
        }
        while day < 1 {
            month -= 1
            if month < 1 { (month, year) = (12, year - 1) }
            day += CalendarDate.daysIn(month: month, year: year)
        }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// The days from this date to `date` (negative when `date` is earlier).
    public func days(until date: CalendarDate) -> Int { date.daysSinceEpoch - daysSinceEpoch }

    /// The date `days` after 0001-01-01 in the proleptic Gregorian calendar, in constant time (Howard Hinnant's
    /// `civil_from_days`, shifted to this epoch), or nil outside years 1-9999.
    public init?(daysSinceEpoch days: Int) {
        // civil_from_days counts from 1970-01-01, which is day 719,162 after 0001-01-01.
        let z = days - 719_162 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// Days since 0001-01-01 (a Monday) in the proleptic Gregorian calendar.
    public var daysSinceEpoch: Int {
        let y = year - 1
        var days = y * 365 + y / 4 - y / 100 + y / 400
        for m in 1..<month { days += CalendarDate.daysIn(month: m, year: year) }
        return days + day - 1
    }

    /// Orders dates chronologically.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Encodes as `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a date as YYYY-MM-DD, got \(text)")
        }
        self = date
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A month and day without a year (`09-01`), as a school's default year dates are configured.
public struct MonthDay: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The month (1-12) and day (1-31).
    public let month: Int, day: Int

    /// Parses `MM-DD`; the day must exist in a leap year.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }),
            let month = Int(parts[0]), let day = Int(parts[1]),
            CalendarDate(year: 2028, month: month, day: day) != nil
        else { return nil }
        self.month = month
        self.day = day
    }

    /// `MM-DD`.
    public var description: String { String(format: "%02d-%02d", month, day) }

    /// This month and day in `year`; 29 February falls back to the 28th in a common year.
    public func date(in year: Int) -> CalendarDate? {
        CalendarDate(year: year, month: month, day: day)
            ?? CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year))
    }
}

/// The label of an academic year: `2026/2027`, two consecutive calendar years.
public struct YearLabel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The calendar year in which the academic year starts.
    public let startYear: Int

    /// Parses `YYYY/YYYY` where the second year follows the first.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 4,
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "/") }),
            let first = Int(parts[0]), let second = Int(parts[1]),
            (1900...9998).contains(first), second == first + 1
        else { return nil }
        startYear = first
    }

    /// The label of the year that starts in `startYear`.
    public init(startYear: Int) { self.startYear = startYear }

    /// `2026/2027`.
    public var description: String { "\(startYear)/\(startYear + 1)" }

    /// Encodes as `2026/2027`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Decodes `2026/2027`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let label = YearLabel(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a label like 2026/2027, got \(text)")
        }
        self = label
    }
}

/// One school's academic year as stored.
public struct AcademicYear: Sendable, Hashable, Codable {
    /// The year's id, unique across schools.
    public var id: Int64
    /// The school it belongs to.
    public var school: String
    /// `2026/2027`.
    public var label: YearLabel
    /// The first and the last day of the year.
    public var startDate: CalendarDate, endDate: CalendarDate
    /// Where the year stands.
    public var state: YearState
    /// Incremented by every change, so that an approval can tell whether the year moved since it was requested.
    public var version: Int64
    /// The grades (parallels) whose last day is not `endDate`: grades 9 and 11 end after the state exams.
    public var gradeEnds: [Int: CalendarDate]

    /// A year as stored.
    public init(
        id: Int64, school: String, label: YearLabel, startDate: CalendarDate, endDate: CalendarDate,
        state: YearState, version: Int64, gradeEnds: [Int: CalendarDate] = [:]
    ) {
        self.id = id
        self.school = school
        self.label = label
        self.startDate = startDate
        self.endDate = endDate
        self.state = state
        self.version = version
        self.gradeEnds = gradeEnds
    }

    /// The last day of `grade` in this year: its own end, else the year's.
    public func lastDay(ofGrade grade: Int) -> CalendarDate { gradeEnds[grade] ?? endDate }

    /// The year's very last day, whichever grade ends last.
    public var lastDay: CalendarDate { gradeEnds.values.reduce(endDate) { max($0, $1) } }
}

extension [Int: CalendarDate] {
    /// The grade ends as canonical JSON, `{"11":"2027-06-30","9":"2027-06-30"}`, as the store keeps them.
    public var canonicalGradeEnds: JSONValue {
        .object([String: JSONValue](uniqueKeysWithValues: map { (String($0.key), .string($0.value.description)) }))
    }

    /// The grade ends read back from their canonical JSON; nil when it is not that form.
    public init?(canonicalGradeEnds text: String) {
        guard case .object(let members)? = JSONValue.parseCanonical(text) else { return nil }
        var ends: [Int: CalendarDate] = [:]
        for (key, value) in members {
            guard let grade = Int(key), case .string(let date) = value, let day = CalendarDate(iso: date) else {
                return nil
            }
            ends[grade] = day
        }
        self = ends
    }
}

extension CalendarDate {
    /// The calendar date of `instant` in the time zone `zone` (an IANA name; UTC when unknown).
    public init?(_ instant: Date, timeZone zone: String) {
        var calendar = Calendar(identifier: .gregorian)
        if let timeZone = TimeZone(identifier: zone) ?? TimeZone(secondsFromGMT: 0) { calendar.timeZone = timeZone }
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        self.init(year: year, month: month, day: day)
    }
}
