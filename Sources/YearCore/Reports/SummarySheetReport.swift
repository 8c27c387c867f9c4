import Foundation

/// The summary sheet of year grades and promotion (сводная ведомость учёта успеваемости), kept 25 years: per class,
/// its students down, the subjects of its curriculum across, each student's year grade in each subject, and the
/// outcome the pedagogical council decided with its order.
public struct SummarySheetReport: Codable, Sendable, Equatable {
    /// The school's id and name and the year's label.
    public var school: String, schoolName: String, year: String
    /// One part per class, in grade and letter order.
    public var classes: [SummaryClass]

    /// A sheet with every field given.
    public init(school: String, schoolName: String, year: String, classes: [SummaryClass]) {
        self.school = school
        self.schoolName = schoolName
        self.year = year
        self.classes = classes
    }

    /// How many persons the sheet names (an audit row records it).
    public var persons: Int { Set(classes.flatMap { $0.students.map(\.id) }).count }
}

/// One class of the summary sheet.
public struct SummaryClass: Codable, Sendable, Equatable {
    /// The class, its grade and profile, and its class teacher's name.
    public var `class`: String, grade: Int, profile: String?, teacher: String?
    /// The subjects across: the class's curriculum (general and of its profile), then any other subject a student
    /// of the class has a year grade in.
    public var subjects: [SummarySubject]
    /// The students who finished the year in the class (or are in it now, in a year not yet over), by name.
    public var students: [SummaryStudent]

    /// A class with every field given.
    public init(
        class: String, grade: Int, profile: String?, teacher: String?, subjects: [SummarySubject],
        students: [SummaryStudent]
    ) {
        self.class = `class`
        self.grade = grade
        self.profile = profile
        self.teacher = teacher
        self.subjects = subjects
        self.students = students
    }
}

/// A subject of the summary sheet.
public struct SummarySubject: Codable, Sendable, Equatable {
    /// Its id and its name.
    public var id: String, name: String

    /// A subject with every field given.
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// A student's line of the summary sheet.
public struct SummaryStudent: Codable, Sendable, Equatable {
    /// The student's id and full name.
    public var id: String, name: String
    /// Year grades by subject id (`2`-`5`, `pass`, `fail`, `exempt`); a subject without a grade is absent.
    public var grades: [String: String]
    /// The pedagogical council's decision (absent: none yet), its order's number and date, and the subjects of an
    /// academic debt.
    public var outcome: PromotionOutcome?, orderNo: String?, orderDate: String?, debts: String?

    /// A line with every field given.
    public init(
        id: String, name: String, grades: [String: String], outcome: PromotionOutcome?, orderNo: String?,
        orderDate: String?, debts: String?
    ) {
        self.id = id
        self.name = name
        self.grades = grades
        self.outcome = outcome
        self.orderNo = orderNo
        self.orderDate = orderDate
        self.debts = debts
    }
}
