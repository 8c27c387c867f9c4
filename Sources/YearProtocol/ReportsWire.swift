import Foundation
import YearCore

/// `io.yeard.Reports.OO1`.
public struct OO1Parameters: MethodParameters {
    /// The school (omitted: the caller's only school, or every school they may see with `allSchools`), the year
    /// (id or label; default: the active year, else the only open one) and the day (default: 20 September).
    public var school: String?, year: String?, date: String?
    /// Every school the caller may see, one report each.
    public var allSchools: Bool?

    /// Parameters with every field given.
    public init(school: String?, year: String? = nil, date: String? = nil, allSchools: Bool? = nil) {
        self.school = school
        self.year = year
        self.date = date
        self.allSchools = allSchools
    }
}

/// A school a report for several schools could not be made for, and why.
public struct SkippedSchool: Codable, Sendable, Equatable {
    /// The school, the reason in English, and its note for a client to say it in its language.
    public var school: String, message: String, note: Note?

    /// A skipped school with every field given.
    public init(school: String, message: String, note: Note?) {
        self.school = school
        self.message = message
        self.note = note
    }
}

/// `io.yeard.Reports.OO1` reply.
public struct OO1Reply: Codable, Sendable {
    /// One report per school, in the order of the configuration; the schools left out and why.
    public var reports: [OO1Report], skipped: [SkippedSchool]

    /// A reply with every field given.
    public init(reports: [OO1Report], skipped: [SkippedSchool]) {
        self.reports = reports
        self.skipped = skipped
    }
}

/// `io.yeard.Reports.Orders`.
public struct OrdersParameters: MethodParameters {
    /// The school (omitted: the caller's only school) and the year (id or label; default: the active year, else the
    /// only open one).
    public var school: String?, year: String?
    /// One order by its number, or the orders of one kind (both omitted: every order of the year).
    public var number: String?, kind: OrderKind?

    /// Parameters with every field given.
    public init(school: String?, year: String? = nil, number: String? = nil, kind: OrderKind? = nil) {
        self.school = school
        self.year = year
        self.number = number
        self.kind = kind
    }
}

/// `io.yeard.Reports.Orders` reply.
public struct OrdersReply: Codable, Sendable {
    /// The school's orders as documents.
    public var report: OrdersReport

    /// A reply with every field given.
    public init(report: OrdersReport) { self.report = report }
}

/// `io.yeard.Reports.MovementBook` reply.
public struct MovementBookReply: Codable, Sendable {
    /// The book of the school for the period.
    public var book: MovementBookReport

    /// A reply with every field given.
    public init(book: MovementBookReport) { self.book = book }
}

/// `io.yeard.Reports.SummarySheet`.
public struct SummarySheetParameters: MethodParameters {
    /// The school (omitted: the caller's only school), the year (id or label; default: the active year, else the
    /// only open one) and one class (omitted: every class).
    public var school: String?, year: String?, `class`: String?

    /// Parameters with every field given.
    public init(school: String?, year: String? = nil, class: String? = nil) {
        self.school = school
        self.year = year
        self.class = `class`
    }
}

/// `io.yeard.Reports.SummarySheet` reply.
public struct SummarySheetReply: Codable, Sendable {
    /// The sheet.
    public var sheet: SummarySheetReport

    /// A reply with every field given.
    public init(sheet: SummarySheetReport) { self.sheet = sheet }
}

/// `io.yeard.Reports.Consents`.
public struct ConsentsParameters: MethodParameters {
    /// The school (omitted: the caller's only school), the year (id or label; default: the active year, else the
    /// only open one), the day (default: today on the school's clock, within the year), one class or one student.
    public var school: String?, year: String?, date: String?, `class`: String?, student: String?
    /// Only the students with no consent in force on the day (who must still sign).
    public var missingOnly: Bool?

    /// Parameters with every field given.
    public init(
        school: String?, year: String? = nil, date: String? = nil, class: String? = nil, student: String? = nil,
        missingOnly: Bool? = nil
    ) {
        self.school = school
        self.year = year
        self.date = date
        self.class = `class`
        self.student = student
        self.missingOnly = missingOnly
    }
}

/// `io.yeard.Reports.Consents` reply.
public struct ConsentsReply: Codable, Sendable {
    /// The students and their consents.
    public var report: ConsentsReport

    /// A reply with every field given.
    public init(report: ConsentsReport) { self.report = report }
}
