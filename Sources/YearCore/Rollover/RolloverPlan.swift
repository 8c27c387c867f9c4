import Foundation

/// A promotion outcome (`../shared/domain.md` §3), as decisions record it.
public enum PromotionOutcome: String, Sendable, Codable, CaseIterable {
    case promoted, conditional, retained, adapted, graduated, left, transferred
}

/// What a rollover plan is computed from: one school's year as the store reads it.
public struct RolloverInput: Sendable, Equatable {
    /// A student active in the old year, with the decision recorded for them (if any).
    public struct Student: Sendable, Equatable {
        /// The external id and the name people read.
        public var id: String, name: String
        /// The class in the old year and its grade.
        public var className: String, grade: Int
        /// The decision's outcome, debts, deadline and target class (nil when no decision is recorded).
        public var outcome: PromotionOutcome?, debts: String?, deadline: String?, targetClass: String?

        /// A student with every field given.
        public init(
            id: String, name: String, className: String, grade: Int, outcome: PromotionOutcome?, debts: String? = nil,
            deadline: String? = nil, targetClass: String? = nil
        ) {
            self.id = id
            self.name = name
            self.className = className
            self.grade = grade
            self.outcome = outcome
            self.debts = debts
            self.deadline = deadline
            self.targetClass = targetClass
        }
    }

    /// The school (its grades, graduating grades and calendar rule).
    public var school: School
    /// The year being closed.
    public var year: YearLabel
    /// The old year's classes (names such as `5А`).
    public var classes: [String]
    /// The active students.
    public var students: [Student]
    /// Explicit class mappings for merges, splits, renames (`9Б` -> `10А`), by old class name.
    public var overrides: [String: String]

    /// An input with every field given.
    public init(
        school: School, year: YearLabel, classes: [String], students: [Student], overrides: [String: String] = [:]
    ) {
        self.school = school
        self.year = year
        self.classes = classes
        self.students = students
        self.overrides = overrides
    }
}

/// The plan of a school's rollover from one year to the next: where every active student goes and why, which classes
/// the new year has, and its dates. A pure computation: the same input gives the same plan, byte for byte, and the
/// same hash, which an approval is bound to.
public struct RolloverPlan: Sendable, Equatable {
    /// One student's line.
    public struct Line: Sendable, Equatable {
        /// The student, their outcome (nil: no decision), the class they leave and the one they join (nil: they
        /// leave the school), and why they cannot be placed (nil: they can).
        public var studentID: String, name: String, outcome: PromotionOutcome?, fromClass: String, toClass: String?
        /// See above.
        public var reason: String?
        /// Debts and their deadline that a conditional promotion carries into the new year.
        public var debts: String?, deadline: String?
    }

    /// One old class and where it goes (nil: it closes), with how many of its students go there.
    public struct ClassMapping: Sendable, Equatable {
        /// The old class, the new one, and the students who follow it.
        public var from: String, to: String?, students: Int
    }

    /// The school, the year closed and the year opened, with the new year's dates.
    public var school: String, fromYear: YearLabel, toYear: YearLabel
    /// The new year's first and last day, from the school's calendar rule.
    public var toStart: CalendarDate, toEnd: CalendarDate
    /// Every active student, by class then id.
    public var students: [Line]
    /// Every old class, in class order.
    public var classes: [ClassMapping]
    /// The new year's classes, in class order.
    public var newYearClasses: [String]

    /// The students who cannot be placed: errors of the plan, which block its request.
    public var problems: [Line] { students.filter { $0.reason != nil } }

    /// How many students have each outcome (`none` for those without a decision).
    public var outcomeCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for line in students { counts[line.outcome?.rawValue ?? "none", default: 0] += 1 }
        return counts
    }

    /// Computes the plan; nil when the school's calendar gives no dates for the next year.
    public init?(_ input: RolloverInput) {
        let next = input.year.startYear + 1
        guard let toYear = YearLabel("\(next)/\(next + 1)"), let dates = input.school.defaultDates(for: toYear)
        else { return nil }
        school = input.school.id
        fromYear = input.year
        self.toYear = toYear
        toStart = dates.start
        toEnd = dates.end
        let school = input.school
        // The class an old class leads to by default: the next grade, same letter; none after the last grade.
        func following(_ name: String) -> String? {
            if let mapped = input.overrides[name] { return mapped }
            guard let parsed = RegistryValues.className(name), parsed.grade < school.lastGrade else { return nil }
            return "\(parsed.grade + 1)\(parsed.letter)"
        }
        var lines: [Line] = []
        for student in input.students.sorted(by: {
            ($0.className, $0.id) < ($1.className, $1.id)
        }) {
            var line = Line(
                studentID: student.id, name: student.name, outcome: student.outcome, fromClass: student.className,
                toClass: nil, reason: nil, debts: nil, deadline: nil)
            let letter = RegistryValues.className(student.className)?.letter ?? ""
            switch student.outcome {
            case nil:
                line.reason = "no promotion decision is recorded"
            case .promoted?, .conditional?:
                if let target = student.targetClass ?? following(student.className) {
                    line.toClass = target
                } else {
                    line.reason =
                        "\(student.outcome?.rawValue ?? "") from grade \(student.grade), the last grade: record "
                        + "'graduated' instead"
                }
                if student.outcome == .conditional {
                    line.debts = student.debts
                    line.deadline = student.deadline
                }
            case .retained?:
                // The same grade's class with the same letter in the new year; nothing marks them as retained there.
                line.toClass = student.targetClass ?? "\(student.grade)\(letter)"
            case .adapted?:
                if let target = student.targetClass {
                    line.toClass = target
                } else {
                    line.reason = "an adapted programme needs the target class in the decision"
                }
            case .graduated?:
                if !school.graduatingGrades.contains(student.grade) {
                    line.reason = "graduated from grade \(student.grade), which is not a graduating grade"
                }
            case .left?, .transferred?:
                break
            }
            lines.append(line)
        }
        students = lines
        classes = input.classes.sorted(by: ClassOrder.precedes).map { name in
            let target = following(name)
            return ClassMapping(
                from: name, to: target,
                students: lines.filter { $0.fromClass == name && $0.toClass != nil && $0.toClass == target }.count)
        }
        newYearClasses = Array(Set(lines.compactMap(\.toClass) + classes.compactMap(\.to)))
            .sorted(by: ClassOrder.precedes)
    }

    /// The plan in canonical JSON: what its hash is made of and what an approval reviews.
    public var canonical: JSONValue {
        .object([
            "school": .string(school), "fromYear": .string(fromYear.description),
            "toYear": .string(toYear.description), "toStart": .string(toStart.description),
            "toEnd": .string(toEnd.description),
            "classes": .array(
                classes.map {
                    .object([
                        "from": .string($0.from), "to": $0.to.map(JSONValue.string) ?? .null,
                        "students": .int(Int64($0.students)),
                    ])
                }),
            "newYearClasses": .array(newYearClasses.map(JSONValue.string)),
            "students": .array(
                students.map {
                    .object([
                        "student_id": .string($0.studentID),
                        "outcome": $0.outcome.map { .string($0.rawValue) } ?? .null,
                        "from_class": .string($0.fromClass), "to_class": $0.toClass.map(JSONValue.string) ?? .null,
                        "reason": $0.reason.map(JSONValue.string) ?? .null,
                        "debts": $0.debts.map(JSONValue.string) ?? .null,
                        "deadline": $0.deadline.map(JSONValue.string) ?? .null,
                    ])
                }),
        ])
    }

    /// The SHA-256 of the canonical form, in hex.
    public var hash: String { Digest.sha256Hex(canonical.canonicalText) }
}
