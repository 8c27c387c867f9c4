import Foundation

/// A kind of registry file: its CSV columns are the public contract (docs/formats.md).
public enum RegistryKind: String, ClosedSet {
    case students, guardians, staff, subjects, classes, curriculum, assignments, schedule, grades, decisions,
        consents, applications, orders, certificates, retakes, periods

    /// What a column holds, and so how its text is checked and normalized.
    public enum ValueType: Sendable, Equatable {
        /// An external id (1-64 characters).
        case id
        /// A person's name part (1-100 characters).
        case name
        /// Free text (at most 500 characters).
        case text
        /// A date, `2026-09-01` or `01.09.2026`, stored as the first.
        case date
        /// M/F/М/Ж, stored as M or F.
        case gender
        /// A class name `5А`, stored canonical (a Latin look-alike letter becomes Cyrillic).
        case className
        /// A class letter, stored as in a canonical class name.
        case classLetter
        /// SNILS, stored as 11 digits.
        case snils
        /// An integer in a range.
        case integer(ClosedRange<Int>)
        /// One of the listed words.
        case oneOf([String])
        /// A grade: a mark 2-5, pass or fail, or exempt (Russian words accepted, see `RegistryValues.mark`).
        case mark
    }

    /// One column of the contract.
    public struct Column: Sendable, Equatable {
        /// The header name.
        public let name: String
        /// Whether every row must give a value (a required column must also be present in the header).
        public let required: Bool
        /// What it holds.
        public let type: ValueType
    }

    /// The columns, in the order exports write them (built once per kind: rows are validated against them).
    public var columns: [Column] { Self.columnTable[self] ?? [] }

    private static let columnTable: [RegistryKind: [Column]] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, $0.makeColumns()) })

    private func makeColumns() -> [Column] {
        // `name!` is required; the type follows the colon.
        func c(_ spec: [(String, ValueType)]) -> [Column] {
            spec.map { name, type in
                Column(
                    name: name.hasSuffix("!") ? String(name.dropLast()) : name, required: name.hasSuffix("!"),
                    type: type)
            }
        }
        let grade = ValueType.integer(1...12)
        switch self {
        case .students:
            return c([
                ("student_id!", .id), ("last_name!", .name), ("first_name!", .name), ("middle_name", .name),
                ("birth_date", .date), ("gender!", .gender), ("class", .className), ("personal_file_no", .id),
                ("snils", .snils), ("enrolled_on", .date),
                ("form_of_education", .oneOf(FormOfEducation.allCases.map(\.rawValue))),
            ])
        case .guardians:
            return c([
                ("guardian_id!", .id), ("student_id!", .id), ("relation", .text), ("last_name!", .name),
                ("first_name!", .name), ("middle_name", .name), ("phone", .text), ("email", .text),
            ])
        case .staff:
            return c([
                ("staff_id!", .id), ("last_name!", .name), ("first_name!", .name), ("middle_name", .name),
                ("position", .text), ("login", .id),
            ])
        case .subjects:
            return c([("subject_id!", .id), ("name!", .text)])
        case .classes:
            return c([
                ("class!", .className), ("grade", grade), ("letter", .classLetter), ("profile", .text),
                ("class_type", .text), ("class_teacher_id", .id), ("capacity", .integer(1...100)),
            ])
        case .curriculum:
            return c([
                ("grade!", grade), ("profile", .text), ("subject_id!", .id), ("hours_per_week!", .integer(0...40)),
                ("assessment", .oneOf(["graded", "pass_fail"])),
            ])
        case .assignments:
            return c([("class!", .className), ("subject_id!", .id), ("group", .text), ("teacher_id!", .id)])
        case .schedule:
            return c([
                ("class!", .className), ("weekday!", .integer(1...7)), ("period!", .integer(1...12)),
                ("subject_id!", .id), ("group", .text), ("teacher_id", .id), ("room", .text),
            ])
        case .grades:
            return c([
                ("student_id!", .id), ("subject_id!", .id),
                ("period!", .oneOf(StudyPeriod.all + ["year", "exam", "final"])),
                ("grade!", .mark),
            ])
        case .decisions:
            return c([
                ("student_id!", .id),
                (
                    "outcome!",
                    .oneOf(["promoted", "conditional", "retained", "adapted", "graduated", "left", "transferred"])
                ),
                ("debts", .text), ("deadline", .date), ("target_class", .className), ("order_no", .id),
                ("order_date", .date), ("destination", .text), ("statement_on", .date),
            ])
        case .periods:
            return c([
                ("grade!", grade), ("period!", .oneOf(StudyPeriod.all)), ("starts_on!", .date), ("ends_on!", .date),
            ])
        case .certificates:
            return c([
                ("student_id!", .id), ("kind!", .oneOf(["basic", "secondary", "statement"])), ("number!", .id),
                ("issued_on!", .date), ("honours", .integer(0...1)),
            ])
        case .retakes:
            return c([
                ("student_id!", .id), ("subject!", .text), ("attempt!", .integer(1...2)), ("taken_on!", .date),
                ("result!", .mark),
            ])
        case .consents:
            return c([
                ("person_id!", .id), ("person_kind!", .oneOf(["student", "guardian", "staff"])), ("signed_by", .id),
                ("signed_on!", .date), ("form_version", .text), ("withdrawn_on", .date),
            ])
        case .applications:
            return c([
                ("application_id!", .id), ("last_name!", .name), ("first_name!", .name), ("middle_name", .name),
                ("birth_date", .date), ("gender", .gender), ("grade!", grade),
                ("status!", .oneOf(["submitted", "accepted", "enrolled", "rejected", "withdrawn"])),
                ("submitted_on", .date), ("guardian_name", .text), ("guardian_phone", .text), ("guardian_email", .text),
                ("class", .className), ("consent_on", .date),
            ])
        case .orders:
            return c([
                ("order_no!", .id), ("order_date!", .date),
                (
                    "kind!",
                    .oneOf(OrderKind.allCases.map(\.rawValue))
                ),
                ("student_id!", .id), ("class_from", .className), ("class_to", .className), ("effective_on", .date),
                ("basis", .text), ("destination", .text),
            ])
        }
    }

    /// The forms of education (273-FZ art. 17): in school, or outside it (family education, self-education), where
    /// a student is attached to the school for assessment only and is in no class.
    public enum FormOfEducation: String, Sendable, CaseIterable {
        case fullTime = "full_time", partTime = "part_time", extramural, family, `self`

        /// Whether the student learns outside the school (and so needs no class).
        public var outsideSchool: Bool { self == .family || self == .`self` }

        /// The forms outside the school as an SQL list of string literals, for the store's queries.
        public static var outsideSchoolSQL: String {
            "(" + allCases.filter(\.outsideSchool).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
        }
    }

    /// The study periods a grade's year is divided into: quarters, trimesters or halves.
    public enum StudyPeriod {
        /// Every period id, in order: `q1`-`q4`, `t1`-`t3`, `h1`, `h2`.
        public static let all = ["q1", "q2", "q3", "q4", "t1", "t2", "t3", "h1", "h2"]
    }

    /// The year-scoped kinds that may still change while their year is closing (domain.md §2: the day-to-day
    /// data are frozen): year grades, decisions, and the orders that carry out departures.
    public static let changingWhileClosing: Set<RegistryKind> = [.grades, .decisions, .orders, .certificates, .retakes]

    /// The grade periods recorded while a year is closing: the year's, the exam's and the final grade.
    public static let closingPeriods = ["year", "exam", "final"]

    /// Whether the kind's rows belong to one academic year (an import names the year).
    public var isYearScoped: Bool {
        switch self {
        case .students, .classes, .curriculum, .assignments, .schedule, .grades, .decisions, .orders, .certificates,
            .retakes, .periods:
            true
        case .guardians, .staff, .subjects, .consents, .applications: false
        }
    }
}

/// Where the columns of a file's header are, and what the header lacks or has too much of.
public struct CSVHeader: Sendable {
    /// The index of each known column present in the file.
    public let index: [String: Int]
    /// For each of the kind's columns in order, its position in the file (nil when absent).
    public let positions: [Int?]
    /// Columns the file has that the kind does not know (reported, then ignored).
    public let extra: [String]
    /// Required columns the file lacks.
    public let missing: [String]
    /// Known columns the header names twice.
    public let repeated: [String]

    /// Reads `fields` (the first record) as the header of a `kind` file: English column names or the Russian
    /// headers of schools' exports, matched without case, `ё` and extra spaces (`RegistryKind.column(forHeader:)`).
    public init(_ fields: [String], kind: RegistryKind) {
        var index: [String: Int] = [:]
        var extra: [String] = []
        var repeated: [String] = []
        for (position, raw) in fields.enumerated() {
            let name = kind.column(forHeader: raw)
            if let name, index[name] == nil {
                index[name] = position
            } else {
                if let name { repeated.append(name) }
                extra.append(raw)
            }
        }
        self.repeated = repeated
        self.index = index
        self.extra = extra
        positions = kind.columns.map { index[$0.name] }
        missing = kind.columns.filter { $0.required && index[$0.name] == nil }.map(\.name)
    }
}

extension RegistryKind {
    /// The role that imports and edits this kind (domain.md §1): the secretary keeps people, enrollments and
    /// orders; the admin keeps classes, subjects, curriculum, assignments and the schedule; teachers record grades.
    public var writerRole: Role {
        switch self {
        case .students, .guardians, .staff, .consents, .applications, .orders, .decisions, .certificates, .retakes:
            .secretary
        case .subjects, .classes, .curriculum, .assignments, .schedule, .periods: .admin
        case .grades: .teacher
        }
    }

    /// The columns that identify a row of this kind in a file (one order names several students).
    public var keyColumns: [String] {
        switch self {
        case .orders: ["order_no", "student_id"]
        case .guardians: ["guardian_id", "student_id"]
        case .consents: ["person_kind", "person_id", "signed_on"]
        case .grades: ["student_id", "subject_id", "period"]
        case .certificates: ["student_id", "kind"]
        case .periods: ["grade", "period"]
        case .retakes: ["student_id", "subject", "attempt"]
        case .curriculum: ["grade", "profile", "subject_id"]
        case .assignments: ["class", "subject_id", "group"]
        case .schedule: ["class", "weekday", "period", "group"]
        default: [keyColumn]
        }
    }

    /// The column that identifies a row of this kind in a file (rows are upserted by it).
    public var keyColumn: String {
        switch self {
        case .students, .grades, .decisions, .certificates, .retakes: "student_id"
        case .guardians: "guardian_id"
        case .staff: "staff_id"
        case .subjects: "subject_id"
        case .classes, .assignments, .schedule: "class"
        case .curriculum, .periods: "grade"
        case .consents: "person_id"
        case .applications: "application_id"
        case .orders: "order_no"
        }
    }
}
