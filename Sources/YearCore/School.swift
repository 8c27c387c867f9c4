/// A school as the configuration describes it. Every record in the database belongs to one.
public struct School: Sendable, Hashable, Codable {
    /// A short stable identifier (`school-17`), used on the wire and in the database.
    public var id: String
    /// The school's name for people.
    public var name: String
    /// An IANA time-zone name (`Europe/Moscow`): the school's days begin and end there.
    public var timeZone: String
    /// The first and the last grade taught (1 and 11 for a full general-education school).
    public var firstGrade: Int, lastGrade: Int
    /// Grades after which students graduate (9 and 11 in Russia).
    public var graduatingGrades: [Int]
    /// The default first and last day of a year: `09-01` in the start year, `05-31` in the next.
    public var defaultStart: MonthDay, defaultEnd: MonthDay
    /// Whether a default start falling on a Sunday moves to the Monday (1 September -> 2 September).
    public var startSkipsSunday: Bool

    /// A school with every field given.
    public init(
        id: String, name: String, timeZone: String, firstGrade: Int, lastGrade: Int, graduatingGrades: [Int],
        defaultStart: MonthDay, defaultEnd: MonthDay, startSkipsSunday: Bool
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.firstGrade = firstGrade
        self.lastGrade = lastGrade
        self.graduatingGrades = graduatingGrades
        self.defaultStart = defaultStart
        self.defaultEnd = defaultEnd
        self.startSkipsSunday = startSkipsSunday
    }

    /// The default first and last day of the year labelled `label` at this school.
    public func defaultDates(for label: YearLabel) -> (start: CalendarDate, end: CalendarDate)? {
        guard var start = defaultStart.date(in: label.startYear),
            let end = defaultEnd.date(in: label.startYear + 1)
        else { return nil }
        if startSkipsSunday, start.isoWeekday == 7,
            let monday = CalendarDate(year: start.year, month: start.month, day: start.day + 1)
        {
            start = monday
        }
        return (start, end)
    }

    /// Whether `id` is usable as a school id: 1-64 characters of ASCII letters, digits, `-` and `_`.
    public static func isValidID(_ id: String) -> Bool {
        (1...64).contains(id.count)
            && id.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                        || $0 == "-" || $0 == "_")
            }
    }
}
