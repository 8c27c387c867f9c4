import Foundation
import GRDB
import YearCore

/// The SQL that `yeard-bench` hands to the sqlite3 command-line tool: its seeding shortcuts and its floors (the
/// least the same rows cost without yeard), written here beside the schema they know, so that a migration that
/// renames a column changes them with it. The floors stay measured by sqlite3, on statements the store gives out.
public enum BenchmarkStatements {
    /// How many students the database holds.
    public static let countStudents = "SELECT count(*) FROM student"

    /// How many final grades the database holds.
    public static let countGrades = "SELECT count(*) FROM final_grade"

    /// The floor of a run of checks: one pass over the largest table the checks read.
    public static let checksFloor = countGrades

    /// Every year of every school moved to `closing` as the pedagogical councils leave them, without the
    /// transitions (which the rollover benchmark does not measure), and the WAL checkpointed.
    public static let closeEveryYear = """
        UPDATE academic_year SET state = 'closing', version = version + 1;
        PRAGMA wal_checkpoint(TRUNCATE);
        """

    /// ОО-1's statement as the daemon runs it for a region's schools, with their requests written into the text (the
    /// sqlite3 CLI binds no JSON parameter): each year of `years` counted on its reference day (20 September of the
    /// year it starts in), ages on 1 January after. No final semicolon.
    public static func oo1(years: [(school: String, id: Int64, start: CalendarDate)]) -> String {
        let requests = YearDatabase.oo1Requests(
            years.map { year in
                let day = OO1Report.referenceDay(yearStart: year.start)
                return (year.school, year.id, day, OO1Report.ageDay(for: day, yearStart: year.start))
            })
        let literal = "'" + requests.replacingOccurrences(of: "'", with: "''") + "'"
        return YearDatabase.oo1Statement.replacingOccurrences(of: ":requests", with: literal)
    }

    /// The honest floor of `yeard-bench xlsx`'s region call: `oo1(years:)` on one connection with the daemon's
    /// reader cache, printing only how many groups it made (a script for the CLI's `.read`).
    public static func oo1Floor(years: [(school: String, id: Int64, start: CalendarDate)]) -> String {
        "PRAGMA cache_size = -\(YearDatabase.readerCacheKiB);\nSELECT count(*) FROM (\(oo1(years: years)));\n"
    }

    /// Every year of the database: school, id and first day, for `oo1(years:)`.
    public static let everyYear = "SELECT school_id || '|' || id || '|' || start_date FROM academic_year ORDER BY id"

    /// The milliseconds the rollovers' applies took (recompute, writes, fingerprint), as their audit rows record.
    public static let rolloverApplyMilliseconds =
        "SELECT sum(json_extract(details, '$.applyMs')) FROM audit_log WHERE action = 'rollover.apply'"

    /// The per-school tables, parents first.
    static let schoolTables = [
        "staff", "subject", "school_class", "study_period", "student", "enrollment", "school_order", "guardian",
        "consent", "application", "curriculum", "assignment", "schedule_slot", "final_grade", "decision",
        "certificate",
    ]

    /// Copies every per-school row of the school `source` to each other school of the database at `path` (which
    /// has a year at every school), mapping the school and its year, in one transaction; then checkpoints the WAL
    /// (so that the daemon's first write does not, in the middle of a measurement). Each copy of a student gets a
    /// SNILS of its own, with a right check number, made from the copy's school and the student's personal-file
    /// number (0001/N): the same SNILS at two schools is what `student.multiple-classes` looks for.
    public static func cloneSchool(_ source: String, database path: String) throws -> String {
        let columns = try columns(of: schoolTables, database: path)
        let school = source.replacingOccurrences(of: "'", with: "''")
        var sql = """
            PRAGMA foreign_keys = OFF;
            BEGIN IMMEDIATE;
            CREATE TEMP TABLE m AS SELECT s.id AS school, y.id AS year FROM school s
                JOIN academic_year y ON y.school_id = s.id WHERE s.id <> '\(school)';

            """
        let snils = """
            (SELECT d || printf('%02d', CASE WHEN s < 100 THEN s WHEN s < 102 THEN 0
                WHEN s % 101 = 100 THEN 0 ELSE s % 101 END)
            FROM (SELECT d, (SELECT sum(CAST(substr(d, value, 1) AS INTEGER) * (10 - value)) FROM generate_series(1, 9)) AS s
                FROM (SELECT printf('%09d', 1002000 + m.rowid * 2000
                + CAST(substr(t.personal_file_no, instr(t.personal_file_no, '/') + 1) AS INTEGER)) AS d)))
            """
        for table in schoolTables {
            // An enrollment's id is its own; every other table's id is part of the copied row.
            let copied = columns[table, default: []].filter { !(table == "enrollment" && $0 == "id") }
            let values = copied.map {
                $0 == "school_id"
                    ? "m.school"
                    : $0 == "year_id" ? "m.year" : (table == "student" && $0 == "snils") ? snils : "t.\"\($0)\""
            }
            sql += """
                INSERT INTO \(table) (\(copied.map { "\"\($0)\"" }.joined(separator: ","))) SELECT \(values.joined(separator: ",")) FROM \(table) t, m WHERE t.school_id = '\(school)';

                """
        }
        return sql + "COMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\n"
    }

    /// The floor of an import of students: the rows of `school`'s students and their enrollments, already parsed
    /// and checked, stored again in yeard's own schema (its constraints, indexes and triggers) by plain INSERT ...
    /// SELECT. `prepare` copies them aside, deletes them and vacuums (so that the database grows again as during the
    /// import; not timed); `measured` is the floor.
    public static func importFloor(school: String) -> (prepare: String, measured: String) {
        let school = school.replacingOccurrences(of: "'", with: "''")
        let prepare = """
            PRAGMA foreign_keys = ON;
            CREATE TABLE floor_rows AS SELECT s.*, e.year_id, e.class_name, e.from_date, e.opened_by, e.basis
                FROM student s LEFT JOIN enrollment e ON e.school_id = s.school_id AND e.student_id = s.id
                WHERE s.school_id = '\(school)';
            DELETE FROM final_grade WHERE school_id = '\(school)';
            DELETE FROM enrollment WHERE school_id = '\(school)';
            DELETE FROM student WHERE school_id = '\(school)';
            VACUUM;
            """
        let measured = """
            PRAGMA foreign_keys = ON;
            PRAGMA synchronous = FULL;
            BEGIN IMMEDIATE;
            INSERT INTO student (school_id, id, last_name, first_name, middle_name, birth_date, gender,
                    personal_file_no, snils, enrolled_on)
                SELECT school_id, id, last_name, first_name, middle_name, birth_date, gender, personal_file_no, snils,
                    enrolled_on
                FROM floor_rows;
            INSERT INTO enrollment (year_id, school_id, student_id, class_name, from_date, opened_by, basis)
                SELECT year_id, school_id, id, class_name, from_date, opened_by, basis FROM floor_rows
                WHERE class_name IS NOT NULL;
            COMMIT;
            """
        return (prepare, measured)
    }

    /// The floor of the rollovers applied in a database: the rows they wrote, copied again with plain INSERT ...
    /// SELECT in one transaction.
    public struct RolloverFloor: Sendable {
        /// The tables whose rows a rollover tags with its `rollover_id` (read from the schema).
        public let tables: [String]
        /// Queries whose counts add up to the rows written: each table's tagged rows, and the old year's
        /// enrollments the rollovers closed (`closing_rollover_id`).
        public let counts: [String]
        /// Makes the empty copies (not timed).
        public let prepare: String
        /// The floor: copies every written row.
        public let measured: String
        /// Drops the copies and vacuums.
        public let cleanUp: String
    }

    /// The floor of the rollovers applied in the database at `path`. Rows a rollover writes without a lineage tag
    /// (the guardians and consents of admitted applicants) are not in it.
    public static func rolloverFloor(database path: String) throws -> RolloverFloor {
        let queue = try DatabaseQueue(path: path)
        let tables = try queue.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p
                    WHERE m.type = 'table' AND p.name = 'rollover_id' ORDER BY m.name
                    """)
        }
        try queue.close()
        let copies =
            tables.map { ("floor_\($0)", $0, "rollover_id") } + [("floor_closed", "enrollment", "closing_rollover_id")]
        return RolloverFloor(
            tables: tables,
            counts: copies.map { _, table, column in "SELECT count(*) FROM \(table) WHERE \(column) IS NOT NULL" },
            prepare: copies.map { copy, table, _ in "CREATE TABLE \(copy) AS SELECT * FROM \(table) WHERE 0;" }
                .joined(separator: "\n"),
            measured: "BEGIN;\n"
                + copies.map { copy, table, column in
                    "INSERT INTO \(copy) SELECT * FROM \(table) WHERE \(column) IS NOT NULL;"
                }.joined(separator: "\n") + "\nCOMMIT;",
            cleanUp: copies.map { copy, _, _ in "DROP TABLE \(copy);" }.joined(separator: "\n") + "\nVACUUM;")
    }

    /// The columns of each of `tables` in the database at `path`, in their order.
    static func columns(of tables: [String], database path: String) throws -> [String: [String]] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            try Dictionary(uniqueKeysWithValues: tables.map { table in (table, try db.columns(in: table).map(\.name)) })
        }
    }
}
