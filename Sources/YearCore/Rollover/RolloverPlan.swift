import Foundation

/// A promotion outcome (`../shared/domain.md` §3), as decisions record it.
public enum PromotionOutcome: String, ClosedSet {
    case promoted, conditional, retained, adapted, graduated, left, transferred
}

/// What a rollover carries from the old year into the new one; each switch can be turned off in `[rollover.carry]`.
/// Subjects and staff belong to the school, not to a year, so they are there in the new year whatever the switches.
public struct CarryOver: Sendable, Equatable, Codable {
    /// The curriculum, grade by grade (hours, assessment).
    public var curriculum: Bool
    /// A class's class teacher follows it into its new class.
    public var classTeachers: Bool
    /// A class's teaching assignments follow it into its new class.
    public var assignments: Bool
    /// A class's profile and class type follow it.
    public var profiles: Bool
    /// A class's capacity follows it.
    public var capacity: Bool

    /// Switches with every field given; by default everything is carried.
    public init(
        curriculum: Bool = true, classTeachers: Bool = true, assignments: Bool = true, profiles: Bool = true,
        capacity: Bool = true
    ) {
        self.curriculum = curriculum
        self.classTeachers = classTeachers
        self.assignments = assignments
        self.profiles = profiles
        self.capacity = capacity
    }

    /// The switches by their configuration names.
    public var named: [(String, Bool)] {
        [
            ("curriculum", curriculum), ("class_teachers", classTeachers), ("assignments", assignments),
            ("profiles", profiles), ("capacity", capacity),
        ]
    }
}

/// A class's attributes that a rollover can carry into the class that follows it.
public struct ClassAttributes: Sendable, Equatable {
    /// Profile, class type, class teacher and capacity, as recorded (nil: none).
    public var profile: String?, classType: String?, teacherID: String?, capacity: Int?

    /// Attributes with every field given.
    public init(profile: String? = nil, classType: String? = nil, teacherID: String? = nil, capacity: Int? = nil) {
        self.profile = profile
        self.classType = classType
        self.teacherID = teacherID
        self.capacity = capacity
    }
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
        /// The pedagogical council's order that decided it (number and date), the basis of the year-end order.
        public var councilOrderNo: String?, councilOrderDate: String?
        /// The school a transferred student goes to.
        public var destination: String?
        /// The subjects (by name) with a failing year grade.
        public var failingSubjects: [String]
        /// The kinds of certificate recorded for the student this year (`basic`, `secondary`, `statement`).
        public var certificates: Set<String>

        /// A student with every field given.
        public init(
            id: String, name: String, className: String, grade: Int, outcome: PromotionOutcome?, debts: String? = nil,
            deadline: String? = nil, targetClass: String? = nil, councilOrderNo: String? = nil,
            councilOrderDate: String? = nil, destination: String? = nil, failingSubjects: [String] = [],
            certificates: Set<String> = []
        ) {
            self.certificates = certificates
            self.id = id
            self.name = name
            self.className = className
            self.grade = grade
            self.outcome = outcome
            self.debts = debts
            self.deadline = deadline
            self.targetClass = targetClass
            self.councilOrderNo = councilOrderNo
            self.councilOrderDate = councilOrderDate
            self.destination = destination
            self.failingSubjects = failingSubjects
        }
    }

    /// An accepted admissions application: the child becomes a student of the new year, in a new first-grade
    /// class, or for another grade (a new 10th grade by profile, a summer transfer) in the class it names or the
    /// grade's class with the fewest students.
    public struct Application: Sendable, Equatable {
        /// The application's id (the new student's id), the child's name, gender and birth date (nil: not given).
        public var id: String, name: String, gender: String?, birthDate: String?
        /// Whether a student with this id already exists at the school.
        public var idTaken: Bool
        /// The grade applied for (the school's first grade by default) and the class, when the application names
        /// one.
        public var grade: Int?, className: String?
        /// What the apply copies of the guardian: name, phone, email and the consent's date (part of the hash).
        public var guardian: [String?]

        /// An application with every field given.
        public init(
            id: String, name: String, gender: String?, birthDate: String? = nil, idTaken: Bool = false,
            grade: Int? = nil, className: String? = nil, guardian: [String?] = []
        ) {
            self.guardian = guardian
            self.id = id
            self.name = name
            self.gender = gender
            self.birthDate = birthDate
            self.idTaken = idTaken
            self.grade = grade
            self.className = className
        }
    }

    /// The next year when it already exists (created `open` to be prepared): its dates and classes are used.
    public struct NextYear: Sendable, Equatable {
        /// Its label, dates and state.
        public var label: YearLabel, start: CalendarDate, end: CalendarDate, state: YearState
        /// Its classes, by name.
        public var classes: [String: ClassAttributes]
        /// How many enrollments it already holds: arrivals enrolled ahead (summer transfers), by class; a
        /// rollover adds its students beside them.
        public var enrollments: Int
        /// Its enrollments by class, and the names of the old year's active students it already holds (who
        /// cannot be placed twice).
        public var enrolledAhead: [String: Int], alreadyEnrolled: [String]
        /// Its grades that end on their own day.
        public var gradeEnds: [Int: CalendarDate]

        /// A next year with every field given.
        public init(
            label: YearLabel, start: CalendarDate, end: CalendarDate, state: YearState = .open,
            classes: [String: ClassAttributes] = [:], enrollments: Int = 0, gradeEnds: [Int: CalendarDate] = [:],
            enrolledAhead: [String: Int] = [:], alreadyEnrolled: [String] = []
        ) {
            self.gradeEnds = gradeEnds
            self.enrolledAhead = enrolledAhead
            self.alreadyEnrolled = alreadyEnrolled
            self.label = label
            self.start = start
            self.end = end
            self.state = state
            self.classes = classes
            self.enrollments = enrollments
        }
    }

    /// The school (its grades, graduating grades and calendar rule).
    public var school: School
    /// The year being closed.
    public var year: YearLabel
    /// Its last day, and the grades that end on their own day (nil: not known, as in a plan made by hand; the
    /// lines then name no last day).
    public var yearEnd: CalendarDate?, gradeEnds: [Int: CalendarDate]
    /// The old year's classes (names such as `5А`).
    public var classes: [String]
    /// The active students.
    public var students: [Student]
    /// Explicit class mappings for merges, splits, renames (`9Б` -> `10А`), by old class name.
    public var overrides: [String: String]
    /// The old classes whose class teacher, profile and assignments a merged class keeps (`rollover map ...
    /// --teacher-from 9Б`); without one, a merge keeps its first source's.
    public var kept: Set<String>
    /// The subjects each old class has teaching assignments for, by class name.
    public var assignedSubjects: [String: [String]]
    /// The subjects of the new year's curriculum per grade, as the rollover leaves it (the next year's own, else
    /// the old year's when curriculum is carried): an assignment of a subject the new grade lacks is not carried.
    public var nextCurriculum: [Int: Set<String>]
    /// Staff names by id, to name class teachers where people read the plan.
    public var staffNames: [String: String]
    /// The personal-file numbering rule (`[rollover] personal_file`) and the next number it continues from.
    public var personalFileRule: String, personalFileNext: Int
    /// The old classes' attributes, by name.
    public var attributes: [String: ClassAttributes]
    /// Accepted applications for the first grade, to form the new first grades from.
    public var applications: [Application]
    /// The next year if it already exists.
    public var nextYear: NextYear?
    /// What is carried over.
    public var carry: CarryOver
    /// The capacity of a new first-grade class (the `[checks] default_capacity`).
    public var firstGradeCapacity: Int
    /// The numbering rule of the orders the apply writes (part of what the approval is bound to).
    public var orderNumber: String
    /// A digest of the rows the apply copies beside the plan's lines (the old year's curriculum and assignments,
    /// the next year's curriculum), made by the store: data changed there after a request make it stale.
    public var carriedData: String
    /// Whether `nextCurriculum` was given (else assignments are not filtered by it).
    public var curriculumKnown: Bool

    /// An input with every field given.
    public init(
        school: School, year: YearLabel, classes: [String], students: [Student], overrides: [String: String] = [:],
        attributes: [String: ClassAttributes] = [:], applications: [Application] = [], nextYear: NextYear? = nil,
        carry: CarryOver = CarryOver(), firstGradeCapacity: Int = 30,
        orderNumber: String = RolloverSettings.defaultOrderNumber, carriedData: String = "",
        yearEnd: CalendarDate? = nil, gradeEnds: [Int: CalendarDate] = [:], kept: Set<String> = [],
        assignedSubjects: [String: [String]] = [:], nextCurriculum: [Int: Set<String>]? = nil,
        staffNames: [String: String] = [:], personalFileRule: String = RolloverSettings.defaultPersonalFile,
        personalFileNext: Int = 1
    ) {
        self.personalFileRule = personalFileRule
        self.personalFileNext = personalFileNext
        self.kept = kept
        self.assignedSubjects = assignedSubjects
        // By default every assigned subject is in the next grade's curriculum (a plan made by hand).
        self.nextCurriculum = nextCurriculum ?? [:]
        self.curriculumKnown = nextCurriculum != nil
        self.staffNames = staffNames
        self.yearEnd = yearEnd
        self.gradeEnds = gradeEnds
        self.orderNumber = orderNumber
        self.carriedData = carriedData
        self.school = school
        self.year = year
        self.classes = classes
        self.students = students
        self.overrides = overrides
        self.attributes = attributes
        self.applications = applications
        self.nextYear = nextYear
        self.carry = carry
        self.firstGradeCapacity = firstGradeCapacity
    }
}

/// The plan of a school's rollover from one year to the next: where every active student goes and why, which classes
/// the new year has (and what they carry over), who joins the new first grades, and the new year's dates. A pure
/// computation: the same input gives the same plan, byte for byte, and the same hash, which an approval is bound to.
public struct RolloverPlan: Sendable, Equatable {
    /// One student's line.
    public struct Line: Sendable, Equatable {
        /// The student, their outcome (nil: no decision), the class they leave and the one they join (nil: they
        /// leave the school), and why they cannot be placed (nil: they can).
        public var studentID: String, name: String, outcome: PromotionOutcome?, fromClass: String, toClass: String?
        /// See above.
        public var reasonNote: Note?
        /// Debts and their deadline that a conditional promotion carries into the new year.
        public var debts: String?, deadline: String?
        /// The pedagogical council's order that decided the outcome (the basis of the year-end order), and the
        /// school a transferred student goes to.
        public var councilOrderNo: String?, councilOrderDate: String?, destination: String?
        /// The last day of the student's grade in the old year: their enrollment ends then, and a departure takes
        /// effect then (grades 9 and 11 end after the state exams).
        public var lastDay: CalendarDate?

        /// The kind of the year-end order that carries the outcome out (nil: no decision).
        public var orderKind: OrderKind? { outcome?.orderKind }
        /// Why the student cannot be placed, in English (nil: they can).
        public var reason: String? { reasonNote?.english }
    }

    /// One old class and where it goes (nil: it closes), with how many of its students go there.
    public struct ClassMapping: Sendable, Equatable {
        /// The old class, the new one, and the students who follow it.
        public var from: String, to: String?, students: Int
    }

    /// One class of the new year.
    public struct NewClass: Sendable, Equatable {
        /// Its name, grade and letter.
        public var name: String, grade: Int, letter: String
        /// The old class whose attributes it carries (nil: none), and whether the next year already has it (then
        /// it is kept as it is).
        public var source: String?, existing: Bool
        /// Every old class that leads to it, in class order (more than one: a merge).
        public var sources: [String] = []
        /// The subjects of the kept source's assignments that are carried, and those that are not (the new grade's
        /// curriculum lacks them).
        public var carriedSubjects: [String] = [], droppedSubjects: [String] = []
        /// Whether the kept source's class teacher stays behind: a primary teacher does not follow a class into
        /// grade 5.
        public var teacherLeft = false
        /// What it will have.
        public var attributes: ClassAttributes
        /// How many students it will hold (promoted, retained and admitted).
        public var students: Int
    }

    /// One accepted application and the first-grade class it joins (nil with a reason: it cannot be placed).
    public struct Admission: Sendable, Equatable {
        /// The application (the new student's id), the child's name, gender and birth date, the class and the
        /// reason.
        public var applicationID: String, name: String, gender: String?, birthDate: String?, toClass: String?,
            reasonNote: Note?
        /// The grade applied for, and the personal-file number the new student gets (the book's entry number).
        public var grade: Int = 0, personalFileNo: String?
        /// The guardian's fields the apply copies (see `RolloverInput.Application.guardian`).
        public var guardian: [String?] = []
        /// Why the application cannot be placed, in English (nil: it can).
        public var reason: String? { reasonNote?.english }
    }

    /// The school, the year closed and the year opened, with the new year's dates.
    public var school: String, fromYear: YearLabel, toYear: YearLabel
    /// The new year's first and last day: its own when it exists, else the school's calendar rule.
    public var toStart: CalendarDate, toEnd: CalendarDate
    /// The new year's grades that end on their own day: its own when it exists, else the school's `grade_end`.
    public var toGradeEnds: [Int: CalendarDate]
    /// Whether the new year already exists (prepared ahead as `open`).
    public var toYearExists: Bool
    /// Every active student, by class then id.
    public var students: [Line]
    /// Every old class, in class order.
    public var classes: [ClassMapping]
    /// The new year's classes, in class order.
    public var newClasses: [NewClass]
    /// Accepted first-grade applications, by name then id.
    public var admissions: [Admission]
    /// What is carried over.
    public var carry: CarryOver
    /// The numbering rule of the orders and the digest of the carried rows (see `RolloverInput`).
    public var orderNumber: String, carriedData: String
    /// The old classes' attributes and assigned subjects, and staff names, as the summary names them.
    var sourceAttributes: [String: ClassAttributes], sourceSubjects: [String: [String]], staffNames: [String: String]

    /// The name of a member of staff as the staff file gives it (`Петрова Анна`), for people to read beside or
    /// instead of the id; not part of the plan's hash.
    public func staffName(_ id: String) -> String? { staffNames[id] }
    /// The school's first grade, and how many arrivals the next year already holds (nil: none).
    var firstGrade: Int, enrolledAhead: Int?
    /// Errors of the plan that are not one student's: a class over capacity, a next year that already has students.
    public var planErrors: [Note]
    /// What the plan does that the school must answer for but that does not block it: a first grader admitted
    /// outside the law's age (273-FZ art. 67), who needs the founder's permission.
    public var warningNotes: [Note]
    /// The warnings in English.
    public var warnings: [String] { warningNotes.map(\.english) }

    /// The new year's class names, in class order.
    public var newYearClasses: [String] { newClasses.map(\.name) }

    /// The students who cannot be placed: errors of the plan, which block its request.
    public var problems: [Line] { students.filter { $0.reason != nil } }

    /// Every error of the plan as a sentence naming the student, application, class or year; empty when it can be
    /// requested.
    public var errors: [String] { errorNotes.map(\.english) }

    /// Every error of the plan, to be said in any language.
    public var errorNotes: [Note] {
        students.compactMap { line in line.reasonNote?.about(student: line) }
            + admissions.compactMap { admission in
                admission.reasonNote?.about(application: admission.applicationID, name: admission.name)
            } + planErrors
    }

    /// How many students have each outcome (`none` for those without a decision).
    public var outcomeCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for line in students { counts[line.outcome?.rawValue ?? "none", default: 0] += 1 }
        return counts
    }

    /// The letters new classes are named with, in order (those a class name never uses are left out).
    static let letters = Array("АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ").map(String.init)

    /// Computes the plan; nil when the next year does not exist and the school's calendar gives no dates for it.
    public init?(_ input: RolloverInput) {
        let next = input.year.startYear + 1
        guard let label = YearLabel("\(next)/\(next + 1)") else { return nil }
        if let existing = input.nextYear {
            (toStart, toEnd, toGradeEnds) = (existing.start, existing.end, existing.gradeEnds)
        } else {
            guard let dates = input.school.defaultDates(for: label) else { return nil }
            (toStart, toEnd) = (dates.start, dates.end)
            toGradeEnds = input.school.defaultGradeEnds(for: label)
        }
        school = input.school.id
        fromYear = input.year
        toYear = label
        toYearExists = input.nextYear != nil
        carry = input.carry
        orderNumber = input.orderNumber
        carriedData = input.carriedData
        sourceAttributes = input.attributes
        sourceSubjects = input.assignedSubjects
        staffNames = input.staffNames
        firstGrade = input.school.firstGrade
        enrolledAhead = input.nextYear.map(\.enrollments)
        var errors: [Note] = []
        if let existing = input.nextYear {
            if existing.state != .open {
                errors.append(
                    Note("next-year-state", ["year": label.description, "state": existing.state.rawValue]))
            }
            // Arrivals enrolled ahead (summer transfers) stay and count in their classes; a student of the old
            // year enrolled there already would be placed twice.
            if !existing.alreadyEnrolled.isEmpty {
                let ids =
                    existing.alreadyEnrolled.prefix(5).joined(separator: ", ")
                    + (existing.alreadyEnrolled.count > 5 ? ", ..." : "")
                errors.append(
                    Note(
                        "next-year-holds",
                        [
                            "year": label.description, "count": String(existing.alreadyEnrolled.count),
                            "from_year": input.year.description, "ids": ids,
                        ]))
            }
        }
        let school = input.school
        // The class an old class leads to by default: the next grade, same letter; none after the last grade.
        func following(_ name: String) -> String? {
            if let mapped = input.overrides[name] { return mapped }
            guard let parsed = RegistryValues.className(name), parsed.grade < school.lastGrade else { return nil }
            return "\(parsed.grade + 1)\(parsed.letter)"
        }
        var lines: [Line] = []
        for student in input.students.sorted(by: { ($0.className, $0.id) < ($1.className, $1.id) }) {
            var line = Self.line(for: student, school: school, following: following)
            line.lastDay = input.gradeEnds[student.grade] ?? input.yearEnd
            lines.append(line)
        }
        students = lines
        classes = input.classes.sorted(by: ClassOrder.precedes).map { name in
            let target = following(name)
            return ClassMapping(
                from: name, to: target,
                students: lines.filter {
                    $0.reason == nil && $0.fromClass == name && $0.toClass != nil && $0.toClass == target
                }.count)
        }
        // The new year's classes: every target, and every class an old class leads to. A student who cannot be
        // placed is counted nowhere (found by the plan's property test: a grade-9 student without the basic
        // certificate was both an error and one of 10А's students).
        var counts: [String: Int] = input.nextYear?.enrolledAhead ?? [:]
        for line in lines where line.reason == nil { if let to = line.toClass { counts[to, default: 0] += 1 } }
        for mapping in classes { if let to = mapping.to, counts[to] == nil { counts[to] = 0 } }
        var built: [String: NewClass] = [:]
        for (name, count) in counts {
            guard let parsed = RegistryValues.className(name) else { continue }
            if let attributes = input.nextYear?.classes[name] {
                built[name] = NewClass(
                    name: name, grade: parsed.grade, letter: parsed.letter, source: nil, existing: true,
                    attributes: attributes, students: count)
                continue
            }
            // A merge keeps the source the admin named (--teacher-from), else its first; nothing else of the
            // others is carried, and the plan says so.
            let sources = classes.filter { $0.to == name }.map(\.from)
            let source = sources.first { input.kept.contains($0) } ?? sources.first
            let old = source.flatMap { input.attributes[$0] } ?? ClassAttributes()
            let fromGrade = source.flatMap { RegistryValues.className($0)?.grade }
            // A new stage (primary 1-4 into basic 5-9): the primary teacher does not follow the class.
            let newStage = fromGrade == School.primaryLastGrade && parsed.grade == School.primaryLastGrade + 1
            var new = NewClass(
                name: name, grade: parsed.grade, letter: parsed.letter, source: source, existing: false,
                attributes: ClassAttributes(
                    profile: input.carry.profiles ? old.profile : nil,
                    classType: input.carry.profiles ? old.classType : nil,
                    teacherID: input.carry.classTeachers && !newStage ? old.teacherID : nil,
                    capacity: input.carry.capacity ? old.capacity : nil),
                students: count)
            new.sources = sources
            new.teacherLeft = newStage && input.carry.classTeachers && old.teacherID != nil
            if input.carry.assignments, let source {
                let subjects = Set(input.assignedSubjects[source] ?? []).sorted()
                let offered = input.nextCurriculum[parsed.grade] ?? []
                new.carriedSubjects = input.curriculumKnown ? subjects.filter(offered.contains) : subjects
                new.droppedSubjects = input.curriculumKnown ? subjects.filter { !offered.contains($0) } : []
            }
            built[name] = new
        }
        var admitted = Self.admit(
            input.applications.filter { ($0.grade ?? school.firstGrade) == school.firstGrade },
            grade: school.firstGrade, capacity: input.firstGradeCapacity, existing: input.nextYear?.classes ?? [:],
            into: &built)
        admitted += Self.admitToOtherGrades(
            input.applications.filter { ($0.grade ?? school.firstGrade) != school.firstGrade }, school: school,
            existing: input.nextYear?.classes ?? [:], into: &built)
        // Personal-file numbers continue the book's numbering, in the order the admissions are listed.
        var number = input.personalFileNext
        for index in admitted.indices where admitted[index].toClass != nil {
            admitted[index].personalFileNo = RolloverSettings.personalFileNumber(
                input.personalFileRule, year: label.startYear, number: number)
            number += 1
        }
        admissions = admitted
        warningNotes =
            school.firstGrade == 1
            ? admissions.compactMap { admission in
                guard admission.toClass != nil, let birth = admission.birthDate.flatMap(CalendarDate.init(iso:)),
                    let problem = AdmissionAge.problem(birth: birth, year: label)
                else { return nil }
                return problem.about(application: admission.applicationID, name: admission.name)
            } : []
        newClasses = built.values.sorted { ClassOrder.precedes($0.name, $1.name) }
        for line in lines where line.toClass != nil && RegistryValues.className(line.toClass ?? "") == nil {
            errors.append(Note("not-a-class-name", ["target": line.toClass ?? "", "student": line.name]))
        }
        for new in newClasses where !(school.firstGrade...school.lastGrade).contains(new.grade) {
            errors.append(
                Note(
                    "beyond-grades",
                    ["class": new.name, "first": String(school.firstGrade), "last": String(school.lastGrade)]))
        }
        for new in newClasses {
            if let capacity = new.attributes.capacity, new.students > capacity {
                errors.append(
                    Note(
                        "over-capacity",
                        ["class": new.name, "students": String(new.students), "capacity": String(capacity)]))
            }
        }
        planErrors = errors
    }

    /// One student's line: where the decision sends them, or why they cannot be placed.
    static func line(
        for student: RolloverInput.Student, school: School, following: (String) -> String?
    ) -> Line {
        var line = Line(
            studentID: student.id, name: student.name, outcome: student.outcome, fromClass: student.className,
            toClass: nil, reasonNote: nil, debts: nil, deadline: nil, councilOrderNo: student.councilOrderNo,
            councilOrderDate: student.councilOrderDate,
            destination: student.outcome == .transferred ? student.destination : nil, lastDay: nil)
        let letter = RegistryValues.className(student.className)?.letter ?? ""
        switch student.outcome {
        case nil:
            line.reasonNote = Note("no-decision")
        case .promoted?, .conditional?:
            if let target = student.targetClass ?? following(student.className) {
                line.toClass = target
            } else {
                line.reasonNote = Note(
                    "last-grade", ["outcome": student.outcome?.rawValue ?? "", "grade": String(student.grade)])
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
                line.reasonNote = Note("adapted-needs-target")
            }
        case .graduated?:
            if !school.graduatingGrades.contains(student.grade) {
                line.reasonNote = Note("not-graduating-grade", ["grade": String(student.grade)])
            }
        case .left?, .transferred?:
            break
        }
        if line.reasonNote == nil, let outcome = student.outcome, let target = line.toClass {
            line.reasonNote = Self.targetProblem(student: student, outcome: outcome, target: target, school: school)
        }
        return line
    }

    /// Why a student with `outcome` cannot join `target`, or nil when they can (273-FZ art. 58, domain.md §9): a
    /// promotion leads to the next grade, a retention stays in the same grade, an adapted programme goes to any
    /// grade up to the next; and the end of a stage short of the last grade (9 -> 10) needs its certificate: no
    /// academic debt and no failing year grade.
    static func targetProblem(
        student: RolloverInput.Student, outcome: PromotionOutcome, target: String, school: School
    ) -> Note? {
        // A target that is not a class name is reported once, as an error of the plan.
        guard let grade = RegistryValues.className(target)?.grade else { return nil }
        let next = student.grade + 1
        let p = [
            "outcome": outcome.rawValue, "from_class": student.className, "target": target,
            "grade": String(student.grade), "next": String(next), "target_grade": String(grade),
        ]
        switch outcome {
        case .promoted, .conditional:
            if grade != next { return Note("promotion-grade", p) }
            let stageEnd = school.graduatingGrades.contains(student.grade) && student.grade < school.lastGrade
            if stageEnd && outcome == .conditional {
                return Note("stage-debt", p.merging(["debts": student.debts ?? ""]) { $1 })
            }
            if stageEnd && !student.failingSubjects.isEmpty {
                return Note(
                    "stage-failing", p.merging(["subjects": student.failingSubjects.joined(separator: ", ")]) { $1 })
            }
            if stageEnd && !student.certificates.contains("basic") { return Note("stage-no-certificate", p) }
        case .retained:
            if grade != student.grade { return Note("retained-target", p) }
        case .adapted:
            if grade > next { return Note("adapted-target", p) }
        case .graduated, .left, .transferred:
            break
        }
        return nil
    }

    /// Why an application cannot become a student, or nil when it can.
    static func applicationProblem(_ application: RolloverInput.Application) -> Note? {
        if application.idTaken { return Note("application-id-taken", ["application": application.id]) }
        if application.gender == nil { return Note("application-no-gender") }
        if let birth = application.birthDate, CalendarDate(iso: birth) == nil {
            return Note("application-birth-date", ["birth_text": birth])
        }
        return nil
    }

    /// Places the accepted applications for grades other than the first (a new 10th grade by profile, a summer
    /// transfer): into the class the application names, else the grade's class of the new year with the fewest
    /// students; a grade without a class in the new year is an error naming the application.
    static func admitToOtherGrades(
        _ applications: [RolloverInput.Application], school: School, existing: [String: ClassAttributes],
        into classes: inout [String: NewClass]
    ) -> [Admission] {
        for (name, attributes) in existing where classes[name] == nil {
            if let parsed = RegistryValues.className(name) {
                classes[name] = NewClass(
                    name: name, grade: parsed.grade, letter: parsed.letter, source: nil, existing: true,
                    attributes: attributes, students: 0)
            }
        }
        var admissions: [Admission] = []
        for application in applications.sorted(by: { ($0.grade ?? 0, $0.name, $0.id) < ($1.grade ?? 0, $1.name, $1.id) }
        ) {
            let grade = application.grade ?? school.firstGrade
            var admission = Admission(
                applicationID: application.id, name: application.name, gender: application.gender,
                birthDate: application.birthDate, toClass: nil, reasonNote: Self.applicationProblem(application),
                grade: grade, guardian: application.guardian)
            if admission.reasonNote == nil {
                if let named = application.className {
                    if let parsed = RegistryValues.className(named), parsed.grade == grade {
                        if classes[parsed.name] == nil {
                            classes[parsed.name] = NewClass(
                                name: parsed.name, grade: grade, letter: parsed.letter, source: nil, existing: false,
                                attributes: ClassAttributes(), students: 0)
                        }
                        admission.toClass = parsed.name
                    } else {
                        admission.reasonNote = Note(
                            "application-class-grade", ["class": named, "grade": String(grade)])
                    }
                } else if let target = classes.values.filter({ $0.grade == grade }).min(by: {
                    ($0.students, $0.letter) < ($1.students, $1.letter)
                }) {
                    admission.toClass = target.name
                } else {
                    admission.reasonNote = Note("application-no-class", ["grade": String(grade)])
                }
            }
            if let to = admission.toClass { classes[to]?.students += 1 }
            admissions.append(admission)
        }
        return admissions
    }

    /// Places the accepted first-grade applications: each joins the first-grade class with the fewest students
    /// (ties: the first letter), new classes of `capacity` being formed while the existing ones are full.
    static func admit(
        _ applications: [RolloverInput.Application], grade: Int, capacity: Int,
        existing: [String: ClassAttributes], into classes: inout [String: NewClass]
    ) -> [Admission] {
        var admissions: [Admission] = []
        var placeable: [Int] = []
        for application in applications.sorted(by: { ($0.name, $0.id) < ($1.name, $1.id) }) {
            var admission = Admission(
                applicationID: application.id, name: application.name, gender: application.gender,
                birthDate: application.birthDate, toClass: nil, reasonNote: nil, grade: grade,
                guardian: application.guardian)
            if let problem = Self.applicationProblem(application) {
                admission.reasonNote = problem
            } else {
                placeable.append(admissions.count)
            }
            admissions.append(admission)
        }
        guard !placeable.isEmpty else { return admissions }
        for (name, attributes) in existing where classes[name] == nil {
            if let parsed = RegistryValues.className(name), parsed.grade == grade {
                classes[name] = NewClass(
                    name: name, grade: grade, letter: parsed.letter, source: nil, existing: true,
                    attributes: attributes, students: 0)
            }
        }
        func room() -> Int {
            classes.values.filter { $0.grade == grade }.reduce(0) {
                $0 + max(0, ($1.attributes.capacity ?? capacity) - $1.students)
            }
        }
        var letters = Self.letters.makeIterator()
        while room() < placeable.count, let letter = letters.next() {
            let name = "\(grade)\(letter)"
            if classes[name] == nil {
                classes[name] = NewClass(
                    name: name, grade: grade, letter: letter, source: nil, existing: false,
                    attributes: ClassAttributes(capacity: capacity), students: 0)
            }
        }
        for index in placeable {
            guard
                let target = classes.values.filter({ $0.grade == grade }).min(by: {
                    ($0.students, $0.letter) < ($1.students, $1.letter)
                })
            else { break }
            classes[target.name]?.students += 1
            admissions[index].toClass = target.name
        }
        return admissions
    }

    /// The plan in canonical JSON: what its hash is made of and what an approval reviews.
    public var canonical: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "school": .string(school), "fromYear": .string(fromYear.description),
            "toYear": .string(toYear.description), "toStart": .string(toStart.description),
            "toEnd": .string(toEnd.description), "toYearExists": .bool(toYearExists),
            "toGradeEnds": toGradeEnds.canonicalGradeEnds,
            "carry": .object(Dictionary(uniqueKeysWithValues: carry.named.map { ($0.0, JSONValue.bool($0.1)) })),
            "orderNumber": .string(orderNumber), "carriedData": .string(carriedData),
            "classes": .array(
                classes.map {
                    .object(["from": .string($0.from), "to": text($0.to), "students": .int(Int64($0.students))])
                }),
            "newClasses": .array(
                newClasses.map {
                    .object([
                        "name": .string($0.name), "grade": .int(Int64($0.grade)), "letter": .string($0.letter),
                        "source": text($0.source), "existing": .bool($0.existing),
                        "profile": text($0.attributes.profile), "class_type": text($0.attributes.classType),
                        "class_teacher_id": text($0.attributes.teacherID),
                        "capacity": $0.attributes.capacity.map { .int(Int64($0)) } ?? .null,
                        "students": .int(Int64($0.students)), "sources": .array($0.sources.map(JSONValue.string)),
                        "carried_subjects": .array($0.carriedSubjects.map(JSONValue.string)),
                        "dropped_subjects": .array($0.droppedSubjects.map(JSONValue.string)),
                    ])
                }),
            "students": .array(
                students.map {
                    .object([
                        "student_id": .string($0.studentID),
                        "outcome": $0.outcome.map { .string($0.rawValue) } ?? .null,
                        "from_class": .string($0.fromClass), "to_class": text($0.toClass), "reason": text($0.reason),
                        "debts": text($0.debts), "deadline": text($0.deadline),
                        "order_kind": $0.orderKind.map { .string($0.rawValue) } ?? .null,
                        "council_order_no": text($0.councilOrderNo), "council_order_date": text($0.councilOrderDate),
                        "destination": text($0.destination), "last_day": text($0.lastDay?.description),
                    ])
                }),
            "admissions": .array(
                admissions.map {
                    .object([
                        "application_id": .string($0.applicationID), "name": .string($0.name),
                        "gender": text($0.gender), "birth_date": text($0.birthDate),
                        "to_class": text($0.toClass), "reason": text($0.reason), "grade": .int(Int64($0.grade)),
                        "personal_file_no": text($0.personalFileNo), "guardian": .array($0.guardian.map(text)),
                    ])
                }),
            "errors": .array(planErrors.map { .string($0.english) }),
        ])
    }

    /// The SHA-256 of the canonical form, in hex.
    public var hash: String { Digest.sha256Hex(canonical.canonicalText) }

    /// What the plan does, one line each, as a request shows it to the approver, in English.
    public var summaryLines: [String] { summaryNotes.map(\.english) }

    /// What the plan does, one line each, to be said in any language.
    public var summaryNotes: [Note] {
        let dates = [
            "from": fromYear.description, "to": toYear.description, "start": toStart.description,
            "end": toEnd.description,
        ]
        var notes = [Note(toYearExists ? "summary-years-prepared" : "summary-years", dates)]
        var outcomes = ["count": String(students.count)]
        for (outcome, count) in outcomeCounts { outcomes["outcome_" + outcome] = String(count) }
        notes.append(Note("summary-students", outcomes))
        for mapping in classes {
            notes.append(
                mapping.to.map {
                    Note("summary-class", ["from": mapping.from, "to": $0, "count": String(mapping.students)])
                } ?? Note("summary-class-closes", ["from": mapping.from]))
        }
        // What a merge keeps and what it leaves, a new stage's teacher, the assignments the new grade lacks:
        // nothing of an old class vanishes without a line.
        func teacher(_ id: String?) -> [String: String] {
            var named = ["teacher_role": "class"]
            named["teacher_id"] = id
            named["teacher_name"] = id.flatMap { staffNames[$0] }
            return named
        }
        for new in newClasses where !new.existing {
            if new.sources.count > 1, let kept = new.source {
                notes.append(
                    Note(
                        "summary-merge",
                        teacher(sourceAttributes[kept]?.teacherID).merging([
                            "class": new.name, "sources": new.sources.joined(separator: ", "), "kept": kept,
                        ]) { $1 }))
                for other in new.sources where other != kept {
                    let attributes = sourceAttributes[other] ?? ClassAttributes()
                    notes.append(
                        Note(
                            "summary-merge-other",
                            teacher(attributes.teacherID).merging([
                                "other": other, "profile": attributes.profile ?? "-",
                                "count": String(Set(sourceSubjects[other] ?? []).count),
                            ]) { $1 }))
                }
            }
            if new.teacherLeft, let kept = new.source {
                notes.append(
                    Note(
                        "summary-stage-teacher",
                        teacher(sourceAttributes[kept]?.teacherID).merging([
                            "class": new.name, "grade": String(new.grade), "kept": kept,
                        ]) { $1 }))
            }
            if !new.droppedSubjects.isEmpty, let kept = new.source {
                notes.append(
                    Note(
                        "summary-dropped",
                        [
                            "class": new.name, "kept": kept, "grade": String(new.grade),
                            "subjects": new.droppedSubjects.joined(separator: ", "),
                        ]))
            }
        }
        let created = newClasses.filter { !$0.existing }.map(\.name)
        notes.append(
            Note(
                "summary-new-classes",
                [
                    "count": String(newClasses.count), "created": String(created.count),
                    "names": created.joined(separator: ", "),
                ]))
        let first = admissions.filter { $0.grade == firstGrade }
        notes.append(
            Note(
                "summary-first-grade",
                ["placed": String(first.filter { $0.toClass != nil }.count), "count": String(first.count)]))
        let others = admissions.filter { $0.grade != firstGrade }
        if !others.isEmpty {
            notes.append(
                Note(
                    "summary-other-grades",
                    [
                        "placed": String(others.filter { $0.toClass != nil }.count), "count": String(others.count),
                        "list": others.compactMap { a in a.toClass.map { "\(a.name) -> \($0)" } }.joined(
                            separator: ", "),
                    ]))
        }
        if let ahead = enrolledAhead, ahead > 0 {
            notes.append(Note("summary-ahead", ["year": toYear.description, "count": String(ahead)]))
        }
        if !warningNotes.isEmpty { notes.append(Note("summary-age", ["count": String(warningNotes.count)])) }
        let carried = carry.named.filter(\.1).map(\.0)
        notes.append(
            carried.isEmpty
                ? Note("summary-carried-nothing")
                : Note("summary-carried", ["what": carried.joined(separator: ",")]))
        return notes
    }
}

/// The age of admission to the first grade (273-FZ art. 67): from 6 years 6 months to 8 years on 1 September;
/// a younger or older child needs the permission of the school's founder.
public enum AdmissionAge {
    /// The youngest and the oldest age in full months: 6 years 6 months, and under 8 years.
    public static let months = 78..<96

    /// Why a child born on `birth` is outside the age on 1 September of `year`, or nil when inside it.
    public static func problem(birth: CalendarDate, year: YearLabel) -> Note? {
        guard let first = CalendarDate(year: year.startYear, month: 9, day: 1) else { return nil }
        let age = birth.fullMonths(until: first)
        guard !months.contains(age) else { return nil }
        return Note(
            age < months.lowerBound ? "admission-young" : "admission-old",
            [
                "birth": birth.description, "years": String(age / 12), "months": String(age % 12),
                "first_day": first.description,
            ])
    }
}
