import Foundation
import GRDB
import YearCore

extension YearDatabase {
    /// Creates the year `label` at `school` in state `open`. Dates default to the school's configured ones; so do
    /// the grades that end on their own day (`gradeEnds` adds to and overrides them).
    public func createYear(
        school schoolID: String, label: YearLabel, startDate: CalendarDate?, endDate: CalendarDate?,
        gradeEnds: [Int: CalendarDate] = [:], caller: Caller, now: Date = Date()
    ) async throws -> AcademicYear {
        try await write { db in
            guard
                let school = try StoredSchool.filter(
                    StoredSchool.Columns.id == schoolID && StoredSchool.Columns.configured == true
                ).fetchOne(db)?.school
            else { throw YearError.schoolNotFound(school: schoolID) }
            guard let defaults = school.defaultDates(for: label) else {
                throw YearError.invalid("label", "default-dates", ["year": label.description])
            }
            let start = startDate ?? defaults.start
            let end = endDate ?? defaults.end
            guard start.year == label.startYear else {
                throw YearError.invalid(
                    "startDate", "start-not-in-first",
                    ["date": start.description, "first": String(label.startYear), "year": label.description])
            }
            guard end.year == label.startYear + 1 else {
                throw YearError.invalid(
                    "endDate", "end-not-in-second",
                    ["date": end.description, "second": String(label.startYear + 1), "year": label.description])
            }
            guard start < end else {
                throw YearError.invalid(
                    "endDate", "end-before-start", ["date": end.description, "start": start.description])
            }
            let ends = school.defaultGradeEnds(for: label).merging(gradeEnds) { $1 }
            for (grade, day) in ends.sorted(by: { $0.key < $1.key }) {
                guard (school.firstGrade...school.lastGrade).contains(grade) else {
                    throw YearError.invalid(
                        "gradeEnds", "grade-not-taught",
                        [
                            "grade": String(grade), "school": schoolID, "first": String(school.firstGrade),
                            "last": String(school.lastGrade),
                        ])
                }
                guard day > start, day.year == label.startYear + 1 else {
                    throw YearError.invalid(
                        "gradeEnds", "grade-end-out",
                        [
                            "grade": String(grade), "date": day.description, "start": start.description,
                            "second": String(label.startYear + 1),
                        ])
                }
            }
            let exists = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM academic_year WHERE school_id = ? AND label = ?",
                arguments: [schoolID, label.description])
            if exists == true { throw YearError.yearExists(school: schoolID, label: label.description) }
            let stamp = StoredTime.text(now)
            try db.execute(
                sql: """
                    INSERT INTO academic_year (school_id, label, start_date, end_date, state, version, created_at,
                        updated_at, grade_ends)
                    VALUES (?, ?, ?, ?, 'open', 1, ?, ?, ?)
                    """,
                arguments: [
                    schoolID, label.description, start.description, end.description, stamp, stamp,
                    ends.canonicalGradeEnds.canonicalText,
                ])
            let year = AcademicYear(
                id: db.lastInsertedRowID, school: schoolID, label: label, startDate: start, endDate: end, state: .open,
                version: 1, gradeEnds: ends)
            try Self.appendAudit(
                AuditEvent(
                    caller: caller, role: Role.admin.rawValue, school: schoolID, action: .yearCreate,
                    target: "year:\(year.id)",
                    details: .object([
                        "label": .string(label.description), "startDate": .string(start.description),
                        "endDate": .string(end.description), "gradeEnds": ends.canonicalGradeEnds,
                    ])),
                at: now, in: db)
            return year
        }
    }

    /// The years of `schools`, newest label first.
    public func years(of schools: [String]) async throws -> [AcademicYear] {
        try await pool.read { db in try Self.years(of: schools, in: db) }
    }

    static func years(of schools: [String], in db: Database) throws -> [AcademicYear] {
        try StoredYear.filter(schools.contains(StoredYear.Columns.school))
            .order(StoredYear.Columns.school, StoredYear.Columns.label.desc)
            .fetchAll(db).map(\.year)
    }

    /// The year with this id, or nil.
    public func year(id: Int64) async throws -> AcademicYear? {
        try await pool.read { db in try Self.fetchYear(id: id, in: db) }
    }

    static func fetchYear(id: Int64, in db: Database) throws -> AcademicYear? {
        try StoredYear.fetchOne(db, key: id)?.year
    }

    static func fetchOtherYears(of year: AcademicYear, in db: Database) throws -> [AcademicYear] {
        try StoredYear.filter(StoredYear.Columns.school == year.school && StoredYear.Columns.id != year.id)
            .fetchAll(db).map(\.year)
    }
}

/// One school's years and waiting requests, read in one transaction for `Status`.
public struct SchoolSnapshot: Sendable, Equatable {
    /// The school's id.
    public var school: String
    /// Its years that are not closed.
    public var years: [AcademicYear]
    /// How many requests wait for a decision (not yet expired).
    public var pendingRequests: Int
}

/// A status snapshot kept in memory until a write or the next expiry makes it stale.
struct CachedStatus: Sendable {
    var generation: UInt64
    var validUntil: Date
    var schools: [SchoolSnapshot]
    var auditHead: String?
}

extension YearDatabase {
    /// The years and pending-request counts of `schools`, and the audit head, read in one transaction.
    ///
    /// Status is the call monitoring polls, so the snapshot is served from memory until the store's next write
    /// (every write goes through `write`, which moves the generation, except the runs of checks, which change
    /// nothing the snapshot shows) or the next pending request's expiry.
    public func statusSnapshot(of schools: [String], now: Date = Date()) async throws -> (
        schools: [SchoolSnapshot], auditHead: String?
    ) {
        let key = schools.joined(separator: "\u{0}")
        let current = generation.load(ordering: .acquiring)
        if let cached = statusCache.withLock({ $0[key] }), cached.generation == current, now < cached.validUntil {
            return (cached.schools, cached.auditHead)
        }
        let fresh = try await pool.read { db in try Self.readStatus(of: schools, now: now, in: db) }
        statusCache.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = CachedStatus(
                generation: current, validUntil: fresh.validUntil, schools: fresh.schools, auditHead: fresh.auditHead)
        }
        return (fresh.schools, fresh.auditHead)
    }

    static func readStatus(of schools: [String], now: Date, in db: Database) throws -> (
        schools: [SchoolSnapshot], auditHead: String?, validUntil: Date
    ) {
        let list = JSONValue.array(schools.map(JSONValue.string)).canonicalText
        let years = try StoredYear.filter(
            schools.contains(StoredYear.Columns.school) && StoredYear.Columns.state != YearState.closed.rawValue
        ).order(StoredYear.Columns.school, StoredYear.Columns.label).fetchAll(db).map(\.year)
        var pending: [String: Int] = [:]
        var firstExpiry = Date.distantFuture
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT school_id, count(*) AS n, min(expires_at) AS first FROM approval_request
                WHERE status = 'pending' AND expires_at > ? AND school_id IN (SELECT value FROM json_each(?))
                GROUP BY school_id
                """, arguments: [StoredTime.text(now), list])
        {
            pending[row["school_id"]] = row["n"]
            firstExpiry = min(firstExpiry, StoredTime.date(row["first"]))
        }
        let head = try String.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        let bySchool = Dictionary(grouping: years, by: \.school)
        return (
            schools.map { SchoolSnapshot(school: $0, years: bySchool[$0] ?? [], pendingRequests: pending[$0] ?? 0) },
            head, firstExpiry
        )
    }
}
