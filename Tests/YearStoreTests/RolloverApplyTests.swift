import Foundation
import GRDB
import Testing
import YearCore

@testable import YearStore

@Suite("Applying and undoing a rollover")
struct RolloverApplyTests {
    /// Every check accepted: these tests are about the rollover, not about the readiness gate (tested elsewhere).
    static let gate = ReadinessGate(accepted: Set(CheckCatalogue.all.map(\.id)))

    /// A generated school whose year is closing.
    static func closing(seed: UInt64) async throws -> (StoreFixture, AcademicYear, [RegistryKind: String]) {
        let (store, year, files) = try await MovementTests.loadGenerated(seed: seed)
        var current = year
        for (offset, event) in [(10.0, YearEvent.start), (20.0, .beginClosing)] {
            let request = try await store.file(current, event, at: offset)
            current = try await store.database.approveRequest(
                id: request.id, reason: "ok", shownHash: request.payloadHash, caller: store.coordinator,
                policy: store.policy, readiness: gate, now: StoreFixture.t0.addingTimeInterval(offset + 1)
            ).year
        }
        #expect(current.state == .closing)
        return (store, current, files)
    }

    static func request(_ store: StoreFixture, _ year: AcademicYear, at offset: TimeInterval = 100) async throws
        -> ApprovalRequest
    {
        try await store.database.fileRolloverRequest(
            year: year.id, reason: "end of year", settings: RolloverSettings(), caller: store.admin,
            policy: store.policy, lifetime: 3600, now: StoreFixture.t0.addingTimeInterval(offset))
    }

    static func approve(_ store: StoreFixture, _ request: ApprovalRequest, at offset: TimeInterval = 101)
        async throws -> ApprovalOutcome
    {
        try await store.database.approveRequest(
            id: request.id, reason: "as planned", shownHash: request.payloadHash, caller: store.coordinator,
            policy: store.policy, readiness: gate, now: StoreFixture.t0.addingTimeInterval(offset))
    }

    /// The school's data in a canonical text: every table but the bookkeeping ones (audit, requests, rollovers,
    /// check runs), rows sorted; a year's version and update time are bookkeeping too.
    static func dump(_ store: StoreFixture) async throws -> [String: [String]] {
        try await store.database.pool.read { db in
            let skip: Set<String> = [
                "audit_log", "approval_request", "rollover", "check_run", "check_finding", "grdb_migrations",
                "sqlite_sequence",
            ]
            var out: [String: [String]] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            where !skip.contains(table) {
                let columns = try db.columns(in: table).map(\.name).filter {
                    !(table == "academic_year" && ($0 == "version" || $0 == "updated_at"))
                }
                out[table] = try String.fetchAll(
                    db,
                    sql: "SELECT json_array(\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) FROM \(table)"
                ).sorted()
            }
            return out
        }
    }

    @Test("a generated school rolls over: per-class counts as the decisions say, one class and one order each")
    func appliesGeneratedSchool() async throws {
        let (store, year, files) = try await Self.closing(seed: 7)
        let request = try await Self.request(store, year)
        #expect(request.payload.rollover?.summary.isEmpty == false)
        let outcome = try await Self.approve(store, request)
        #expect(outcome.year.state == .closed)
        let rollover = try #require(outcome.rollover)
        let newYear = try #require(rollover.toYearID)
        // The expected counts come from the decisions file alone.
        var expected: [String: Int] = [:]
        var students = 0
        for line in (files[.decisions] ?? "").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            students += 1
            if fields[1] != "graduated" { expected[fields[4], default: 0] += 1 }
        }
        let (expectedCounts, studentCount) = (expected, students)
        try await store.database.pool.read { db in
            let counts = try Row.fetchAll(
                db,
                sql: """
                    SELECT class_name, count(*) AS n FROM enrollment WHERE year_id = ?
                        AND opened_by IN ('promotion', 'conditional_promotion', 'retention', 'adapted_programme')
                    GROUP BY class_name
                    """, arguments: [newYear]
            ).reduce(into: [String: Int]()) { $0[$1["class_name"]] = $1["n"] }
            #expect(counts == expectedCounts)
            let twice = try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM (SELECT student_id FROM enrollment WHERE year_id = ? AND to_date IS NULL
                    GROUP BY student_id HAVING count(*) > 1)
                    """, arguments: [newYear])
            #expect(twice == 0, "no student in two classes")
            let orders = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.student_id, (SELECT count(*) FROM school_order o WHERE o.school_id = e.school_id
                        AND o.student_id = e.student_id AND o.year_id = e.year_id AND o.rollover_id = ?) AS n
                    FROM enrollment e WHERE e.year_id = ? AND (e.to_date IS NULL OR e.closing_rollover_id = ?)
                    """, arguments: [rollover.id, year.id, rollover.id])
            #expect(orders.count == studentCount)
            #expect(orders.allSatisfy { ($0["n"] as Int) == 1 }, "every old-year student has exactly one order")
            let state = try String.fetchOne(
                db, sql: "SELECT state FROM academic_year WHERE id = ?", arguments: [newYear])
            #expect(state == "open")
            let untagged = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM enrollment WHERE year_id = ? AND rollover_id IS NOT ?",
                arguments: [newYear, rollover.id])
            #expect(untagged == 0, "every row the rollover created carries its lineage")
            let admitted = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM enrollment WHERE year_id = ? AND opened_by = 'enrollment'",
                arguments: [newYear])
            let accepted = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM application WHERE status = 'enrolled' AND rollover_id = ?",
                arguments: [rollover.id])
            #expect(admitted == accepted && (admitted ?? 0) > 0, "the accepted applications form the first grade")
        }
        // The old year is closed for good: a write into it is refused by the database.
        #expect(throws: (any Error).self) {
            try store.raw("UPDATE school_class SET capacity = 29 WHERE year_id = \(year.id)")
        }
        try await Self.expectOrdersAndBook(store, files: files, rollover: rollover, oldYear: year)
    }

    /// Every order of the rollover has the kind of its student's outcome and the decision's council order as basis
    /// (both from the decisions file alone); the new year's book opens with exactly the students who stay and
    /// balances, day after day, through September.
    static func expectOrdersAndBook(
        _ store: StoreFixture, files: [RegistryKind: String], rollover: RolloverRecord, oldYear: AcademicYear
    ) async throws {
        var decided: [String: (kind: String, council: String, date: String)] = [:]
        for line in (files[.decisions] ?? "").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let outcome = try #require(PromotionOutcome(rawValue: fields[1]))
            decided[fields[0]] = (outcome.orderKind.rawValue, fields[5], fields[6])
        }
        let orders = try store.database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT student_id, kind, basis_order_no, basis_order_date FROM school_order
                    WHERE rollover_id = ? AND year_id = ?
                    """, arguments: [rollover.id, oldYear.id])
        }
        #expect(orders.count == decided.count)
        for order in orders {
            let expected = try #require(decided[order["student_id"]])
            #expect(order["kind"] as String == expected.kind)
            #expect(order["basis_order_no"] as String? == expected.council)
            #expect(order["basis_order_date"] as String? == expected.date)
        }
        let staying = decided.values.filter { OrderKind(rawValue: $0.kind)?.isContinuation == true }.count
        let next = try #require(
            try await store.database.years(of: ["school-a"]).first { $0.id == rollover.toYearID })
        var previous: Int?
        for day in 1...30 {
            let date = try #require(CalendarDate(year: next.startDate.year, month: 9, day: day))
            let line = try await store.database.movement(school: "school-a", years: [next], from: date, to: date).school
            if day == 1 { #expect(line.start == staying, "the opening count is the students who stay") }
            if let previous { #expect(line.start == previous, "\(date)") }
            #expect(line.start + line.arrived - line.left == line.end, "\(date)")
            previous = line.end
        }
    }

    @Test("a plan whose data changed after the request is refused as stale, and nothing is written")
    func staleRefused() async throws {
        let (store, year, _) = try await Self.closing(seed: 8)
        let request = try await Self.request(store, year)
        try store.raw(
            """
            UPDATE decision SET outcome = 'retained', debts = NULL, deadline = NULL, target_class = NULL
            WHERE rowid = (SELECT min(rowid) FROM decision WHERE outcome = 'promoted')
            """)
        let before = try await Self.dump(store)
        do {
            _ = try await Self.approve(store, request)
            Issue.record("a stale plan was approved")
        } catch let error as YearError {
            guard case .planStale = error else { throw error }
        }
        #expect(try await Self.dump(store) == before, "a refused approval changes nothing")
    }

    @Test("a rollover is applied once: a second approval or a second request is refused")
    func appliedOnce() async throws {
        let (store, year, _) = try await Self.closing(seed: 9)
        let request = try await Self.request(store, year)
        _ = try await Self.approve(store, request)
        let after = try await Self.dump(store)
        await #expect(throws: YearError.self) { try await Self.approve(store, request, at: 102) }
        await #expect(throws: YearError.self) { try await Self.request(store, year, at: 103) }
        #expect(try await Self.dump(store) == after)
    }

    @Test("the admin who requested a rollover cannot approve it, even when also granted the coordinator role")
    func selfApprovalRefused() async throws {
        let (store, year, _) = try await Self.closing(seed: 11)
        let both = AccessPolicy(
            grants: store.policy.grants + [RoleGrant(role: .coordinator, subject: .uid(1001), school: nil)])
        let request = try await Self.request(store, year)
        let before = try await Self.dump(store)
        do {
            _ = try await store.database.approveRequest(
                id: request.id, reason: "my own", shownHash: request.payloadHash, caller: store.admin, policy: both,
                readiness: Self.gate, now: StoreFixture.t0.addingTimeInterval(101))
            Issue.record("the requester approved their own rollover")
        } catch let error as YearError {
            guard case .selfApproval = error else { throw error }
        }
        #expect(try await Self.dump(store) == before)
    }

    @Test("undo restores exactly the state before the rollover, and is refused after a later change")
    func undo() async throws {
        let (store, year, _) = try await Self.closing(seed: 10)
        let before = try await Self.dump(store)
        let outcome = try await Self.approve(store, try await Self.request(store, year))
        let rollover = try #require(outcome.rollover)
        let newYear = try #require(rollover.toYearID)
        // A change in the new year blocks the undo, and the refusal names it.
        try store.raw("UPDATE school_class SET capacity = 31 WHERE year_id = \(newYear) AND name = '2А'")
        do {
            _ = try await store.database.fileUndoRequest(
                year: year.id, reason: "mistake", caller: store.admin, policy: store.policy, lifetime: 3600,
                now: StoreFixture.t0.addingTimeInterval(200))
            Issue.record("the undo was filed although the new year changed")
        } catch let error as YearError {
            guard case .rolloverChanged(_, let changes) = error else { throw error }
            #expect(changes.contains { $0.params["table"] == "school_class" }, "\(changes)")
            #expect(changes.contains { $0.english.hasPrefix("the classes of 2027/2028: rows changed") }, "\(changes)")
        }
        try store.raw("UPDATE school_class SET capacity = 30 WHERE year_id = \(newYear) AND name = '2А'")
        // A consent recorded for a child the rollover admitted blocks it too (the undo would orphan it).
        try store.raw(
            """
            INSERT INTO consent (school_id, person_kind, person_id, signed_on)
            SELECT school_id, 'student', id, '2027-08-30' FROM student WHERE rollover_id = \(rollover.id) LIMIT 1
            """)
        await #expect(throws: YearError.self) {
            try await store.database.fileUndoRequest(
                year: year.id, reason: "mistake", caller: store.admin, policy: store.policy, lifetime: 3600,
                now: StoreFixture.t0.addingTimeInterval(250))
        }
        try store.raw("DELETE FROM consent WHERE signed_on = '2027-08-30'")
        let undo = try await store.database.fileUndoRequest(
            year: year.id, reason: "mistake", caller: store.admin, policy: store.policy, lifetime: 3600,
            now: StoreFixture.t0.addingTimeInterval(300))
        let undone = try await store.database.approveRequest(
            id: undo.id, reason: "agreed", shownHash: undo.payloadHash, caller: store.coordinator,
            policy: store.policy, now: StoreFixture.t0.addingTimeInterval(301))
        #expect(undone.year.state == .closing && undone.rollover?.state == .undone)
        #expect(try await Self.dump(store) == before, "the undo restores the school's data exactly")
        // The plan can be requested and applied again after an undo.
        let again = try await Self.approve(store, try await Self.request(store, undone.year, at: 400), at: 401)
        #expect(again.year.state == .closed)
    }
}
