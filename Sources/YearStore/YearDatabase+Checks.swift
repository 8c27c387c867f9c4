import Foundation
import GRDB
import YearCore

extension YearDatabase {
    /// How many runs of each school are kept (older ones are deleted with their findings after each run).
    public static let defaultRunsKept = 60

    /// Runs `checks` (default: every check of the catalogue) over `year` of `school`, stores the run and its findings,
    /// and returns them. The checks read on a reader connection, one set-based statement each, in one snapshot, so
    /// that runs of several schools go on at once (one per core) and the control socket's reads are never held
    /// up; only the findings are then written, in one short transaction.
    public func runChecks(
        school: String, year: AcademicYear, checks: [String]? = nil, settings: CheckSettings,
        cause: CheckRunCause, caller: Caller?, keep: Int = YearDatabase.defaultRunsKept, now: Date = Date()
    ) async throws -> CheckRun {
        try Self.validateChecks(checks)
        let clock = ContinuousClock.now
        let (definitions, findings) = try await pool.read { db in
            try Self.findings(school: school, year: year, checks: checks, settings: settings, now: now, in: db)
        }
        let finished = Self.finished(started: now, clock: clock)
        // Not through `write`: a run changes nothing the status snapshot shows, so the snapshot stays cached and
        // the status calls made meanwhile do not recompute it for every school's run.
        return try await pool.write { db in
            try Self.store(
                school: school, year: year, checks: definitions, findings: findings, cause: cause, caller: caller,
                keep: keep, started: now, finished: finished, in: db)
        }
    }

    /// When a run that started at `started` (by the wall clock) and `clock` (by the monotonic one) finishes: now,
    /// by the monotonic clock, so that an injected start time keeps its run's duration.
    static func finished(started: Date, clock: ContinuousClock.Instant) -> Date {
        let elapsed = ContinuousClock.now - clock
        return started.addingTimeInterval(
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func validateChecks(_ checks: [String]?) throws {
        guard let checks else { return }
        if checks.isEmpty { throw YearError.invalid("checks", "name-a-check") }
        try CheckCatalogue.requireKnown(checks, field: "checks")
    }

    /// The run, inside a write transaction the caller holds (an approval runs its readiness checks in its own, so
    /// that they judge exactly the data the transition will see).
    static func runChecks(
        school: String, year: AcademicYear, checks: [String]?, settings: CheckSettings, cause: CheckRunCause,
        caller: Caller?, keep: Int, now: Date, in db: Database
    ) throws -> CheckRun {
        let clock = ContinuousClock.now
        let (definitions, findings) = try findings(
            school: school, year: year, checks: checks, settings: settings, now: now, in: db)
        let finished = Self.finished(started: now, clock: clock)
        return try store(
            school: school, year: year, checks: definitions, findings: findings, cause: cause, caller: caller,
            keep: keep, started: now, finished: finished, in: db)
    }

    /// What the checks find: the school's working sets go into temporary tables (the connection's own), then each
    /// check's one SELECT runs over them and the registry.
    static func findings(
        school: String, year: AcademicYear, checks: [String]?, settings: CheckSettings, now: Date, in db: Database
    ) throws -> (checks: [CheckDefinition], findings: [Finding]) {
        guard year.school == school else { throw YearError.yearNotFound(id: year.id) }
        let wanted = Set(checks ?? CheckCatalogue.all.map(\.id))
        let definitions = CheckCatalogue.all.filter { wanted.contains($0.id) }
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT time_zone, last_grade FROM school WHERE id = ?", arguments: [school])
        else { throw YearError.schoolNotFound(school: school) }
        let zone: String = row["time_zone"]
        guard let today = CalendarDate(now, timeZone: zone) else {
            throw YearError.internalFailure(reason: "no calendar date for \(now) in \(zone)")
        }
        let arguments: StatementArguments = [
            "school": school, "year": year.id, "start": year.startDate.description, "end": year.endDate.description,
            "start_year": year.startDate.year, "today": today.description, "last_grade": row["last_grade"] as Int,
            "age_min": settings.ageOffsetMin, "age_max": settings.ageOffsetMax, "capacity": settings.defaultCapacity,
            "max_periods": settings.maxTeacherPeriods, "adult_age": settings.adultAge,
        ]
        for statement in CheckQueries.finish { try db.cachedStatement(sql: statement).execute() }
        for statement in CheckQueries.prepare { try db.cachedStatement(sql: statement).execute(arguments: arguments) }
        defer { for statement in CheckQueries.finish { try? db.cachedStatement(sql: statement).execute() } }
        var findings: [Finding] = []
        for definition in definitions {
            guard let query = CheckQueries.byID[definition.id] else {
                throw YearError.internalFailure(reason: "the check \(definition.id) has no query")
            }
            let severity = settings.severity(of: definition)
            // Cached: each connection keeps each check's compiled statement from one run to the next.
            let rows = try Row.fetchCursor(db.cachedStatement(sql: query), arguments: arguments)
            var found: [Finding] = []
            while let row = try rows.next() {
                // Every check gives its sentence's parameters, said here in English for `message`.
                let params = Self.params(row["params"])
                let english = params.flatMap { FindingMessages.message(check: definition.id, params: $0, .english) }
                found.append(
                    Finding(
                        check: definition.id, severity: severity, entityKind: definition.entityKind,
                        entityID: Self.text(row, "entity_id") ?? "?", className: Self.text(row, "class_name"),
                        message: english ?? definition.summary, params: params))
            }
            findings += found.sorted { $0.entityID < $1.entityID }
        }
        return (definitions, findings)
    }

    /// A finding's parameters from the JSON object its query built (numbers as their digits, nulls left out), or
    /// nil when there is none.
    static func params(_ text: String?) -> [String: String]? {
        guard let text, case .object(let object)? = try? StrictJSON.parse(Array(text.utf8)) else { return nil }
        var params: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case .string(let text): params[key] = text
            case .int(let number): params[key] = String(number)
            case .double(let number): params[key] = String(number)
            case .bool(let flag): params[key] = flag ? "1" : "0"
            // A list of clauses (the classes of a conflict, the reasons of a decision): its JSON, which
            // `FindingMessages` reads item by item.
            case .array, .object: params[key] = value.canonicalText
            default: continue
            }
        }
        return params
    }

    /// A column as text whatever SQLite typed it (a number as its digits), or nil for NULL: a query's result never
    /// stops a run.
    static func text(_ row: Row, _ column: String) -> String? {
        let value: DatabaseValue = row[column]
        switch value.storage {
        case .null: return nil
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        }
    }

    /// Stores a run and its findings (one statement for all of them), and keeps only the school's last `keep` runs.
    static func store(
        school: String, year: AcademicYear, checks definitions: [CheckDefinition], findings: [Finding],
        cause: CheckRunCause, caller: Caller?, keep: Int, started: Date, finished: Date, in db: Database
    ) throws -> CheckRun {
        let errors = findings.filter { $0.severity == .error }.count
        try db.execute(
            sql: """
                INSERT INTO check_run (school_id, year_id, started_at, finished_at, cause, checks, errors, warnings, uid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                school, year.id, StoredTime.text(started), StoredTime.text(finished), cause.rawValue,
                JSONValue.array(definitions.map { .string($0.id) }).canonicalText, errors, findings.count - errors,
                caller.map { Int64($0.uid) },
            ])
        let run = db.lastInsertedRowID
        if !findings.isEmpty {
            let rows = JSONValue.array(
                findings.map { finding in
                    .array([
                        .string(finding.check), .string(finding.severity.rawValue), .string(finding.entityKind),
                        .string(finding.entityID), finding.className.map(JSONValue.string) ?? .null,
                        .string(finding.message),
                        finding.params.map { params in
                            .string(JSONValue.object(params.mapValues(JSONValue.string)).canonicalText)
                        } ?? .null,
                    ])
                })
            try db.execute(
                sql: """
                    INSERT INTO check_finding
                        (run_id, check_id, severity, entity_kind, entity_id, class_name, message, params)
                    SELECT :run, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                        value ->> 6
                    FROM json_each(:rows)
                    """, arguments: ["run": run, "rows": rows.canonicalText])
        }
        try db.execute(
            sql: """
                DELETE FROM check_run WHERE school_id = :school AND id NOT IN (
                    SELECT id FROM check_run WHERE school_id = :school ORDER BY id DESC LIMIT :keep)
                """, arguments: ["school": school, "keep": max(keep, 2)])
        return CheckRun(
            id: run, school: school, year: year, startedAt: started, finishedAt: finished, cause: cause,
            checks: definitions.map(\.id), findings: findings)
    }

    /// The last run of `school` (of `year`, when given), and the run before it of the same year.
    public func lastChecks(school: String, year: AcademicYear?) async throws -> (last: CheckRun?, previous: CheckRun?) {
        try await pool.read { db in
            let ids = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, year_id FROM check_run WHERE school_id = :school AND (:year IS NULL OR year_id = :year)
                    ORDER BY id DESC LIMIT 1
                    """, arguments: ["school": school, "year": year?.id])
            guard let last = ids.first else { return (nil, nil) }
            let previousID = try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM check_run WHERE school_id = :school AND year_id = :year AND id < :last
                    ORDER BY id DESC LIMIT 1
                    """, arguments: ["school": school, "year": last["year_id"] as Int64, "last": last["id"] as Int64])
            return (
                try Self.fetchRun(id: last["id"], in: db),
                try previousID.flatMap { try Self.fetchRun(id: $0, in: db) }
            )
        }
    }

    static func fetchRun(id: Int64, in db: Database) throws -> CheckRun? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM check_run WHERE id = ?", arguments: [id]),
            let year = try fetchYear(id: row["year_id"], in: db)
        else { return nil }
        var checks: [String] = []
        if case .array(let values)? = JSONValue.parseCanonical(row["checks"] as String) {
            checks = values.compactMap { if case .string(let id) = $0 { id } else { nil } }
        }
        return CheckRun(
            id: id, school: row["school_id"], year: year, startedAt: StoredTime.date(row["started_at"]),
            finishedAt: StoredTime.date(row["finished_at"]),
            cause: CheckRunCause(rawValue: row["cause"]) ?? .manual, checks: checks,
            findings: try fetchFindings(run: id, in: db))
    }

    static func fetchFindings(run: Int64, in db: Database) throws -> [Finding] {
        let order = Dictionary(uniqueKeysWithValues: CheckCatalogue.all.enumerated().map { ($1.id, $0) })
        return try Row.fetchAll(
            db,
            sql: """
                SELECT check_id, severity, entity_kind, entity_id, class_name, message, params FROM check_finding
                WHERE run_id = ? ORDER BY check_id, entity_id
                """, arguments: [run]
        ).map { row in
            Finding(
                check: row["check_id"], severity: Severity(rawValue: row["severity"]) ?? .error,
                entityKind: row["entity_kind"], entityID: row["entity_id"], className: row["class_name"],
                message: row["message"], params: params(row["params"]))
        }.sorted { (order[$0.check] ?? .max, $0.entityID) < (order[$1.check] ?? .max, $1.entityID) }
    }
}

/// The counts of a school's last run, for status lines and metrics.
public struct CheckRunSummary: Sendable, Equatable {
    /// The run's id, school, year, cause, when it started and finished, and what it found.
    public var id: Int64, school: String, yearID: Int64, cause: CheckRunCause, startedAt: Date, finishedAt: Date,
        errors: Int, warnings: Int
}

extension YearDatabase {
    /// The last run of each school, by school id (one query).
    public func lastRunSummaries() async throws -> [String: CheckRunSummary] {
        try await pool.read { db in try Self.lastRunSummaries(in: db) }
    }

    /// What the metrics file shows, read in one snapshot: the years of `schools`, each school's last run, and that
    /// run's findings counted by check.
    public func metricsSnapshot(of schools: [String]) async throws -> (
        years: [AcademicYear], runs: [String: CheckRunSummary],
        counts: [String: (checks: [String], counts: [String: Int])]
    ) {
        try await pool.read { db in
            (try Self.years(of: schools, in: db), try Self.lastRunSummaries(in: db), try Self.lastRunCounts(in: db))
        }
    }

    static func lastRunSummaries(in db: Database) throws -> [String: CheckRunSummary] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, school_id, year_id, cause, started_at, finished_at, errors, warnings FROM check_run
                WHERE id IN (SELECT max(id) FROM check_run GROUP BY school_id)
                """)
        return Dictionary(
            uniqueKeysWithValues: rows.map { row in
                (
                    row["school_id"] as String,
                    CheckRunSummary(
                        id: row["id"], school: row["school_id"], yearID: row["year_id"],
                        cause: CheckRunCause(rawValue: row["cause"]) ?? .manual,
                        startedAt: StoredTime.date(row["started_at"]),
                        finishedAt: StoredTime.date(row["finished_at"]),
                        errors: row["errors"], warnings: row["warnings"])
                )
            })
    }

    /// When the last scheduled run of `school` started, if there was one.
    public func lastScheduledRun(school: String) async throws -> Date? {
        try await pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT max(started_at) FROM check_run WHERE school_id = ? AND cause = 'schedule'",
                arguments: [school]
            ).map(StoredTime.date)
        }
    }
}

extension YearDatabase {
    /// The findings of each school's last run, counted by check (one query), with the checks that run ran.
    public func lastRunCounts() async throws -> [String: (checks: [String], counts: [String: Int])] {
        try await pool.read { db in try Self.lastRunCounts(in: db) }
    }

    static func lastRunCounts(in db: Database) throws -> [String: (checks: [String], counts: [String: Int])] {
        var result: [String: (checks: [String], counts: [String: Int])] = [:]
        let runs = try Row.fetchAll(
            db,
            sql: """
                SELECT id, school_id, checks FROM check_run
                WHERE id IN (SELECT max(id) FROM check_run GROUP BY school_id)
                """)
        for run in runs {
            var checks: [String] = []
            if case .array(let values)? = JSONValue.parseCanonical(run["checks"] as String) {
                checks = values.compactMap { if case .string(let id) = $0 { id } else { nil } }
            }
            result[run["school_id"]] = (checks, [:])
        }
        let counts = try Row.fetchAll(
            db,
            sql: """
                SELECT r.school_id, f.check_id, count(*) AS n FROM check_run r
                JOIN check_finding f ON f.run_id = r.id
                WHERE r.id IN (SELECT max(id) FROM check_run GROUP BY school_id)
                GROUP BY r.school_id, f.check_id
                """)
        for row in counts {
            result[row["school_id"], default: ([], [:])].counts[row["check_id"]] = row["n"]
        }
        return result
    }
}
