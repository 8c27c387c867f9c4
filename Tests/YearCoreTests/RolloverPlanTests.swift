import Foundation
import Testing
import YearCore

@Suite("The rollover plan, a pure computation")
struct RolloverPlanTests {
    static let school = School(
        id: "s", name: "s", timeZone: "Europe/Moscow", firstGrade: 1, lastGrade: 11, graduatingGrades: [9, 11],
        defaultStart: MonthDay("09-01")!, defaultEnd: MonthDay("05-31")!, startSkipsSunday: true)

    typealias Student = RolloverInput.Student

    static func plan(
        _ students: [Student], classes: [String], year: String = "2026/2027", overrides: [String: String] = [:]
    ) throws -> RolloverPlan {
        try #require(
            RolloverPlan(
                RolloverInput(
                    school: school, year: YearLabel(year)!, classes: classes, students: students,
                    overrides: overrides)))
    }

    static func target(_ plan: RolloverPlan, _ id: String) -> String? {
        plan.students.first { $0.studentID == id }?.toClass
    }

    @Test("every outcome: promoted up a grade with the letter, retained in the same grade, graduates and leavers leave")
    func outcomes() throws {
        let plan = try Self.plan(
            [
                Student(id: "P", name: "P", className: "5А", grade: 5, outcome: .promoted),
                Student(
                    id: "C", name: "C", className: "5А", grade: 5, outcome: .conditional, debts: "math",
                    deadline: "2027-10-15"),
                Student(id: "R", name: "R", className: "5Б", grade: 5, outcome: .retained),
                Student(id: "A", name: "A", className: "5Б", grade: 5, outcome: .adapted, targetClass: "6К"),
                Student(id: "G9", name: "G9", className: "9А", grade: 9, outcome: .graduated),
                Student(id: "P9", name: "P9", className: "9А", grade: 9, outcome: .promoted, certificates: ["basic"]),
                Student(id: "G11", name: "G11", className: "11А", grade: 11, outcome: .graduated),
                Student(id: "L", name: "L", className: "5А", grade: 5, outcome: .left),
                Student(id: "T", name: "T", className: "5А", grade: 5, outcome: .transferred),
            ], classes: ["5А", "5Б", "9А", "11А"])
        #expect(Self.target(plan, "P") == "6А" && Self.target(plan, "C") == "6А")
        #expect(Self.target(plan, "R") == "5Б", "retained: the same grade and letter")
        #expect(Self.target(plan, "A") == "6К")
        #expect(Self.target(plan, "G9") == nil && Self.target(plan, "G11") == nil)
        #expect(Self.target(plan, "P9") == "10А", "grade 9 students who stay go on to 10")
        #expect(Self.target(plan, "L") == nil && Self.target(plan, "T") == nil)
        #expect(plan.problems.isEmpty)
        let conditional = try #require(plan.students.first { $0.studentID == "C" })
        #expect(conditional.debts == "math" && conditional.deadline == "2027-10-15")
        #expect(plan.students.first { $0.studentID == "R" }?.debts == nil)
        #expect(plan.classes.first { $0.from == "11А" }?.to == nil, "the last grade's classes close")
        #expect(plan.newYearClasses == ["5Б", "6А", "6Б", "6К", "10А"])
        #expect(
            plan.outcomeCounts == [
                "promoted": 2, "conditional": 1, "retained": 1, "adapted": 1, "graduated": 2, "left": 1,
                "transferred": 1,
            ])
    }

    @Test("students who cannot be placed are the plan's errors, each with its reason")
    func unplaceable() throws {
        let plan = try Self.plan(
            [
                Student(id: "N", name: "Без Решения", className: "5А", grade: 5, outcome: nil),
                Student(id: "P11", name: "P11", className: "11А", grade: 11, outcome: .promoted),
                Student(id: "G5", name: "G5", className: "5А", grade: 5, outcome: .graduated),
                Student(id: "A", name: "A", className: "5А", grade: 5, outcome: .adapted),
            ], classes: ["5А", "11А"])
        let reasons = Dictionary(uniqueKeysWithValues: plan.problems.map { ($0.studentID, $0.reason ?? "") })
        #expect(reasons["N"] == "no promotion decision is recorded")
        #expect(reasons["P11"]?.contains("the last grade") == true)
        #expect(reasons["G5"]?.contains("not a graduating grade") == true)
        #expect(reasons["A"]?.contains("target class") == true)
    }

    @Test("overrides merge and rename classes; a decision's target class places one student")
    func overrides() throws {
        let plan = try Self.plan(
            [
                Student(id: "A1", name: "A1", className: "9А", grade: 9, outcome: .promoted, certificates: ["basic"]),
                Student(id: "B1", name: "B1", className: "9Б", grade: 9, outcome: .promoted, certificates: ["basic"]),
                Student(
                    id: "B2", name: "B2", className: "9Б", grade: 9, outcome: .promoted, targetClass: "10Б",
                    certificates: ["basic"]),
            ], classes: ["9А", "9Б"], overrides: ["9Б": "10А"])
        #expect(Self.target(plan, "A1") == "10А" && Self.target(plan, "B1") == "10А")
        #expect(Self.target(plan, "B2") == "10Б")
        #expect(plan.classes.map(\.to) == ["10А", "10А"])
        #expect(plan.classes.map(\.students) == [1, 1])
    }

    @Test("the new year's dates follow the calendar rule: 2 September when the 1st is a Sunday, never +365 days")
    func dates() throws {
        // 1 September 2024 was a Sunday.
        let plan = try Self.plan([], classes: [], year: "2023/2024")
        #expect(plan.toYear.description == "2024/2025")
        #expect(plan.toStart.description == "2024-09-02" && plan.toEnd.description == "2025-05-31")
        let next = try Self.plan([], classes: [], year: "2026/2027")
        #expect(next.toStart.description == "2027-09-01")
    }

    @Test("the hash is the canonical form's: the same input gives it again, a changed decision another")
    func hash() throws {
        let students = [
            Student(id: "P", name: "P", className: "5А", grade: 5, outcome: .promoted),
            Student(id: "Q", name: "Q", className: "5А", grade: 5, outcome: .promoted),
        ]
        let first = try Self.plan(students, classes: ["5А"])
        #expect(try Self.plan(students.reversed(), classes: ["5А"]).hash == first.hash)
        var changed = students
        changed[1].outcome = .retained
        #expect(try Self.plan(changed, classes: ["5А"]).hash != first.hash)
        #expect(first.hash.count == 64)
    }

    @Test("accepted applications form the new first grades, evenly, by capacity; incomplete ones are errors")
    func admissions() throws {
        var applications = (1...40).map {
            RolloverInput.Application(id: "A\($0)", name: "Child \($0)", gender: $0 % 2 == 0 ? "F" : "M")
        }
        applications.append(RolloverInput.Application(id: "X1", name: "No Gender", gender: nil))
        applications.append(RolloverInput.Application(id: "X2", name: "Taken", gender: "M", idTaken: true))
        applications.append(
            RolloverInput.Application(id: "X3", name: "Bad Date", gender: "M", birthDate: "2020-02-30"))
        let plan = try #require(
            RolloverPlan(
                RolloverInput(
                    school: Self.school, year: YearLabel("2026/2027")!, classes: [], students: [],
                    applications: applications, firstGradeCapacity: 25)))
        let placed = Dictionary(grouping: plan.admissions.compactMap(\.toClass), by: { $0 }).mapValues(\.count)
        #expect(placed == ["1А": 20, "1Б": 20], "40 children, classes of 25: two classes of 20")
        #expect(plan.newClasses.filter { $0.grade == 1 }.map(\.attributes.capacity) == [25, 25])
        let refused = Dictionary(
            uniqueKeysWithValues: plan.admissions.compactMap { a in a.reason.map { (a.applicationID, $0) } })
        #expect(refused.keys.sorted() == ["X1", "X2", "X3"])
        #expect(refused["X2"]?.contains("already exists") == true && refused["X3"]?.contains("not a date") == true)
        #expect(plan.errors.count == 3 && plan.errors.allSatisfy { $0.hasPrefix("application X") })
    }

    @Test("a class over its carried capacity is an error of the plan, naming the class")
    func capacity() throws {
        let students = (1...3).map {
            Student(id: "P\($0)", name: "P\($0)", className: "5А", grade: 5, outcome: .promoted)
        }
        let input = RolloverInput(
            school: Self.school, year: YearLabel("2026/2027")!, classes: ["5А"], students: students,
            attributes: ["5А": ClassAttributes(profile: "general", teacherID: "T1", capacity: 2)])
        let plan = try #require(RolloverPlan(input))
        #expect(
            plan.planErrors.map(\.english) == [
                "class 6А would hold 3 students, over its capacity of 2: map part of its students elsewhere with "
                    + "'yearctl rollover map' or change its capacity"
            ])
        let six = try #require(plan.newClasses.first { $0.name == "6А" })
        #expect(
            six.source == "5А" && six.attributes == ClassAttributes(profile: "general", teacherID: "T1", capacity: 2))
        // Without carrying the capacity there is no limit to exceed; without class teachers, none follows.
        var relaxed = input
        relaxed.carry = CarryOver(classTeachers: false, capacity: false)
        let other = try #require(RolloverPlan(relaxed))
        #expect(other.planErrors.isEmpty && other.hash != plan.hash)
        #expect(other.newClasses.first?.attributes == ClassAttributes(profile: "general"))
    }

    @Test("a next year prepared ahead gives its dates and classes; its arrivals count, its old-year students refused")
    func preparedNextYear() throws {
        let students = [Student(id: "P", name: "P", className: "5А", grade: 5, outcome: .promoted)]
        var next = RolloverInput.NextYear(
            label: YearLabel("2027/2028")!, start: CalendarDate(iso: "2027-09-01")!,
            end: CalendarDate(iso: "2028-06-20")!, classes: ["6А": ClassAttributes(teacherID: "T9", capacity: 28)])
        let plan = try #require(
            RolloverPlan(
                RolloverInput(
                    school: Self.school, year: YearLabel("2026/2027")!, classes: ["5А"], students: students,
                    attributes: ["5А": ClassAttributes(teacherID: "T1")], nextYear: next)))
        #expect(plan.toYearExists && plan.toEnd.description == "2028-06-20")
        let six = try #require(plan.newClasses.first)
        #expect(six.existing && six.attributes.teacherID == "T9", "a prepared class is kept as it is")
        #expect(plan.errors.isEmpty)
        func filling(_ next: RolloverInput.NextYear) throws -> RolloverPlan {
            try #require(
                RolloverPlan(
                    RolloverInput(
                        school: Self.school, year: YearLabel("2026/2027")!, classes: ["5А"], students: students,
                        nextYear: next)))
        }
        // Summer transfers enrolled ahead into 6А stay and count there: 27 and the promoted P fill its 28 places.
        next.enrollments = 27
        next.enrolledAhead = ["6А": 27]
        let ahead = try filling(next)
        #expect(ahead.errors.isEmpty && ahead.newClasses.first?.students == 28, "\(ahead.errors)")
        #expect(ahead.summaryLines.contains("enrolled ahead in 2027/2028 (kept, counted in their classes): 27"))
        next.enrolledAhead = ["6А": 28]
        let full = try filling(next)
        #expect(
            full.planErrors.map(\.english).contains {
                $0.hasPrefix("class 6А would hold 29 students, over its capacity of 28")
            })
        // A student of the old year already enrolled there would be placed twice.
        next.alreadyEnrolled = ["Петров Пётр (P)"]
        let refused = try filling(next)
        #expect(
            refused.planErrors.map(\.english).contains {
                $0.contains("already holds 1 student of 2026/2027 (Петров Пётр (P))")
            })
    }

    @Test("applications for other grades join the class they name or the grade's smallest, with the book's numbers")
    func otherGrades() throws {
        let input = RolloverInput(
            school: Self.school, year: YearLabel("2026/2027")!, classes: ["9А", "9Б"],
            students: [
                Student(id: "A", name: "A", className: "9А", grade: 9, outcome: .promoted, certificates: ["basic"]),
                Student(id: "B", name: "B", className: "9А", grade: 9, outcome: .promoted, certificates: ["basic"]),
                Student(id: "C", name: "C", className: "9Б", grade: 9, outcome: .promoted, certificates: ["basic"]),
            ],
            applications: [
                .init(id: "X", name: "Xлебов Иван", gender: "M", grade: 10),
                .init(id: "Y", name: "Yрова Анна", gender: "F", grade: 10, className: "10В"),
                .init(id: "Z", name: "Zотов Олег", gender: "M", grade: 7),
                .init(id: "W", name: "Wрон Ева", gender: "F", grade: 10, className: "11А"),
                .init(id: "F", name: "Fёдор Первый", gender: "M"),
            ],
            personalFileRule: "Л-{n}", personalFileNext: 41)
        let plan = try #require(RolloverPlan(input))
        let placed = Dictionary(uniqueKeysWithValues: plan.admissions.map { ($0.applicationID, $0) })
        #expect(placed["X"]?.toClass == "10Б", "the grade's class with the fewest students")
        #expect(placed["Y"]?.toClass == "10В" && plan.newYearClasses.contains("10В"), "the class it names, made")
        #expect(placed["Z"]?.reason == "the new year has no class of grade 7: name the class in the application")
        #expect(placed["W"]?.reason == "the class 11А is not of grade 10, which the application is for")
        #expect(placed["F"]?.toClass == "1А")
        #expect(plan.admissions.compactMap(\.personalFileNo) == ["Л-41", "Л-42", "Л-43"])
        #expect(plan.summaryLines.contains { $0.hasPrefix("admissions to other grades: 2 of 4") })
        #expect(RolloverSettings.nextPersonalFile("Л-{n}", year: 2027, taken: ["Л-7", "Л-40", "П-99", "Л-x"]) == 41)
        #expect(RolloverSettings.personalFileProblem("{n}") == nil && RolloverSettings.personalFileProblem("x") != nil)
    }

    @Test("a target class that is not a class name is an error naming the student")
    func badTarget() throws {
        let plan = try Self.plan(
            [Student(id: "P", name: "Петров Пётр", className: "5А", grade: 5, outcome: .promoted, targetClass: "6")],
            classes: ["5А"])
        #expect(plan.planErrors.map(\.english) == ["'6' (the target of Петров Пётр) is not a class name such as 6А"])
    }

    @Test("a target must make sense: promoted to the next grade, retained in the same, adapted at most one up")
    func targetsThatMakeSense() throws {
        let plan = try Self.plan(
            [
                Student(id: "P", name: "Петров Пётр", className: "5А", grade: 5, outcome: .promoted, targetClass: "7А"),
                Student(id: "C", name: "C", className: "5А", grade: 5, outcome: .conditional, targetClass: "5Б"),
                Student(id: "R", name: "R", className: "5А", grade: 5, outcome: .retained, targetClass: "6А"),
                Student(id: "A", name: "A", className: "5А", grade: 5, outcome: .adapted, targetClass: "7К"),
                Student(id: "A2", name: "A2", className: "5А", grade: 5, outcome: .adapted, targetClass: "4К"),
                Student(id: "R2", name: "R2", className: "5А", grade: 5, outcome: .retained, targetClass: "5Б"),
            ], classes: ["5А"])
        let reasons = Dictionary(uniqueKeysWithValues: plan.students.map { ($0.studentID, $0.reason) })
        #expect(reasons["P"]??.hasPrefix("promoted from 5А to 7А: a promotion leads to grade 6, not 7") == true)
        #expect(reasons["C"]??.hasPrefix("conditional from 5А to 5Б: a promotion leads to grade 6") == true)
        #expect(reasons["R"]??.hasPrefix("retained in 5А but sent to 6А") == true)
        #expect(reasons["A"]??.hasPrefix("adapted programme from 5А to 7К: it leads to grade 6 at most") == true)
        #expect(reasons["A2"] == .some(nil) && reasons["R2"] == .some(nil), "adapted below, retained in a sibling")
        #expect(plan.errors.contains { $0.hasPrefix("Петров Пётр (P, 5А): promoted from 5А to 7А") })
        // A class map to the wrong grade is named the same way, for every student it would carry.
        let mapped = try Self.plan(
            [Student(id: "Q", name: "Q", className: "5А", grade: 5, outcome: .promoted)], classes: ["5А"],
            overrides: ["5А": "8А"])
        #expect(mapped.problems.map(\.studentID) == ["Q"])
    }

    @Test("grade 9 is a stage end: with debt or a failing year grade nobody goes on to 10")
    func stageEnd() throws {
        let plan = try Self.plan(
            [
                Student(
                    id: "C", name: "C", className: "9А", grade: 9, outcome: .conditional, debts: "Алгебра",
                    deadline: "2027-10-15"),
                Student(
                    id: "F", name: "F", className: "9А", grade: 9, outcome: .promoted,
                    failingSubjects: ["Алгебра", "Физика"]),
                Student(id: "P", name: "P", className: "9А", grade: 9, outcome: .promoted, certificates: ["basic"]),
                Student(id: "U", name: "U", className: "9А", grade: 9, outcome: .promoted),
                Student(id: "R", name: "R", className: "9А", grade: 9, outcome: .retained),
                // Debt elsewhere is the conditional promotion the law allows.
                Student(
                    id: "C8", name: "C8", className: "8А", grade: 8, outcome: .conditional, debts: "Алгебра",
                    deadline: "2027-10-15"),
            ], classes: ["8А", "9А"])
        let reasons = Dictionary(uniqueKeysWithValues: plan.students.map { ($0.studentID, $0.reason) })
        #expect(reasons["C"]??.hasPrefix("conditional from grade 9 into 10: going on after grade 9 needs its") == true)
        #expect(reasons["C"]??.contains("(Алгебра)") == true)
        #expect(reasons["F"]??.contains("failing year grade in Алгебра, Физика") == true)
        #expect(reasons["U"]??.contains("without the basic certificate recorded") == true)
        #expect(reasons["P"] == .some(nil) && reasons["R"] == .some(nil) && reasons["C8"] == .some(nil))
        #expect(Self.target(plan, "R") == "9А")
    }

    @Test("each line names the kind of its year-end order and the council's order, which the hash covers")
    func orderKinds() throws {
        let students = [
            Student(
                id: "T", name: "T", className: "5А", grade: 5, outcome: .transferred, councilOrderNo: "95-о",
                councilOrderDate: "2027-05-28", destination: "МБОУ СОШ № 7"),
            Student(id: "R", name: "R", className: "5А", grade: 5, outcome: .retained, councilOrderNo: "95-о"),
            Student(id: "N", name: "N", className: "5А", grade: 5, outcome: nil),
        ]
        let plan = try Self.plan(students, classes: ["5А"])
        #expect(
            plan.students.map { "\($0.studentID):\($0.orderKind?.rawValue ?? "-")" } == [
                "N:-", "R:retention", "T:transfer_out",
            ])
        let transferred = try #require(plan.students.first { $0.studentID == "T" })
        #expect(transferred.destination == "МБОУ СОШ № 7" && transferred.councilOrderDate == "2027-05-28")
        var other = students
        other[0].councilOrderNo = "96-о"
        #expect(try Self.plan(other, classes: ["5А"]).hash != plan.hash, "the basis is part of what is approved")
        #expect(
            PromotionOutcome.allCases.map(\.orderKind.rawValue) == [
                "promotion", "conditional_promotion", "retention", "adapted_programme", "graduation", "withdrawal",
                "transfer_out",
            ])
    }

    @Test("a first grader admitted outside 6 years 6 months to 8 years is a warning naming the permission needed")
    func admissionAge() throws {
        let input = RolloverInput(
            school: Self.school, year: YearLabel("2026/2027")!, classes: [], students: [],
            applications: [
                .init(id: "Y", name: "Юный Пётр", gender: "M", birthDate: "2021-03-02"),
                .init(id: "E", name: "Ровно Анна", gender: "F", birthDate: "2021-03-01"),
                .init(id: "O", name: "Старший Иван", gender: "M", birthDate: "2019-09-01"),
            ])
        let plan = try #require(RolloverPlan(input))
        #expect(plan.errors.isEmpty && plan.admissions.allSatisfy { $0.toClass != nil }, "warnings never block")
        #expect(
            plan.warnings == [
                "application O (Старший Иван): born 2019-09-01, 8 years 0 months on 2027-09-01: 8 years or older; "
                    + "admission needs the founder's permission",
                "application Y (Юный Пётр): born 2021-03-02, 6 years 5 months on 2027-09-01: younger than 6 years 6 "
                    + "months; admission needs the founder's permission",
            ])
        #expect(plan.summaryLines.contains { $0.hasPrefix("admitted outside the age of 273-FZ art. 67") })
        #expect(CalendarDate(iso: "2021-03-15")!.fullMonths(until: CalendarDate(iso: "2027-09-01")!) == 77)
    }

    @Test("a merge keeps one source's teacher, profile and assignments and names what it leaves; grade 5 a new teacher")
    func mergesCarryEverything() throws {
        func input(kept: Set<String>) -> RolloverInput {
            RolloverInput(
                school: Self.school, year: YearLabel("2026/2027")!, classes: ["4А", "9А", "9Б"],
                students: [
                    Student(id: "A", name: "A", className: "9А", grade: 9, outcome: .promoted, certificates: ["basic"]),
                    Student(id: "B", name: "B", className: "9Б", grade: 9, outcome: .promoted, certificates: ["basic"]),
                    Student(id: "C", name: "C", className: "4А", grade: 4, outcome: .promoted),
                ],
                overrides: ["9Б": "10А"],
                attributes: [
                    "9А": ClassAttributes(profile: "физмат", teacherID: "T1"), "9Б": ClassAttributes(teacherID: "T2"),
                    "4А": ClassAttributes(teacherID: "T3"),
                ],
                kept: kept, assignedSubjects: ["9А": ["alg", "phys"], "9Б": ["alg"], "4А": ["math", "world"]],
                nextCurriculum: [10: ["alg"], 5: ["math"]],
                staffNames: ["T1": "Петрова Анна", "T2": "Сидоров Олег", "T3": "Орлова Инна"])
        }
        let plan = try #require(RolloverPlan(input(kept: [])))
        let ten = try #require(plan.newClasses.first { $0.name == "10А" })
        #expect(ten.sources == ["9А", "9Б"] && ten.source == "9А" && ten.attributes.teacherID == "T1")
        #expect(ten.carriedSubjects == ["alg"] && ten.droppedSubjects == ["phys"])
        // The merge's line, then one line for each source it does not keep.
        let merge = try #require(plan.summaryLines.firstIndex { $0.hasPrefix("class 10А merges") })
        #expect(
            Array(plan.summaryLines[merge...].prefix(2)) == [
                "class 10А merges 9А, 9Б: it keeps 9А's class teacher Петрова Анна (T1), profile and assignments; not "
                    + "carried (choose with 'yearctl rollover map CLASS 10А --teacher-from CLASS'):",
                "  9Б: class teacher Сидоров Олег (T2), profile -, 1 assignment",
            ], "\(plan.summaryLines)")
        #expect(
            plan.summaryLines.contains(
                "class 10А: 9А's assignments of phys are not carried: grade 10's curriculum lacks them"))
        let five = try #require(plan.newClasses.first { $0.name == "5А" })
        #expect(five.attributes.teacherID == nil && five.teacherLeft && five.droppedSubjects == ["world"])
        #expect(
            plan.summaryLines.contains { $0.hasPrefix("class 5А begins grade 5: 4А's primary class teacher Орлова") })
        // The admin names the other source: the merged class keeps 9Б's, and the hash moves.
        let other = try #require(RolloverPlan(input(kept: ["9Б"])))
        let kept = try #require(other.newClasses.first { $0.name == "10А" })
        #expect(kept.source == "9Б" && kept.attributes.teacherID == "T2" && kept.attributes.profile == nil)
        #expect(other.hash != plan.hash)
    }

    @Test("a class mapped beyond the school's last grade is an error naming it")
    func beyondLastGrade() throws {
        let plan = try Self.plan(
            [Student(id: "P", name: "P", className: "11А", grade: 11, outcome: .promoted)], classes: ["11А"],
            overrides: ["11А": "12А"])
        #expect(
            plan.planErrors.map(\.english).contains { $0.hasPrefix("class 12А is beyond the school's grades 1-11") })
    }

    @Test("what the apply copies is in the hash: an admitted child's birth date, the order rule, the carried rows")
    func hashCoversCopiedData() throws {
        func plan(birth: String, rule: String = RolloverSettings.defaultOrderNumber, carried: String = "")
            throws -> RolloverPlan
        {
            try #require(
                RolloverPlan(
                    RolloverInput(
                        school: Self.school, year: YearLabel("2026/2027")!, classes: [], students: [],
                        applications: [RolloverInput.Application(id: "A1", name: "A", gender: "F", birthDate: birth)],
                        orderNumber: rule, carriedData: carried)))
        }
        let first = try plan(birth: "2020-03-01")
        #expect(try plan(birth: "2020-03-02").hash != first.hash)
        #expect(try plan(birth: "2020-03-01", rule: "{kind}-{n}").hash != first.hash)
        #expect(try plan(birth: "2020-03-01", carried: "12:ab-cd").hash != first.hash)
        #expect(try plan(birth: "2020-03-01").hash == first.hash)
    }

    @Test("the next year's dates come from the calendar rule even where a day is missing: 29 February falls back")
    func calendarRuleClamps() throws {
        var school = Self.school
        school.defaultEnd = MonthDay("02-29")!
        let leap = RolloverInput(school: school, year: YearLabel("2026/2027")!, classes: [], students: [])
        #expect(try #require(RolloverPlan(leap)).toEnd.description == "2028-02-29")
        let plain = RolloverInput(school: school, year: YearLabel("2027/2028")!, classes: [], students: [])
        #expect(try #require(RolloverPlan(plain)).toEnd.description == "2029-02-28", "never a date that does not exist")
    }
}
