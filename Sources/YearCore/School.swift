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
    /// The default last day of the grades that end on another day than `defaultEnd` (`grade_end`; grades 9 and
    /// 11 end after the state exams, in June).
    public var gradeEnds: [Int: MonthDay]

    /// A school with every field given.
    public init(
        id: String, name: String, timeZone: String, firstGrade: Int, lastGrade: Int, graduatingGrades: [Int],
        defaultStart: MonthDay, defaultEnd: MonthDay, startSkipsSunday: Bool, gradeEnds: [Int: MonthDay] = [:]
    ) {
        self.gradeEnds = gradeEnds
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
        // The Monday after a Sunday start, across a month's end too (a start configured on the 31st).
        if startSkipsSunday, start.isoWeekday == 7, let monday = start.adding(days: 1) {
            start = monday
        }
        return (start, end)
    }

    /// The last grade of the primary stage (НОО, grades 1-4): a class going on into grade 5 leaves its primary
    /// teacher behind.
    public static let primaryLastGrade = 4

    /// The default last day of each grade with its own end in the year labelled `label` (a 29 February falls back
    /// to the 28th in a common year).
    public func defaultGradeEnds(for label: YearLabel) -> [Int: CalendarDate] {
        gradeEnds.compactMapValues { $0.date(in: label.startYear + 1) }
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
