import Foundation
import GRDB
import Testing
import YearCore

@testable import YearStore

/// The year-end as the law and the school keep it (domain.md §9), on a small hand-made school: one student of each
/// outcome, decided by the pedagogical council's order 95-о of 28 May.
@Suite("The year-end's orders and the book of student movement across the rollover")
struct YearEndTests {
    /// Classes 5А, 9А and 11А; each student's outcome is in their id's comment.
    static let school: [(RegistryKind, String)] = [
        (.staff, "staff_id,last_name,first_name,middle_name,position,login\nT1,Петрова,Анна,Ивановна,учитель,\n"),
        (.subjects, "subject_id,name\nmath,Математика\nworld,Окружающий мир\n"),
        (
            .classes,
            """
            class,grade,letter,profile,class_type,class_teacher_id,capacity
            5А,5,А,,,T1,25
            9А,9,А,,,T1,25
            11А,11,А,,,T1,25
            """
        ),
        (
            .students,
            """
            student_id,last_name,first_name,middle_name,birth_date,gender,class,personal_file_no,snils,enrolled_on
            P,Иванов,Пётр,,2015-03-10,М,5А,1,,
            C,Кузнецова,Мария,,2015-07-21,Ж,5А,2,,
            R,Смирнов,Илья,,2015-05-05,М,5А,3,,
            A,Орлова,Дарья,,2015-11-30,Ж,5А,4,,
            T,Волков,Павел,,2015-01-02,М,5А,5,,
            L,Зайцева,Ольга,,2015-02-03,Ж,5А,6,,
            N,Соколов,Никита,,2011-04-04,М,9А,7,,
            G9,Попова,Анна,,2011-06-06,Ж,9А,8,,
            G11,Лебедев,Иван,,2009-08-08,М,11А,9,,
            """
        ),
        (
            .decisions,
            """
            student_id,outcome,debts,deadline,target_class,order_no,order_date,destination
            P,promoted,,,,95-о,2027-05-28,
            C,conditional,math,2027-10-15,,95-о,2027-05-28,
            R,retained,,,,95-о,2027-05-28,
            A,adapted,,,6К,95-о,2027-05-28,
            T,transferred,,,,95-о,2027-05-28,МБОУ СОШ № 7
            L,left,,,,95-о,2027-05-28,
            N,promoted,,,,102-о,2027-06-25,
            G9,graduated,,,,102-о,2027-06-25,
            G11,graduated,,,,102-о,2027-06-25,
            """
        ),
        (
            .curriculum,
            "grade,profile,subject_id,hours_per_week,assessment\n5,,math,5,graded\n5,,world,1,graded\n6,,math,5,graded\n"
        ),
        (.assignments, "class,subject_id,group,teacher_id\n5А,math,,T1\n5А,world,,T1\n"),
        (
            .certificates,
            """
            student_id,kind,number,issued_on,honours
            N,basic,9-001,2027-06-25,
            G9,basic,9-002,2027-06-25,
            G11,secondary,11-001,2027-06-25,1
            """
        ),
    ]

    /// The school loaded, its year started and closing; with `gradeEnds`, grades 9 and 11 end on 30 June.
    static func closing(gradeEnds: Bool = false) async throws -> (StoreFixture, AcademicYear) {
        let store = try await StoreFixture()
        if gradeEnds {
            var school = StoreFixture.school("school-a")
            school.gradeEnds = [9: try #require(MonthDay("06-30")), 11: try #require(MonthDay("06-30"))]
            try await store.database.applyConfiguredSchools(
                [school, StoreFixture.school("school-b")], now: StoreFixture.t0)
        }
        var year = try await store.createYear()
        try await store.load(school, year: year)
        for (offset, event) in [(10.0, YearEvent.start), (20.0, .beginClosing)] {
            let request = try await store.file(year, event, at: offset)
            year = try await store.database.approveRequest(
                id: request.id, reason: "ok", shownHash: request.payloadHash, caller: store.coordinator,
                policy: store.policy, readiness: RolloverApplyTests.gate,
                now: StoreFixture.t0.addingTimeInterval(offset + 1)
            ).year
        }
        return (store, year)
    }

    /// A line's start, arrivals, departures and end.
    static func counts(_ line: MovementLine) -> [Int] { [line.start, line.arrived, line.left, line.end] }

    /// 21:30 UTC on 21 September 2026: 00:30 on the 22nd in Moscow, the school's zone.
    static let lateEvening = StoreFixture.t0.addingTimeInterval(26_200)

    /// The school rolled over, approved late in the evening (UTC).
    static func rolledOver(gradeEnds: Bool = false) async throws -> (StoreFixture, AcademicYear, RolloverRecord) {
        let (store, year) = try await closing(gradeEnds: gradeEnds)
        try await rollOver(store, year)
        let after = try #require(try await store.database.year(id: year.id))
        let rollover = try #require(try await store.database.rollovers(of: "school-a").first)
        return (store, after, rollover)
    }

    /// Requests and approves the rollover of `year`.
    static func rollOver(_ store: StoreFixture, _ year: AcademicYear) async throws {
        let request = try await store.database.fileRolloverRequest(
            year: year.id, reason: "end of year", settings: RolloverSettings(), caller: store.admin,
            policy: store.policy, lifetime: 3600, now: lateEvening.addingTimeInterval(-100))
        let outcome = try await store.database.approveRequest(
            id: request.id, reason: "as planned", shownHash: request.payloadHash, caller: store.coordinator,
            policy: store.policy, readiness: RolloverApplyTests.gate, now: lateEvening)
        #expect(outcome.rollover != nil && outcome.year.state == .closed)
    }

    @Test("grades 9 and 11 end after the exams: their orders are taken until then, and they leave on that day")
    func gradeEnds() async throws {
        let (store, year) = try await Self.closing(gradeEnds: true)
        #expect(year.gradeEnds.mapValues(\.description) == [9: "2027-06-30", 11: "2027-06-30"])
        #expect(year.lastDay.description == "2027-06-30" && year.lastDay(ofGrade: 5).description == "2027-05-31")
        // A graduation after the general end is an order of grade 11's days; a withdrawal from grade 5 then is not.
        let orders = """
            order_no,order_date,kind,student_id,class_from,class_to,effective_on,basis,destination
            120-в,2027-06-25,graduation,G11,11А,,2027-06-25,аттестат,
            121-в,2027-06-10,withdrawal,P,,,2027-06-10,заявление родителя,
            """
        let refused = try await store.importText(.orders, orders + "\n", year: year)
        #expect(refused.problems.map(\.line) == [3], "\(refused.problems)")
        #expect(refused.problems.first?.message.contains("after the last day of grade 5 (2027-05-31)") == true)
        let accepted = try await store.importText(
            .orders, orders.split(separator: "\n").prefix(2).joined(separator: "\n") + "\n", year: year)
        #expect(accepted.problemCount == 0 && accepted.added == 1, "\(accepted.problems)")
        try await Self.rollOver(store, year)
        let (closings, next) = try await store.database.pool.read { db in
            (
                try Row.fetchAll(
                    db, sql: "SELECT student_id, to_date, closed_by FROM enrollment WHERE year_id = ?",
                    arguments: [year.id]
                ).reduce(into: [String: String]()) {
                    $0[$1["student_id"]] = "\($1["to_date"] as String) \($1["closed_by"] as String)"
                },
                try String.fetchOne(
                    db, sql: "SELECT grade_ends FROM academic_year WHERE school_id = 'school-a' AND label = '2027/2028'"
                )
            )
        }
        #expect(closings["G11"] == "2027-06-25 graduation", "the order of 25 June, before the rollover, stands")
        #expect(closings["G9"] == "2027-06-30 graduation" && closings["N"] == "2027-06-30 promotion")
        let g9 = try await store.database.pool.read {
            try String.fetchOne(
                $0, sql: "SELECT effective_on FROM school_order WHERE student_id = 'G9' AND rollover_id IS NOT NULL")
        }
        #expect(g9 == "2027-06-30", "a graduate of grade 9 leaves on grade 9's last day")
        #expect(closings["P"] == "2027-05-31 promotion")
        #expect(next == #"{"11":"2028-06-30","9":"2028-06-30"}"#, "the new year has the school's grade ends")
        // Grade 9 is still there on 31 May: the old year's book ends with it.
        let may = try await store.database.movement(
            school: "school-a", years: [year], from: try #require(CalendarDate(iso: "2027-05-31")),
            to: try #require(CalendarDate(iso: "2027-05-31")))
        #expect(may.classes.first { $0.group == "9А" }.map(Self.counts) == [2, 0, 0, 2])
        #expect(may.classes.first { $0.group == "11А" }.map(Self.counts) == [1, 0, 0, 1], "G11 leaves on 25 June")
    }

    @Test("each outcome gets its own kind of order, with the council's order as basis, dated on the school's day")
    func ordersByOutcome() async throws {
        let (store, year, rollover) = try await Self.rolledOver()
        let orders = try store.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT student_id, kind, order_no, order_date, effective_on, basis, basis_order_no,
                        basis_order_date, destination, class_to
                    FROM school_order WHERE rollover_id = ? AND year_id = ?
                    """, arguments: [rollover.id, year.id])
        }
        let kinds = Dictionary(uniqueKeysWithValues: orders.map { ($0["student_id"] as String, $0["kind"] as String) })
        #expect(
            kinds == [
                "P": "promotion", "C": "conditional_promotion", "R": "retention", "A": "adapted_programme",
                "T": "transfer_out", "L": "withdrawal", "N": "promotion", "G9": "graduation", "G11": "graduation",
            ])
        for order in orders {
            let student: String = order["student_id"]
            #expect(order["order_date"] as String == "2026-09-22", "the school's day in Moscow, not UTC's")
            #expect((order["order_no"] as String).contains(order["kind"] as String))
            let council = ["N", "G9", "G11"].contains(student) ? ("102-о", "2027-06-25") : ("95-о", "2027-05-28")
            #expect(
                order["basis_order_no"] as String? == council.0 && order["basis_order_date"] as String? == council.1)
            #expect((order["basis"] as String).contains("order \(council.0) of \(council.1)"))
            let stays = ["P", "C", "R", "A", "N"].contains(student)
            #expect(order["effective_on"] as String == (stays ? "2027-09-01" : "2027-05-31"), "\(student)")
        }
        #expect(orders.first { $0["student_id"] == "T" }?["destination"] as String? == "МБОУ СОШ № 7")
        #expect(orders.first { $0["student_id"] == "R" }?["class_to"] as String? == "5А")
        // Every old-year enrollment is closed on the last day by the order that decided it.
        let open = try store.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.student_id, e.to_date, e.closed_by, e.closing_order_no, o.kind
                    FROM enrollment e
                    LEFT JOIN school_order o ON o.school_id = e.school_id AND o.student_id = e.student_id
                        AND o.order_no = e.closing_order_no
                    WHERE e.year_id = ?
                    """, arguments: [year.id])
        }
        #expect(open.count == 9)
        for row in open {
            #expect(row["to_date"] as String? == "2027-05-31")
            #expect(row["closed_by"] as String? == row["kind"] as String?, "\(row)")
        }
    }

    @Test("the new year's book opens with those who stay; both years and the span across them balance every day")
    func movementAcrossTheBoundary() async throws {
        let (store, year, rollover) = try await Self.rolledOver()
        let next = try #require(try await store.database.years(of: ["school-a"]).first { $0.id == rollover.toYearID })
        func book(_ from: String, _ to: String, _ years: [AcademicYear]) async throws -> (
            classes: [MovementLine], school: MovementLine
        ) {
            try await store.database.movement(
                school: "school-a", years: years, from: try #require(CalendarDate(iso: from)),
                to: try #require(CalendarDate(iso: to)))
        }
        // The old year: the opening roll of 9, four leave on its last day (two graduates, a transfer, a
        // withdrawal), the five who stay are there at its end.
        let old = try await book("2026-09-01", "2027-05-31", [year])
        #expect(Self.counts(old.school) == [9, 0, 4, 5])
        #expect(
            old.classes.map { "\($0.group ?? "") \($0.start)-\($0.left)=\($0.end)" } == [
                "5А 6-2=4", "9А 2-1=1", "11А 1-1=0",
            ])
        // The new year's first day: those who stay are its opening count, not arrivals; the orders are listed.
        let first = try await book("2027-09-01", "2027-09-01", [next])
        #expect(Self.counts(first.school) == [5, 0, 0, 5])
        #expect(first.school.orders.count == 4, "promotion, conditional promotion, retention, adapted programme")
        #expect(first.classes.map { "\($0.group ?? "") \($0.start)" } == ["5А 1", "6А 2", "6К 1", "10А 1"])
        // Every day of September balances and follows the day before.
        var previous = first.school.start
        for day in 1...30 {
            let date = String(format: "2027-09-%02d", day)
            let line = try await book(date, date, [next]).school
            #expect(line.start == previous && line.start + line.arrived - line.left == line.end, "\(date)")
            previous = line.end
        }
        // A period across the rollover: the school's line spans both years; each class is named with its year.
        let span = try await book("2027-05-01", "2027-09-30", [year, next])
        #expect(Self.counts(span.school) == [9, 0, 4, 5])
        // Each class line as counted by hand: the old classes empty as their students move on, the new fill.
        #expect(
            span.classes.map { "\($0.group ?? "") \($0.year ?? "") \(Self.counts($0))" } == [
                "5А 2026/2027 [6, 0, 6, 0]", "9А 2026/2027 [2, 0, 2, 0]", "11А 2026/2027 [1, 0, 1, 0]",
                "5А 2027/2028 [0, 1, 0, 1]", "6А 2027/2028 [0, 2, 0, 2]", "6К 2027/2028 [0, 1, 0, 1]",
                "10А 2027/2028 [0, 1, 0, 1]",
            ])
        // Over the summer those who stay are still in their old classes, until the new year's first day.
        let summer = try await book("2027-06-15", "2027-08-31", [year])
        #expect(Self.counts(summer.school) == [5, 0, 0, 5])
        #expect(
            summer.classes.map { "\($0.group ?? "") \(Self.counts($0))" } == [
                "5А [4, 0, 0, 4]", "9А [1, 0, 0, 1]", "11А [0, 0, 0, 0]",
            ])
        let into = try await book("2027-08-20", "2027-09-10", [year, next])
        #expect(Self.counts(into.school) == [5, 0, 0, 5])
        let june = try await book("2027-05-01", "2027-06-30", [year])
        #expect(Self.counts(june.school) == [9, 0, 4, 5])
    }

    @Test("a rollover request files the close readiness errors the approval would refuse, for both to see")
    func requestShowsReadiness() async throws {
        let (store, year) = try await Self.closing()
        let request = try await store.database.fileRolloverRequest(
            year: year.id, reason: "end of year", settings: RolloverSettings(), caller: store.admin,
            policy: store.policy, lifetime: 3600, now: Self.lateEvening)
        let summary = try #require(request.payload.rollover?.summary)
        #expect(summary.contains { $0.hasPrefix("close readiness: ") && $0.contains("refuses unless accepted") })
        #expect(summary.contains("  consent.missing: 9 findings"), "\(summary)")
        // Kept as notes too, which say the same lines in the approver's language.
        let notes = try #require(request.payload.rollover?.notes)
        #expect(notes.map(\.english) == summary)
        #expect(notes.contains(Note("readiness-check", ["check": "consent.missing", "count": "9"])))
        // The coordinator reads the same lines.
        let shown = try await store.database.request(id: request.id)
        #expect(shown?.payload.rollover?.summary == summary)
    }

    @Test("a year's grade ends: the school's by default, overridden at creation, refused outside the school or year")
    func gradeEndsAtCreation() async throws {
        let store = try await StoreFixture()
        func create(_ label: String, _ ends: [Int: String]) async throws -> AcademicYear {
            try await store.database.createYear(
                school: "school-a", label: try #require(YearLabel(label)), startDate: nil, endDate: nil,
                gradeEnds: ends.compactMapValues { CalendarDate(iso: $0) }, caller: store.admin, now: StoreFixture.t0)
        }
        let year = try await create("2026/2027", [9: "2027-06-20"])
        #expect(year.gradeEnds.mapValues(\.description) == [9: "2027-06-20"])
        #expect(try await store.database.year(id: year.id)?.gradeEnds == year.gradeEnds)
        await #expect { _ = try await create("2027/2028", [12: "2028-06-30"]) } throws: {
            "\($0)".contains("grade 12 is not taught at school-a (1-11)")
        }
        await #expect { _ = try await create("2027/2028", [9: "2029-06-30"]) } throws: {
            "\($0)".contains("grade 9's last day 2029-06-30 must fall after the start 2027-09-01, in 2028")
        }
    }

    @Test("closing freezes the day-to-day data: only year grades, decisions and departure orders change")
    func closingFreezes() async throws {
        let (store, year) = try await Self.closing()
        let before = try await store.auditCount()
        // A whole kind of day-to-day data is refused with the state named, and nothing is written.
        await #expect {
            try await store.importText(.classes, "class,grade,letter\n5Б,5,Б\n", year: year)
        } throws: { "\($0)".contains("the year 2026/2027 is closing: its classes are frozen") }
        // Within the kinds that do change, the rows of day-to-day data are the import's problems.
        let grades = try await store.importText(
            .grades, "student_id,subject_id,period,grade\nP,math,q4,5\n", year: year)
        #expect(grades.problems.contains { $0.message.contains("a q4 grade is day-to-day data, frozen now") })
        let orders = try await store.importText(
            .orders,
            """
            order_no,order_date,kind,student_id,class_from,class_to,effective_on,basis,destination
            130-п,2027-05-20,class_change,P,5А,9А,2027-05-20,,
            131-в,2027-05-20,withdrawal,L,5А,,2027-05-20,переезд,

            """, year: year)
        #expect(orders.problems.map(\.line) == [2], "\(orders.problems)")
        #expect(
            orders.problems.first?.message.contains("an order of the kind 'class_change' waits for the next year")
                == true)
        #expect(try await store.auditCount() == before, "a refused import changes nothing")
        let stored = try await store.database.pool.read {
            try Int.fetchOne(
                $0, sql: "SELECT (SELECT count(*) FROM school_class) * 1000 + (SELECT count(*) FROM school_order)")
        }
        #expect(stored == 3000, "no class and no order was written")
        // What the year-end needs is taken.
        let decisions = try await store.importText(
            .decisions,
            "student_id,outcome,debts,deadline,target_class,order_no,order_date,destination\n"
                + "L,left,,,,95-о,2027-05-28,\n", year: year)
        #expect(decisions.problemCount == 0, "\(decisions.problems)")
    }

    @Test("certificates fit the grade and are numbered once; retakes clear a carried debt, at most twice, in time")
    func certificatesAndRetakes() async throws {
        let (store, year) = try await Self.closing()
        let certificates = try await store.importText(
            .certificates,
            """
            student_id,kind,number,issued_on,honours
            P,basic,9-100,2027-06-25,
            G9,secondary,9-101,2027-06-25,
            G9,basic,9-001,2027-06-25,

            """, year: year)
        #expect(certificates.problems.map(\.line) == [2, 3, 4], "\(certificates.problems)")
        #expect(certificates.problems.map(\.message).contains { $0.contains("does not fit the student's grade") })
        #expect(certificates.problems.last?.message.contains("certificate number 9-001 is another student's") == true)
        try await Self.rollOver(store, year)
        let next = try #require(try await store.database.years(of: ["school-a"]).first { $0.label.startYear == 2027 })
        // C carries a debt in math (deadline 15 October 2027) into the new year.
        let retakes = try await store.importText(
            .retakes,
            """
            student_id,subject,attempt,taken_on,result
            C,Math,1,2027-09-20,2
            C,math,2,2027-10-20,4
            C,физика,1,2027-09-20,5
            P,math,1,2027-09-20,5

            """, year: next)
        #expect(retakes.problems.map(\.line) == [3, 4, 5], "\(retakes.problems)")
        #expect(retakes.problems.first?.message.contains("after the debt's deadline") == true)
        let first = try await store.importText(
            .retakes, "student_id,subject,attempt,taken_on,result\nC,Math,1,2027-09-20,2\n", year: next)
        #expect(first.problemCount == 0, "\(first.problems)")
        // After the deadline the debt is overdue; a passing second retake in time would have cleared it.
        func overdue(_ day: String) async throws -> [String] {
            try await store.database.runChecks(
                school: "school-a", year: next, checks: ["debt.overdue"], settings: CheckSettings(), cause: .manual,
                caller: nil, now: try #require(ISO8601DateFormatter().date(from: day + "T12:00:00Z"))
            ).findings.map(\.entityID)
        }
        #expect(try await overdue("2027-10-01") == [])
        #expect(try await overdue("2027-10-16") == ["C"])
        let second = try await store.importText(
            .retakes, "student_id,subject,attempt,taken_on,result\nC,math,2,2027-10-10,3\n", year: next)
        #expect(second.problemCount == 0, "\(second.problems)")
        #expect(try await overdue("2027-10-16") == [])
    }

    @Test("assignments follow a class only for subjects its new grade's curriculum has; a merge keeps whom it names")
    func carriedAssignments() async throws {
        let (store, year) = try await Self.closing()
        // --teacher-from names a class that leads to the target; another is refused with those that do.
        await #expect {
            try await store.database.setRolloverOverride(
                year: year, from: "9А", to: "10А", teacherFrom: "11А", caller: store.admin, now: Self.lateEvening)
        } throws: { "\($0)".contains("'11А' does not lead to 10А; the classes that do: 9А") }
        try await store.database.setRolloverOverride(
            year: year, from: "9А", to: "10А", teacherFrom: "9А", caller: store.admin, now: Self.lateEvening)
        let plan = try await store.database.rolloverPlan(of: year, settings: RolloverSettings())
        #expect(
            plan.summaryLines.contains(
                "class 6А: 5А's assignments of world are not carried: grade 6's curriculum lacks them"))
        try await Self.rollOver(store, year)
        let assignments = try await store.database.pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT a.class_name || ' ' || a.subject_id FROM assignment a JOIN academic_year y ON y.id = a.year_id
                    WHERE y.label = '2027/2028'
                    """)
        }
        #expect(assignments == ["6А math"], "world is not taught in grade 6")
    }

    @Test(
        "arrivals at any grade: applications with their guardian and consent, transfers enrolled ahead, the book's numbers"
    )
    func arrivalsAtAnyGrade() async throws {
        let (store, year) = try await Self.closing()
        let applications = try await store.importText(
            .applications,
            """
            application_id,last_name,first_name,middle_name,birth_date,gender,grade,status,submitted_on,guardian_name,guardian_phone,guardian_email,class,consent_on
            A10,Смирнов,Олег,,2012-03-03,М,10,accepted,2027-06-10,Смирнова Елена Петровна,+7 912 000-11-22,,10А,2027-06-20
            A1,Малышева,Ева,,2021-01-10,Ж,1,accepted,2027-04-01,Мама,,,,
            A9,Позднов,Иван,,2012-01-01,М,10,accepted,2027-06-10,,,,9А,

            """, year: nil)
        #expect(applications.problems.map(\.line) == [3, 4], "\(applications.problems)")
        #expect(applications.problems.first?.message.contains("'Мама' is not a full name") == true)
        #expect(applications.problems.last?.message.contains("the class 9А is not of the grade applied for") == true)
        let good = try await store.importText(
            .applications,
            """
            application_id,last_name,first_name,middle_name,birth_date,gender,grade,status,submitted_on,guardian_name,guardian_phone,guardian_email,class,consent_on
            A10,Смирнов,Олег,,2012-03-03,М,10,accepted,2027-06-10,Смирнова Елена Петровна,+7 912 000-11-22,,10А,2027-06-20
            A1,Малышева,Ева,,2021-01-10,Ж,1,accepted,2027-04-01,,,,,

            """, year: nil)
        #expect(good.problemCount == 0, "\(good.problems)")
        // A transfer enrolled ahead into the prepared next year, which has its 10А.
        let next = try await store.createYear("2027/2028")
        try await store.load(
            [
                (.classes, "class,grade,letter,profile,class_type,class_teacher_id,capacity\n10А,10,А,физмат,,T1,25\n"),
                (
                    .students,
                    "student_id,last_name,first_name,middle_name,birth_date,gender\nT2,Новикова,Вера,,2011-09-09,Ж\n"
                ),
                (
                    .orders,
                    "order_no,order_date,kind,student_id,class_from,class_to,effective_on,basis,destination\n"
                        + "7-т,2027-08-20,transfer_in,T2,,10А,2027-09-01,заявление родителя,\n"
                ),
            ], year: next)
        try await Self.rollOver(store, year)
        let (students, guardians, consents) = try await store.database.pool.read { db in
            (
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.id, s.personal_file_no, e.class_name, e.opened_by FROM student s
                        JOIN enrollment e ON e.school_id = s.school_id AND e.student_id = s.id AND e.year_id = ?
                        WHERE s.id IN ('A10', 'A1', 'T2', 'N')
                        """, arguments: [next.id]
                ).reduce(into: [String: String]()) {
                    $0[$1["id"]] =
                        "\($1["personal_file_no"] as String? ?? "-") \($1["class_name"] as String) \($1["opened_by"] as String)"
                },
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT student_id || ' ' || last_name || ' ' || first_name || ' ' || middle_name || ' ' || phone FROM guardian WHERE student_id IN ('A10', 'A1')"
                ),
                try String.fetchAll(
                    db, sql: "SELECT person_id || ' ' || signed_on FROM consent WHERE person_id IN ('A10', 'A1')")
            )
        }
        #expect(students["A1"] == "10 1А enrollment" && students["A10"] == "11 10А enrollment", "\(students)")
        #expect(students["T2"] == "- 10А transfer_in" && students["N"] == "7 10А promotion")
        #expect(
            guardians == ["A10 Смирнова Елена Петровна +7 912 000-11-22"], "A1's application names no guardian")
        #expect(consents == ["A10 2027-06-20"])
        let first = try await store.database.movement(
            school: "school-a", years: [next], from: next.startDate, to: next.startDate)
        #expect(Self.counts(first.school) == [5, 3, 0, 8], "the five who stay, then T2, A10 and A1 arrive")
    }

    @Test("a rollover applied before the year-end migration: its stayers' old enrollments are closed by their order")
    func upgradedRollover() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yeard-ye-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("yeard.sqlite").path
        do {
            // The state a rollover of the earlier code left: the stayer's old enrollment still open.
            let old = try DatabasePool(path: path)
            try Migrations.migrator().migrate(old, upTo: "2026-11-29-rollovers")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO school (id, name, time_zone, first_grade, last_grade, graduating_grades,
                            default_start, default_end, start_skips_sunday)
                            VALUES ('s', 's', 'UTC', 1, 11, '[9,11]', '09-01', '05-31', 1);
                        INSERT INTO academic_year (id, school_id, label, start_date, end_date, state, version,
                            created_at, updated_at) VALUES (1, 's', '2026/2027', '2026-09-01', '2027-05-31', 'closing',
                            1, 't', 't');
                        INSERT INTO approval_request (id, school_id, year_id, event, payload, payload_hash,
                            year_version, requester_uid, requester_name, created_at, expires_at, status, decider_uid,
                            decider_name, decided_at) VALUES (1, 's', 1, 'close', '{}', printf('%064d', 0), 1, 1, 'a',
                            '2027-06-01', '2027-06-02', 'approved', 2, 'c', '2027-06-01');
                        INSERT INTO rollover (id, school_id, from_year_id, to_year_id, to_year_label, created_year,
                            request_id, plan_hash, summary, fingerprint, state, applied_at)
                            VALUES (1, 's', 1, 2, '2027/2028', 1, 1, printf('%064d', 0), '[]', '{}', 'applied', 't');
                        INSERT INTO academic_year (id, school_id, label, start_date, end_date, state, version,
                            created_at, updated_at, rollover_id) VALUES (2, 's', '2027/2028', '2027-09-01',
                            '2028-05-31', 'open', 1, 't', 't', 1);
                        INSERT INTO school_class (year_id, school_id, name, grade, letter) VALUES (1, 's', '5А', 5, 'А'),
                            (2, 's', '6А', 6, 'А');
                        INSERT INTO student (school_id, id, last_name, first_name, birth_date, gender)
                            VALUES ('s', 'P', 'Иванов', 'Пётр', '2015-01-01', 'M');
                        INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, opened_by, basis)
                            VALUES (1, 's', 'P', '5А', '2026-09-01', 'import', 'import');
                        INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, order_no,
                            opened_by, basis, rollover_id) VALUES (2, 's', 'P', '6А', '2027-09-01', '2027-promotion-1',
                            'promotion', 'year rollover from 5А', 1);
                        INSERT INTO school_order (school_id, order_no, student_id, year_id, order_date, kind, class_from,
                            class_to, effective_on, basis, rollover_id) VALUES ('s', '2027-promotion-1', 'P', 1,
                            '2027-06-01', 'promotion', '5А', '6А', '2027-09-01', 'year rollover: promoted', 1);
                        UPDATE academic_year SET state = 'closed', version = 2 WHERE id = 1;
                        """)
            }
            try old.close()
        }
        let database = try YearDatabase(path: path)
        let closed = try database.pool.read {
            try Row.fetchOne(
                $0,
                sql:
                    "SELECT to_date, closed_by, closing_order_no, closing_rollover_id FROM enrollment WHERE year_id = 1"
            )
        }
        #expect(closed?["to_date"] == "2027-05-31" && closed?["closed_by"] == "promotion")
        #expect(closed?["closing_order_no"] == "2027-promotion-1" && closed?["closing_rollover_id"] == 1 as Int64)
        let next = try #require(try await database.year(id: 2))
        let first = try await database.movement(school: "s", years: [next], from: next.startDate, to: next.startDate)
        #expect(Self.counts(first.school) == [1, 0, 0, 1], "the stayer continues, counted once")
        try database.close()
    }

    @Test("the opening roll of a year is its start count on the first day, not an arrival")
    func openingRoll() async throws {
        let (store, year) = try await Self.closing()
        let first = try await store.database.movement(
            school: "school-a", years: [year], from: year.startDate, to: year.startDate)
        #expect(Self.counts(first.school) == [9, 0, 0, 9])
        #expect(first.classes.allSatisfy { $0.arrived == 0 })
    }
}
